"""Render the artifact's source text from model arrays: pure, no files written."""

from __future__ import annotations

import ast
import hashlib
import types
from pathlib import Path

import jinja2
import numpy as np

from codegen.arrays import CHECK_ROWS, LOGIT_TOLERANCE, ModelArrays
from codegen.literals import float32_array, int64_array, python_literal

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "digits_infer.py.j2"


class RenderError(ValueError):
    """The rendered text is not valid Python (a template or escaping bug, never the user's fault)."""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python, not HTML; values are escaped by `python_literal`
    )
    env.filters["float32_array"] = float32_array
    env.filters["int64_array"] = int64_array
    env.filters["pyliteral"] = python_literal
    return env


def template_sha256() -> str:
    """SHA-256 of the template file's bytes: part of the artifact's provenance."""
    return hashlib.sha256((TEMPLATE_DIR / TEMPLATE_NAME).read_bytes()).hexdigest()


def _one_line(value: object) -> str:
    """A value for a header comment: the same escaping as everywhere, on one line."""
    return python_literal(value, indent=None)


def render(arrays: ModelArrays) -> str:
    """The complete source of `digits_infer.py` for `arrays`; identical input gives identical text.

    Two passes: the first file computes the float32 logits of its own check inputs on this machine, and their
    SHA-256 goes into the second, which is the result (the digest cannot change the logits it hashes)."""
    draft = _render(arrays, check_sha256="0" * 64)
    return _render(arrays, check_sha256=_check_digest(draft))


def _check_digest(source: str) -> str:
    """What the artifact `source` computes as its check digest, run in memory under a private module name."""
    module = types.ModuleType("digits_infer_draft")
    exec(compile(source, "<digits_infer draft>", "exec"), module.__dict__)  # noqa: S102 - our own render
    return module._check_digest()


def _render(arrays: ModelArrays, check_sha256: str) -> str:
    meta = {**arrays.metadata, "check_logits_sha256": check_sha256}
    summary = (
        f"layer sizes {_one_line(meta['layer_sizes'])}, hidden activation {_one_line(meta['activation'])}, "
        f"{_one_line(meta['n_parameters'])} parameters"
    )
    accuracy = _one_line(
        {
            "train": round(meta["train_accuracy_torch"], 6),
            "test": round(meta["test_accuracy_torch"], 6),
            "split_seed": meta["split"]["split_seed"],
        }
    )
    text = (
        _environment()
        .get_template(TEMPLATE_NAME)
        .render(
            weights_sha256=arrays.weights_sha256,
            template_sha256=template_sha256(),
            summary=summary,
            accuracy=accuracy,
            train_config=_one_line(meta["train_config"]),
            metadata=python_literal(meta),
            classes=python_literal(tuple(int(c) for c in arrays.classes)),
            input_scale=python_literal(float(arrays.input_scale)),
            pixel_min=python_literal(float(arrays.pixel_range[0])),
            pixel_max=python_literal(float(arrays.pixel_range[1])),
            layers=arrays.layers,
            self_test_images=np.asarray(arrays.self_test.images, dtype=np.int64),
            self_test_logits=np.ascontiguousarray(arrays.self_test.logits, dtype=np.float32),
            tolerance=LOGIT_TOLERANCE,
            check_rows=CHECK_ROWS,
            check_sha256=check_sha256,
        )
    )
    try:
        ast.parse(text)
    except SyntaxError as exc:
        raise RenderError(f"rendered artifact is not valid Python (line {exc.lineno}): {exc.msg}") from exc
    return text
