"""On-the-fly augmentation of training batches, modelling how handwriting varies between writers.

Works on raw 0..16 pixels (n, 64) and returns the same; applied to training batches only, never to evaluation data.
Every random draw comes from the generator passed in, so a seeded run is reproducible. Two paths:

- the classic one distorts the 8x8 counts directly (rotation, zoom, shear, shift, optional elastic/thickness/noise);
- "other writers" (a share of each batch) re-draws the digit as a 32x32 grayscale bitmap, distorts it there
  (slant, rotation, zoom, a wobbly elastic field, thinner or bolder strokes), and then takes it through the steps
  of the artifact's `prepare()` re-implemented in torch: shear upright, crop to the ink, fill the box, blur,
  binarise to the data set's ink share, count per 4x4 block. So the model learns from roughly what `prepare()`
  makes of unfamiliar handwriting. Roughly: torch resamples bilinearly where `prepare()` averages areas exactly, so
  the counts differ a little; `tests/test_representation.py` measures by how much and bounds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from train.data import PIXEL_MAX
from train.representation import BOX, PrepareConfig


@dataclass(frozen=True)
class WritersConfig:
    """The "other writers" path: `share` of each batch takes it (0 turns it off); distortions in the 32x32 box."""

    share: float = 0.0
    rotate_deg: float = 15.0
    shear_deg: float = 20.0
    scale: float = 0.15
    elastic_px: float = 1.5  # std of the smooth displacement field, in pixels of the 32x32 box
    thickness: float = 0.5  # blend towards a 1-pixel dilation (bolder) or erosion (thinner), up to this fraction

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"writers share must be in [0, 1], got {self.share}")
        for name in ("rotate_deg", "shear_deg", "scale", "elastic_px", "thickness"):
            if getattr(self, name) < 0:
                raise ValueError(f"writers {name} must be non-negative, got {getattr(self, name)}")
        if self.scale >= 1 or self.thickness > 1:
            raise ValueError(f"writers scale must be < 1 and thickness <= 1, got {self.scale}, {self.thickness}")


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
    writers: WritersConfig = field(default_factory=WritersConfig)
    redrawn: float = 0.0  # share of each batch swapped for its digits redrawn with pens, light and dust (train.redraw)
    fonts: float = 0.0  # share of each batch swapped for a digit of its label printed in a training font (train.redraw)
    swap_first: bool = False  # swap before distorting, so printed and redrawn rows are distorted like the others
    redraws: int = 3  # versions of each data-set digit redrawn with pens (made once, cached)
    markers: int = 0  # tracings of each printed digit with a broad marker added to the printed pool (train.redraw)

    def __post_init__(self) -> None:
        if isinstance(self.writers, dict):  # as stored in a checkpoint
            object.__setattr__(self, "writers", WritersConfig(**self.writers))
        for name in ("rotate_deg", "scale", "shear_deg", "shift_px", "elastic_px", "thickness", "noise"):
            if getattr(self, name) < 0:
                raise ValueError(f"augmentation {name} must be non-negative, got {getattr(self, name)}")
        if self.scale >= 1 or self.thickness > 1:
            raise ValueError(f"augmentation scale must be < 1 and thickness <= 1, got {self.scale}, {self.thickness}")
        if self.redraws < 1:
            raise ValueError(f"redraws must be at least 1, got {self.redraws}")
        if self.markers < 0:
            raise ValueError(f"markers counts tracings of each printed digit: at least 0, got {self.markers}")
        if self.redrawn < 0 or self.fonts < 0 or self.redrawn + self.fonts > 1:
            raise ValueError(
                f"redrawn and fonts are shares of a batch: non-negative, together at most 1; got {self.redrawn}, "
                f"{self.fonts}"
            )


def swap_for_redrawn(
    out: torch.Tensor,
    rows: torch.Tensor,
    labels: torch.Tensor,
    cfg: AugmentConfig,
    pool: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    generator: torch.Generator,
) -> torch.Tensor:
    """`out` (a batch's augmented counts) with a share `cfg.fonts` of its rows swapped for a printed digit of the
    same label and a share `cfg.redrawn` for the same digits (`rows`: their rows in the data set) as `train.redraw`
    wrote them again with pens — each as `prepare()` read it. `pool`: (pens (rows, versions, 64), printed (m, 64),
    printed labels (m,)); a part whose share is 0 may be empty. With both shares 0 nothing is drawn."""
    if not cfg.enabled or cfg.redrawn + cfg.fonts <= 0 or len(out) == 0:
        return out
    pens, printed, printed_labels = pool
    n = len(out)
    chosen = torch.rand(n, generator=generator)
    pick = torch.rand(n, generator=generator)
    out = out.clone()
    for k in torch.nonzero(chosen < cfg.fonts + cfg.redrawn).flatten().tolist():
        if chosen[k] < cfg.fonts:
            same = torch.nonzero(printed_labels == labels[k]).flatten()
            out[k] = printed[same[int(pick[k] * len(same))]]
        else:
            out[k] = pens[rows[k], int(pick[k] * pens.shape[1])]
    return out


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


def augment(
    pixels: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator, prepare: PrepareConfig | None = None
) -> torch.Tensor:
    """A randomly distorted copy of a batch of raw pixels (n, 64), 0..16: the classic path, and for a share of the
    images the "other writers" path through `prepare`'s steps (default `PrepareConfig()`)."""
    if not cfg.enabled or len(pixels) == 0:
        return pixels
    n = len(pixels)
    images = pixels.view(n, 1, 8, 8)
    grid = F.affine_grid(_affine(n, cfg, generator), [n, 1, 8, 8], align_corners=False)
    if cfg.elastic_px > 0:
        grid = grid + _elastic(n, cfg, generator)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if cfg.thickness > 0:
        out = _thickness(out, _uniform(n, cfg.thickness, generator))
    if cfg.noise > 0:
        out = out + torch.randn(out.shape, generator=generator) * cfg.noise
    out = out.clamp(0.0, PIXEL_MAX).reshape(n, 64)
    if cfg.writers.share > 0:
        chosen = torch.rand(n, generator=generator) < cfg.writers.share
        if chosen.any():
            out = out.clone()
            out[chosen] = imitate_writers(pixels[chosen], cfg.writers, prepare or PrepareConfig(), generator)
    return out


def _thickness(images: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    """Blend each image towards its 3x3 dilation (amount > 0) or erosion (amount < 0)."""
    amount = amount.view(-1, 1, 1, 1)
    thicker = F.max_pool2d(images, 3, stride=1, padding=1)
    thinner = -F.max_pool2d(-images, 3, stride=1, padding=1)
    return torch.where(amount >= 0, images + amount * (thicker - images), images - amount * (thinner - images))


def imitate_writers(
    pixels: torch.Tensor, cfg: WritersConfig, prepare: PrepareConfig, generator: torch.Generator
) -> torch.Tensor:
    """Counts (n, 64) re-drawn as 32x32 grayscale, distorted like another writer's hand, and taken through the
    artifact's `prepare()` steps (in torch) back to counts (n, 64)."""
    return _prepare_steps(redraw_as_writers(pixels, cfg, generator), prepare)


def redraw_as_writers(pixels: torch.Tensor, cfg: WritersConfig, generator: torch.Generator) -> torch.Tensor:
    """Counts (n, 64) re-drawn as 32x32 grayscale boxes (n, 1, 32, 32), light ink on black, distorted like another
    writer's hand."""
    n = len(pixels)
    box = F.interpolate((pixels / PIXEL_MAX).view(n, 1, 8, 8), size=(BOX, BOX), mode="bilinear", align_corners=False)
    angle = _uniform(n, math.radians(cfg.rotate_deg), generator)
    shear = torch.tan(_uniform(n, math.radians(cfg.shear_deg), generator))
    sx, sy = 1 + _uniform(n, cfg.scale, generator), 1 + _uniform(n, cfg.scale, generator)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1] = cos / sx, (-sin + shear * cos) / sx
    theta[:, 1, 0], theta[:, 1, 1] = sin / sy, (cos + shear * sin) / sy
    grid = F.affine_grid(theta, [n, 1, BOX, BOX], align_corners=False)
    if cfg.elastic_px > 0:
        coarse = torch.randn(n, 2, 4, 4, generator=generator) * (cfg.elastic_px * 2 / BOX)
        grid = grid + F.interpolate(coarse, size=(BOX, BOX), mode="bicubic", align_corners=True).permute(0, 2, 3, 1)
    box = F.grid_sample(box, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if cfg.thickness > 0:
        box = _thickness(box, _uniform(n, cfg.thickness, generator))
    return box


def _prepare_steps(box: torch.Tensor, prepare: PrepareConfig) -> torch.Tensor:
    """The artifact's `prepare()` from its contrast stretch on, for grayscale boxes (n, 1, 32, 32) with light ink
    on black: deslant, crop to the ink and fill the box, blur, binarise to the ink share, count per 4x4 block."""
    n = len(box)
    box = box / box.amax(dim=(2, 3), keepdim=True).clamp_min(1e-6)  # contrast stretch (the background is 0)
    identity = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]).repeat(n, 1, 1)
    if prepare.deslant:
        centre = (torch.arange(BOX, dtype=box.dtype) + 0.5) * 2 / BOX - 1  # pixel centres, normalised
        mass = box[:, 0].sum(dim=(1, 2)).clamp_min(1e-12)
        cy = (box[:, 0].sum(2) * centre).sum(1) / mass
        cx = (box[:, 0].sum(1) * centre).sum(1) / mass
        dy, dx = centre.view(1, -1, 1) - cy.view(-1, 1, 1), centre.view(1, 1, -1) - cx.view(-1, 1, 1)
        var_y = (box[:, 0] * dy**2).sum(dim=(1, 2)) / mass
        slant = torch.where(var_y > 0, (box[:, 0] * dy * dx).sum(dim=(1, 2)) / mass / var_y.clamp_min(1e-12), 0.0)
        theta = identity.clone()
        theta[:, 0, 1], theta[:, 0, 2] = slant, -slant * cy
        box = F.grid_sample(box, F.affine_grid(theta, [n, 1, BOX, BOX], align_corners=False), align_corners=False)
    ink = box[:, 0] > 0.5
    index = torch.arange(BOX)
    rows, cols = ink.any(dim=2), ink.any(dim=1)
    r0, r1 = torch.where(rows, index, BOX).amin(1), torch.where(rows, index, -1).amax(1)
    c0, c1 = torch.where(cols, index, BOX).amin(1), torch.where(cols, index, -1).amax(1)
    h, w = (r1 - r0 + 1).to(box.dtype), (c1 - c0 + 1).to(box.dtype)
    fill = BOX / torch.maximum(h, w)
    theta = identity.clone()  # box pixel u -> source: the ink's bounding box scaled to fill, centred
    theta[:, 0, 0], theta[:, 0, 2] = 1 / fill, (c0 + w / 2) * 2 / BOX - 1
    theta[:, 1, 1], theta[:, 1, 2] = 1 / fill, (r0 + h / 2) * 2 / BOX - 1
    empty = ~rows.any(dim=1)
    theta[empty] = identity[empty]
    box = F.grid_sample(box, F.affine_grid(theta, [n, 1, BOX, BOX], align_corners=False), align_corners=False)
    if prepare.smooth:
        box = F.avg_pool2d(box, 3, stride=1, padding=1, count_include_pad=True)
    flat = box.reshape(n, -1)
    n_ink = round(prepare.ink_fraction * BOX * BOX)
    level = flat.kthvalue(BOX * BOX - n_ink, dim=1).values.clamp(0.05, 0.95).view(n, 1, 1, 1)
    return (F.avg_pool2d((box > level).to(box.dtype), 4) * 16).reshape(n, 64)
