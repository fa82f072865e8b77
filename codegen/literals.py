"""Python source text for values: the only place numbers and strings become code.

Every float32 is written in the shortest decimal that reads back to the same 32 bits, and every string goes through
`repr`, so whatever a checkpoint holds, the generated file parses and round-trips it exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

WIDTH = 116  # characters per line of array rows in the generated file


class LiteralError(ValueError):
    """A value cannot be written as an exact Python literal."""


def format_float32(value: float | np.floating) -> str:
    """Shortest decimal text that, read by Python as a float and stored as float32, gives back the same bits.

    Python reads the text as a float64 and NumPy rounds that to float32; the result is checked bit for bit, and the
    exact float64 text (always exact: float32 ⊂ float64) is the fallback should double rounding ever differ.
    """
    v = np.float32(value)
    if not np.isfinite(v):
        raise LiteralError(f"expected a finite float32, got {v!r}: NaN and infinities have no exact literal")
    candidates = (
        np.format_float_positional(v, unique=True, trim="0"),
        np.format_float_scientific(v, unique=True, trim="-", exp_digits=1),
    )
    text = min(candidates, key=len)  # positional wins ties
    if np.float32(float(text)).tobytes() != v.tobytes():
        text = repr(float(v))
    return text


def float32_rows(array: np.ndarray, indent: int) -> str:
    """Rows of a float32 vector or matrix as a (nested) tuple literal, wrapped to `WIDTH` columns.

    A tuple of constants compiles to a single constant, so the generated module imports fast.
    """
    array = np.asarray(array)
    if array.dtype != np.float32:
        raise LiteralError(f"expected a float32 array, got dtype {array.dtype}")
    if array.ndim == 1:
        return _wrap([format_float32(v) for v in array], indent)
    if array.ndim == 2:
        pad = " " * (indent + 4)
        rows = [pad + _wrap([format_float32(v) for v in row], indent + 4).lstrip() for row in array]
        return "(\n" + ",\n".join(rows) + ",\n" + " " * indent + ")"
    raise LiteralError(f"expected a 1-D or 2-D array, got shape {array.shape}")


def _wrap(items: list[str], indent: int) -> str:
    """`(a, b, c,)` broken into lines of at most `WIDTH` characters; a 1-tuple keeps its comma."""
    if len(items) == 1:
        return f"({items[0]},)"
    pad = " " * (indent + 4)
    lines: list[str] = []
    line = ""
    for item in items:
        piece = f"{item}, " if line else f"{pad}{item}, "
        if line and len(line) + len(piece) > WIDTH:
            lines.append(line.rstrip())
            piece = f"{pad}{item}, "
            line = ""
        line += piece
    lines.append(line.rstrip())
    return "(\n" + "\n".join(lines) + "\n" + " " * indent + ")"


def python_literal(value: Any, indent: int | None = 0) -> str:
    """Source text for a value of built-in types (None, bool, int, finite float, str, list, tuple, dict with str
    keys) such that `ast.literal_eval` of the text equals the value. Strings use `repr`, never hand-built quoting,
    so no string can end a literal or a comment early. `indent=None` writes everything on one line."""
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise LiteralError(f"expected a finite float, got {value!r}")
        return repr(float(value))
    deeper = None if indent is None else indent + 4
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise LiteralError(f"expected str keys in a dict, got {type(key).__name__} key {key!r}")
        items = [f"{key!r}: {python_literal(item, deeper)}" for key, item in value.items()]
        return _bracket("{", "}", items, indent)
    if isinstance(value, (list, tuple)):
        items = [python_literal(item, deeper) for item in value]
        if isinstance(value, tuple):
            return f"({items[0]},)" if len(items) == 1 else _bracket("(", ")", items, indent)
        return _bracket("[", "]", items, indent)
    raise LiteralError(f"cannot write a {type(value).__name__} as a Python literal: {value!r}")


def _bracket(open_: str, close: str, items: list[str], indent: int | None) -> str:
    """Items on one line when that fits (or when `indent` is None), else one item per line."""
    one_line = open_ + ", ".join(items) + close
    if indent is None or (indent + len(one_line) <= WIDTH and "\n" not in one_line):
        return one_line
    inner = " " * (indent + 4)
    return open_ + "\n" + "".join(f"{inner}{item},\n" for item in items) + " " * indent + close
