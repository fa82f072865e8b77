"""`prepare()`: any grayscale digit image to the data set's representation, with typed errors. NumPy only."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest


def render(digit: np.ndarray, size: int = 28, dark_ink: bool = False) -> np.ndarray:
    """A data-set digit drawn as a `size`x`size` uint8 picture: its 8x8 counts upscaled, padded, light ink on black."""
    cell = max(1, (size - 4) // 8)
    big = np.kron(digit.reshape(8, 8), np.ones((cell, cell))) * 255 / 16
    pad = size - big.shape[0]
    picture = np.pad(big, ((pad // 2, pad - pad // 2), (pad // 2 + 1, pad - pad // 2 - 1))).astype(np.uint8)
    return 255 - picture if dark_ink else picture


def test_prepare_gives_block_counts_shaped_like_the_data_set(shipped: ModuleType, digits: tuple) -> None:
    x = shipped.prepare(render(digits[0][0]))
    assert x.shape == (64,)
    assert x.dtype == np.float64
    assert np.array_equal(x, np.round(x))
    assert x.min() >= 0
    assert x.max() <= 16
    # binarised to the data set's ink share: at most that many pixels (fewer where equal grays tie at the level)
    assert 0.2 * 1024 <= x.sum() <= round(shipped.PREPARE["ink_fraction"] * 1024)


def test_redrawn_data_set_digits_keep_their_class(shipped: ModuleType, digits: tuple) -> None:
    x, y = digits
    pictures = np.stack([render(image, 40) for image in x[:300]])
    assert (shipped.predict(shipped.prepare(pictures)) == y[:300]).mean() >= 0.95


def test_dark_ink_on_paper_and_light_ink_on_screen_give_the_same_input(shipped: ModuleType, digits: tuple) -> None:
    for image in digits[0][:20]:
        light, dark = render(image), render(image, dark_ink=True)
        a, b = shipped.prepare(light), shipped.prepare(dark)
        assert np.abs(a - b).sum() <= 4  # the same but for rounding at a few block edges
        assert np.array_equal(shipped.prepare(dark, ink="dark"), b)
        with pytest.raises(ValueError, match="no ink found"):  # the override is obeyed: all paper, no ink
            shipped.prepare(dark, ink="light")


def test_every_accepted_scale_and_dtype_gives_the_same_answer(shipped: ModuleType, digits: tuple) -> None:
    picture = render(digits[0][3])
    expected = shipped.prepare(picture)
    for variant in (
        picture.astype(np.float64),
        picture / 255.0,
        picture.astype(np.int64),
        picture.tolist(),
        picture.astype(np.uint16) * 257,
        picture.astype(np.float32) / 255,
    ):
        np.testing.assert_allclose(shipped.prepare(variant), expected, atol=1)
    assert np.array_equal(shipped.prepare(picture > 127), shipped.prepare((picture > 127).astype(np.uint8) * 255))


def test_a_batch_equals_its_images_one_by_one(shipped: ModuleType, digits: tuple) -> None:
    pictures = np.stack([render(image) for image in digits[0][:7]])
    batch = shipped.prepare(pictures)
    assert batch.shape == (7, 64)
    assert np.array_equal(batch, np.stack([shipped.prepare(p) for p in pictures]))


def test_any_size_from_8x8_up_works(shipped: ModuleType, digits: tuple) -> None:
    for size in (8, 13, 28, 64, 201):
        picture = render(digits[0][1], size) if size >= 12 else np.kron(digits[0][1].reshape(8, 8), 1) * 15
        assert shipped.prepare(picture).shape == (64,)
    wide = np.zeros((20, 300))
    wide[5:15, 100:180] = 1.0  # a wide stroke: the longer side fills the box
    assert shipped.prepare(wide).reshape(8, 8)[:, 0].sum() > 0


BAD = [
    ("blank", np.zeros((28, 28)), ValueError, "no ink found"),
    ("uniform", np.full((28, 28), 200, dtype=np.uint8), ValueError, "no ink found"),
    # a photo of a blank sheet: its noise is no digit (it read as one, "light ink", before)
    (
        "blank-sheet-photo",
        np.clip(np.random.default_rng(0).normal(235, 4, (300, 300)), 0, 255).astype(np.uint8),
        ValueError,
        "no ink found",
    ),
    ("nan", np.where(np.eye(28) > 0, np.nan, 0.0), ValueError, "finite"),
    ("negative", np.full((28, 28), -1.0), ValueError, "from 0"),
    ("too-bright-float", np.full((28, 28), 300.0), ValueError, "0..255"),
    ("too-small", np.ones((7, 28)), ValueError, "at least 8x8"),
    ("1-d", np.ones(784), ValueError, "(h, w)"),
    ("4-d", np.ones((1, 1, 28, 28)), ValueError, "or a batch of them"),
    ("string", "digit.png", TypeError, "got str"),
    ("complex", np.ones((28, 28), dtype=complex), TypeError, "real numbers"),
]


@pytest.mark.parametrize(("name", "image", "error", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_bad_images_get_a_typed_error(
    shipped: ModuleType, name: str, image: object, error: type, fragment: str
) -> None:
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        shipped.prepare(image)


def test_a_bad_ink_value_is_refused(shipped: ModuleType, digits: tuple) -> None:
    with pytest.raises(ValueError, match="ink='auto', 'dark' or 'light'"):
        shipped.prepare(render(digits[0][0]), ink="black")


@pytest.mark.parametrize("shape", [(28, 28), (32, 32), (3, 28, 28), (16, 16)])
def test_predict_names_prepare_for_pictures_of_other_sizes(shipped: ModuleType, shape: tuple) -> None:
    with pytest.raises(ValueError, match=r"prepare\(image\) first"):
        shipped.predict(np.zeros(shape))


def test_the_0_to_255_hint_names_prepare_and_a_dtype_safe_rescale(shipped: ModuleType, digits: tuple) -> None:
    x = (digits[0][:3] * 255 / 16).astype(np.uint8)
    with pytest.raises(ValueError, match=r"prepare\(\)") as raised:
        shipped.predict(x)
    assert "np.asarray(X, dtype=float) * 16 / 255" in str(raised.value)
    rescaled = np.asarray(x, dtype=float) * 16 / 255  # what the hint says: no uint8 wrap-around
    assert rescaled.max() > 8
