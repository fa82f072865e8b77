"""How an outside image becomes the data set's representation: the constants of the artifact's `prepare()`.

The pipeline itself is `runtime.prepare`, the code the artifact ships; this module holds the training side's typed
configuration of it. The training augmentation that imitates other writers (`train.augment`) goes through the same
steps, so the model sees during training what `prepare()` will give it. The values are chosen by measurement
(README).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import runtime.prepare


@dataclass(frozen=True)
class PrepareConfig:
    """`ink_fraction`: share of the 32x32 box that is inked after binarising (thin strokes thicken, bold ones
    thin); `deslant`: shear the ink upright first; `smooth`: a 3x3 box blur before binarising."""

    ink_fraction: float = 0.30
    deslant: bool = True
    smooth: bool = False  # measured: MNIST-tune 89.7 % without, 88.9 % with (512x256, writers share 0.5)

    def __post_init__(self) -> None:
        if not 0.05 <= self.ink_fraction <= 0.8:
            raise ValueError(f"ink_fraction must be in [0.05, 0.8], got {self.ink_fraction}")


BOX = runtime.prepare._BOX  # side of the normalised bitmap


def prepare(image: object, config: PrepareConfig | None = None, ink: str = "auto") -> np.ndarray:
    """The artifact's `prepare()` for a configuration: (h, w) -> (64,), (n, h, w) -> (n, 64) block counts."""
    config = config or PrepareConfig()
    return runtime.prepare._prepare_images(image, ink, config.deslant, config.smooth, config.ink_fraction)
