"""Property-based tests: every input gives either the documented answer or one of the documented errors."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

REAL_DTYPES = [np.uint8, np.uint16, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def valid_pixels(draw: st.DrawFn) -> np.ndarray:
    """Any accepted shape and real dtype, values in 0..16 (floats anywhere in the range, not just integers)."""
    n = draw(st.integers(0, 12))
    shape = draw(st.sampled_from([(64,), (8, 8), (n, 64), (n, 8, 8)]))
    dtype = np.dtype(draw(st.sampled_from(REAL_DTYPES)))
    if dtype.kind == "f":
        elements = st.floats(0, 16, width=8 * dtype.itemsize if dtype.itemsize <= 8 else 64)
    else:
        elements = st.integers(0, 16)
    array = draw(hnp.arrays(dtype, shape, elements=elements))
    return np.asfortranarray(array) if draw(st.booleans()) else array


@SETTINGS
@given(x=valid_pixels())
def test_valid_input_gives_documented_shapes_and_batch_equals_row_by_row(shipped: ModuleType, x: np.ndarray) -> None:
    one = x.shape in ((64,), (8, 8))
    logits, proba, labels = shipped.logits(x), shipped.predict_proba(x), shipped.predict(x)
    n = 1 if one else x.shape[0]
    rows = x.reshape(n, 64)
    assert logits.dtype == np.float32
    assert proba.dtype == np.float64
    if one:
        assert logits.shape == proba.shape == (10,)
        assert isinstance(labels, int)
        assert labels == int(np.argmax(logits))
        return
    assert logits.shape == proba.shape == (n, 10)
    assert labels.shape == (n,)
    for i in range(n):  # exactly, not approximately: chunking and batching never change a row's result
        assert np.array_equal(shipped.logits(rows[i]), logits[i])
        assert np.array_equal(shipped.predict_proba(rows[i]), proba[i])
        assert shipped.predict(rows[i]) == labels[i]
    if n:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(labels, logits.argmax(axis=1))


ANY_DTYPE = st.sampled_from([*REAL_DTYPES, np.bool_, np.complex64, np.complex128, np.object_, "U3", "S2", "m8[s]"])


@st.composite
def anything_array_like(draw: st.DrawFn) -> object:
    """Arrays of any small shape and dtype with hostile values, and Python containers of them."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=9))
    shape = draw(st.sampled_from([shape, (64,), (8, 8), (2, 64), (3, 8, 8)]))
    dtype = np.dtype(draw(ANY_DTYPE))
    if dtype.kind == "f":
        elements = st.floats(allow_nan=True, allow_infinity=True, width=min(64, 8 * dtype.itemsize))
        array = draw(hnp.arrays(dtype, shape, elements=elements))
    elif dtype.kind in "iu":
        array = draw(hnp.arrays(dtype, shape))
    elif dtype.kind == "O":
        array = np.empty(shape, dtype=object)
        value = draw(st.sampled_from([None, 1.5, "x", (1, 2)]))
        for index in np.ndindex(*shape):
            array[index] = value
    else:
        array = np.zeros(shape, dtype=dtype)
    wrapper = draw(st.sampled_from(["array", "list"]))
    return array.tolist() if wrapper == "list" else array


@SETTINGS
@given(x=anything_array_like(), check_range=st.booleans())
def test_any_input_gives_an_answer_or_a_documented_error(shipped: ModuleType, x: object, check_range: bool) -> None:
    try:
        labels = shipped.predict(x, check_range=check_range)
    except (TypeError, ValueError) as exc:
        assert "expected" in str(exc)  # noqa: PT017 - the property is "an answer or a documented error"
        return
    array = np.asarray(x)
    assert array.dtype.kind in "iuf"
    assert array.shape in ((64,), (8, 8)) or (array.ndim in (2, 3) and array.shape[1:] in ((64,), (8, 8)))
    finite = array.astype(np.float64)
    assert np.isfinite(finite).all()
    if check_range:
        assert finite.size == 0 or (finite.min() >= 0 and finite.max() <= 16)
    assert np.all(np.isin(labels, shipped.CLASSES))


@pytest.mark.parametrize("value", [0, 16, 0.5, 15.999])
def test_range_edges_are_accepted(shipped: ModuleType, value: float) -> None:
    assert isinstance(shipped.predict(np.full(64, value)), int)
