"""On-the-fly augmentation of training batches, modelling how handwriting varies between writers.

Works on raw 0..16 pixels (n, 64) and returns the same; applied to training batches only, never to evaluation data.
Every random draw comes from the generator passed in, so a seeded run is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from train.data import PIXEL_MAX


@dataclass(frozen=True)
class AugmentConfig:
    """Magnitudes of each distortion; 0 turns one off, `enabled=False` turns all off."""

    enabled: bool = False
    rotate_deg: float = 12.0  # uniform in ±rotate_deg
    scale: float = 0.12  # zoom uniform in 1 ± scale, independently per axis
    shear_deg: float = 12.0  # uniform in ±shear_deg
    shift_px: float = 0.8  # sub-pixel translation, uniform in ±shift_px per axis
    elastic_px: float = 0.0  # std of a smooth random displacement field, in pixels
    thickness: float = 0.0  # blend towards a dilated (thicker) or eroded (thinner) stroke, up to this fraction
    noise: float = 0.0  # std of additive Gaussian noise, in raw pixel units

    def __post_init__(self) -> None:
        for name in ("rotate_deg", "scale", "shear_deg", "shift_px", "elastic_px", "thickness", "noise"):
            if getattr(self, name) < 0:
                raise ValueError(f"augmentation {name} must be non-negative, got {getattr(self, name)}")
        if self.scale >= 1 or self.thickness > 1:
            raise ValueError(f"augmentation scale must be < 1 and thickness <= 1, got {self.scale}, {self.thickness}")


def _uniform(n: int, bound: float, generator: torch.Generator) -> torch.Tensor:
    return (torch.rand(n, generator=generator) * 2 - 1) * bound


def _affine(n: int, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """Random (n, 2, 3) sampling matrices: rotation · shear · scale, plus translation (normalised coordinates)."""
    angle = _uniform(n, math.radians(cfg.rotate_deg), generator)
    shear = torch.tan(_uniform(n, math.radians(cfg.shear_deg), generator))
    sx = 1 + _uniform(n, cfg.scale, generator)
    sy = 1 + _uniform(n, cfg.scale, generator)
    cos, sin = torch.cos(angle), torch.sin(angle)
    # sampling grid = inverse map; composing random draws, the distribution is what matters, not the exact inverse
    a = torch.stack([cos / sx, (-sin + shear * cos) / sx], dim=1)
    b = torch.stack([sin / sy, (cos + shear * sin) / sy], dim=1)
    shift = _uniform(2 * n, cfg.shift_px * 2 / 8, generator).view(n, 2)  # pixels → normalised units (8 px = 2)
    return torch.stack([torch.cat([a, shift[:, :1]], 1), torch.cat([b, shift[:, 1:]], 1)], dim=1)


def _elastic(n: int, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """A smooth random displacement field (n, 8, 8, 2) in normalised units: coarse 3×3 noise upsampled."""
    coarse = torch.randn(n, 2, 3, 3, generator=generator) * (cfg.elastic_px * 2 / 8)
    return F.interpolate(coarse, size=(8, 8), mode="bicubic", align_corners=True).permute(0, 2, 3, 1)


def augment(pixels: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator) -> torch.Tensor:
    """A randomly distorted copy of a batch of raw pixels (n, 64), clipped to 0..16."""
    if not cfg.enabled or len(pixels) == 0:
        return pixels
    n = len(pixels)
    images = pixels.view(n, 1, 8, 8)
    grid = F.affine_grid(_affine(n, cfg, generator), [n, 1, 8, 8], align_corners=False)
    if cfg.elastic_px > 0:
        grid = grid + _elastic(n, cfg, generator)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if cfg.thickness > 0:
        amount = _uniform(n, cfg.thickness, generator).view(n, 1, 1, 1)
        thicker = F.max_pool2d(out, 3, stride=1, padding=1)
        thinner = -F.max_pool2d(-out, 3, stride=1, padding=1)
        out = torch.where(amount >= 0, out + amount * (thicker - out), out - amount * (thinner - out))
    if cfg.noise > 0:
        out = out + torch.randn(out.shape, generator=generator) * cfg.noise
    return out.clamp(0.0, PIXEL_MAX).reshape(n, 64)
