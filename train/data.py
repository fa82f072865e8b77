"""The digits data set and its stratified train/test split.

Pixels stay raw (0..16, the data set's own scale) everywhere in this package; the one place that rescales them
is the model's input scaling (`ModelConfig.input_scale`), which travels into the checkpoint and the artifact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

PIXEL_MIN = 0.0
PIXEL_MAX = 16.0
N_FEATURES = 64
CLASSES = tuple(range(10))
TEST_SIZE = 0.2


@dataclass(frozen=True)
class Split:
    """A stratified split of the digits: raw pixels as float32 (n, 64), labels as int64 (n,), and each part's
    row indices into `load_all()`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray
    split_seed: int

    def fold(self, fit_index: np.ndarray, val_index: np.ndarray) -> Split:
        """An inner split of the training part (cross-validation): train on the rows `fit_index` of x_train,
        validate on the rows `val_index`, which play the inner split's test part."""
        x, y, rows = self.x_train, self.y_train, self.train_index
        return Split(
            x[fit_index], y[fit_index], x[val_index], y[val_index], rows[fit_index], rows[val_index], self.split_seed
        )


def load_all() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits: raw pixels float32 (1797, 64) and labels int64 (1797,)."""
    digits = load_digits()
    return digits.data.astype(np.float32), digits.target.astype(np.int64)


def split(split_seed: int = 0) -> Split:
    """The 80/20 stratified split for `split_seed`; the test part never chooses anything."""
    x, y = load_all()
    train_index, test_index = train_test_split(
        np.arange(len(y)), test_size=TEST_SIZE, stratify=y, random_state=split_seed
    )
    return Split(x[train_index], y[train_index], x[test_index], y[test_index], train_index, test_index, split_seed)
