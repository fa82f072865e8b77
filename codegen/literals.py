"""Python source text for values: the only place numbers and strings become code.

Every float32 is written in the shortest decimal that reads back to the same 32 bits, and every string goes through
`repr`, so whatever a checkpoint holds, the generated file parses and round-trips it exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

WIDTH = 116  # characters per line of array rows in the generated file
COMPACT = ","  # the separator of whole-number weight matrices (`whole_float32_array`)


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


def float32_array(array: np.ndarray, indent: int = 0) -> str:
    """A float32 vector or matrix as a NumPy array literal: `np.array((…), dtype=np.float32)`, with nested tuples of
    shortest round-trip decimals, one commented block per matrix row (see `_numbers_array`)."""
    array = np.asarray(array)
    if array.dtype != np.float32:
        raise LiteralError(f"expected a float32 array, got dtype {array.dtype}")
    return _numbers_array(array, "np.float32", format_float32, indent)


INTEGER_LIMIT = 2**15  # the largest |integer| a weight may be written as; beyond it the float32 decimal is shorter


@dataclass(frozen=True)
class ScaledIntegers:
    """A float32 matrix (in, out) written exactly as `integers * 2**-exponents`, one exponent per column."""

    integers: np.ndarray  # int64 (in, out)
    exponents: np.ndarray  # int64 (out,)


def scaled_integers(weight: np.ndarray) -> ScaledIntegers | None:
    """`weight` as integers times a power of two per column (output), each column with the smallest exponent that
    makes all its values whole; None when some integer would exceed `INTEGER_LIMIT` (an ordinary float32 weight
    needs about 2**24) or when a weight is -0.0. Exact: the integers times 2**-exponents give back the same float32
    bits, which is checked.

    A model trained with `ModelConfig.weight_bits` has weights on such a grid, and "-3" is shorter than
    "-0.017578125" (README, "What the generated file looks like")."""
    weight = np.asarray(weight)
    if weight.dtype != np.float32 or weight.ndim != 2 or weight.size == 0 or not np.isfinite(weight).all():
        raise LiteralError(f"expected a finite non-empty float32 matrix, got {weight.dtype} {weight.shape}")
    mantissa, power = np.frexp(weight.astype(np.float64))  # weight = mantissa * 2**power, 0.5 <= |mantissa| < 1
    whole = np.abs(mantissa * 2.0**24).astype(np.int64)  # float32 has a 24-bit significand: whole is exact
    trailing = np.log2(np.where(whole != 0, whole & -whole, 1)).astype(np.int64)  # trailing zero bits (exact)
    needed = np.where(weight != 0, 24 - power - trailing, np.iinfo(np.int64).min)  # weight * 2**needed is odd
    exponents = needed.max(axis=0)
    exponents[exponents == np.iinfo(np.int64).min] = 0  # an all-zero column
    integers = np.ldexp(weight.astype(np.float64), exponents[np.newaxis, :])
    if np.abs(integers).max() > INTEGER_LIMIT:
        return None
    result = ScaledIntegers(integers.astype(np.int64), exponents.astype(np.int64))
    back = np.ldexp(result.integers.astype(np.float64), -result.exponents).astype(np.float32)
    if back.tobytes() != np.ascontiguousarray(weight).tobytes():  # a -0.0 has no whole-number form
        return None
    return result


def int64_array(array: np.ndarray, indent: int = 0) -> str:
    """An integer vector or matrix as `np.array((…), dtype=np.int64)` source, laid out like `float32_array`."""
    return _integer_array(array, "np.int64", indent)


def int32_array(array: np.ndarray, indent: int = 0) -> str:
    """`int64_array` with `dtype=np.int32`, the integer type `np.ldexp` pairs with float32 on every platform."""
    return _integer_array(array, "np.int32", indent, limit=2**31)


def whole_float32_array(array: np.ndarray, indent: int = 0) -> str:
    """Whole-number weights as a float32 array literal, each exact in float32, written compactly without a space
    after each comma (`np.array(((3,-17,0), …), dtype=np.float32)`): in a matrix of one- and two-digit numbers the
    spaces would be a third of the file."""
    return _integer_array(array, "np.float32", indent, limit=2**24, separator=COMPACT)


def _integer_array(array: np.ndarray, dtype: str, indent: int, limit: int = 2**63, separator: str = ", ") -> str:
    return _numbers_array(_integers(array, limit, dtype), dtype, _format_int, indent, separator)


def _integers(array: np.ndarray, limit: int = 2**63, dtype: str = "np.int64") -> np.ndarray:
    """`array` as int64 for a literal, checked: integers of magnitude at most `limit` (what `dtype` holds)."""
    array = np.asarray(array)
    if array.dtype.kind not in "iu":
        raise LiteralError(f"expected an integer array, got dtype {array.dtype}")
    if array.size and np.abs(array.astype(np.int64)).max() > limit:
        raise LiteralError(f"expected integers of magnitude at most {limit} for {dtype}, got {np.abs(array).max()}")
    return array.astype(np.int64)


def _format_int(value: Any) -> str:
    return str(int(value))


@dataclass(frozen=True)
class _Syntax:
    """How one language writes a nested sequence literal and a comment."""

    open: str
    close: str
    comment: str
    singleton_comma: bool  # Python's one-element tuple needs "(x,)"


PYTHON = _Syntax("(", ")", "#", singleton_comma=True)
JAVASCRIPT = _Syntax("[", "]", "//", singleton_comma=False)


def _numbers_array(array: np.ndarray, dtype: str, fmt: Callable[[Any], str], indent: int, separator: str = ", ") -> str:
    """`np.array(<tuple literal>, dtype=…)` for a 1-D or 2-D array; `ast.literal_eval` reads the literal back
    without running anything.

    Tuples, not lists: CPython folds a tuple of constants into one constant at compile time, so the bytecode cache
    holds each matrix ready-made (`nox -s bench` measures both layouts; the README records it)."""
    pad = " " * (indent + 4)
    body = _nested(array, fmt, indent + 4, PYTHON, separator)
    return f"np.array(\n{pad}{body},\n{pad}dtype={dtype},\n{' ' * indent})"


def js_float32_array(array: np.ndarray, indent: int = 0) -> str:
    """A float32 vector or matrix as a JavaScript array literal (nested for a matrix, a `// row i` comment per row)
    in the same shortest round-trip decimals as the Python artifact: JavaScript reads each as the same float64,
    and `Math.fround` of it is the same float32."""
    array = np.asarray(array)
    if array.dtype != np.float32:
        raise LiteralError(f"expected a float32 array, got dtype {array.dtype}")
    return _nested(array, format_float32, indent, JAVASCRIPT)


def js_integer_array(array: np.ndarray, indent: int = 0, separator: str = ", ") -> str:
    """An integer vector or matrix as a JavaScript array literal, laid out like `js_float32_array`; whole-number
    weights pass `separator=COMPACT` as the Python artifact writes them."""
    return _nested(_integers(array), _format_int, indent, JAVASCRIPT, separator)


def _nested(array: np.ndarray, fmt: Callable[[Any], str], indent: int, syntax: _Syntax, separator: str = ", ") -> str:
    """A 1-D or 2-D array as a nested sequence literal starting at column `indent`: one block per matrix row,
    preceded by a row comment."""
    if array.ndim not in (1, 2) or array.size == 0:
        raise LiteralError(f"expected a non-empty 1-D or 2-D array, got shape {array.shape}")
    pad = " " * indent
    if array.ndim == 1:
        return _sequence_lines([fmt(v) for v in array], pad, syntax, separator)
    inner = " " * (indent + 4)
    blocks = [
        f"{inner}{syntax.comment} row {i}\n{inner}{_sequence_lines([fmt(v) for v in row], inner, syntax, separator)},"
        for i, row in enumerate(array)
    ]
    return syntax.open + "\n" + "\n".join(blocks) + f"\n{pad}{syntax.close}"


def _sequence_lines(items: list[str], pad: str, syntax: _Syntax, separator: str = ", ") -> str:
    """`(a, b, …)` wrapped at the line width; continuation lines align one past the opening bracket."""
    lines = _chunks(items, WIDTH - len(pad) - 2, separator)
    text = (",\n" + pad + " ").join(lines)
    comma = "," if syntax.singleton_comma and len(items) == 1 else ""
    return f"{syntax.open}{text}{comma}{syntax.close}"


def _chunks(items: list[str], width: int, separator: str = ", ") -> list[str]:
    """Runs of `items` joined by `separator`, each at most `width` characters (a single longer item stands alone)."""
    chunks, line = [], ""
    for item in items:
        if line and len(line) + len(separator) + len(item) > width:
            chunks.append(line)
            line = item
        else:
            line = f"{line}{separator}{item}" if line else item
    chunks.append(line)
    return chunks


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
