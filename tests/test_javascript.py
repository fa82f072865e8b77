"""The JavaScript twin (`digits_infer.mjs`), run by Node.js: the same logits as the NumPy artifact bit for bit, the
same input contract in JavaScript's idiom, and the hostile-metadata escaping of the page."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from codegen.arrays import from_checkpoint
from codegen.render import render_all
from codegen.verify import js_parity
from tests.conftest import MODEL_ARTIFACT, import_file, needs_node
from tests.test_literals import HOSTILE
from train import checkpoint

pytestmark = needs_node

MODULE = MODEL_ARTIFACT.with_suffix(".mjs")


def node(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", "--input-type=module", "-e", code], cwd=cwd, capture_output=True, text=True, check=False
    )


def write_all(tmp_path: Path, texts: dict[str, str], stem: str = "variant") -> Path:
    for suffix, text in texts.items():
        (tmp_path / f"{stem}{suffix}").write_text(text, encoding="utf-8")
    return tmp_path / f"{stem}.py"


def test_committed_module_equals_numpy_bit_for_bit_on_11797_inputs() -> None:
    result = js_parity(MODEL_ARTIFACT, n_pictures=100)
    assert result.n_identical == result.n_inputs == 11_797
    assert result.n_prepare_identical >= 99


@pytest.mark.parametrize(("activation", "bits"), [("tanh", 0), ("sigmoid", 0), ("relu", 5)])
def test_every_activation_and_whole_number_weights_match_numpy(
    tiny_checkpoint: checkpoint.Checkpoint, activation: str, bits: int, tmp_path: Path
) -> None:
    from tests.tiny import tiny_config
    from train.loop import fit

    config = tiny_config(activation=activation, hidden=(12, 10), weight_bits=bits)
    ckpt = checkpoint.from_result(fit(config, progress=False))
    path = write_all(tmp_path, render_all(from_checkpoint(ckpt)))
    result = js_parity(path, n_pictures=10)
    assert result.n_identical == result.n_inputs


@pytest.mark.parametrize(
    ("expression", "error", "fragment"),
    [
        ("logits(null)", "TypeError", "expected 64 pixel values"),
        ("logits('x'.repeat(64))", "TypeError", "got string"),
        ("logits(new Array(63).fill(1))", "RangeError", "got 63"),
        ("logits(new Array(784).fill(1))", "RangeError", "prepare(picture)"),
        ("logits(new Array(64).fill(NaN))", "RangeError", "finite"),
        ("logits(new Array(64).fill(200))", "RangeError", "prepare()"),
        ("logits(new Array(64).fill(-1))", "RangeError", "standardised"),
        ("logits([...new Array(63).fill(1), '1'])", "TypeError", "pixel 63 is string"),
        ("prepare({data: new Uint8Array(784), width: 28, height: 28})", "RangeError", "no ink found"),
        (  # a photo of a blank sheet: grey paper with noise (a fixed pattern of +-6 around 230)
            (
                "prepare({data: Uint8Array.from({length: 90000}, (_, i) => 230 + ((i * 7919) % 13) - 6), "
                "width: 300, height: 300})"
            ),
            "RangeError",
            "no ink found",
        ),
        ("prepare({data: new Uint8Array(10), width: 28, height: 28})", "RangeError", "values per pixel"),
        ("prepare({data: new Uint8Array(49), width: 7, height: 7})", "RangeError", "at least 8x8"),
        ("prepare(42)", "TypeError", "expected a picture"),
    ],
)
def test_bad_input_gets_a_typed_error_that_says_what_was_expected(expression: str, error: str, fragment: str) -> None:
    code = (
        f"import {{ logits, prepare }} from {json.dumps(MODULE.as_uri())};\n"
        f"try {{ {expression}; console.log('no error'); }} "
        f"catch (e) {{ console.log(e.constructor.name + ': ' + e.message); }}"
    )
    out = node(code, MODULE.parent).stdout.strip()
    assert out.startswith(f"{error}: "), out
    assert fragment in out


def _pictures(digits: tuple) -> dict[str, np.ndarray]:
    """One digit as people hand pictures over: gray, RGB with coloured ink, a canvas export with the ink only in the
    alpha channel, white ink on a transparent canvas, half-transparent grey ink, float 0..1, 16-bit."""
    ink = np.kron(digits[0][13].reshape(8, 8), np.ones((5, 5))) / 16  # 40x40, 0..1
    rgba = np.zeros((*ink.shape, 4))
    return {
        "gray": (255 - 255 * ink).astype(np.uint8),
        "rgb blue ink": np.stack([255 - 255 * ink, 255 - 255 * ink, 255 - 90 * ink], axis=-1).astype(np.uint8),
        "alpha only": np.concatenate([rgba[..., :3], 255 * ink[..., None]], axis=-1).astype(np.uint8),
        "white on transparent": np.concatenate([rgba[..., :3] + 255, 255 * ink[..., None]], axis=-1).astype(np.uint8),
        "grey, half alpha": np.concatenate([rgba[..., :3] + 60, 128 * ink[..., None]], axis=-1).astype(np.uint8),
        "gray + alpha": np.stack([255 - 255 * ink, 255 + 0 * ink], axis=-1).astype(np.uint8),
        "float": 1 - ink,
        "16-bit": (65535 - 65535 * ink).astype(np.uint16),
        "large, reduced first": np.kron(255 - 255 * ink, np.ones((29, 27))).astype(np.uint8),  # 1160x1080
    }


def test_prepare_reads_every_kind_of_picture_as_python_does(shipped: object, digits: tuple, tmp_path: Path) -> None:
    pictures = _pictures(digits)
    payload = {
        name: {"data": p.reshape(-1).tolist(), "width": p.shape[1], "height": p.shape[0], "float": p.dtype.kind == "f"}
        for name, p in pictures.items()
    }
    (tmp_path / "pictures.json").write_text(json.dumps(payload))
    code = (
        f"import {{ prepare }} from {json.dumps(MODULE.as_uri())};\n"
        'import { readFileSync } from "node:fs";\n'
        f"const pictures = JSON.parse(readFileSync({json.dumps(str(tmp_path / 'pictures.json'))}, 'utf8'));\n"
        "const out = {};\n"
        "for (const [name, p] of Object.entries(pictures)) {\n"
        "  const data = p.float ? Float64Array.from(p.data) : p.data;\n"
        "  out[name] = Array.from(prepare({data, width: p.width, height: p.height}));\n"
        "}\n"
        "console.log(JSON.stringify(out));"
    )
    run = node(code, MODULE.parent)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    gray = shipped.prepare(pictures["gray"])
    for name, picture in pictures.items():
        assert result[name] == shipped.prepare(picture).tolist(), name
        if name not in ("grey, half alpha", "large, reduced first"):  # the same pixels, however handed over
            assert np.array_equal(shipped.prepare(picture), gray), name


def test_predict_proba_and_metadata_agree_with_python(shipped: object, digits: tuple) -> None:
    x = np.concatenate([digits[0][:20], np.full((2, 64), 8.0), np.eye(64)[:2] * 16])  # and scribbles
    code = (
        f"import {{ predictProba, predictBatch, sure, SURE_AT, METADATA }} from {json.dumps(MODULE.as_uri())};\n"
        f"const x = {json.dumps(x.tolist())};\n"
        "console.log(JSON.stringify({proba: x.map((r) => Array.from(predictProba(r))), "
        "labels: Array.from(predictBatch(x)), sure: x.map(sure), sureAt: SURE_AT, meta: METADATA}));"
    )
    result = json.loads(node(code, MODULE.parent).stdout)
    np.testing.assert_allclose(result["proba"], shipped.predict_proba(x), rtol=0, atol=1e-12)
    assert result["labels"] == shipped.predict(x).tolist()
    assert result["sure"] == shipped.sure(x).tolist()
    assert result["sureAt"] == shipped.SURE_AT
    assert result["meta"] == json.loads(json.dumps(shipped.METADATA))


def test_hostile_metadata_cannot_break_the_module_or_the_page(
    tiny_checkpoint: checkpoint.Checkpoint, tmp_path: Path
) -> None:
    arrays = from_checkpoint(tiny_checkpoint)
    hostile = {f"k{i}": text for i, text in enumerate([*HOSTILE, "</script><script>alert(1)</script>", "<!--"])}
    arrays = dataclasses.replace(arrays, metadata={**arrays.metadata, "notes": hostile})
    texts = render_all(arrays)
    assert (
        "</script><script>"
        not in texts[".html"].split('<script type="module" id="digits-infer">', 1)[1].rsplit("</script>", 2)[0]
    )
    path = write_all(tmp_path, texts)
    module = import_file(path, "hostile_twin")
    code = (
        f"import {{ METADATA }} from {json.dumps(path.with_suffix('.mjs').as_uri())};\n"
        "console.log(JSON.stringify(METADATA.notes));"
    )
    run = node(code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(json.dumps(module.METADATA["notes"]))
