"""Any picture of a digit -> the digits data set's representation, the 8x8 block counts 0..16 the model reads.
Spliced verbatim into `digits_infer.py`; the training side (`train.representation`, `train.augment`) calls the same
functions, so what the model learns from and what the artifact gives it are one piece of code.

The digits data set (UCI optdigits) normalised each scanned digit into a 32x32 bitmap, its longer side filling the
box, and counted the ink pixels of each 4x4 block. `prepare()` repeats that for any picture, after taking away what
a scanner at the data set's desk did not see: uneven light, frames, ruled lines and dust.
"""

from __future__ import annotations

import numpy as np

from runtime.slots import _DESLANT, _INK_FRACTION, _SMOOTH

# ------------------------------------------------------------------------------------ begin artifact code

# ---------------------------------------------------------------------------------------------- prepare

_BOX = 32  # side of the normalised bitmap; its 4x4 blocks give the 8x8 counts
_INK_LEVEL = 0.5  # after contrast stretching: what counts as ink when cropping
_LEVEL_CLAMP = (0.05, 0.95)  # the binarisation level stays inside these, whatever the ink share asks
# Strokes too thin to reach the ink share at the lowest level (a fine pen: no grey halo to take in) are thickened,
# 3x3 dilations until they cover this share of it, at most this many (chosen on MNIST's tune half: 0.5, 0.7, 1.0)
_THICKEN = (0.7, 3)
# Exact arithmetic, so that any summation order (NumPy's BLAS, JavaScript's loops) gives the same bits: values live
# on dyadic grids small enough that every partial sum is exactly representable in float64.
_INPUT_GRID = 65536.0  # gray input 0..1, before block reduction
_INK_GRID = 1024.0  # ink 0..1 after contrast stretching and after deslanting (deslant moments are integer sums)
_WEIGHT_GRID = 4096.0  # area weights: box values are then multiples of 2**-34, all below 2
_MAX_SIDE = 1024  # larger pictures are reduced first by whole-number block averages (sums stay exact below 2**53)
_DIGIT_SIDE = 256  # the digit cut out of the picture is reduced the same way to at most this (the box is 32)
_CUT_MARGIN = 2  # pixels of paper kept around a digit's box when it is cut out of the picture (`_cut_out`)
_STRETCH_OUTLIERS = 256  # ink is stretched to its value at 1/this of it from the top, not to its single darkest pixel
# The paper's light: its brightness is estimated on a coarse grid of cells and divided out, so "ink" means darker
# than the paper nearby, under a shadow or a lighting gradient alike.
_LIGHT_CELLS = 32  # cells along the picture's longer side — along its height for a line of writing (_LINE wide)
_LINE = 2  # a picture at least this many times as wide as tall is a line of writing: its light changes top to bottom
_LIGHT_REACH = 4  # a closing over (2 * reach + 1)^2 cells: ink narrower than that is never taken for paper
_LIGHT_SETTLE = 1  # then the darkest over (2 * settle + 1)^2 cells: the estimate keeps behind light falling off
_LIGHT_MIN_SIDE = 64  # smaller pictures (a crop, MNIST's 28x28) are taken as evenly lit
_PAPER_SHARE = 0.75  # once evened, what is at least this bright is paper (the estimate is coarse where light changes)
_SURE_PAPER = 0.9  # ... but grey between the two is ink within _GREY_REACH pixels of darker ink (a pencil's grains),
_GREY_REACH = 2  # and at least this bright a cell's paper for sure: its mean there corrects the estimate on a ramp
# When nothing is darker than that, faint ink (a light pencil, a faded print) is looked for: what is darker than this
# share of the paper nearby, read only if one piece of it spans _FAINT_SPAN of the picture's longer side (a blank
# sheet's noise makes specks, not strokes).
_FAINT_SHARE = 0.95
_FAINT_SPAN = 1 / 16
_FAINT_NOISE = 6  # ... and darker than the paper's noise: this many times its median deviation (about 4 sigma)
# Clutter: the ink's connected pieces (8-neighbours, ink above _PIECE_LEVEL) that belong to the digit are kept.
_PIECE_LEVEL = 0.25  # below _INK_LEVEL, so that a fine anti-aliased stroke is one piece, not a string of dots
_NEAR = 0.2  # a piece within this share of the digit's longer side (or its own size) joins the digit,
_SPECK = 0.1  # unless it has less than this share of the largest piece's ink: a speck joins within its own size
_GRAIN = 0.05  # ... of the digit's strokes, or within this share of its longer side (a pencil's grains, not dust)
_FRAME_FILL = 0.2  # a piece that surrounds others is a frame when it covers at most this share of its box
_RING_HOLE = 0.25  # a ring drawn round a digit and touching it encloses paper filling at least this share of its box
_RING_GAP = 1 / 64  # ... in holes of at least this share (smaller: gaps between a pencil's grains)
_RULE_SPAN = 0.9  # a thin piece spanning this share of the picture is a ruled line or a border
_RULE_DARK = 0.8  # ruled lines typically darker than this are as dark as ink: only what is not ink is taken off
_RULE_REPEAT = 3  # ... and so are lines that do not repeat (fewer than this many in each direction: a frame's sides)
# Light ink on a dark ground (a chalkboard, a dark-mode canvas, MNIST) is told from the raw picture: its majority and
# its rim lie within this share of the range above its darkest (the darkest 1/64 of it, so noise does not count).
_GROUND = 0.25
_GROUND_SAMPLE = 65536  # pixels looked at, at most: every step-th of each row and column of a larger picture


_LUMA = (19595, 38470, 7471)  # ITU-R BT.601 luma weights in 65536ths, as Pillow's convert("L"); they sum to 65536
_PICTURES = "a picture (h, w), colour (h, w, 3) or with transparency (h, w, 2|4), or a batch of them (n, h, w[, c])"


def _as_images(image):
    """(images (n, h, w) float64 0..1 on the input grid, one_image) from any accepted picture or batch: grayscale,
    RGB, or with an alpha channel (LA, RGBA). Colour becomes BT.601 luma; transparency is composited over paper
    (`_composite`); 8-bit gray and RGB take whole numbers to the same bits (`_bytes_on_grid`)."""
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
    if a.size == 0:
        a = a.reshape((1, *a.shape) if one else a.shape).astype(np.float64)
        return a.reshape(a.shape[: a.ndim - (channels > 0)]), one
    lo, hi = float(a.min()), float(a.max())  # on the picture as given: 8-bit pixels are quicker to scan
    if a.dtype == np.uint8 and channels != 2 and channels != 4 and hi > 1.0:  # 8-bit gray or RGB: whole numbers
        return _bytes_on_grid(a.reshape((1, *a.shape) if one else a.shape), channels == 3), one
    a = a.reshape((1, *a.shape) if one else a.shape).astype(np.float64)
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
    return _on_grid(_composite(a) if channels else a, _INPUT_GRID), one


def _bytes_on_grid(a, colour):
    """8-bit pixels scaled by 255, gray (n, h, w) or RGB (n, h, w, 3) -> (n, h, w) gray 0..1 on the input grid, in
    whole numbers: the luma L = 19595 R + 38470 G + 7471 B (a gray value v: 65536 v) is exact in int32, and the
    multiple of 1/_INPUT_GRID nearest to L / (255 * 65536) is floor((2 L + 255) / 510) / 65536 — never a half, as 255
    is odd, and the float quotient of two such whole numbers floors to the whole-number one. The same bits as
    dividing by 255, weighting (`_composite`) and rounding to the grid (`_on_grid`, which `_ink` does first) in
    floats — the tests check every 8-bit colour — without a float copy of every channel."""
    if colour:
        luma = a[..., 0].astype(np.int32) * _LUMA[0]
        luma += a[..., 1].astype(np.int32) * _LUMA[1]
        luma += a[..., 2].astype(np.int32) * _LUMA[2]
    else:  # the 256 gray values' (then each pixel looked up)
        luma = np.arange(256, dtype=np.int32) * (_LUMA[0] + _LUMA[1] + _LUMA[2])
    luma *= 2
    luma += 255
    out = luma.astype(np.float64)
    out /= 510.0
    np.floor(out, out=out)
    out *= 1.0 / _INPUT_GRID
    return out if colour else out[a]


def _composite(a):
    """(n, h, w, c) colour 0..1 -> (n, h, w) gray 0..1: RGB becomes BT.601 luma (R, G, B weighted 19595, 38470 and
    7471 in 65536ths); an alpha channel (LA, RGBA) is composited over paper — white, unless what is visible is
    light on average (white ink on a transparent canvas), then black — so ink in the alpha channel alone reads
    like ink on paper."""
    channels = a.shape[-1]
    if channels >= 3:
        gray = a[..., 0] * _LUMA[0]
        gray += a[..., 1] * _LUMA[1]
        gray += a[..., 2] * _LUMA[2]
        gray /= 65536.0
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
    """`v` (an array) rounded to the nearest multiple of 1/grid, halves up: elementwise, so the same in every
    language (worked in one new array: these pictures are large). `grid` is a power of two, so multiplying by its
    reciprocal is exact: the same bits as dividing, faster."""
    out = v * grid
    out += 0.5
    np.floor(out, out=out)
    out *= 1.0 / grid
    return out


def _reduced(g, side=_MAX_SIDE, grid=None):
    """A picture larger than `side` reduced by a whole-number factor, each pixel the mean of a block (edge pixels
    repeated to fill the last blocks) — rounded to `grid` when given, so that sums of them stay exact too; the block
    sums are exact, so the order of summing does not matter."""
    factor = -(-max(g.shape) // side)
    if factor == 1:
        return g
    h, w = -(-g.shape[0] // factor), -(-g.shape[1] // factor)
    g = np.pad(g, ((0, h * factor - g.shape[0]), (0, w * factor - g.shape[1])), mode="edge")
    columns = g[:, ::factor].copy()  # each block's columns, then its rows, added as strided slices (exact sums)
    for k in range(1, factor):
        columns += g[:, k::factor]
    means = columns[::factor].copy()
    for k in range(1, factor):
        means += columns[k::factor]
    means /= factor * factor
    return means if grid is None else _on_grid(means, grid)


def _window(a, reduce, r):
    """`reduce` (np.maximum or np.minimum; on a boolean picture np.maximum is "any") over each element's
    (2 * r + 1)^2 neighbourhood, edges repeated: along rows, then along columns — a square's extreme is the extreme
    of its rows' extremes, exactly. Serves the paper's cells, the pixels near ink and those near a ring's outside."""
    h, w = a.shape
    padded = np.pad(a, ((0, 0), (r, r)), mode="edge")
    across = padded[:, :w].copy()
    for j in range(1, 2 * r + 1):
        reduce(across, padded[:, j : j + w], out=across)
    padded = np.pad(across, ((r, r), (0, 0)), mode="edge")
    out = padded[:h].copy()
    for i in range(1, 2 * r + 1):
        reduce(out, padded[i : i + h], out=out)
    return out


def _paper(g):
    """The paper's brightness under each pixel of `g` (dark ink on light paper): the brightest pixel of each cell
    of a grid, closed (the largest, then the smallest, over a window of cells) so that a cell wholly inside a
    stroke takes its neighbours' paper, then the darkest over a small window (_LIGHT_SETTLE), then interpolated
    bilinearly — rows first, then columns; every step elementwise, so the same bits in every language. The
    brightest pixel of a cell on a shadow's edge is on the lit side: interpolated as it is, shadowed paper beside
    it reads as ink, which outweighs a thin pen's digit; taking the darker neighbour keeps the estimate behind the
    light where it falls off, by a cell — the finer the cells, the narrower the band where faint ink on the lit side
    is lost. A line of writing (_LINE times as wide as tall) gets _LIGHT_CELLS cells along its height, so that the
    window of cells does not span it and light falling off from top to bottom is followed."""
    h, w = g.shape
    side = -(-(h if w >= _LINE * h else max(h, w)) // _LIGHT_CELLS)
    ch, cw = -(-h // side), -(-w // side)
    brightest = np.maximum.reduceat(np.maximum.reduceat(g, np.arange(0, w, side), axis=1), np.arange(0, h, side))
    closed = _window(_window(brightest, np.maximum, _LIGHT_REACH), np.minimum, _LIGHT_REACH)
    cells = _window(_edge_ramps(closed), np.minimum, _LIGHT_SETTLE)

    def between(n, n_cells):  # each pixel's two nearest cell centres (the edge cell twice beyond the edge
        at = (np.arange(n, dtype=np.float64) + 0.5) / side - 0.5  # centres) and its weight on the second
        first = np.floor(at)
        cell = first.astype(np.int64)
        return np.clip(cell, 0, n_cells - 1), np.clip(cell + 1, 0, n_cells - 1), at - first

    cells = _paper_means(g, cells, side)
    x0, x1, fx = between(w, cw)
    y0, y1, fy = between(h, ch)
    across = cells[:, x0] * (1 - fx) + cells[:, x1] * fx
    paper = across[y0]
    paper *= (1 - fy).reshape(-1, 1)
    below = across[y1]
    below *= fy.reshape(-1, 1)
    paper += below
    return paper


def _paper_means(g, cells, side):
    """The settled cells of `_paper` (`side` pixels a side) raised to the mean of their sure paper — their pixels
    at least _SURE_PAPER of the cell's settled light — where that is brighter and is at least half of the cell: a new
    array. Where light falls off, the settled estimate keeps a cell behind the light (_LIGHT_SETTLE), so a pencil's
    grey strokes on the ramp read as paper; the mean of a cell's paper is its light at the cell's centre, where the
    interpolation puts it. Under even light the settled cells are the brightest pixels nearby, above any cell's
    mean: nothing changes. The sums are of values on the input grid, at most 32^2 of them per cell: exact in any
    order."""
    h, w = g.shape
    rows, columns = np.arange(0, h, side), np.arange(0, w, side)
    at_least = np.repeat(np.repeat(_SURE_PAPER * cells, side, axis=1)[:, :w], side, axis=0)[:h]
    sure = g >= at_least
    total = np.add.reduceat(np.add.reduceat(np.where(sure, g, 0.0), columns, axis=1), rows)
    count = np.add.reduceat(np.add.reduceat(sure.astype(np.int64), columns, axis=1), rows)
    size = np.outer(np.minimum(rows + side, h) - rows, np.minimum(columns + side, w) - columns)
    mean = total / np.maximum(count, 1)
    return np.where(2 * count >= size, np.maximum(cells, mean), cells)


def _edge_ramps(closed):
    """The closed cells (`_paper`) where light falls off towards the picture's edge followed to the edge: a new
    array. The closing repeats the edge's cells, so the _LIGHT_REACH cells next to an edge all take the light found
    _LIGHT_REACH cells in; where a shadow reaches the edge that is brighter than the shadow's paper, which then reads
    as ink (a pencil's digit is fainter than that). Each of those cells is capped at the straight line through the
    cells _LIGHT_REACH and 2 _LIGHT_REACH in, carried on to it (not below 0): under even light the line is flat and
    nothing changes, so a stroke along the edge, which the closing took for ink, stays ink. Top and bottom first,
    then left and right, each from the cells as they were before that pass."""
    r = _LIGHT_REACH
    out = closed.copy()
    for axis in (0, 1):
        lines = np.moveaxis(out, axis, 0)  # a view: rows for the top and bottom, columns for the left and right
        n = lines.shape[0]
        if n <= 2 * r:
            continue
        before = lines.copy()
        for i in range(r):
            for edge, inner, step in ((i, r, r), (n - 1 - i, n - 1 - r, -r)):
                slope = (before[inner + step] - before[inner]) / r
                np.minimum(lines[edge], np.maximum(before[inner] - slope * (r - i), 0.0), out=lines[edge])
    return out


def _evened(g, share=_PAPER_SHARE):
    """`g` (dark ink on light paper) with the paper's light divided out: paper 1, ink as dark as it is relative to
    the paper nearby, on the input grid; what is at least `share` as bright as the paper nearby is paper — but grey
    below _SURE_PAPER within _GREY_REACH pixels of something darker than `share` stays ink: a pencil's stroke is
    grains of every grey, and without its lighter ones the darker are dust, not a stroke."""
    if max(g.shape) < _LIGHT_MIN_SIDE:
        return g
    paper = _paper(g)
    np.maximum(paper, 1 / 255, out=paper)
    evened = np.divide(g, paper, out=paper)
    np.minimum(evened, 1.0, out=evened)
    evened = _on_grid(evened, _INPUT_GRID)
    ink = evened < share
    kept = _window(ink, np.maximum, _GREY_REACH)  # within _GREY_REACH pixels of ink
    kept &= evened < _SURE_PAPER
    kept |= ink
    evened[~kept] = 1.0
    return evened


def _faint_ink(g):
    """`g` evened for faint ink — the paper's light divided out, then its typical level (the median: a noisy
    sheet's brightest pixels are brighter than its paper), and paper from _FAINT_SHARE of that or from _FAINT_NOISE
    median deviations below it, whichever is darker — when it shows a stroke: a piece of its ink (stretched)
    spanning _FAINT_SPAN of the picture's longer side; else None (a blank sheet's noise)."""
    evened = _evened(g, 2.0)  # nothing taken for paper yet
    relative = evened / _median(evened)
    spread = _median(np.abs(relative - 1.0))
    faint = _on_grid(np.minimum(relative, 1.0), _INPUT_GRID)
    faint[faint >= min(_FAINT_SHARE, 1.0 - _FAINT_NOISE * spread)] = 1.0
    darkest = faint.min()
    if darkest == 1.0:
        return None
    t = _piece_table(_on_grid((1.0 - faint) / (1.0 - darkest), _INK_GRID))
    longest = max([0, *t["tall"].tolist(), *t["wide"].tolist()])
    return faint if longest >= _FAINT_SPAN * max(g.shape) else None


def _pieces(mask):
    """The connected pieces (8-neighbours) of a boolean picture, from its runs of set pixels along rows:
    (row, start, end) of each run (end exclusive) and each run's piece, numbered by the piece's first run."""
    w = mask.shape[1]
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    row, start = np.nonzero(edges == 1)
    end = np.nonzero(edges == -1)[1]
    n = len(row)
    # the runs of the next row that touch each run: starts at most its end, ends at least its start
    key = row * (w + 2)
    first = np.searchsorted(key + end, key + (w + 2) + start, side="left")
    last = np.searchsorted(key + start, key + (w + 2) + end, side="right")
    touching = np.maximum(last - first, 0)
    a = np.repeat(np.arange(n), touching)
    b = np.repeat(first, touching) + np.arange(touching.sum()) - np.repeat(np.cumsum(touching) - touching, touching)
    piece = np.arange(n)
    while True:  # each run takes the smallest number it touches, then follows its number's number, until stable
        joined = np.minimum(piece[a], piece[b])
        before = piece.copy()
        np.minimum.at(piece, a, joined)
        np.minimum.at(piece, b, joined)
        while True:
            jumped = piece[piece]
            if np.array_equal(jumped, piece):
                break
            piece = jumped
        if np.array_equal(piece, before):
            return row, start, end, piece


def _piece_table(g):
    """The pieces of ink of `g` — connected ink above _PIECE_LEVEL that somewhere reaches _INK_LEVEL (a faint
    stroke's pixels hold together; a faint smudge is no piece) — as a dict of arrays: each run's row, start, end
    and piece ("run_piece"), each piece's mass (pixels) and box (top, bottom, left, right inclusive; tall, wide),
    and "order": the pieces by mass, largest first (ties: the first met, row by row)."""
    h, w = g.shape
    row, start, end, piece = _pieces(g > _PIECE_LEVEL)
    flat = g.reshape(-1)
    if np.any(row * w + end == flat.size):  # a run ends at the picture's last pixel: reduceat needs one past it
        flat = np.append(flat, 0.0)
    run_max = np.maximum.reduceat(flat, np.stack([row * w + start, row * w + end], axis=1).reshape(-1))[::2]
    strongest = np.zeros(len(row) + 1)
    np.maximum.at(strongest, piece, run_max)
    strong = strongest[piece] > _INK_LEVEL
    row, start, end, piece = row[strong], start[strong], end[strong], piece[strong]
    labels, run_piece = np.unique(piece, return_inverse=True)
    n = len(labels)
    mass = np.bincount(run_piece, weights=end - start, minlength=n)
    top, bottom, left, right = (np.full(n, v, dtype=np.int64) for v in (h, -1, w, -1))
    np.minimum.at(top, run_piece, row)
    np.maximum.at(bottom, run_piece, row)
    np.minimum.at(left, run_piece, start)
    np.maximum.at(right, run_piece, end - 1)
    order = sorted(range(n), key=lambda k: (-mass[k], k))
    return {
        "row": row,
        "start": start,
        "end": end,
        "run_piece": run_piece,
        "mass": mass,
        "top": top,
        "bottom": bottom,
        "left": left,
        "right": right,
        "tall": bottom - top + 1,
        "wide": right - left + 1,
        "order": order,
        "shape": (h, w),
    }


def _without_clutter(t):
    """The pieces of `t` that are not clutter, largest first: a frame (a sparse piece around others that hold at
    least a quarter of its ink) or a ruled line or border (thin, spanning _RULE_SPAN of the picture) is dropped
    when the rest holds at least a quarter of its ink."""
    h, w = t["shape"]
    mass, top, bottom, left, right, tall, wide = (
        t[k] for k in ("mass", "top", "bottom", "left", "right", "tall", "wide")
    )
    kept = list(t["order"])
    for k in t["order"]:
        others = [j for j in kept if j != k]
        inside = [
            j for j in others if top[j] > top[k] and bottom[j] < bottom[k] and left[j] > left[k] and right[j] < right[k]
        ]
        frame = mass[k] <= _FRAME_FILL * tall[k] * wide[k] and sum(mass[j] for j in inside) >= mass[k] / 4
        rule = (wide[k] >= _RULE_SPAN * w and 8 * tall[k] <= wide[k]) or (
            tall[k] >= _RULE_SPAN * h and 8 * wide[k] <= tall[k]
        )
        if (frame or rule) and sum(mass[j] for j in others) >= mass[k] / 4:
            kept.remove(k)
    return kept


def _grown(t, pieces):
    """The digit of the first of `pieces` (the largest): that piece, then every other piece of `pieces` near what
    it has gathered so far — a piece with at least _SPECK of the first one's ink within _NEAR of the gathered box's
    longer side or within its own size (a 5's flag, a broken stroke, a dotted pen's dots), a smaller one within its
    own size of the gathered box and within its own size or _GRAIN of the box's longer side of the gathered strokes
    themselves (`_near_strokes`: a thin digit's box is mostly paper, where dust is not the digit; a pencil's grains
    lie by its strokes). Returns the pieces gathered and their box [top, bottom, left, right]."""
    mass, top, bottom, left, right, tall, wide = (
        t[k] for k in ("mass", "top", "bottom", "left", "right", "tall", "wide")
    )
    first = pieces[0]
    digit = [first]
    box = [top[first], bottom[first], left[first], right[first]]
    runs = t["run_piece"] == first  # the gathered pieces' runs
    grown = True
    while grown:
        grown = False
        for k in pieces:
            if k not in digit:
                gap = _gap(t, k, box)
                own = max(tall[k], wide[k], 2)  # a piece within its own size of the digit is part of it
                longer = max(box[1] - box[0], box[3] - box[2])
                if mass[k] < _SPECK * mass[first]:
                    joins = gap <= own and _near_strokes(t, k, runs, max(own, int(_GRAIN * longer)))
                else:
                    joins = gap <= max(_NEAR * longer, own)
                if joins:
                    digit.append(k)
                    box = [min(box[0], top[k]), max(box[1], bottom[k]), min(box[2], left[k]), max(box[3], right[k])]
                    runs |= t["run_piece"] == k
                    grown = True
    return digit, box


def _near_strokes(t, k, runs, reach):
    """Whether one of `runs` (a mask over `t`'s runs) lies within `reach` pixels of piece `k`'s box — `_gap`'s
    measure (Chebyshev) to the strokes themselves instead of to their box."""
    row, start, end = t["row"][runs], t["start"][runs], t["end"][runs]
    r = reach + 1
    return bool(
        np.any(
            (row >= t["top"][k] - r)
            & (row <= t["bottom"][k] + r)
            & (start <= t["right"][k] + r)
            & (end - 1 >= t["left"][k] - r)
        )
    )


def _gap(t, k, box):
    """Pixels between piece `k`'s box and `box` [top, bottom, left, right] (Chebyshev; 0 or less when they touch)."""
    return max(t["top"][k] - box[1], box[0] - t["bottom"][k], t["left"][k] - box[3], box[2] - t["right"][k]) - 1


def _cut_out(g, t, digit, box):
    """The box [top, bottom, left, right] of `g` with a margin of _CUT_MARGIN pixels (less at the picture's
    edges), the pixels of pieces not in `digit` set to 0."""
    h, w = g.shape
    m = _CUT_MARGIN
    r0, r1, c0, c1 = max(box[0] - m, 0), min(box[1] + m + 1, h), max(box[2] - m, 0), min(box[3] + m + 1, w)
    out = g[r0:r1, c0:c1].copy()
    dropped = ~np.isin(t["run_piece"], digit)
    for r, s, e in zip(t["row"][dropped], t["start"][dropped], t["end"][dropped]):
        if r0 <= r < r1:
            out[r - r0, max(s, c0) - c0 : max(min(e, c1) - c0, 0)] = 0.0
    return out


def _digit_only(g):
    """The digit cut out of `g` (ink 0..1): a ring drawn round it taken off (`_without_rings`), clutter dropped
    (`_without_clutter`), then the largest piece and the pieces near it kept (`_grown`) — dust, specks and far
    strokes are not — and cut out (`_cut_out`)."""
    g, t = _without_rings(g, _piece_table(g))
    digit, box = _grown(t, _without_clutter(t))
    return _cut_out(g, t, digit, box)


def _runs_mask(shape, row, start, end):
    """A boolean picture of `shape` set on the runs (row, start, end exclusive), which do not overlap."""
    steps = np.zeros((shape[0], shape[1] + 1), dtype=np.int32)
    np.add.at(steps, (row, start), 1)
    np.add.at(steps, (row, end), -1)
    return np.cumsum(steps, axis=1)[:, :-1] > 0


def _ring_band(t, k):
    """The pixels of piece `k` of `t` that ring the rest of it, as (band, top, left): a boolean picture of the
    piece's box with one pixel of paper round it, placed at (top, left) — or None. A circle or box drawn round a
    digit that touches it makes one piece of both, which the frame rule of `_without_clutter` cannot drop. Such a
    piece encloses paper: its holes (8-connected paper not reached from outside the box) of at least _RING_GAP of
    its box — smaller ones are gaps between a pencil's grains, taken as ink here — fill at least _RING_HOLE of the
    box. Its ring is its ink within the ring's width of the paper outside, one pixel more (the width: the lower
    quartile of the first run of each row, gaps filled); the ink beyond holds at least a quarter of the ring's, and
    the ring covers at most _FRAME_FILL of the box, as a frame does. A 0, a 6 or an 8 lies within its stroke's
    width of the paper outside: no ring."""
    runs = t["run_piece"] == k
    row, start, end = t["row"][runs], t["start"][runs], t["end"][runs]
    top, left, tall, wide = t["top"][k] - 1, t["left"][k] - 1, int(t["tall"][k]), int(t["wide"][k])
    first = np.ones(len(row), dtype=bool)  # each row's first run and last run (runs are in reading order)
    first[1:] = row[1:] != row[:-1]
    last = np.roll(first, -1)
    if np.maximum(start[last] - end[first], 0).sum() < _RING_HOLE * tall * wide:
        return None  # a hole's pixels lie between the first and the last run of their row: too few could
    mask = _runs_mask((tall + 2, wide + 2), row - top, start - left, end - left)
    paper_row, paper_start, paper_end, paper = _pieces(~mask)
    _, which = np.unique(paper, return_inverse=True)  # 0: the paper round the box (its first run), outside
    areas = np.bincount(which, weights=paper_end - paper_start)
    gap = (areas < _RING_GAP * tall * wide)[which]  # runs of the small holes
    gap[which == 0] = False
    if areas[1:][areas[1:] >= _RING_GAP * tall * wide].sum() < _RING_HOLE * tall * wide:
        return None
    solid = (mask | _runs_mask(mask.shape, paper_row[gap], paper_start[gap], paper_end[gap]))[1:-1]
    begin = np.argmax(solid, axis=1)  # each row's first run of ink (the box's rows all hold some)
    stop = np.argmin(solid | (np.arange(wide + 2) < begin[:, None]), axis=1)  # the paper after it
    width = int(np.sort(stop - begin)[(tall - 1) // 4])
    out = which == 0
    outside = _runs_mask(mask.shape, paper_row[out], paper_start[out], paper_end[out])
    band = _window(outside, np.maximum, width + 1) & mask
    ring = int(np.count_nonzero(band))
    if 4 * (int(t["mass"][k]) - ring) < ring or ring > _FRAME_FILL * tall * wide:
        return None
    return band, top, left


def _without_rings(g, t):
    """(`g`, its piece table `t`) with the ring of its largest piece taken off (`_ring_band`) — a new picture
    and its table — or as they are when it has none."""
    found = _ring_band(t, t["order"][0]) if t["order"] else None
    if found is None:
        return g, t
    band, top, left = found
    g = g.copy()
    rows, columns = np.nonzero(band)
    g[rows + top, columns + left] = 0.0
    return g, _piece_table(g)


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


def _paper_level(paper):
    """The paper's level in `paper` (dark ink on light paper, its light divided out): the median — the majority
    is paper — or, when the median is nearer the dark end, the median of the picture's rim if that is nearer the
    light end (a bold digit cropped to its box covers more of it than the paper does, and the paper still
    surrounds it); None when neither is (a dark ground)."""
    half = (paper.min() + paper.max()) / 2
    # the median, at once when most of the picture is paper at its brightest (1, the largest value there is)
    middle = 1.0 if 2 * np.count_nonzero(paper == 1.0) > paper.size else _median(paper)
    if middle > half:
        return middle
    rim = _median(_rim(paper))
    return rim if rim > half else None


def _rim(g):
    """The picture's outermost rows and columns, each pixel once."""
    return np.concatenate([g[0], g[-1], g[1:-1, 0], g[1:-1, -1]])


def _dark_ground(g):
    """Whether `g` (0..1) is light ink on a dark ground: its majority and three quarters of its rim within _GROUND
    of its range above its darkest (a fine pen's ink may be less than the darkest 1/64: then there is no range and
    no dark ground — unless part of the sheet is in shadow, when the lit part spans the range: it covers more than
    a quarter of the rim where a dark ground's strokes rarely do).
    Told from the raw picture, before the paper's light is divided out, which would take a dark ground far from the
    strokes for paper; a shadow on paper is no dark ground — the ink in it is darker still —
    nor is a bold digit cropped tight, paper round it. Larger pictures are sampled (every step-th pixel of every
    step-th row; the same pixels in every language)."""
    step = max(1, int(np.sqrt(g.size / _GROUND_SAMPLE)))
    v = g[::step, ::step].reshape(-1)
    darkest = np.partition(v, v.size // 64)[v.size // 64]
    brightest = v.max()
    reach = darkest + _GROUND * (brightest - darkest)
    rim = _rim(g)
    ground = np.partition(rim, 3 * rim.size // 4)[3 * rim.size // 4]  # three quarters of the rim at most this
    return bool(brightest > darkest and _median(v) <= reach and ground <= reach)


def _ink(g, ink):
    """One image (h, w), float 0..1 on the input grid (`_as_images`) -> its ink 0..1 (on the ink grid; larger
    pictures reduced to _MAX_SIDE): the paper's light divided out, the background found (`ink`: "dark", "light" or
    "auto") and contrast-stretched.
    "auto" reads light ink on a dark ground when the raw picture shows one (`_dark_ground`), else dark ink on paper
    when the paper has a level (`_paper_level`: the majority, or a light rim round a bold digit), else light ink —
    but a picture in which nothing is darker than the paper nearby (a blank sheet whose noise the paper's light
    evens away) has no ink: light ink would read its noise as a digit."""
    g = _reduced(g, grid=_INPUT_GRID)
    if ink == "auto" and _dark_ground(g):
        ink = "light"
    level = None
    if ink != "light":
        paper = _evened(g)  # dark ink on paper, the paper's light divided out
        level = _paper_level(paper)
        if level is None and paper.min() == 1.0:  # nothing darker than _PAPER_SHARE of the paper nearby
            faint = _faint_ink(g)  # faint ink, or none
            if faint is not None:
                paper, level = faint, _paper_level(faint)
        if ink == "auto":  # no paper level: light ink on a dark ground — unless nothing is darker than the paper
            ink = "dark" if level is not None or paper.min() == 1.0 else "light"  # nearby: a blank sheet, no ink
    if ink == "light":
        paper = _evened(1.0 - g)  # light ink on a dark ground: the same steps on the negative
        level = _paper_level(paper)
    background = 1.0 - (level if level is not None else _median(paper))
    g = 1.0 - paper  # ink high, the background low
    inked = g[g > background]
    span = (_stretch_top(inked) if inked.size else background) - background
    if not span > 1 / 255:
        raise ValueError("no ink found: the image is blank or uniform")
    g -= background
    g /= span
    np.clip(g, 0.0, 1.0, out=g)
    return _without_lines(_on_grid(g, _INK_GRID))


def _stretch_top(inked):
    """The level ink (`inked`: its values, at least one) is stretched to: the value 1/_STRETCH_OUTLIERS of them
    from the top, so that one outlying dark pixel does not leave the rest of a faint stroke faint."""
    k = inked.size - 1 - inked.size // _STRETCH_OUTLIERS
    return np.partition(inked, k)[k]


def _line_counts(present):
    """How many pixels of the boolean picture `present` are set in each row and each column, and which rows and
    columns they span for _RULE_SPAN of it (a ruled line's, or a border's)."""
    per_row, per_column = present.sum(axis=1), present.sum(axis=0)
    h, w = present.shape
    return per_row, per_column, per_row >= _RULE_SPAN * w, per_column >= _RULE_SPAN * h


def _rule_cut(g, on_lines, rows, columns):
    """The level up to which what lies on ruled lines (`on_lines`: where `g` is above _PIECE_LEVEL in the `rows`
    and `columns` they span) is the lines, not ink: halfway from their typical level (the median: mostly the lines
    themselves) to full ink, so that squared paper printed dark, stretched above _INK_LEVEL, does not join the
    digit into one piece with its grid. Else _INK_LEVEL, as for pale lines (typically at most _INK_LEVEL: what
    is not ink is already all of them, and a stroke's edge on a line stays where it was), for lines as dark as ink
    (typically above _RULE_DARK: then only what is not ink goes), and for lines that do not repeat — fewer than
    _RULE_REPEAT in each direction, such as the sides of a frame round a tall digit, which must stay whole to be
    dropped as a frame."""
    if max(_line_runs(rows), _line_runs(columns)) < _RULE_REPEAT:
        return _INK_LEVEL  # the lines' level is not looked at
    level = _median(g[on_lines])
    return (level + 1.0) / 2 if _INK_LEVEL < level <= _RULE_DARK else _INK_LEVEL


def _line_runs(spanned):
    """How many lines the boolean per-row (or per-column) `spanned` holds: its runs of consecutive True."""
    return int(spanned[0]) + int(np.count_nonzero(spanned[1:] & ~spanned[:-1]))


def _without_lines(g):
    """`g` (ink 0..1, changed in place) without the lines of the sheet that are not the digit:
    - ruled lines fainter than ink (a notebook's pale rules, squared paper): in a row or a column that something
      above _PIECE_LEVEL spans for _RULE_SPAN of the picture, what is not ink (at most `_rule_cut`) is set to 0, so
      that a rule crossing the digits does not join them into one piece; ink is kept (a dark rule is clutter that
      `_without_clutter` drops where it touches no digit);
    - a dark band along an edge (a scan whose page did not cover the glass, a desk beside the sheet), even where the
      digit touches it: the lines next to an edge that something above _PIECE_LEVEL spans for _RULE_SPAN of their
      length, at most an eighth of the picture deep, set to 0 — when the opposite edge's line holds no ink, so that
      a digit cropped tight (its ink touching every edge) keeps a stroke along an edge. The edges in turn: top,
      bottom, left, right.
    One pass finds what is above _PIECE_LEVEL; the counts per row and column follow each change."""
    h, w = g.shape
    present = g > _PIECE_LEVEL
    per_row, per_column, rows, columns = _line_counts(present)
    if rows.any() or columns.any():
        on_lines = present & (rows.reshape(-1, 1) | columns.reshape(1, -1))
        faint = on_lines & (g <= _rule_cut(g, on_lines, rows, columns))
        g[faint] = 0.0
        present &= ~faint
        per_row, per_column = _line_counts(present)[:2]
    for side in range(4):
        across = side < 2  # top and bottom: rows; left and right: columns
        counts, length = (per_row, w) if across else (per_column, h)
        order = counts if side % 2 == 0 else counts[::-1]  # from this edge inwards
        full = order >= _RULE_SPAN * length
        k = len(full) if full.all() else int(np.argmin(full))  # the band: full lines from the edge
        if 0 < k <= len(full) // 8 and order[-1] == 0:
            band = slice(0, k) if side % 2 == 0 else slice(len(full) - k, len(full))
            if across:
                per_column = per_column - present[band].sum(axis=0)
                per_row = per_row.copy()
                per_row[band] = 0
                present[band] = False
                g[band] = 0.0
            else:
                per_row = per_row - present[:, band].sum(axis=1)
                per_column = per_column.copy()
                per_column[band] = 0
                present[:, band] = False
                g[:, band] = 0.0
    return g


def _prepare_one(g, ink, deslant, smooth, ink_fraction, stages=None):
    """One image (h, w), float 0..1 on the input grid -> (64,) block counts 0..16, the data set's representation.
    A dict passed as `stages` receives the intermediate images (for pictures of the pipeline)."""
    return _counts(_digit_only(_ink(g, ink)), deslant, smooth, ink_fraction, stages)


def _counts(g, deslant, smooth, ink_fraction, stages=None):
    """One digit's ink cut out of a picture (`_cut_out`) -> (64,) block counts: reduced to _DIGIT_SIDE and
    stretched again, sheared upright, cropped, scaled into the box, binarised (thickened if too fine), counted.
    The stretch takes the value 1/_STRETCH_OUTLIERS of the inked pixels from the top as full ink: a faint 1 px
    stroke with one dark pixel (where a shadow's edge meets it) was stretched by that pixel, stayed under
    _INK_LEVEL everywhere else and was cropped to it — all-zero counts."""
    g = _reduced(g, _DIGIT_SIDE)
    g = _on_grid(np.minimum(g / _stretch_top(g[g > 0]), 1.0), _INK_GRID)  # stretched again: a fine stroke is faint
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
    for _ in range(_THICKEN[1]):
        if bits.sum() >= _THICKEN[0] * n_ink:
            break
        padded = np.pad(bits, 1)
        bits = np.logical_or.reduce([padded[i : i + _BOX, j : j + _BOX] for i in range(3) for j in range(3)])
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
    """Eleven pictures from an integer formula (no random numbers), 20x16 up to 83x65: slanted rings of dark ink
    on grey paper with a texture, two with a speck, one inside a frame, one crossed by pale ruled lines, one
    bold ring cropped tight (more ink than paper, paper all round) and a light ring on a dark grey ground (a
    dark-mode canvas), for the self-test's check that this copy prepares pictures bit for bit as the
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
        if k in (2, 5):  # a speck in a corner, to be dropped
            ring |= (i >= h - 4) & (i < h - 2) & (j >= 1) & (j < 3)
        if k == 6:  # a printed frame around the digit, to be dropped
            ring |= ((i == 1) | (i == h - 2)) & (j >= 1) & (j < w - 1) | ((j == 1) | (j == w - 2)) & (i >= 1) & (
                i < h - 1
            )
        pictures.append((200 + (i * 31 + j * 17 + k) % 23 - np.where(ring, 170, 0)).astype(np.uint8))
        if k == 7:  # the same ring on ruled paper: pale rules across it, every 13 rows, to be dropped
            pictures.append(np.minimum(pictures[-1], np.where(i % 13 == 5, 130, 255)).astype(np.uint8))
    h, w = 70, 54  # a bold ring touching all four sides: inside the ellipse, outside 0.45 of its radius
    i = np.arange(h, dtype=np.int64).reshape(-1, 1)
    j = np.arange(w, dtype=np.int64).reshape(1, -1)
    q = (2 * j - w + 1) ** 2 * h * h + (2 * i - h + 1) ** 2 * w * w
    ring = (q <= w * w * h * h) & (100 * q >= 20 * w * w * h * h)
    pictures.append((220 + (i * 13 + j * 29) % 19 - np.where(ring, 190, 0)).astype(np.uint8))
    ring = np.abs(q - w * w * h * h // 2) <= w * w * h * h // 10  # a thinner ring, light on a dark grey ground
    pictures.append((40 + (i * 7 + j * 11) % 9 + np.where(ring, 180, 0)).astype(np.uint8))
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
    "thicken": _THICKEN,
    "light_cells": _LIGHT_CELLS,
    "line": _LINE,
    "light_reach": _LIGHT_REACH,
    "light_settle": _LIGHT_SETTLE,
    "light_min_side": _LIGHT_MIN_SIDE,
    "paper_share": _PAPER_SHARE,
    "sure_paper": _SURE_PAPER,
    "grey_reach": _GREY_REACH,
    "faint_share": _FAINT_SHARE,
    "faint_span": _FAINT_SPAN,
    "faint_noise": _FAINT_NOISE,
    "piece_level": _PIECE_LEVEL,
    "near": _NEAR,
    "speck": _SPECK,
    "grain": _GRAIN,
    "frame_fill": _FRAME_FILL,
    "ring_hole": _RING_HOLE,
    "ring_gap": _RING_GAP,
    "rule_span": _RULE_SPAN,
    "rule_dark": _RULE_DARK,
    "rule_repeat": _RULE_REPEAT,
    "ground": _GROUND,
    "ground_sample": _GROUND_SAMPLE,
    "luma": _LUMA,
    "input_grid": _INPUT_GRID,
    "ink_grid": _INK_GRID,
    "weight_grid": _WEIGHT_GRID,
    "max_side": _MAX_SIDE,
    "digit_side": _DIGIT_SIDE,
    "cut_margin": _CUT_MARGIN,
    "stretch_outliers": _STRETCH_OUTLIERS,
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
    light background (paper) or "light" on a dark one (a screen canvas, MNIST); "auto" decides per image: light
    when the picture's majority and its rim are near its darkest (a dark ground), else from the background once
    the paper's light is divided out — the majority of the pixels, or, when that is dark, the picture's rim if
    that is light (a bold digit cropped tight; bold light ink cropped tight needs "light"). Raises ValueError ("no
    ink found") for a blank image.

    The pipeline: divide out the paper's light (shadows, gradients; pictures from 64 px a side), contrast-stretch,
    keep the digit's pieces of ink (frames, ruled lines, borders and far specks dropped), shear upright, crop to
    the ink, scale the longer side to 32 pixels (area averaging), optionally blur, binarise to the data set's ink
    share (thickening strokes too fine to reach it), count the ink in each 4x4 block."""
    return _prepare_images(image, ink, _DESLANT, _SMOOTH, _INK_FRACTION)


def prepare_stages(image, *, ink="auto"):
    """`prepare()` of one picture (h, w[, c]), step by step: a dict of the intermediate images, in order — "ink" (the
    contrast-stretched ink of the digit's pieces, cut out of the picture, 0..1), "crop" (upright and cropped to the ink), "box" (the 32x32 box), "bits" (the
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
