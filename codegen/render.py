"""Render the artifacts' text from model arrays — the Python predictor, its JavaScript twin and the drawing page:
pure, no files written."""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import types
from pathlib import Path

import jinja2
import numpy as np

import runtime
import runtime.prepare
import runtime.reading
from codegen.arrays import CHECK_ROWS, LOGIT_TOLERANCE, ModelArrays
from codegen.literals import (
    COMPACT,
    float32_array,
    int32_array,
    int64_array,
    js_float32_array,
    js_integer_array,
    python_literal,
    scaled_integers,
    whole_float32_array,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "digits_infer.py.j2"
MODULE_TEMPLATE = "digits_infer.mjs.j2"
PAGE_TEMPLATE = "digits_infer.html.j2"


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
    env.filters["js_float32_array"] = js_float32_array
    env.filters["int32_array"] = int32_array
    env.filters["whole_float32_array"] = whole_float32_array
    env.filters["js_integer_array"] = js_integer_array
    env.globals["COMPACT"] = COMPACT
    env.filters["scaled_integers"] = scaled_integers
    return env


def template_sha256(name: str = TEMPLATE_NAME) -> str:
    """SHA-256 of a template file's bytes: part of the artifact's provenance."""
    return hashlib.sha256((TEMPLATE_DIR / name).read_bytes()).hexdigest()


ARTIFACT_CODE = ("# " + "-" * 84 + " begin artifact code\n", "# " + "-" * 84 + " end artifact code\n")


def artifact_code(module: types.ModuleType) -> str:
    """The code between a module's "begin artifact code" and "end artifact code" markers, verbatim: hand-written
    NumPy code that the artifact and the training side share (one copy, so they cannot drift)."""
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    begin, end = (source.index(marker) for marker in ARTIFACT_CODE)
    return source[begin:end].split("\n", 1)[1].strip("\n")  # without the marker line


def runtime_code() -> str:
    """The runtime every artifact ships: each of `runtime.ARTIFACT_MODULES`' marked code, in order."""
    return "\n\n\n".join(artifact_code(importlib.import_module(name)) for name in runtime.ARTIFACT_MODULES)


def runtime_sha256() -> str:
    """SHA-256 of the spliced runtime code: part of the artifact's provenance, beside the template's."""
    return hashlib.sha256(runtime_code().encode("utf-8")).hexdigest()


def _one_line(value: object) -> str:
    """A value for a header comment: the same escaping as everywhere, on one line."""
    return python_literal(value, indent=None)


def render(arrays: ModelArrays) -> str:
    """The complete source of `digits_infer.py` for `arrays`; identical input gives identical text.

    Two passes: the first file computes the float32 logits of its own check inputs on this machine, and their
    SHA-256 goes into the second, which is the result (the digest cannot change the logits it hashes)."""
    return render_python(arrays)[0]


def render_python(arrays: ModelArrays) -> tuple[str, str]:
    """(`render(arrays)`, the check digest the rendered file records)."""
    draft = _render(arrays, check_sha256="0" * 64)
    digest = _check_digest(draft)
    return _render(arrays, check_sha256=digest), digest


def _check_digest(source: str) -> str:
    """What the artifact `source` computes as its check digest, run in memory under a private module name."""
    module = types.ModuleType("digits_infer_draft")
    exec(compile(source, "<digits_infer draft>", "exec"), module.__dict__)  # noqa: S102 - our own render
    return module.check_digest()


def _header(arrays: ModelArrays, meta: dict, template: str) -> dict[str, str]:
    """The values of the provenance header (`templates/header.j2`) both generated modules start with."""
    accuracy = {
        "train": round(meta["train_accuracy_torch"], 6),
        "test": round(meta["test_accuracy_torch"], 6),
        "split_seed": meta["split"]["split_seed"],
    }
    return {
        "weights_sha256": arrays.weights_sha256,
        "template_sha256": template_sha256(template),
        "runtime_sha256": runtime_sha256(),
        "summary": (
            f"layer sizes {_one_line(meta['layer_sizes'])}, hidden activation {_one_line(meta['activation'])}, "
            f"{_one_line(meta['n_parameters'])} parameters"
        ),
        "accuracy": _one_line(accuracy),
        "train_config": _one_line(meta["train_config"]),
    }


def _render(arrays: ModelArrays, check_sha256: str) -> str:
    meta = {**arrays.metadata, "check_logits_sha256": check_sha256}
    text = (
        _environment()
        .get_template(TEMPLATE_NAME)
        .render(
            **_header(arrays, meta, TEMPLATE_NAME),
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
            prepare_sha256=arrays.metadata["check_prepare_sha256"],
            prepare=arrays.prepare,
            runtime_code=runtime_code(),
            temperature=float(arrays.temperature),
            sure_at=float(arrays.sure_at),
        )
    )
    try:
        ast.parse(text)
    except SyntaxError as exc:
        raise RenderError(f"rendered artifact is not valid Python (line {exc.lineno}): {exc.msg}") from exc
    return text


def _script_json(value: object) -> str:
    """JSON that is also a safe JavaScript expression inside an HTML <script>: ASCII only (no U+2028), and no
    "</" or "<!--" that could end the script element early."""
    return json.dumps(value, ensure_ascii=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def render_module(arrays: ModelArrays, check_sha256: str) -> str:
    """`digits_infer.mjs`: the JavaScript twin of the Python artifact (same weights, same METADATA)."""
    meta = {**arrays.metadata, "check_logits_sha256": check_sha256}
    return (
        _environment()
        .get_template(MODULE_TEMPLATE)
        .render(
            **_header(arrays, meta, MODULE_TEMPLATE),
            metadata_json=_script_json(meta),
            classes=json.dumps([int(c) for c in arrays.classes]),
            input_scale=repr(float(arrays.input_scale)),
            pixel_min=repr(float(arrays.pixel_range[0])),
            pixel_max=repr(float(arrays.pixel_range[1])),
            temperature=repr(float(arrays.temperature)),
            sure_at=repr(float(arrays.sure_at)),
            layers=arrays.layers,
            prepare=arrays.prepare,
            prepare_constants={
                k: json.dumps(v) for k, v in runtime.prepare.PREPARE.items() if k not in arrays.prepare.__dict__
            },
            n_ink=runtime.prepare._ink_pixels(arrays.prepare.ink_fraction),
            reading_constants={k: json.dumps(v) for k, v in runtime.reading.READING.items()},
        )
    )


def render_page(arrays: ModelArrays, module_source: str) -> str:
    """`digits_infer.html`: one self-contained page to draw a digit, with the JavaScript module inlined."""
    return (
        _environment()
        .get_template(PAGE_TEMPLATE)
        .render(weights_sha256=arrays.weights_sha256, module_source=module_source.rstrip("\n"))
    )


def render_all(arrays: ModelArrays) -> dict[str, str]:
    """Every artifact's text by file suffix: ".py", ".mjs", ".html"."""
    python, digest = render_python(arrays)
    module = render_module(arrays, digest)
    return {".py": python, ".mjs": module, ".html": render_page(arrays, module)}
