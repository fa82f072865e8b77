"""Checkpoint → plain NumPy arrays per layer, plus the facts the artifact states about itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from runtime.predictor import _layers_sha256
from runtime.prepare import _prepare_digest
from train.checkpoint import Checkpoint, no_calibration
from train.data import TEST_SIZE, load_all
from train.representation import PrepareConfig

N_SELF_TEST_IMAGES = 10  # the first image of each class in the data set
CHECK_ROWS = 256  # inputs of the artifact's bit-exactness check (built by a formula inside the artifact)
LOGIT_TOLERANCE = 1e-5  # the most an artifact logit may differ from torch's float32 logit (verify, self-test)


@dataclass(frozen=True)
class Layer:
    """One dense layer as the artifact uses it: `activation(x @ weight + bias)`, weight shaped (in, out)."""

    weight: np.ndarray
    bias: np.ndarray
    activation: str


@dataclass(frozen=True)
class SelfTest:
    """Inputs the artifact re-runs on `--self-test`, with the logits torch computed for them."""

    images: np.ndarray  # raw pixels, int (n, 64)
    logits: np.ndarray  # float32 (n, n_classes)


@dataclass(frozen=True)
class ModelArrays:
    """Everything the template needs: layers in forward order, input scaling, classes, metadata."""

    layers: tuple[Layer, ...]
    input_scale: float
    pixel_range: tuple[float, float]
    classes: tuple[int, ...]
    self_test: SelfTest
    prepare: PrepareConfig = field(default_factory=PrepareConfig)
    temperature: float = no_calibration()["temperature"]  # predict_proba = softmax(logits / temperature)
    sure_at: float = 0.0  # "not sure" below this calibrated top probability (0: always sure, as before it existed)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def weights_sha256(self) -> str:
        return weights_sha256([(layer.weight, layer.bias) for layer in self.layers])


def weights_sha256(layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> str:
    """SHA-256 of every weight then bias, in forward order, as little-endian float32 in C order, each weight
    shaped (in, out): the artifact's own function, which its `--self-test` runs over its `LAYERS`."""
    return _layers_sha256(layers)


def layers_from_state_dict(ckpt: Checkpoint) -> tuple[Layer, ...]:
    """One (in, out) float32 weight and one bias per `nn.Linear`, hidden layers with the configured activation,
    the output layer with none (the logits)."""
    n_layers = len(ckpt.config.model.layer_sizes) - 1
    layers = []
    for i in range(n_layers):
        weight = ckpt.state_dict[f"layers.{i}.weight"].detach().cpu().numpy()
        bias = ckpt.state_dict[f"layers.{i}.bias"].detach().cpu().numpy()
        activation = ckpt.config.model.activation if i < n_layers - 1 else "identity"
        layers.append(
            Layer(
                weight=np.ascontiguousarray(weight.T, dtype=np.float32),
                bias=np.ascontiguousarray(bias, dtype=np.float32),
                activation=activation,
            )
        )
    return tuple(layers)


def self_test_cases(ckpt: Checkpoint) -> SelfTest:
    """The first image of each class in the data set, with the torch model's logits for them.

    Torch runs in float64 and the logits are rounded to float32: a float32 forward pass changes its last bits with
    torch's thread count, and the generated file must not depend on how many threads the generator had."""
    x, y = load_all()
    first = [int(np.flatnonzero(y == c)[0]) for c in ckpt.classes][:N_SELF_TEST_IMAGES]
    images = x[first]
    model = ckpt.build_model().double()
    with torch.no_grad():
        logits = model(torch.from_numpy(images.astype(np.float64))).numpy().astype(np.float32)
    return SelfTest(images=images.astype(np.int64), logits=logits)


def from_checkpoint(ckpt: Checkpoint) -> ModelArrays:
    """The arrays and metadata for `ckpt`; nothing here depends on time, paths or the machine."""
    layers = layers_from_state_dict(ckpt)
    model = ckpt.config.model
    arrays = ModelArrays(
        layers=layers,
        input_scale=float(model.input_scale),
        pixel_range=ckpt.pixel_range,
        classes=ckpt.classes,
        self_test=self_test_cases(ckpt),
        prepare=ckpt.config.prepare,
        temperature=ckpt.calibration["temperature"],
        sure_at=float(ckpt.calibration.get("sure_at", 0.0)),
    )
    arrays.metadata.update(
        {
            "name": "digits_infer",
            "task": "8x8 handwritten digit classification (scikit-learn digits), raw pixels 0..16",
            "classes": list(ckpt.classes),
            "layer_sizes": list(model.layer_sizes),
            "activation": model.activation,
            "n_parameters": model.n_parameters(),
            "input_scale": float(model.input_scale),
            "pixel_range": list(ckpt.pixel_range),
            "weights_sha256": arrays.weights_sha256,
            "train_accuracy_torch": ckpt.train_accuracy,
            "test_accuracy_torch": ckpt.test_accuracy,
            "split": {"test_size": TEST_SIZE, "stratify": True, "split_seed": ckpt.config.split_seed},
            "torch_version": ckpt.torch_version,
            "train_config": ckpt.config.to_dict(),
            "calibration": ckpt.calibration,
            "check_prepare_sha256": _prepare_digest(
                arrays.prepare.deslant, arrays.prepare.smooth, arrays.prepare.ink_fraction
            ),
        }
    )
    return arrays
