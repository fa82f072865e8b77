"""read()'s benchmark: the numbers it is measured on are a fixed set, made as documented, and scored fairly."""

from __future__ import annotations

import numpy as np

from report.numbers import edit_distance, rows
from train import numbers
from train.outside import load_mnist


def test_edit_distance_counts_missed_extra_and_wrong_digits() -> None:
    assert edit_distance("2026", "2026") == 0
    assert edit_distance("2026", "226") == 1  # a digit missed
    assert edit_distance("2026", "20226") == 1  # a digit too many
    assert edit_distance("2026", "2126") == 1  # a digit misread
    assert edit_distance("12", "") == 2


def test_mnist_numbers_are_reproducible_and_overlap_as_asked() -> None:
    mnist = load_mnist()
    first = numbers.mnist_number(mnist.pictures, mnist.labels, 5, np.random.default_rng(3))
    again = numbers.mnist_number(mnist.pictures, mnist.labels, 5, np.random.default_rng(3))
    assert np.array_equal(first[0], again[0])
    assert first[1] == again[1]
    assert len(first[1]) == 5
    assert len(first[2]) == 4
    touching = [numbers.mnist_number(mnist.pictures, mnist.labels, 2, np.random.default_rng(k), 1.0) for k in range(5)]
    assert all(t[2] == [True] for t in touching)
    shares = [numbers.mnist_number(mnist.pictures, mnist.labels, 6, np.random.default_rng(k))[2] for k in range(200)]
    assert 0.3 <= np.mean(shares) <= 0.4  # TOUCHING = 0.35 of neighbouring pairs


def test_pen_numbers_show_their_digits_in_order_on_white_paper() -> None:
    picture, text = numbers.pen_number(4, np.random.default_rng(1))
    assert len(text) == 4
    assert text.isdigit()
    assert picture.dtype == np.uint8
    assert np.median(picture) == 255  # paper


def test_the_benchmark_is_the_same_numbers_every_run_with_its_rows_in_order() -> None:
    first, second = next(rows()), next(rows())
    assert first[0] == second[0]
    assert [t for _, t in first[1][:20]] == [t for _, t in second[1][:20]]
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first[1][:20], second[1][:20], strict=True))
