"""Whole numbers to read: pictures of 2 to 6 digits written side by side, for `read()`'s benchmark (`report.numbers`,
`nox -s numbers`) and for `verify`'s check that both targets read them alike.

Two kinds, each from one seeded generator, fixed before `read()` was measured against them:
- `mnist_number`: MNIST digits (one half of `train.outside`'s 5,000) composed into a number, light ink on black:
  each digit scaled by 0.85-1.15 and lifted or lowered by up to 3 px; neighbours overlap in columns (touching or
  interlocking: 0 to 4 px into each other) with probability `TOUCHING`, else stand 2-12 px apart.
- `pen_number`: digits drawn by `train.writing`'s pens (stroke templates bent by a random writer) or printed in
  one of its fonts, dark on white paper; pen width and size vary from digit to digit, gaps 5-40 % of the height.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

from train import writing

TOUCHING = 0.35  # share of neighbouring MNIST digits whose columns overlap
MNIST_HEIGHT = 28


def _trimmed(picture: np.ndarray, ink_light: bool) -> np.ndarray:
    """The picture cut to its ink columns (ink: above 40 of 255 for light ink, below 215 for dark)."""
    ink = picture > 40 if ink_light else picture < 215
    columns = np.flatnonzero(ink.any(axis=0))
    return picture[:, columns[0] : columns[-1] + 1]


def _resized(picture: np.ndarray, factor: float) -> np.ndarray:
    h, w = picture.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(picture).resize(size, Image.Resampling.BILINEAR))


def _placed(parts: list[np.ndarray], lefts: list[int], tops: list[int], light_ink: bool, margin: int) -> np.ndarray:
    """The parts on one canvas at (top, left), overlapping parts merged (the darker ink wins)."""
    height = max(t + p.shape[0] for p, t in zip(parts, tops, strict=True)) + margin
    width = max(x + p.shape[1] for p, x in zip(parts, lefts, strict=True)) + margin
    canvas = np.full((height, width), 0 if light_ink else 255, np.uint8)
    for part, x, y in zip(parts, lefts, tops, strict=True):
        region = canvas[y : y + part.shape[0], x : x + part.shape[1]]
        (np.maximum if light_ink else np.minimum)(region, part, out=region)
    return canvas


def mnist_number(
    pictures: np.ndarray, labels: np.ndarray, n: int, rng: np.random.Generator, touching: float | None = None
) -> tuple[np.ndarray, str, list[bool]]:
    """(picture, the number it shows, for each neighbouring pair whether their columns overlap), from `n` of the
    MNIST `pictures` (28x28, light ink on black) chosen at random; neighbours overlap with probability `touching`
    (default TOUCHING)."""
    chosen = rng.choice(len(labels), n, replace=False)
    parts = [_trimmed(_resized(pictures[k], rng.uniform(0.85, 1.15)), ink_light=True) for k in chosen]
    share = TOUCHING if touching is None else touching
    touching_pairs = [bool(rng.random() < share) for _ in range(n - 1)]
    margin = 8
    lefts, tops, x = [], [], margin
    for i, part in enumerate(parts):
        lefts.append(x)
        tops.append(margin + 4 + (MNIST_HEIGHT - part.shape[0]) // 2 + int(rng.integers(-3, 4)))
        if i < n - 1:
            x += part.shape[1] + (-int(rng.integers(0, 5)) if touching_pairs[i] else int(rng.integers(2, 13)))
    text = "".join(str(int(labels[k])) for k in chosen)
    return _placed(parts, lefts, tops, light_ink=True, margin=margin + 4), text, touching_pairs


def pen_number(n: int, rng: np.random.Generator, font: str | None = None) -> tuple[np.ndarray, str]:
    """(picture, the number it shows): `n` random digits written with pens of varying width and size, or printed in
    `font` (a name of `writing.FONTS`) at varying sizes, on white paper."""
    digits = [int(d) for d in rng.integers(0, 10, n)]
    height = int(rng.integers(40, 161))
    parts = []
    for d in digits:
        size = max(16, round(height * rng.uniform(0.85, 1.15)))
        if font is None:
            picture = writing.draw_strokes(writing.writer_strokes(d, rng), size, size * rng.uniform(1 / 20, 1 / 8), rng)
        else:
            picture = writing.printed(d, font, size, rng)
        rows = np.flatnonzero((picture < 215).any(axis=1))
        parts.append(_trimmed(picture[rows[0] : rows[-1] + 1], ink_light=False))
    margin = height // 4
    lefts, tops, x = [], [], margin
    for part in parts:
        lefts.append(x)
        tops.append(margin + (height - part.shape[0]) // 2 + int(rng.integers(-height // 20, height // 20 + 1)))
        x += part.shape[1] + int(height * rng.uniform(0.05, 0.4))
    tops = [max(t, 0) for t in tops]
    return _placed(parts, lefts, tops, light_ink=False, margin=margin), "".join(map(str, digits))


def ruled_number(rng: np.random.Generator, dark: bool = False) -> tuple[np.ndarray, str]:
    """(picture, the number it shows): `pen_number` of 2-5 digits on notebook paper — pale ruled lines (grey
    140-200, 1-3 px; `dark`: 20-90, a form's printed lines) across the whole sheet, as far apart as the writing is
    tall or a little less, under the ink."""
    picture, text = pen_number(int(rng.integers(2, 6)), rng)
    rows = np.flatnonzero((picture < 215).any(axis=1))
    gap = max(8, round((rows[-1] - rows[0] + 1) * rng.uniform(0.6, 1.0)))
    width, level = int(rng.integers(1, 4)), int(rng.integers(20, 91) if dark else rng.integers(140, 201))
    ruled = picture.copy()
    for y in range(int(rng.integers(0, gap)), ruled.shape[0], gap):
        ruled[y : y + width] = np.minimum(ruled[y : y + width], level)
    return ruled, text


def photographed_number(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """(picture, the number it shows): `pen_number` of 2-5 digits photographed — the light falling off across the
    sheet in a random direction (to 50-60 % at the darker side), sensor noise, JPEG at quality 50-80."""
    picture, text = pen_number(int(rng.integers(2, 6)), rng)
    h, w = picture.shape
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    ramp = np.cos(angle) * xx / w + np.sin(angle) * yy / h
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-9)
    lit = picture * (rng.uniform(0.5, 0.6) + (0.95 - 0.55) * ramp) + rng.normal(0, 4, picture.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=int(rng.integers(50, 81)))
    return np.asarray(Image.open(buffer).convert("L")), text


def marked_number(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """(picture, text): a pen-written number with a minus before it and a decimal point inside ("-12.5"), and a
    speck of dust in a corner; and below it, a second line of digits ("-12.5 407")."""
    first, first_text = pen_number(int(rng.integers(2, 5)), rng)
    second, second_text = pen_number(int(rng.integers(2, 4)), rng)
    rows = np.flatnonzero((first < 215).any(axis=1))
    height, top = int(np.ptp(rows)) + 1, int(rows[0])
    columns = np.flatnonzero((first < 215).any(axis=0))
    cut = int(columns[len(columns) // 2])
    thick = max(2, height // 12)
    minus = np.full((first.shape[0], height // 2 + 2 * thick), 255, np.uint8)
    minus[top + height // 2 - thick // 2 : top + height // 2 + thick - thick // 2, thick:-thick] = 20
    point = np.full((first.shape[0], 3 * thick), 255, np.uint8)
    point[top + height - 2 * thick : top + height - thick, thick : 2 * thick] = 20
    line = np.concatenate([minus, first[:, :cut], point, first[:, cut:]], axis=1)
    width = max(line.shape[1], second.shape[1])
    sheet = np.full((line.shape[0] + second.shape[0], width), 255, np.uint8)
    sheet[: line.shape[0], : line.shape[1]] = line
    sheet[line.shape[0] :, : second.shape[1]] = second
    sheet[2:4, -4:-2] = 20  # dust
    return sheet, f"-{first_text}{second_text}"  # the digits only: where the point falls depends on the cut
