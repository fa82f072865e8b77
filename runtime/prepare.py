"""Any picture of a digit -> the digits data set's representation, the 8x8 block counts 0..16 the model reads.
Spliced verbatim into `digits_infer.py`; the training side (`train.representation`, `train.augment`) calls the same
functions, so what the model learns from and what the artifact gives it are one piece of code.

The digits data set (UCI optdigits) normalised each scanned digit into a 32x32 bitmap, its longer side filling the
box, and counted the ink pixels of each 4x4 block. `prepare()` repeats that for any grayscale picture.
"""

from __future__ import annotations

import numpy as np

from runtime.slots import _DESLANT, _INK_FRACTION, _SMOOTH

# ------------------------------------------------------------------------------------ begin artifact code

# ---------------------------------------------------------------------------------------------- prepare

_BOX = 32  # side of the normalised bitmap; its 4x4 blocks give the 8x8 counts
_INK_LEVEL = 0.5  # after contrast stretching: what counts as ink when cropping
_LEVEL_CLAMP = (0.05, 0.95)  # the binarisation level stays inside these, whatever the ink share asks
# Exact arithmetic, so that any summation order (NumPy's BLAS, JavaScript's loops) gives the same bits: values live
# on dyadic grids small enough that every partial sum is exactly representable in float64.
_INPUT_GRID = 65536.0  # gray input 0..1, before block reduction
_INK_GRID = 1024.0  # ink 0..1 after contrast stretching and after deslanting (deslant moments are integer sums)
_WEIGHT_GRID = 4096.0  # area weights: box values are then multiples of 2**-34, all below 2
_MAX_SIDE = 1024  # larger pictures are reduced first by whole-number block averages (sums stay exact below 2**53)


_LUMA = (19595, 38470, 7471)  # ITU-R BT.601 luma weights in 65536ths, as Pillow's convert("L"); they sum to 65536
_PICTURES = "a picture (h, w), colour (h, w, 3) or with transparency (h, w, 2|4), or a batch of them (n, h, w[, c])"


def _as_images(image):
    """(images (n, h, w) float64 0..1, one_image) from any accepted picture or batch: grayscale, RGB, or with an
    alpha channel (LA, RGBA). Colour becomes BT.601 luma; transparency is composited over paper (`_composite`)."""
    if image is None or isinstance(image, (str, bytes, bytearray)):
        raise TypeError(f"expected {_PICTURES}; got {type(image).__name__}")
    try:
        a = np.asarray(image)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"expected a rectangular picture; got ragged input ({exc})") from None
    kind = a.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"expected a picture of real numbers, got dtype {a.dtype}")
    channels = a.shape[-1] if a.ndim in (3, 4) and a.shape[-1] in (2, 3, 4) else 0  # a picture is >= 8 wide
    spatial = a.shape[: a.ndim - (channels > 0)]
    if len(spatial) not in (2, 3) or spatial[-1] < 8 or spatial[-2] < 8:
        hint = ""
        if a.ndim == 3 and a.shape[0] in (2, 3, 4) and min(a.shape[1:]) >= 8:
            hint = "; channels first? move them last: np.moveaxis(picture, 0, -1)"
        raise ValueError(f"expected {_PICTURES}, at least 8x8; got shape {a.shape}{hint}")
    one = len(spatial) == 2
    a = a.reshape((1, *a.shape) if one else a.shape).astype(np.float64)
    if a.size == 0:
        return a.reshape(a.shape[: a.ndim - (channels > 0)]), one
    lo, hi = float(a.min()), float(a.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError("expected finite pixel values; the picture holds NaN or infinity")
    if lo < 0:
        raise ValueError(f"expected pixel values from 0 (0..255 or 0..1); got values down to {lo:g}")
    if hi > 1.0:  # booleans, 0/1 masks and floats 0..1 stay as they are
        if hi <= 255:
            a /= 255.0
        elif kind in "iu" and hi <= 65535:
            a /= 65535.0
        else:
            raise ValueError(f"expected pixel values 0..255 (or 0..1, or 16-bit 0..65535); got values up to {hi:g}")
    return (_composite(a) if channels else a), one


def _composite(a):
    """(n, h, w, c) colour 0..1 -> (n, h, w) gray 0..1: RGB becomes BT.601 luma (R, G, B weighted 19595, 38470 and
    7471 in 65536ths); an alpha channel (LA, RGBA) is composited over paper — white, unless what is visible is
    light on average (white ink on a transparent canvas), then black — so ink in the alpha channel alone reads
    like ink on paper."""
    channels = a.shape[-1]
    if channels >= 3:
        gray = (a[..., 0] * _LUMA[0] + a[..., 1] * _LUMA[1] + a[..., 2] * _LUMA[2]) / 65536.0
    else:
        gray = a[..., 0]
    if channels in (2, 4):
        alpha = a[..., -1]
        for g, w in zip(gray, alpha):
            paper = 0.0 if (g * w).sum() > 0.5 * w.sum() else 1.0
            g -= paper
            g *= w
            g += paper
    return gray


def _median(v):
    """The median of all of `v`, as np.median computes it (the mean of the two middle values for an even count),
    without np.median, whose first call imports numpy.ma (18 ms of a shell call)."""
    v = v.reshape(-1)
    k = v.size // 2
    if v.size % 2:
        return np.partition(v, k)[k]
    middle = np.partition(v, (k - 1, k))
    return (middle[k - 1] + middle[k]) / 2


def _on_grid(v, grid):
    """`v` rounded to the nearest multiple of 1/grid, halves up: elementwise, so the same in every language."""
    return np.floor(v * grid + 0.5) / grid


def _reduced(g):
    """A picture larger than _MAX_SIDE reduced by a whole-number factor, each pixel the mean of a block (edge
    pixels repeated to fill the last blocks); the block sums are exact, so the order of summing does not matter."""
    factor = -(-max(g.shape) // _MAX_SIDE)
    if factor == 1:
        return g
    h, w = -(-g.shape[0] // factor), -(-g.shape[1] // factor)
    g = np.pad(g, ((0, h * factor - g.shape[0]), (0, w * factor - g.shape[1])), mode="edge")
    return g.reshape(h, factor, w, factor).sum(axis=(1, 3)) / (factor * factor)


def _deslant(g):
    """The image sheared so that its ink's second moments show no slant (rows shift left or right). The moments
    are integer sums (ink on the 1/_INK_GRID grid, at most _MAX_SIDE pixels a side), exact in any order."""
    h, w = g.shape
    q = g * _INK_GRID
    yy = np.arange(h, dtype=np.float64).reshape(-1, 1)
    xx = np.arange(w, dtype=np.float64).reshape(1, -1)
    total = q.sum()
    cy, cx = (q * yy).sum() / total, (q * xx).sum() / total
    var_y = (q * yy * yy).sum() / total - cy * cy
    if var_y <= 0:
        return g
    slant = ((q * yy * xx).sum() / total - cy * cx) / var_y
    pad = int(np.ceil(abs(slant) * h)) + 1  # the sheared picture is w + 2 * pad wide
    x = np.arange(w + 2 * pad, dtype=np.float64).reshape(1, -1) + slant * (yy - cy)  # where each pixel comes from
    x0 = np.floor(x)
    frac = x - x0
    x0 = x0.astype(np.int64) + pad  # in `source`, whose zero margins hold every position x0 and x0 + 1
    source = np.pad(g, ((0, 0), (2 * pad, 2 * pad)))
    left, right = np.take_along_axis(source, x0, axis=1), np.take_along_axis(source, x0 + 1, axis=1)
    return _on_grid(left * (1 - frac) + right * frac, _INK_GRID)


def _area_weights(n_src, scale, offset):
    """(_BOX, n_src) weights: how much of each source pixel falls into each box pixel, for the source scaled by
    `scale` and shifted by `offset` box pixels. Exact area averaging, for shrinking and for enlarging alike."""
    edges = (np.arange(_BOX + 1, dtype=np.float64) - offset) / scale
    lo = np.clip(edges[:-1], 0, n_src).reshape(-1, 1)
    hi = np.clip(edges[1:], 0, n_src).reshape(-1, 1)
    j = np.arange(n_src, dtype=np.float64).reshape(1, -1)
    return _on_grid(np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0, None) * scale, _WEIGHT_GRID)


def _ink_pixels(ink_fraction):
    """How many of the box's pixels are ink after binarising (the JavaScript twin gets this number rendered)."""
    return round(ink_fraction * _BOX * _BOX)


def _prepare_one(g, ink, deslant, smooth, ink_fraction, stages=None):
    """One image (h, w), float 0..1 -> (64,) block counts 0..16, the data set's representation. A dict passed as
    `stages` receives the intermediate images (for pictures of the pipeline)."""
    g = _reduced(_on_grid(g, _INPUT_GRID))
    if ink == "auto":
        ink = "dark" if _median(g) > (g.min() + g.max()) / 2 else "light"  # the background is the majority
    if ink == "dark":
        g = 1.0 - g
    background = _median(g)
    span = g.max() - background
    if not span > 1 / 255:
        raise ValueError("no ink found: the image is blank or uniform")
    g = _on_grid(np.clip((g - background) / span, 0.0, 1.0), _INK_GRID)
    if stages is not None:
        stages["ink"] = g
    if deslant:
        g = _deslant(g)
    rows = np.flatnonzero((g > _INK_LEVEL).any(axis=1))
    cols = np.flatnonzero((g > _INK_LEVEL).any(axis=0))
    crop = g[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    scale = _BOX / max(h, w)
    box = _area_weights(h, scale, (_BOX - h * scale) / 2) @ crop @ _area_weights(w, scale, (_BOX - w * scale) / 2).T
    if smooth:
        padded = np.pad(box, 1)
        box = sum(padded[i : i + _BOX, j : j + _BOX] for i in range(3) for j in range(3)) / 9.0
    # binarise so that the ink covers the data set's share of the box: thin strokes thicken, bold ones thin
    n_ink = _ink_pixels(ink_fraction)
    level = min(max(np.sort(box, axis=None)[-n_ink - 1], _LEVEL_CLAMP[0]), _LEVEL_CLAMP[1])
    bits = box > level
    counts = bits.reshape(8, 4, 8, 4).sum(axis=(1, 3)).reshape(64).astype(np.float64)
    if stages is not None:
        stages.update(crop=crop, box=box, bits=bits, counts=counts)
    return counts


def _prepare_images(image, ink, deslant, smooth, ink_fraction):
    """`_prepare_one` over a picture -> (64,) or a batch -> (n, 64) (`_as_images`' shapes), after checking `ink`."""
    if ink not in ("auto", "dark", "light"):
        raise ValueError(f"expected ink='auto', 'dark' or 'light'; got {ink!r}")
    images, one = _as_images(image)
    out = np.array([_prepare_one(g, ink, deslant, smooth, ink_fraction) for g in images], dtype=np.float64)
    out = out.reshape(-1, 64)
    return out[0] if one else out


def _check_pictures():
    """Eight pictures from an integer formula (no random numbers), 20x16 up to 83x65: slanted rings of dark ink
    on grey paper with a texture, for the self-test's check that this copy prepares pictures bit for bit as the
    generating machine did."""
    pictures = []
    for k in range(8):
        h, w = 20 + 9 * k, 16 + 7 * k
        i = np.arange(h, dtype=np.int64).reshape(-1, 1)
        j = np.arange(w, dtype=np.int64).reshape(1, -1)
        u = (2 * j - w) * h * 4 + (k - 4) * (2 * i - h) * w
        v = (2 * i - h) * w * 4
        d = (u * u + v * v) // (h * w * 16)
        ring = np.abs(d - h * w * (4 + k % 3) // 16) <= h * w // (6 + k)
        pictures.append((200 + (i * 31 + j * 17 + k) % 23 - np.where(ring, 170, 0)).astype(np.uint8))
    return pictures


def _prepare_digest(deslant, smooth, ink_fraction):
    """SHA-256 of the block counts (float64, little-endian) `prepare()` gives `_check_pictures()`. prepare's
    arithmetic is exact, so every machine and the JavaScript twin get the same digest."""
    import hashlib

    digest = hashlib.sha256()
    for picture in _check_pictures():
        counts = _prepare_images(picture, "auto", deslant, smooth, ink_fraction)
        digest.update(np.ascontiguousarray(counts, dtype="<f8").tobytes())
    return digest.hexdigest()


PREPARE = {  # prepare()'s constants, for those who draw or reproduce its steps
    "box": _BOX,
    "ink_level": _INK_LEVEL,
    "level_clamp": _LEVEL_CLAMP,
    "luma": _LUMA,
    "input_grid": _INPUT_GRID,
    "ink_grid": _INK_GRID,
    "weight_grid": _WEIGHT_GRID,
    "max_side": _MAX_SIDE,
    "ink_fraction": _INK_FRACTION,
    "deslant": _DESLANT,
    "smooth": _SMOOTH,
}


def prepare(image, *, ink="auto"):
    """A picture of a digit, any size from 8x8 up, as the model's input: (64,) block counts 0..16.

    `image` is grayscale (h, w), colour (h, w, 3), with transparency (h, w, 2) or (h, w, 4), or a batch of such
    pictures (n, h, w[, c]) giving (n, 64); uint8 or other integers 0..255, 16-bit 0..65535, floats 0..1 or 0..255,
    or booleans. Colour becomes BT.601 luma (Pillow's convert("L") weights); transparency is composited over paper,
    white unless the visible pixels are light on average (then black), so a canvas export whose ink is only in the
    alpha channel, or white ink on a transparent canvas, reads like ink on paper. One digit per image, roughly
    cropped. `ink` says whether the digit is "dark" on a
    light background (paper) or "light" on a dark one (a screen canvas, MNIST); "auto" decides per image from the
    background, which is the majority of the pixels. Raises ValueError ("no ink found") for a blank image.

    The pipeline: contrast-stretch, shear upright, crop to the ink, scale the longer side to 32 pixels (area
    averaging), optionally blur, binarise to the data set's ink share, count the ink in each 4x4 block."""
    return _prepare_images(image, ink, _DESLANT, _SMOOTH, _INK_FRACTION)


def prepare_stages(image, *, ink="auto"):
    """`prepare()` of one picture (h, w[, c]), step by step: a dict of the intermediate images, in order — "ink" (the
    contrast-stretched ink, 0..1), "crop" (upright and cropped to the ink), "box" (the 32x32 box), "bits" (the
    binarised box) — and "counts", the (64,) result `prepare()` returns."""
    if ink not in ("auto", "dark", "light"):
        raise ValueError(f"expected ink='auto', 'dark' or 'light'; got {ink!r}")
    images, one = _as_images(image)
    if not one:
        raise ValueError(f"expected one picture (h, w); got a batch of shape {np.shape(image)}")
    stages = {}
    _prepare_one(images[0], ink, _DESLANT, _SMOOTH, _INK_FRACTION, stages)
    return stages


# ------------------------------------------------------------------------------------ end artifact code
