"""The real-input benchmark's pictures (`nox -s realinput` scores the shipped artifact on them; the study reports
each configuration on them, never choosing by them): every condition of `train.writing.CONDITIONS` (and of its
`LATER_CONDITIONS`, rows added since) at ten pictures of each digit, printed digits in the benchmark's fonts at four sizes, and the digit "1" in 50 pictures per pen width
and per font. Every picture comes from a fixed seed, so the set is the same on every run; it was fixed before
anything was tuned against it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import runtime.pictures
from train import redraw, writing
from train.representation import PrepareConfig, prepare

SEED = 20261127  # the benchmark's one seed; each picture's generator is seeded by (SEED, row, digit, index)
PER_DIGIT = 10  # pictures of each digit per condition row
ONES = 50  # pictures of "1" per pen width and per font


def pictures(later: bool = True) -> Iterator[tuple[str, int, np.ndarray | bytes]]:
    """(row, digit, picture) for the whole benchmark, in a fixed order; a picture is an array or a file's bytes.
    `later=False`: without the rows of `writing.LATER_CONDITIONS` (the first edition, which the study reports)."""
    conditions = {**writing.CONDITIONS, **(writing.LATER_CONDITIONS if later else {})}
    for r, (row, make) in enumerate(conditions.items()):  # a later row's seeds follow the first edition's
        for digit in range(10):
            for k in range(PER_DIGIT):
                yield row, digit, make(digit, np.random.default_rng([SEED, r, digit, k]))
    fonts = writing.fonts_available()
    for f, font in enumerate(fonts):
        for digit in range(10):
            for s, size in enumerate(writing.FONT_SIZES):
                rng = np.random.default_rng([SEED, 100 + f, digit, s])
                yield (
                    f"printed digits ({len(fonts)} fonts x {len(writing.FONT_SIZES)} sizes)",
                    digit,
                    writing.printed(digit, font, size, rng),
                )
    for p, (pen, share) in enumerate(writing.PEN_WIDTHS.items()):
        for k in range(ONES):
            yield f'"1", pen {pen}', 1, writing.one_with_pen(share, np.random.default_rng([SEED, 200 + p, 1, k]))
    for f, font in enumerate(fonts):
        for k in range(ONES):
            rng = np.random.default_rng([SEED, 300 + f, 1, k])
            yield f'"1", printed in {font}', 1, writing.printed(1, font, int(rng.integers(14, 257)), rng)


def counts(prepare_config: PrepareConfig, later: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(block counts (n, 64), digits (n,)) of every benchmark picture (`pictures(later)`) as `prepare()` with
    `prepare_config` reads it (files through `read_picture`, as the command line opens them); made once, then read
    from the cache."""

    def make() -> dict[str, np.ndarray]:
        read, digits = [], []
        for _, digit, picture in pictures(later):
            if isinstance(picture, bytes):
                picture = runtime.pictures.read_picture(io.BytesIO(picture))
            read.append(prepare(picture, prepare_config))
            digits.append(digit)
        return {"counts": np.array(read), "digits": np.array(digits)}

    code = "".join(hashlib.sha256(Path(m.__file__ or "").read_bytes()).hexdigest() for m in (writing, runtime.pictures))
    key = redraw.cache_key(f"benchmark {SEED} {later} {writing.fonts_available()} {code}", prepare_config, [])
    made = redraw.cached_arrays(redraw.CACHE / f"benchmark-{key}.npz", make)
    return made["counts"], made["digits"]
