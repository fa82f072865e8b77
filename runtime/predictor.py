"""Input checks, the float64 forward pass, calibrated probabilities, the self-test and the public API of the
generated artifact. Spliced verbatim into `digits_infer.py` (see `runtime/__init__.py`); the names it reads from
`runtime.slots` are the ones the template renders for each model."""

from __future__ import annotations

import sys

import numpy as np

from runtime.prepare import _prepare_digest
from runtime.slots import (
    _CHECK_ROWS,
    _CHECK_SHA256,
    _DESLANT,
    _INK_FRACTION,
    _INPUT_SCALE,
    _PIXEL_MAX,
    _PIXEL_MIN,
    _PREPARE_SHA256,
    _SELF_TEST_IMAGES,
    _SELF_TEST_LOGITS,
    _SELF_TEST_TOLERANCE,
    _SMOOTH,
    _WEIGHTS_SHA256,
    CLASSES,
    LAYERS,
    SURE_AT,
    TEMPERATURE,
)

# ------------------------------------------------------------------------------------ begin artifact code

_CLASS_LIST = CLASSES.tolist()
CHUNK_ROWS = 1024  # rows per pass: bounds temporary memory for any batch size (speed is flat from 512 up)
_SHAPES = "one image shaped (64,) or (8, 8), or a batch shaped (n, 64) or (n, 8, 8)"

# ---------------------------------------------------------------------------------------------- forward pass


def _relu(h):
    np.maximum(h, 0.0, out=h)


def _tanh(h):
    np.tanh(h, out=h)


def _sigmoid(h):
    # 1 / (1 + exp(-h)) written with tanh: no overflow for any finite h
    h *= 0.5
    np.tanh(h, out=h)
    h += 1.0
    h *= 0.5


def _identity(h):
    pass


_ACTIVATIONS = {"relu": _relu, "tanh": _tanh, "sigmoid": _sigmoid, "identity": _identity}

for _weight, _bias, _ in LAYERS:
    _weight.flags.writeable = False
    _bias.flags.writeable = False


def _float64_layers():
    """LAYERS in float64 with the input scaling folded into the first weight, so every path (one image, a batch,
    any chunk) does the same arithmetic: x @ (W1 * scale) instead of (x * scale) @ W1 (bit-identical when the
    scale is a power of two, as 1/16 is)."""
    layers = []
    for i, (weight, bias, name) in enumerate(LAYERS):
        weight = weight.astype(np.float64)
        if i == 0:
            weight *= _INPUT_SCALE
        layers.append((weight, bias.astype(np.float64), _ACTIVATIONS[name]))
    return tuple(layers)


FORWARD = _float64_layers()  # (float64 weight, float64 bias, activation) per layer: what the artifact computes with


def _forward(pixels):
    """Float32 logits (n, classes) for raw pixels (n, 64) of any real dtype, computed chunk by chunk."""
    n = pixels.shape[0]
    out = np.empty((n, CLASSES.shape[0]), dtype=np.float32)
    for start in range(0, n, CHUNK_ROWS):
        h = pixels[start : start + CHUNK_ROWS]
        for weight, bias, activation in FORWARD:
            h = np.matmul(h, weight, dtype=np.float64)
            h += bias
            activation(h)
        out[start : start + h.shape[0]] = h
    return out


def _forward_one(image):
    """Float64 logits (classes,) for one image (64,): the batch arithmetic without the batch bookkeeping."""
    h = image
    for weight, bias, activation in FORWARD:
        h = np.dot(h, weight)
        h += bias
        activation(h)
    return h


def _scores(pixels, check_range, first_row=0):
    """`_forward`, plus a guard for the unchecked path: pixels far outside 0..16 can overflow the logits."""
    if check_range:
        return _forward(pixels)
    with np.errstate(over="ignore", invalid="ignore"):
        out = _forward(pixels)
    bad = ~np.isfinite(out).all(axis=1)
    if bad.any():
        raise ValueError(
            f"expected pixel values the model can score; with check_range=False, values up to "
            f"{np.abs(pixels).max():g} overflow the logits in {_rows(bad, first_row)}"
        )
    return out


def _softmax(z, temperature):
    """Row-wise softmax of z / temperature in float64, shifted by the row maximum so exp never overflows. The
    training side's `train.calibrate.softmax` is this function."""
    z = np.array(z, dtype=np.float64)
    z /= temperature
    if z.shape[0]:
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
    return z


# ---------------------------------------------------------------------------------------------- input checks


def _rows(mask, first_row=0):
    """'rows 3, 17 and 40' for a boolean mask over rows, capped at a few; numbered from `first_row` (the command
    line reads long tables in chunks and names rows of the whole file)."""
    bad = np.flatnonzero(mask) + first_row
    shown = ", ".join(str(i) for i in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return f"row{'s' if len(bad) > 1 else ''} {shown}"


def _as_array(X):
    """Any accepted container as an ndarray, or the TypeError/ValueError that says what was expected."""
    if X is None or isinstance(X, (str, bytes, bytearray)):
        raise TypeError(f"expected pixel values 0..16 as {_SHAPES}; got {type(X).__name__}")
    masked = sys.modules.get("numpy.ma")  # a masked array implies numpy.ma is loaded; never import it (~9 ms)
    if masked is not None and isinstance(X, masked.MaskedArray):
        raise TypeError("expected a plain array, got a masked array: fill the masked pixels first (X.filled(0))")
    try:
        a = np.asarray(X)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"expected a rectangular array of pixel values as {_SHAPES}; got ragged input ({exc})"
        ) from None
    return a if type(a) is np.ndarray else a.view(np.ndarray)  # np.matrix and friends behave like plain arrays


_min, _max = np.minimum.reduce, np.maximum.reduce


def _bit_limits():
    """{dtype: (unsigned dtype of the same size, largest allowed bit pattern)}: one max-reduction over the bits
    proves _PIXEL_MIN <= x <= _PIXEL_MAX when _PIXEL_MIN is 0. For IEEE floats >= +0.0 the bit patterns sort like
    the values, and negatives, -0.0, NaN and infinities all have larger patterns; a negative integer viewed as
    unsigned is huge. Native byte order only. Whatever fails this quick test gets the full check below."""
    limits = {}
    if _PIXEL_MIN != 0:
        return limits
    for real, bits in ((np.float16, np.uint16), (np.float32, np.uint32), (np.float64, np.uint64)):
        limits[np.dtype(real)] = (np.dtype(bits), np.array(_PIXEL_MAX, dtype=real).view(bits)[()])
    if float(_PIXEL_MAX).is_integer():
        for signed, bits in ((np.int8, np.uint8), (np.int16, np.uint16), (np.int32, np.uint32), (np.int64, np.uint64)):
            limits[np.dtype(signed)] = limits[np.dtype(bits)] = (np.dtype(bits), bits(_PIXEL_MAX))
    return limits


_BIT_LIMITS = _bit_limits()


def _as_pixels(X, check_range, first_row=0):
    """(pixels, one_image) after checking type, shape and values: pixels in the caller's dtype, shaped (64,) for
    one image and (n, 64) for a batch."""
    a = X if type(X) is np.ndarray else _as_array(X)
    kind = a.dtype.kind
    if kind not in "iuf":
        what = {
            "b": "booleans",
            "c": "complex numbers",
            "O": "Python objects (ragged nesting or None?)",
            "U": "strings",
            "S": "bytes",
        }.get(kind, f"dtype {a.dtype}")
        raise TypeError(f"expected real numbers (pixel values 0..16), got {what}")
    shape = a.shape
    if shape == (64,):
        one = True
    elif shape == (8, 8):
        one, a = True, a.reshape(64)
    elif (a.ndim == 2 and shape[1] == 64) or (a.ndim == 3 and shape[1:] == (8, 8)):
        one, a = False, a.reshape(shape[0], 64)
        if shape[0] == 0:
            return a, one
    else:
        hint = "; for a grayscale image of another size, call prepare(image) first" if a.ndim in (2, 3) else ""
        raise ValueError(f"expected {_SHAPES}; got shape {shape}{hint}")
    bits = _BIT_LIMITS.get(a.dtype)
    if bits is not None:
        v = a.view(bits[0])
        # one image: argmax + index costs 0.3 µs where a ufunc reduction costs 0.8 (a tenth of the forward pass)
        if (v[v.argmax()] if one else _max(v, axis=None)) <= bits[1]:
            return a, one
    lo, hi = _min(a, axis=None), _max(a, axis=None)
    if lo >= _PIXEL_MIN and hi <= _PIXEL_MAX:
        return a, one
    rows = a.reshape(-1, 64)
    if kind == "f" and not (np.isfinite(lo) and np.isfinite(hi)):
        bad = ~np.isfinite(rows).all(axis=1)
        raise ValueError(f"expected finite pixel values; NaN or infinity in {_rows(bad, first_row)}")
    if not check_range:
        return a, one
    where = _rows((rows < _PIXEL_MIN).any(axis=1) | (rows > _PIXEL_MAX).any(axis=1), first_row)
    if lo < _PIXEL_MIN:
        hint = "Negative values suggest standardised data; pass raw pixels"
    elif hi <= 255:
        hint = (
            "This looks like an 8-bit 0..255 image: pass images through prepare() (the data set counts ink per "
            "block, which a plain rescale does not give); 8x8 counts on a 0..255 scale rescale with "
            "np.asarray(X, dtype=float) * 16 / 255"
        )
    else:
        hint = "Rescale the image to 0..16"
    raise ValueError(
        f"expected raw pixel values {_PIXEL_MIN:g}..{_PIXEL_MAX:g} (the digits data set's scale); got values from "
        f"{lo:g} to {hi:g} in {where}. {hint}, or pass check_range=False to skip this check"
    )


# ---------------------------------------------------------------------------------------------- public API


def logits(X, *, check_range=True):
    """Raw network scores, float32: shape (10,) for one image, (n, 10) for a batch."""
    pixels, one = _as_pixels(X, check_range)
    if one:
        return _forward_one(pixels).astype(np.float32) if check_range else _scores(pixels[None], False)[0]
    return _scores(pixels, check_range)


def predict_proba(X, *, check_range=True):
    """Class probabilities, float64, rows summing to 1: (10,) or (n, 10). A stable softmax of the logits divided
    by the calibration temperature TEMPERATURE, fitted by cross-validation on the training part so that a
    probability of 0.9 is right about 90 % of the time (`METADATA["calibration"]`)."""
    z = logits(X, check_range=check_range)
    return _softmax(z[None], TEMPERATURE)[0] if z.ndim == 1 else _softmax(z, TEMPERATURE)


def predict(X, *, check_range=True, unsure=None):
    """Predicted digit: an int for one image, an int64 array (n,) for a batch. With `unsure` (an int, e.g. -1),
    an image whose calibrated top probability is below SURE_AT gets `unsure` instead of a digit (see `sure`)."""
    if unsure is not None:
        if isinstance(unsure, bool) or not isinstance(unsure, (int, np.integer)):
            raise TypeError(f"expected unsure=None or an int (e.g. -1); got {unsure!r}")
        proba = predict_proba(X, check_range=check_range)
        labels = np.where(proba.max(axis=-1) >= SURE_AT, CLASSES[proba.argmax(axis=-1)], unsure)
        return int(labels) if proba.ndim == 1 else labels.astype(np.int64)
    pixels, one = _as_pixels(X, check_range)
    if one and check_range:
        return _CLASS_LIST[_forward_one(pixels).astype(np.float32).argmax()]
    if one:
        return int(CLASSES[_scores(pixels[None], False)[0].argmax()])
    return CLASSES[_scores(pixels, check_range).argmax(axis=1)]


def sure(X, *, check_range=True):
    """Whether the model is sure of each image: its calibrated top probability reaches SURE_AT, the threshold at
    which, on handwriting it never trained on (MNIST's tune half), its answers are right at least 95 % of the time
    (`METADATA["calibration"]["sure_rule"]`). A bool for one image, a bool array (n,) for a batch."""
    top = predict_proba(X, check_range=check_range).max(axis=-1)
    return bool(top >= SURE_AT) if top.ndim == 0 else top >= SURE_AT


def _layers_sha256(layers):
    """SHA-256 of every weight then bias, in forward order, as little-endian float32 in C order, each weight shaped
    (in, out): the digest the generator records (`codegen.arrays.weights_sha256` is this function)."""
    import hashlib

    digest = hashlib.sha256()
    for weight, bias, *_ in layers:
        for array in (weight, bias):
            digest.update(np.ascontiguousarray(array, dtype="<f4").tobytes())
    return digest.hexdigest()


def check_inputs(rows=_CHECK_ROWS, fractional=0):
    """Pixels 0..16 from integer formulas, no random numbers, so every copy anywhere rebuilds the same set: `rows`
    int64 rows (dense rows, rows with a third of the pixels blank like real digits, an all-0 and an all-16 image
    first), then `fractional` float64 rows in steps of 0.01 (the result is float64 when there are any). The
    self-test hashes the logits of the first `_CHECK_ROWS`; `verify` and the BLAS kernel matrix use more."""
    i = np.arange(rows, dtype=np.int64).reshape(-1, 1)
    j = np.arange(64, dtype=np.int64).reshape(1, -1)
    x = (7 * i * i + 5 * i * j + 13 * j + (j // 8) * (i // 3)) % 17
    x = np.where((i % 2 == 1) & ((i + j) % 3 == 0), 0, x)
    x[:1], x[1:2] = 0, 16
    if not fractional:
        return x
    k = np.arange(fractional, dtype=np.int64).reshape(-1, 1)
    fractions = ((37 * k * k + 101 * k * j + 13 * j) % 1601) / 100.0  # 0.00 .. 16.00 in steps of 0.01
    return np.concatenate([x.astype(np.float64), fractions])


def check_digest():
    """SHA-256 of the float32 logits (little-endian) of `check_inputs()`: equal to METADATA["check_logits_sha256"]
    on every machine that computes this file's bits."""
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(logits(check_inputs()), dtype="<f4").tobytes()).hexdigest()


def self_test():
    """Problems found when re-checking this file against what the generator embedded; an empty list means intact.

    Checks that (1) the weights' SHA-256 is the generator's; (2) the logits of `check_inputs()` hash to the digest
    the generating machine computed, i.e. this machine computes the same bits; (3) a row gives the same logits alone
    as inside a batch; (4) the embedded reference images' logits are within tolerance of torch's; (5) `prepare()`
    gives its check pictures the block counts it gave them on the generating machine."""
    problems = []
    prepared = _prepare_digest(_DESLANT, _SMOOTH, _INK_FRACTION)
    if prepared != _PREPARE_SHA256:
        problems.append(
            f"prepare() of its check pictures hashes to {prepared[:16]}..., expected {_PREPARE_SHA256[:16]}...: this "
            "copy prepares pictures differently from the generating machine"
        )
    digest = _layers_sha256(LAYERS)
    if digest != _WEIGHTS_SHA256:
        problems.append(f"weights sha256 is {digest}, expected {_WEIGHTS_SHA256}: the weights were changed")
    got = logits(_SELF_TEST_IMAGES)
    worst = float(np.abs(got.astype(np.float64) - _SELF_TEST_LOGITS).max())
    check = check_digest()
    if check != _CHECK_SHA256:
        problems.append(
            f"logits of the {_CHECK_ROWS} check inputs hash to {check[:16]}..., expected {_CHECK_SHA256[:16]}... "
            f"(the generating machine's): this copy computes different bits; the reference images' logits are "
            f"{worst:.3g} from torch's (allowed {_SELF_TEST_TOLERANCE:g})"
        )
    batch = logits(check_inputs()[:16])
    alone = np.array([logits(row) for row in check_inputs()[:16]])
    if not np.array_equal(alone, batch):
        differ = (alone != batch).any(axis=1)
        problems.append(
            f"{_rows(differ)} of the check inputs give different logits alone than in a batch "
            f"(by up to {float(np.abs(alone.astype(np.float64) - batch).max()):.3g})"
        )
    if not worst <= _SELF_TEST_TOLERANCE:
        problems.append(f"reference logits differ from torch's by up to {worst:.3g} (allowed {_SELF_TEST_TOLERANCE:g})")
    if not np.array_equal(got.argmax(axis=1), _SELF_TEST_LOGITS.argmax(axis=1)):
        problems.append("reference images get different classes than torch gave them")
    return problems


# ------------------------------------------------------------------------------------ end artifact code
