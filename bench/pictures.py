"""The pictures of the picture-path timing (`nox -s bench`): what people hand `prepare()` in three sizes, each a
digit written by one of `train.writing`'s writers, ten digits per size.

- a 280x280 drawing canvas (grayscale, a pen 1/20 of the canvas, as the page and most tutorials make it);
- a 1000x800 photo of paper (RGB, the light falling off across the sheet, a little sensor noise);
- an A4 page scanned at 300 dpi (2480x3508 grayscale, off-white paper, the digit about 1.5 cm tall).

Seeded, so every run times the same pixels.
"""

from __future__ import annotations

import numpy as np

from train import writing

SEED = 20261128
SIZES = ("280x280 canvas", "1000x800 photo", "A4 scan, 300 dpi")


def _digit(digit: int, side: int, pen: float, rng: np.random.Generator) -> np.ndarray:
    return writing.draw_strokes(writing.writer_strokes(digit, rng), side, pen, rng)


def canvas(digit: int, rng: np.random.Generator) -> np.ndarray:
    return _digit(digit, 280, 14, rng)


def photo(digit: int, rng: np.random.Generator) -> np.ndarray:
    sheet = np.full((800, 1000), 255.0)
    sheet[100:700, 200:800] = _digit(digit, 600, 600 / 25, rng)
    light = np.linspace(0.95, 0.65, 1000).reshape(1, -1) * np.linspace(1.0, 0.9, 800).reshape(-1, 1)
    grey = sheet * light + rng.normal(0, 3, sheet.shape)
    return np.clip(np.dstack([grey, grey * 0.97, grey * 0.92]), 0, 255).astype(np.uint8)


def scan(digit: int, rng: np.random.Generator) -> np.ndarray:
    page = np.full((3508, 2480), 242, dtype=np.uint8)
    page[1500:1700, 1100:1300] = np.minimum(_digit(digit, 200, 6, rng), 242)
    return page


def pictures() -> dict[str, list[np.ndarray]]:
    """Ten pictures (digits 0-9) of each size, keyed as SIZES."""
    makers = (canvas, photo, scan)
    return {
        size: [make(d, np.random.default_rng([SEED, s, d])) for d in range(10)]
        for s, (size, make) in enumerate(zip(SIZES, makers, strict=True))
    }
