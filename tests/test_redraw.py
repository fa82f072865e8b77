"""Training on the data set's digits written again (`train.redraw`): thin middle lines, pens of every width, fonts
the benchmark does not hold out, and a batch swap that takes a digit's own redraws or a printed digit of its label."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from train import redraw, writing
from train.augment import AugmentConfig, swap_for_redrawn
from train.data import load_all


def test_the_skeleton_of_a_bar_is_one_pixel_wide_and_as_long() -> None:
    bar = np.zeros((40, 60), dtype=bool)
    bar[15:26, 5:55] = True  # 11 px thick
    middle = redraw._skeleton(bar)
    assert middle.sum(axis=0)[12:47].tolist() == [1] * 35  # one pixel in each column along the bar (thinning
    assert middle[:, :5].sum() == 0  # shortens its ends by about half its thickness)
    assert middle[:, 55:].sum() == 0
    assert np.flatnonzero(middle.any(axis=1)).tolist() == [20]  # in the middle


def test_pen_pictures_are_reproducible_dark_on_paper_and_vary_the_pen() -> None:
    x, _ = load_all()
    a = redraw.pen_picture(x[0], np.random.default_rng(1))
    b = redraw.pen_picture(x[0], np.random.default_rng(1))
    assert np.array_equal(a, b)
    assert a.dtype == np.uint8
    inked = [np.mean(redraw.pen_picture(x[0], np.random.default_rng(k)) < 100) for k in range(30)]
    assert max(inked) > 4 * min(inked)  # fine pens and markers both


def test_training_fonts_never_include_the_benchmarks_or_the_validation_fonts() -> None:
    held_out = {writing.FONT_DIR / path for path in writing.FONTS.values()}
    fonts, validation = set(redraw.training_fonts()), set(redraw.validation_fonts())
    assert not held_out & (fonts | validation)
    assert not fonts & validation
    assert all(font.suffix == ".ttf" for font in fonts | validation)
    assert len(fonts) > len(validation) > 0 or not writing.fonts_available()


def test_a_printed_digit_traced_with_a_marker_keeps_its_place_and_ink_with_broader_strokes() -> None:
    fonts = redraw.training_fonts()
    if not fonts:
        pytest.skip("no training fonts installed (the project's setup installs fonts-dejavu-core)")
    printed = redraw.printed_picture(1, fonts[0], 96, np.random.default_rng(3))
    widths = []
    for k in range(20):
        traced = redraw.marked_picture(printed, np.random.default_rng(k))
        assert traced.shape == printed.shape
        assert traced.dtype == np.uint8
        assert np.array_equal(traced, redraw.marked_picture(printed, np.random.default_rng(k)))
        assert traced.min() <= printed.min() + 8  # as dark as the print
        assert np.all(traced[printed < 128] < 128)  # every stroke of the print is still ink
        ink, middle = traced < 128, redraw._skeleton(traced < 128)
        widths.append(ink.sum() / middle.sum())  # the stroke's mean width: its area over its middle line's length
    stroke = (printed < 128).sum() / redraw._skeleton(printed < 128).sum()
    assert min(widths) > stroke
    assert max(widths) > 2 * stroke
    with pytest.raises(ValueError, match="markers"):
        AugmentConfig(enabled=True, fonts=0.1, markers=-1)


def test_the_swap_takes_the_digits_own_redraws_or_a_printed_digit_of_its_label_in_their_shares() -> None:
    pens = 1 + torch.arange(20 * 2 * 64, dtype=torch.float32).reshape(20, 2, 64)  # row r, version v: distinct values
    printed = torch.full((10, 64), -1.0) - torch.arange(10, dtype=torch.float32).reshape(-1, 1)  # -1 - label
    pool = (pens, printed, torch.arange(10))
    rows, labels = torch.tensor([3, 7, 11, 19] * 100), torch.tensor([4, 1, 9, 0] * 100)
    batch = torch.zeros(400, 64)
    config = AugmentConfig(enabled=True, redrawn=0.3, fonts=0.2)
    out = swap_for_redrawn(batch, rows, labels, config, pool, torch.Generator())
    as_printed, as_pen = out[:, 0] < 0, out[:, 0] > 0
    assert 0.13 < as_printed.float().mean() < 0.27
    assert 0.22 < as_pen.float().mean() < 0.38
    for k in torch.nonzero(as_printed).flatten().tolist():
        assert out[k, 0] == -1 - labels[k]  # printed: the same label
    for k in torch.nonzero(as_pen).flatten().tolist():
        assert any(torch.equal(out[k], pens[rows[k], v]) for v in range(2))  # its own redraws only
    fonts_only = swap_for_redrawn(
        batch,
        rows,
        labels,
        AugmentConfig(enabled=True, fonts=0.2),
        (pens[:0], printed, torch.arange(10)),  # no pen redraws made
        torch.Generator(),
    )
    assert 0.13 < (fonts_only[:, 0] < 0).float().mean() < 0.27
    assert not (fonts_only[:, 0] > 0).any()


def test_no_redrawn_share_changes_nothing_and_draws_no_random_number() -> None:
    generator = torch.Generator().manual_seed(5)
    batch = torch.rand(8, 64)
    out = swap_for_redrawn(
        batch, torch.arange(8), torch.zeros(8, dtype=torch.long), AugmentConfig(enabled=True), None, generator
    )  # type: ignore[arg-type]
    assert out is batch
    assert torch.equal(generator.get_state(), torch.Generator().manual_seed(5).get_state())  # the trainings before
