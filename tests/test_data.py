from __future__ import annotations

import numpy as np

from train.data import PIXEL_MAX, load_all, split


def test_split_is_stratified_80_20_and_disjoint() -> None:
    s = split(0)
    x, y = load_all()
    assert len(s.y_train) + len(s.y_test) == len(y) == 1797
    assert len(s.y_test) == 360
    assert np.intersect1d(s.train_index, s.test_index).size == 0
    np.testing.assert_array_equal(s.x_test, x[s.test_index])
    overall = np.bincount(y) / len(y)
    np.testing.assert_allclose(np.bincount(s.y_test) / len(s.y_test), overall, atol=0.01)


def test_split_is_reproducible_and_seed_dependent() -> None:
    np.testing.assert_array_equal(split(3).test_index, split(3).test_index)
    assert not np.array_equal(split(3).test_index, split(4).test_index)


def test_split_matches_sklearn_train_test_split_on_the_arrays() -> None:
    from sklearn.model_selection import train_test_split

    x, y = load_all()
    x_train, _x_test, _y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=1)
    s = split(1)
    np.testing.assert_array_equal(s.x_train, x_train)
    np.testing.assert_array_equal(s.y_test, y_test)


def test_pixels_stay_raw() -> None:
    x, _ = load_all()
    assert x.min() == 0.0
    assert x.max() == PIXEL_MAX
