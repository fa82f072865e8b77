"""Whole numbers: a picture of one or more digits, in one or more lines -> the digits read left to right, line by
line ("2026 42"), with each digit's label, calibrated probabilities, box and whether the model is sure of it.

Spliced verbatim into `digits_infer.py` after `runtime.prepare`, whose steps it shares: the same ink (paper light
divided out), the same pieces of ink, the same clutter rule, the same counting of each digit. A picture `prepare()`
takes for one digit is read as that one digit, with the same counts, so `read()` agrees with `predict(prepare())`.
"""

from __future__ import annotations

import numpy as np

from runtime.predictor import _scores, _softmax
from runtime.prepare import (
    _CUT_MARGIN,
    _MAX_SIDE,
    _PIECE_LEVEL,
    _SPECK,
    _as_images,
    _counts,
    _cut_out,
    _gap,
    _grown,
    _ink,
    _line_counts,
    _piece_table,
    _without_clutter,
    _without_rings,
)
from runtime.slots import _DESLANT, _INK_FRACTION, _SMOOTH, CLASSES, SURE_AT, TEMPERATURE

# ------------------------------------------------------------------------------------ begin artifact code

# ---------------------------------------------------------------------------------------------- read

_TALL = 0.4  # a piece at least this share of the writing's height stands in a line; smaller: flags, dots, marks
_STACKED = 0.5  # pieces whose columns overlap by this share of the narrower one are strokes of one digit
_PAIR = 1.0  # a group wider than this times its height may be two touching digits: the model decides
_WIDE = 1.2  # a group wider than this times its height is several touching digits, however sure the model is
_DIGIT_WIDTH = 0.8  # a wide group holds as many digits as digits this share of its height wide fit
_REFINE = 0.25  # a cut between several touching digits may move this share of a digit's width (`_refined`)
_MARK = 0.35  # a dot or comma is at most this share of the line's height; a minus at least this share wide
_DOT = 0.25  # a digit whose pieces are all shorter than this share of it is written in dots (a dotted pen)
READING = {  # read()'s constants, for those who reproduce its steps (the JavaScript twin gets them rendered)
    "tall": _TALL,
    "stacked": _STACKED,
    "pair": _PAIR,
    "wide": _WIDE,
    "digit_width": _DIGIT_WIDTH,
    "refine": _REFINE,
    "mark": _MARK,
    "dot": _DOT,
}


def _margin(z):
    """How sure the logits `z` are: the top logit minus the runner-up's (float32 values, so exact everywhere)."""
    top2 = np.sort(z)[-2:]
    return float(top2[1]) - float(top2[0])


def _digit(ink, box, scale):
    """One digit's item from its ink cut out of the picture (`_cut_out` for a whole group of pieces, `_part` for a
    digit cut from touching ones), counted like `prepare()`: its label, probabilities, sureness and box in the
    picture's pixels ([left, top, width, height]); None when the ink holds nothing (a part between two cuts that
    fell in a gap)."""
    if not ink.any():
        return None
    counts = _counts(ink, _DESLANT, _SMOOTH, _INK_FRACTION)
    z = _scores(counts[None], False)[0]
    proba = _softmax(z[None], TEMPERATURE)[0]
    label = int(CLASSES[int(z.argmax())])
    return {
        "kind": "digit",
        "text": str(label),
        "label": label,
        "sure": bool(proba.max() >= SURE_AT),
        "proba": proba.tolist(),
        "logits": z.tolist(),
        "box": _picture_box(box, scale),
        "counts": counts.tolist(),
        "margin": _margin(z),
    }


def _whole(g, t, pieces, box, scale):
    """The item of the digit made of `pieces`, whose box is `box`: read exactly as `prepare()` reads a digit."""
    return _digit(_cut_out(g, t, pieces, box), box, scale)


def _part(full, box, a, b, scale):
    """The item of the digit between columns `a` and `b` (inclusive, the picture's) of a group of touching digits
    whose ink `full` was cut out of `box` [top, bottom, left, right] by `_cut_out`: the ink beyond a cut belongs to
    the neighbour and is set to 0 (a group's own outer margin stays, as for a whole digit)."""
    top, bottom, left, right = box
    offset = max(left - _CUT_MARGIN, 0)  # the picture's column of `full`'s first
    ink = full.copy()
    if a > left:
        ink[:, : a - offset] = 0.0
    if b < right:
        ink[:, b + 1 - offset :] = 0.0
    return _digit(ink, [top, bottom, a, b], scale)


def _picture_box(box, scale):
    top, bottom, left, right = (int(v) for v in box)
    return [left * scale, top * scale, (right - left + 1) * scale, (bottom - top + 1) * scale]


def _mark(kind, text, box, scale):
    return {"kind": kind, "text": text, "box": _picture_box(box, scale)}


def _box_of(t, pieces):
    return [
        min(t["top"][k] for k in pieces),
        max(t["bottom"][k] for k in pieces),
        min(t["left"][k] for k in pieces),
        max(t["right"][k] for k in pieces),
    ]


def _overlap(a0, a1, b0, b1):
    """Pixels the ranges [a0, a1] and [b0, b1] (inclusive) share."""
    return max(0, min(a1, b1) - max(a0, b0) + 1)


def _split(g, t, pieces, box, height, scale):
    """The digits of a group of pieces whose box is `box` [top, bottom, left, right], with the line's `height`:
    narrower than _PAIR times its height, one digit; wider than _WIDE times, as many digits as digits _DIGIT_WIDTH
    of its height wide fit; in between, one wide digit or two narrow ones touching: two only when the whole is not
    sure, both halves are, and both are read more surely (the smaller of their logit margins) than the whole — a
    wide digit the model knows stays one. Digits are cut apart where the least ink crosses the column near each
    equal share of the width (then, for several digits, moved to where the model reads both sides best:
    `_refined`); each digit is read from its own columns only."""
    top, bottom, left, right = box
    width, tall = right - left + 1, max(height, bottom - top + 1)
    if width <= _PAIR * tall:
        return [_whole(g, t, pieces, box, scale)]
    maybe_one = width <= _WIDE * tall  # one wide digit or two narrow ones: the model decides
    parts = 2 if maybe_one else int(np.floor(width / (_DIGIT_WIDTH * tall) + 0.5))
    full = _cut_out(g, t, pieces, box)
    profile = full[_CUT_MARGIN:-_CUT_MARGIN].sum(axis=0)  # ink per column (exact: multiples of 1/1024)
    offset = max(left - _CUT_MARGIN, 0)  # the picture's column of `full`'s first
    reach = width // (4 * parts)
    cuts = [left]
    for i in range(1, parts):
        centre = left + (width * i) // parts
        window = profile[centre - reach - offset : centre + reach + 1 - offset]
        cuts.append(centre - reach + int(np.argmin(window)))
    cuts.append(right + 1)
    if not maybe_one:
        cuts = _refined(full, box, cuts, scale)
    items = [_part(full, box, a, b - 1, scale) for a, b in zip(cuts[:-1], cuts[1:])]
    items = [item for item in items if item is not None]  # a part that fell in a gap holds no ink: no digit
    if maybe_one:
        whole = _whole(g, t, pieces, box, scale)
        two = len(items) == 2 and not whole["sure"] and all(item["sure"] for item in items)
        if not two or min(item["margin"] for item in items) <= whole["margin"]:
            return [whole]
    return items


def _refined(full, box, cuts, scale):
    """The `cuts` between several touching digits (columns; the first and last are the group's edges), each moved
    in turn, left to right, to where the two digits beside it are read most surely (the larger of the smaller of
    their logit margins; the first such place on a tie), among nine places within _REFINE of a digit's share of
    the width: the thinnest ink is often inside a digit (the waist of an 8, the foot of a 2 under a 1)."""
    width = box[3] - box[2] + 1
    near = max(2, int(width * _REFINE) // (len(cuts) - 1))
    cuts = list(cuts)
    for i in range(1, len(cuts) - 1):
        best, at, last = None, cuts[i], None
        for j in range(-4, 5):
            c = cuts[i] + (near * j) // 4
            if c == last or c < cuts[i - 1] + 2 or c > cuts[i + 1] - 2:
                continue
            last = c
            pair = (_part(full, box, cuts[i - 1], c - 1, scale), _part(full, box, c, cuts[i + 1] - 1, scale))
            if pair[0] is None or pair[1] is None:
                continue
            sure = min(pair[0]["margin"], pair[1]["margin"])
            if best is None or sure > best:
                best, at = sure, c
        cuts[i] = at
    return cuts


def _writing_lines(t, pieces, reference):
    """The pieces that stand in a line (at least _TALL of `reference` tall) grouped into lines, top to bottom: a
    piece joins the first line whose rows cover at least half of its own."""
    lines = []
    for k in sorted(pieces, key=lambda k: (t["top"][k], k)):
        if t["tall"][k] < _TALL * reference:
            continue
        for line in lines:
            if 2 * _overlap(t["top"][k], t["bottom"][k], line["top"], line["bottom"]) >= t["tall"][k]:
                line["pieces"].append(k)
                line["top"], line["bottom"] = min(line["top"], t["top"][k]), max(line["bottom"], t["bottom"][k])
                break
        else:
            lines.append({"pieces": [k], "top": t["top"][k], "bottom": t["bottom"][k]})
    return lines


def _mark_text(t, k, line, height):
    """What the small piece `k` of a `line` of digits `height` tall writes: "-" (flat, at least _MARK of the height
    wide, near mid height), "." or "," (at most _MARK of the height, in the lower half; a comma taller than wide),
    or "" (a speck)."""
    tall, wide = t["tall"][k], t["wide"][k]
    centre, middle = (t["top"][k] + t["bottom"][k]) / 2, (line["top"] + line["bottom"]) / 2
    if wide >= _MARK * height and 2 * tall <= wide and abs(centre - middle) <= height / 4:
        return "-"
    if max(tall, wide) <= _MARK * height and centre >= middle:
        return "," if 2 * tall >= 3 * wide else "."
    return ""


def _widened(mask, k):
    """The boolean line `mask` with every set place widened by `k` on each side (counted, so exact anywhere)."""
    before = np.concatenate([[0], np.cumsum(mask)])
    at = np.arange(len(mask))
    return before[np.minimum(at + k + 1, len(mask))] - before[np.maximum(at - k, 0)] > 0


def _rules_cut(g):
    """`g` (ink 0..1) with its dark ruled lines cut out — each band of rows (then of columns) that ink above
    _PIECE_LEVEL spans for _RULE_SPAN of the picture set to 0, but where a stroke crosses it (ink in the line just
    before and the line just after the band, within the band's width) — or None when it has none. A form's printed
    lines through a number join its digits into one piece; `_read_one` reads the cut picture when that holds more
    groups of pieces (a digit's own bar across a crop does not: cutting it leaves one group)."""
    present = g > _PIECE_LEVEL
    rows, columns = _line_counts(present)[2:]
    if not (rows.any() or columns.any()):
        return None
    cut = g.copy()
    for flags, lines, seen in ((rows, cut, present), (columns, cut.T, present.T)):
        n, i = len(flags), 0
        while i < n:
            if not flags[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and flags[j + 1]:
                j += 1
            width = j - i + 1
            before = seen[i - 1] if i > 0 else np.zeros(seen.shape[1], dtype=bool)
            after = seen[j + 1] if j + 1 < n else np.zeros(seen.shape[1], dtype=bool)
            lines[i : j + 1, ~(_widened(before, width) & _widened(after, width))] = 0.0
            i = j + 1
    return cut


def _layout(g, t=None):
    """The ink `g` laid out (`t`: its piece table, when made already): (piece table, pieces kept, the big ones — at
    least _SPECK of the largest's ink —, lines of writing)."""
    t = _piece_table(g) if t is None else t
    kept = _without_clutter(t)
    if not kept:
        return t, kept, [], []
    big = [k for k in kept if t["mass"][k] >= _SPECK * t["mass"][kept[0]]]
    return t, kept, big, _writing_lines(t, kept, float(np.median([t["tall"][k] for k in big])))


def _groups(layout):
    """How many groups of pieces (digits before any cutting) the lines of writing of a `_layout` hold."""
    t, _, _, lines = layout
    return sum(len(_stacked(t, line["pieces"])) for line in lines)


def _read_one(image, ink):
    """`read()`'s detail for one picture (h, w) float 0..1: {"text", "sure", "items"}."""
    scale = -(-max(image.shape) // _MAX_SIDE)  # `_ink` reduces larger pictures by this factor
    g = _ink(image, ink)
    layout = _layout(g)
    cut = _rules_cut(g)
    if cut is not None:
        cut_layout = _layout(cut)
        if _groups(cut_layout) > _groups(layout):  # printed lines joined the digits
            g, layout = cut, cut_layout
    ringless, t = _without_rings(g, layout[0])  # a ring drawn round the writing and touching it, as prepare() does
    if t is not layout[0]:
        g, layout = ringless, _layout(ringless, t)
    t, kept, big, lines = layout
    digit, box = _grown(t, kept)
    height = box[1] - box[0] + 1
    # one digit: its strokes stand in one line, seen at its own height and at the writing's (a second line of
    # digits under a bigger one is not one digit) — or it is written in dots, each under _DOT of its height; and it
    # is at most _PAIR times as wide as tall (a wider one goes through _split, which keeps a sure digit whole)
    one = len(_writing_lines(t, digit, height)) == 1 and len(lines) == 1
    dots = all(t["tall"][k] < _DOT * height for k in digit)
    if (one or dots) and all(k in digit for k in big) and box[3] - box[2] + 1 <= _PAIR * height:
        items = [{**_whole(g, t, digit, box, scale), "line": 0}]  # one digit: exactly what prepare() reads
        items += [{**_mark("speck", "", _box_of(t, [k]), scale), "line": None} for k in kept if k not in digit]
        return _result(items)
    rest = [k for k in kept if not any(k in line["pieces"] for line in lines)]
    items = []
    for number, line in enumerate(lines):
        line_height = float(np.median([t["tall"][k] for k in line["pieces"]]))  # a digit's height in this line
        groups = _stacked(t, line["pieces"])
        marks = []
        for k in [k for k in rest if line["top"] <= (t["top"][k] + t["bottom"][k]) // 2 <= line["bottom"]]:
            rest.remove(k)
            own = max(t["tall"][k], t["wide"][k], 2)
            boxes = [_box_of(t, group) for group in groups]
            over = [_overlap(t["left"][k], t["right"][k], b[2], b[3]) >= _STACKED * t["wide"][k] for b in boxes]
            gaps = [_gap(t, k, b) for b in boxes]
            text = _mark_text(t, k, line, line_height)
            if any(over):  # a flag or a crossbar over its digit, a dot of a dotted pen, a broken stroke
                groups[over.index(True)].append(k)
            elif text:
                marks.append((k, text))
            elif own > _MARK * line_height and min(gaps) <= own:  # a piece of a stroke beside its digit
                groups[gaps.index(min(gaps))].append(k)
            else:
                marks.append((k, ""))
        for group in groups:
            items += [{**item, "line": number} for item in _split(g, t, group, _box_of(t, group), line_height, scale)]
        for k, text in marks:
            items.append({**_mark("mark" if text else "speck", text, _box_of(t, [k]), scale), "line": number})
    items += [{**_mark("speck", "", _box_of(t, [k]), scale), "line": None} for k in rest]
    return _result(items)


def _stacked(t, pieces):
    """`pieces` of one line grouped into digits, left to right: a piece joins a group whose columns overlap its own
    by _STACKED of the narrower of the two, unless the two stand side by side (rows overlapping by half the
    shorter) — strokes one above the other are one digit, such as a 5 whose flag was lifted."""
    groups = []
    for k in sorted(pieces, key=lambda k: (t["left"][k], k)):
        for group in groups:
            b = _box_of(t, group)
            narrower = min(t["wide"][k], b[3] - b[2] + 1)
            shorter = min(t["tall"][k], b[1] - b[0] + 1)
            side_by_side = 2 * _overlap(t["top"][k], t["bottom"][k], b[0], b[1]) >= shorter
            if not side_by_side and _overlap(t["left"][k], t["right"][k], b[2], b[3]) >= _STACKED * narrower:
                group.append(k)
                break
        else:
            groups.append([k])
    return groups


def _joined(items, texts):
    """`texts` (one per item, in reading order) as the reading's string: each line's texts run together, lines
    separated by one space; items off every line (specks) and empty texts left out."""
    lines = {}
    for item, text in zip(items, texts):
        if item["line"] is not None and text:
            lines.setdefault(item["line"], []).append(text)
    return " ".join("".join(v) for v in lines.values())


def _result(items):
    """The detail of a reading: items in reading order (line by line, left to right; specks off every line last),
    their text joined (lines separated by one space), and whether every digit is sure."""
    items.sort(key=lambda item: (item["line"] is None, item["line"] or 0, item["box"][0]))
    for item in items:
        item.pop("margin", None)
    digits = [item for item in items if item["kind"] == "digit"]
    return {
        "text": _joined(items, [item["text"] for item in items]),
        "sure": all(d["sure"] for d in digits),
        "items": items,
    }


def read(picture, *, ink="auto", detail=False):
    """The digits written in a picture, left to right and line by line, as a string: "2026", or "2026 42" for two
    lines. A decimal point, comma or minus keeps its place ("3.14", "-7"); dust and specks are left out of the
    string. Takes one picture of any kind `prepare()` takes; a blank one raises ValueError ("no ink found").

    With `detail=True`, a dict: "text" (the string), "sure" (whether the model is sure of every digit; see `sure`),
    and "items" in reading order, each with "kind" ("digit", "mark" or "speck"), "text", "box" ([left, top, width,
    height] in the picture's pixels) and "line" (0 first, None off every line); a digit also has "label", "proba"
    (calibrated, as `predict_proba`), "logits" (float32 values, as `logits`), "sure" and "counts" (the 64 block
    counts the model read, as `prepare` gives them). A picture of one digit is read exactly as `prepare()` reads it."""
    if ink not in ("auto", "dark", "light"):
        raise ValueError(f"expected ink='auto', 'dark' or 'light'; got {ink!r}")
    images, one = _as_images(picture)
    if not one:
        raise ValueError(f"expected one picture (h, w[, c]); got a batch of shape {np.shape(picture)}: read each")
    result = _read_one(images[0], ink)
    return result if detail else result["text"]


# ------------------------------------------------------------------------------------ end artifact code
