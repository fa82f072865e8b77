"""The artifact's public surface: shapes, types, sklearn-style names, the LAYERS view. Needs no torch."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

Digits = "tuple[np.ndarray, np.ndarray]"


def test_predict_shapes_and_types(shipped: ModuleType, digits: Digits) -> None:
    x, y = digits
    label = shipped.predict(x[0])
    assert type(label) is int
    assert label == y[0]
    assert shipped.predict(x[0].reshape(8, 8)) == label
    labels = shipped.predict(x[:7])
    assert labels.shape == (7,)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(shipped.predict(x[:7].reshape(7, 8, 8)), labels)


def test_not_sure_is_the_calibrated_top_probability_below_sure_at(shipped: ModuleType, digits: Digits) -> None:
    x = np.concatenate([digits[0][:50], np.full((5, 64), 8.0), np.eye(64)[:5] * 16])  # and scribbles
    proba = shipped.predict_proba(x)
    sure = shipped.sure(x)
    assert sure.dtype == bool
    assert sure.tolist() == (proba.max(axis=1) >= shipped.SURE_AT).tolist()
    assert type(shipped.sure(x[0])) is bool
    assert sure[:50].mean() >= 0.9  # the data set's own digits: nearly always sure
    assert 0.0 <= shipped.SURE_AT < 1.0
    assert shipped.METADATA["calibration"]["sure_at"] == shipped.SURE_AT
    marked = shipped.predict(x, unsure=-1)
    assert marked.dtype == np.int64
    assert marked.tolist() == np.where(sure, shipped.predict(x), -1).tolist()
    assert shipped.predict(x[0], unsure=-1) == (shipped.predict(x[0]) if sure[0] else -1)
    for bad in ("?", 1.5, True):
        with pytest.raises(TypeError, match="unsure"):
            shipped.predict(x, unsure=bad)


def test_logits_and_proba_shapes(shipped: ModuleType, digits: Digits) -> None:
    x, _ = digits
    assert shipped.logits(x[0]).shape == (10,)
    assert shipped.logits(x[:3]).shape == (3, 10)
    proba = shipped.predict_proba(x)
    assert proba.shape == (1797, 10)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (proba >= 0).all()
    np.testing.assert_array_equal(proba.argmax(axis=1), shipped.predict(x))


def test_lists_and_any_real_dtype_and_layout_give_the_same_answer(shipped: ModuleType, digits: Digits) -> None:
    x = digits[0][:5]
    expected = shipped.logits(x)
    variants = [
        x.tolist(),
        tuple(tuple(row) for row in x.astype(int).tolist()),
        x.astype(np.uint8),
        x.astype(np.int64),
        x.astype(np.float16),  # pixel values 0..16 are exact in every float type
        x.astype(np.float64),
        np.asfortranarray(x),
        np.repeat(x, 2, axis=0)[::2],  # a strided view
    ]
    for variant in variants:
        np.testing.assert_array_equal(shipped.logits(variant), expected)


def test_a_row_gives_the_same_logits_alone_and_in_a_batch(shipped: ModuleType, digits: Digits) -> None:
    x, _ = digits
    batch = shipped.logits(x)
    for i in range(0, 1797, 7):
        np.testing.assert_array_equal(shipped.logits(x[i]), batch[i])


def test_layers_expose_the_model_in_forward_order(shipped: ModuleType, digits: Digits) -> None:
    x, _ = digits
    sizes = shipped.METADATA["layer_sizes"]
    assert len(shipped.LAYERS) == len(sizes) - 1
    for (weight, bias, activation), n_in, n_out in zip(shipped.LAYERS, sizes[:-1], sizes[1:]):
        assert weight.shape == (n_in, n_out)
        assert bias.shape == (n_out,)
        assert weight.dtype == bias.dtype == np.float32
        assert isinstance(activation, str)
        assert not weight.flags.writeable
    assert shipped.LAYERS[-1][2] == "identity"
    h = x[:4] * shipped.METADATA["input_scale"]
    for weight, bias, activation in shipped.LAYERS:
        h = h @ weight.astype(np.float64) + bias
        h = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "identity": lambda v: v}[activation](h)
    np.testing.assert_allclose(h, shipped.logits(x[:4]), atol=1e-5)


def test_metadata_states_provenance(shipped: ModuleType) -> None:
    meta = shipped.METADATA
    assert meta["classes"] == list(range(10))
    assert len(meta["weights_sha256"]) == 64
    assert 0.9 < meta["test_accuracy_torch"] <= 1.0
    assert meta["pixel_range"] == [0.0, 16.0]


def test_self_test_passes_on_the_shipped_file(shipped: ModuleType) -> None:
    assert shipped.self_test() == []


def test_check_inputs_are_a_deterministic_formula_with_blank_and_full_images(shipped: ModuleType) -> None:
    x = shipped.check_inputs()
    assert x.shape == (shipped._CHECK_ROWS, 64)
    assert x.dtype == np.int64
    assert np.array_equal(x, shipped.check_inputs())
    assert (x[0] == 0).all()
    assert (x[1] == 16).all()
    assert set(np.unique(x).tolist()) == set(range(17))
    assert 0.2 < (x[2:] == 0).mean() < 0.5  # blank pixels, as in real digits


def test_this_machine_computes_the_generating_machines_logits_bit_for_bit(shipped: ModuleType) -> None:
    assert shipped.check_digest() == shipped._CHECK_SHA256


def test_self_test_says_which_check_failed_and_by_how_much(shipped: ModuleType, monkeypatch) -> None:
    monkeypatch.setattr(shipped, "_CHECK_SHA256", "0" * 64)
    (problem,) = shipped.self_test()
    assert "check inputs hash to" in problem
    assert "expected 0000000000000000" in problem
    assert "from torch's" in problem  # how far the reference images are, as a magnitude


def test_self_test_catches_a_row_that_differs_alone_and_in_a_batch(shipped: ModuleType, monkeypatch) -> None:
    forward_one = shipped._forward_one
    monkeypatch.setattr(shipped, "_forward_one", lambda image: forward_one(image) + 1e-3)
    (problem,) = shipped.self_test()
    assert "alone than in a batch" in problem
    assert "by up to 0.001" in problem


def test_self_test_catches_a_prepare_that_computes_other_counts(shipped: ModuleType, monkeypatch) -> None:
    assert shipped._prepare_digest(True, False, 0.3) != shipped._prepare_digest(True, False, 0.31)
    monkeypatch.setattr(shipped, "_PREPARE_SHA256", "f" * 64)
    (problem,) = shipped.self_test()
    assert "prepare() of its check pictures hashes to" in problem
