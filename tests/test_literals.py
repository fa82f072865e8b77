from __future__ import annotations

import ast

import numpy as np
import pytest

from codegen.literals import (
    INTEGER_LIMIT,
    LiteralError,
    float32_array,
    format_float32,
    int32_array,
    int64_array,
    js_integer_array,
    python_literal,
    scaled_integers,
    whole_float32_array,
)

SPECIAL = np.array(
    [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 3.2e-7, 1e-45, -1e-45, 1.1754944e-38, 3.4028235e38, -3.4028235e38, 0.0625],
    dtype=np.float32,
)


def _reads_back(text: str) -> np.float32:
    return np.float32(float(text))


def test_format_float32_round_trips_bit_exact_on_special_values() -> None:
    for value in SPECIAL:
        assert _reads_back(format_float32(value)).tobytes() == value.tobytes(), value


def test_format_float32_round_trips_bit_exact_on_random_bit_patterns() -> None:
    bits = np.random.default_rng(0).integers(0, 2**32, 100_000, dtype=np.uint64).astype(np.uint32)
    values = bits.view(np.float32)
    for value in values[np.isfinite(values)]:
        assert _reads_back(format_float32(value)).tobytes() == value.tobytes()


def test_format_float32_is_short_not_lossy() -> None:
    assert format_float32(np.float32(0.1)) == "0.1"
    assert format_float32(np.float32(3.2e-7)) == "3.2e-7"  # where emlearn's "{:.6f}" would write 0.000000
    assert format_float32(np.float32(-0.0)) == "-0.0"


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_format_float32_rejects_non_finite(value: float) -> None:
    with pytest.raises(LiteralError, match="expected a finite float32"):
        format_float32(value)


def test_float32_array_reads_back_bit_exact_and_stays_within_the_line_width() -> None:
    rng = np.random.default_rng(1)
    for array in (
        rng.standard_normal((7, 33)).astype(np.float32),
        np.array([2.5], dtype=np.float32),
        (rng.standard_normal(300) * 1e-6).astype(np.float32),
    ):
        text = float32_array(array)
        value = eval(text, {"np": np})  # the exact expression the artifact evaluates
        assert value.shape == array.shape
        assert value.tobytes() == array.tobytes()
        assert max(len(line) for line in text.splitlines()) <= 120


def test_int64_array_reads_back_exactly() -> None:
    images = np.arange(640, dtype=np.int64).reshape(10, 64) % 17
    assert np.array_equal(eval(int64_array(images), {"np": np}), images)
    with pytest.raises(LiteralError, match="expected an integer array"):
        int64_array(np.zeros(3))


def _on_grid(rng: np.random.Generator, shape: tuple[int, int], bits: int) -> np.ndarray:
    limit = 2 ** (bits - 1) - 1
    whole = rng.integers(-limit, limit + 1, shape)
    return np.ldexp(whole.astype(np.float64), -rng.integers(0, 12, shape[1])).astype(np.float32)


@pytest.mark.parametrize("bits", [2, 5, 8, 16])
def test_scaled_integers_give_back_the_float32_weights_bit_for_bit(bits: int) -> None:
    weight = _on_grid(np.random.default_rng(bits), (40, 30), bits)
    weight[:, 3] = 0.0  # an all-zero output
    scaled = scaled_integers(weight)
    assert scaled is not None
    assert scaled.integers.shape == weight.shape
    assert scaled.exponents.shape == (30,)
    assert np.abs(scaled.integers).max() <= 2 ** (bits - 1)
    back = np.ldexp(scaled.integers.astype(np.float32), -scaled.exponents.astype(np.int32))
    assert back.dtype == np.float32
    assert back.tobytes() == weight.tobytes()
    text = f"np.ldexp({whole_float32_array(scaled.integers)}, -{int32_array(scaled.exponents)})"
    assert eval(text, {"np": np}).tobytes() == weight.tobytes()  # the expression the artifact evaluates


def test_scaled_integers_pick_the_smallest_exponent_of_each_output() -> None:
    weight = np.array([[0.5, 3.0, -0.375], [0.25, -1.0, 0.0]], dtype=np.float32)
    scaled = scaled_integers(weight)
    assert scaled is not None
    assert scaled.exponents.tolist() == [2, 0, 3]
    assert scaled.integers.tolist() == [[2, 3, -3], [1, -1, 0]]


def test_ordinary_float32_weights_and_negative_zero_keep_their_decimals() -> None:
    trained = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32) * 0.1
    assert scaled_integers(trained) is None  # would need integers near 2**24, beyond INTEGER_LIMIT
    assert INTEGER_LIMIT < 2**24
    assert scaled_integers(np.array([[0.5, -0.0]], dtype=np.float32)) is None  # "-0" would lose the sign


def test_whole_numbers_are_written_compactly_and_read_back_exactly() -> None:
    whole = np.array([[3, -17, 0], [1, 2, -128]])
    text = whole_float32_array(whole)
    assert "(3,-17,0)" in text
    assert "dtype=np.float32" in text
    assert np.array_equal(eval(text, {"np": np}), whole)
    assert "[3,-17,0]" in js_integer_array(whole, 0, ",")
    with pytest.raises(LiteralError, match="magnitude at most"):
        whole_float32_array(np.array([2**24 + 1]))


def test_float32_array_rejects_other_dtypes_and_shapes() -> None:
    with pytest.raises(LiteralError, match="expected a float32 array"):
        float32_array(np.zeros(3))
    with pytest.raises(LiteralError, match="non-empty 1-D or 2-D"):
        float32_array(np.zeros((2, 2, 2), dtype=np.float32))


HOSTILE = [
    "quote ' and \" and ''' and \"\"\"",
    "back\\slash\\",
    "new\nline\r\n and \x00 nul and \u2028 separator",
    "{{ jinja }} {% if x %} {# c #}",
    "# comment\n import os; os.system('echo pwned')",
    "\udcff lone surrogate",
    "é ü 数字 🙂",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_python_literal_round_trips_hostile_strings(text: str) -> None:
    for indent in (0, None):
        rendered = python_literal({"key": [text, (text,)], text: {"nested": text}}, indent)
        assert ast.literal_eval(rendered) == {"key": [text, (text,)], text: {"nested": text}}
    assert "\n" not in python_literal(text, None)


def test_python_literal_round_trips_numbers_exactly() -> None:
    value = {"a": 0.1 + 0.2, "b": -0.0, "c": 10**30, "d": True, "e": None, "f": 1e-300}
    assert ast.literal_eval(python_literal(value)) == value


@pytest.mark.parametrize("bad", [float("nan"), {1: "int key"}, object(), {"x": {1, 2}}])
def test_python_literal_rejects_what_it_cannot_write_exactly(bad: object) -> None:
    with pytest.raises(LiteralError):
        python_literal(bad)
