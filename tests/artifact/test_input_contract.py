"""Every kind of bad input gets a typed error that says what was expected; good edge cases get exact answers."""

from __future__ import annotations

import tracemalloc
from types import ModuleType

import numpy as np
import pytest

GOOD = np.full(64, 8.0)
API = ("predict", "predict_proba", "logits")


def _with(row: int, col: int, value: float, n: int = 5) -> np.ndarray:
    x = np.tile(GOOD, (n, 1))
    x[row, col] = value
    return x


BAD_INPUTS = [
    # (id, input, exception type, message fragments)
    ("none", None, TypeError, ["expected pixel values 0..16", "got NoneType"]),
    ("string", "0" * 64, TypeError, ["got str"]),
    ("bytes", b"\x00" * 64, TypeError, ["got bytes"]),
    ("ragged-lists", [[1.0] * 64, [1.0] * 63], ValueError, ["rectangular", "ragged"]),
    ("strings-in-list", ["1"] * 64, TypeError, ["expected real numbers", "strings"]),
    ("none-in-list", [None] * 64, TypeError, ["Python objects"]),
    ("dict", {"pixels": GOOD}, TypeError, ["Python objects"]),
    ("complex", GOOD.astype(complex), TypeError, ["complex numbers"]),
    ("bool", GOOD > 4, TypeError, ["booleans"]),
    ("datetime", np.zeros(64, dtype="datetime64[s]"), TypeError, ["dtype datetime64"]),
    ("scalar", np.float64(3.0), ValueError, ["(64,) or (8, 8)", "got shape ()"]),
    ("63-pixels", np.zeros(63), ValueError, ["(n, 64) or (n, 8, 8)", "got shape (63,)"]),
    ("8x9", np.zeros((8, 9)), ValueError, ["got shape (8, 9)"]),
    ("batch-of-8x9", np.zeros((3, 8, 9)), ValueError, ["got shape (3, 8, 9)"]),
    ("4-d", np.zeros((2, 1, 8, 8)), ValueError, ["got shape (2, 1, 8, 8)"]),
    ("column", np.zeros((64, 1)), ValueError, ["got shape (64, 1)"]),
    ("nan", _with(3, 10, np.nan), ValueError, ["finite", "row 3"]),
    ("inf-rows", np.vstack([_with(1, 0, np.inf), _with(4, 5, -np.inf)]), ValueError, ["rows 1, 9"]),
    (
        "8-bit",
        _with(2, 7, 255.0),
        ValueError,
        ["0..16", "8-bit 0..255", "np.asarray(X, dtype=float) * 16 / 255", "row 2", "check_range"],
    ),
    ("negative", _with(0, 0, -1.0), ValueError, ["Negative values", "standardised", "row 0"]),
    ("huge", _with(4, 4, 1e6), ValueError, ["Rescale the image to 0..16"]),
    ("masked", np.ma.masked_array(GOOD, mask=GOOD > 100), TypeError, ["masked array", "filled"]),
]


@pytest.mark.parametrize("fn", API)
@pytest.mark.parametrize(("bad", "error", "fragments"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_a_typed_error_that_says_what_was_expected(
    shipped: ModuleType, fn: str, bad: object, error: type[Exception], fragments: list[str]
) -> None:
    with pytest.raises(error) as info:
        getattr(shipped, fn)(bad)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_check_range_false_accepts_out_of_range_but_never_nan(shipped: ModuleType) -> None:
    x = _with(1, 1, 255.0)
    assert shipped.predict(x, check_range=False).shape == (5,)
    assert shipped.logits(_with(0, 0, -3.0), check_range=False).shape == (5, 10)
    with pytest.raises(ValueError, match="NaN or infinity in row 2"):
        shipped.predict(_with(2, 0, np.nan), check_range=False)


@pytest.mark.parametrize("shape", [(0, 64), (0, 8, 8)])
def test_empty_batch_gives_empty_results_of_the_right_shape_and_dtype(shipped: ModuleType, shape: tuple) -> None:
    x = np.zeros(shape, dtype=np.uint8)
    assert shipped.predict(x).shape == (0,)
    assert shipped.predict(x).dtype == np.int64
    assert shipped.predict_proba(x).shape == (0, 10)
    assert shipped.predict_proba(x).dtype == np.float64
    assert shipped.logits(x).shape == (0, 10)
    assert shipped.logits(x).dtype == np.float32


def test_empty_list_is_a_shape_error_not_an_empty_batch(shipped: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"got shape \(0,\)"):
        shipped.predict([])


def test_the_callers_array_is_never_modified(shipped: ModuleType, digits: tuple) -> None:
    for dtype in (np.float32, np.float64, np.int64, np.uint8):
        x = digits[0][:50].astype(dtype)
        before = x.copy()
        shipped.predict_proba(x)
        shipped.logits(x[0])
        np.testing.assert_array_equal(x, before)
        assert x.flags.writeable


def test_batches_larger_than_a_chunk_equal_row_by_row_results(shipped: ModuleType, digits: tuple) -> None:
    x = np.concatenate([digits[0]] * 3)  # 5,391 rows: crosses chunk boundaries
    batch = shipped.logits(x)
    for i in range(len(x)):
        assert np.array_equal(shipped.logits(x[i]), batch[i]), i


def test_very_large_batches_run_in_bounded_memory(shipped: ModuleType, digits: tuple) -> None:
    x = np.tile(digits[0].astype(np.uint8), (112, 1))  # 201,264 images
    width = max(w.shape[1] for w, _, _ in shipped.LAYERS)
    tracemalloc.start()
    try:
        logits = shipped.logits(x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    unchunked = len(x) * width * 8  # one float64 hidden layer for the whole batch at once
    assert peak - logits.nbytes < 64 * 2**20 < unchunked


EDGE_VALUES = [0.0, -0.0, 16.0, 1e-300, 5e-324, np.nextafter(16.0, 0.0)]
OUT_OF_RANGE = [np.nextafter(16.0, 99.0), np.nextafter(0.0, -1.0), -1e-300, 16.5, 255.0, 1e300]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", ">f8", "<f4"])
def test_quick_range_check_agrees_with_the_exact_one_at_every_edge(shipped: ModuleType, dtype: str) -> None:
    for value in EDGE_VALUES:
        for x in (np.full(64, value, dtype=dtype), np.full((3, 64), value, dtype=dtype)):
            shipped.logits(x)  # accepted: 0 <= value <= 16 in this dtype
    for value in OUT_OF_RANGE:
        with np.errstate(over="ignore"):
            cast = np.array(value, dtype=dtype)
        if 0 <= cast <= 16 or not np.isfinite(cast):
            continue  # rounds into range (float16) or overflows to infinity (the loop below) in this dtype
        for x in (_with(2, 7, cast).astype(dtype), _with(0, 0, cast)[0].astype(dtype)):
            with pytest.raises(ValueError, match="expected raw pixel values"):
                shipped.logits(x)
    for special in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match="finite"):
            shipped.logits(np.full(64, special, dtype=dtype))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", ">i4"])
def test_quick_range_check_on_integers(shipped: ModuleType, dtype: str) -> None:
    shipped.logits(np.arange(64, dtype=dtype) % 17)
    too_big = np.full(64, 17, dtype=dtype)
    with pytest.raises(ValueError, match="got values from 17 to 17"):
        shipped.logits(too_big)
    if np.dtype(dtype).kind == "i":
        with pytest.raises(ValueError, match="Negative values"):
            shipped.logits(np.full((2, 64), -1, dtype=dtype))
