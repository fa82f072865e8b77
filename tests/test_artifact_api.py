"""The artifact's public surface: shapes, types, sklearn-style names, the LAYERS view, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from train.data import load_all

X, Y = load_all()


def test_predict_shapes_and_types(shipped: ModuleType) -> None:
    label = shipped.predict(X[0])
    assert type(label) is int
    assert label == Y[0]
    assert shipped.predict(X[0].reshape(8, 8)) == label
    labels = shipped.predict(X[:7])
    assert labels.shape == (7,)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(shipped.predict(X[:7].reshape(7, 8, 8)), labels)


def test_logits_and_proba_shapes(shipped: ModuleType) -> None:
    assert shipped.logits(X[0]).shape == (10,)
    assert shipped.logits(X[:3]).shape == (3, 10)
    proba = shipped.predict_proba(X)
    assert proba.shape == (1797, 10)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (proba >= 0).all()
    np.testing.assert_array_equal(proba.argmax(axis=1), shipped.predict(X))


def test_lists_and_any_real_dtype_and_layout_give_the_same_answer(shipped: ModuleType) -> None:
    expected = shipped.logits(X[:5])
    variants = [
        X[:5].tolist(),
        tuple(tuple(row) for row in X[:5].astype(int).tolist()),
        X[:5].astype(np.uint8),
        X[:5].astype(np.int64),
        X[:5].astype(np.float16),  # pixel values 0..16 are exact in every float type
        X[:5].astype(np.float64),
        np.asfortranarray(X[:5]),
        np.repeat(X[:5], 2, axis=0)[::2],  # strided view
    ]
    for variant in variants:
        np.testing.assert_array_equal(shipped.logits(variant), expected)


def test_a_row_gives_the_same_logits_alone_and_in_a_batch(shipped: ModuleType) -> None:
    batch = shipped.logits(X)
    for i in range(0, 1797, 7):
        np.testing.assert_array_equal(shipped.logits(X[i]), batch[i])


def test_layers_expose_the_model_in_forward_order(shipped: ModuleType) -> None:
    sizes = shipped.METADATA["layer_sizes"]
    assert len(shipped.LAYERS) == len(sizes) - 1
    for (weight, bias, activation), n_in, n_out in zip(shipped.LAYERS, sizes[:-1], sizes[1:]):
        assert weight.shape == (n_in, n_out)
        assert bias.shape == (n_out,)
        assert weight.dtype == bias.dtype == np.float32
        assert isinstance(activation, str)
        assert not weight.flags.writeable
    assert shipped.LAYERS[-1][2] == "identity"
    h = X[:4] * shipped.METADATA["input_scale"]
    for weight, bias, activation in shipped.LAYERS:
        h = h @ weight.astype(np.float64) + bias
        h = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "identity": lambda v: v}[activation](h)
    np.testing.assert_allclose(h, shipped.logits(X[:4]), atol=1e-5)


def test_metadata_states_provenance(shipped: ModuleType) -> None:
    meta = shipped.METADATA
    assert meta["classes"] == list(range(10))
    assert len(meta["weights_sha256"]) == 64
    assert 0.9 < meta["test_accuracy_torch"] <= 1.0
    assert meta["pixel_range"] == [0.0, 16.0]


def _run(artifact: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(artifact), *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_cli_prints_one_label_per_line_for_npy_and_csv(tiny_artifact: ModuleType, tiny_artifact_path: Path,
                                                      tmp_path: Path) -> None:
    expected = [str(v) for v in tiny_artifact.predict(X[:6])]
    np.save(tmp_path / "x.npy", X[:6])
    np.savetxt(tmp_path / "x.csv", X[:6], delimiter=",", fmt="%g", header=",".join(f"p{i}" for i in range(64)),
               comments="")
    for name in ("x.npy", "x.csv"):
        run = _run(tiny_artifact_path, str(tmp_path / name))
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == expected
    stdin = "\n".join(",".join(f"{v:g}" for v in row) for row in X[:6])
    assert _run(tiny_artifact_path, "-", stdin=stdin).stdout.splitlines() == expected


def test_cli_proba_json_info_and_self_test(tiny_artifact: ModuleType, tiny_artifact_path: Path,
                                          tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", X[:3])
    rows = [json.loads(line) for line in _run(tiny_artifact_path, str(tmp_path / "x.npy"), "--json").stdout.splitlines()]
    assert [r["label"] for r in rows] == tiny_artifact.predict(X[:3]).tolist()
    np.testing.assert_allclose([r["proba"] for r in rows], tiny_artifact.predict_proba(X[:3]), rtol=0, atol=1e-15)
    proba_lines = _run(tiny_artifact_path, str(tmp_path / "x.npy"), "--proba").stdout.splitlines()
    assert [len(line.split()) for line in proba_lines] == [11, 11, 11]
    assert json.loads(_run(tiny_artifact_path, "--info").stdout) == tiny_artifact.METADATA
    test = _run(tiny_artifact_path, "--self-test")
    assert test.returncode == 0
    assert "self-test passed" in test.stdout
    helped = _run(tiny_artifact_path, "--help")
    assert helped.returncode == 0
    assert "--self-test" in helped.stdout
