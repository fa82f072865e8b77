"""The command line, fuzzed in-process: random bytes, random table text and random .npy headers must give exit 0
with one line per row, or exit 2 with one line on stderr and nothing on stdout — never a traceback, another exit
status, or a guess."""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile import npy_bytes

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def cli(module: ModuleType, args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the artifact's command line, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = module._main(args)
            except SystemExit as exit_:
                code = exit_.code
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def assert_all_or_one_error(result: tuple[int, str, str], rows: int | None = None) -> None:
    code, out, err = result
    if code == 0:
        assert err == ""
        lines = out.splitlines()
        assert all(line.strip().isdigit() for line in lines), lines[:3]
        if rows is not None:
            assert len(lines) == rows
    else:
        assert code == 2, (code, err)
        assert out == ""
        assert len(err.splitlines()) == 1, err
        assert err.startswith(f"{Path(sys.argv[0]).name or 'digits_infer.py'}: error: ") or ": error: " in err
        assert "Traceback" not in err


def write(data: bytes, suffix: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as f:
        f.write(data)
    return f.name


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".npy", ".png", ".txt", ".gif", ".tiff"]))
def test_random_bytes_in_any_file_kind(shipped: ModuleType, data: bytes, suffix: str) -> None:
    path = write(data, suffix)
    try:
        assert_all_or_one_error(cli(shipped, [path]))
    finally:
        Path(path).unlink()


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_on_stdin(shipped: ModuleType, data: bytes) -> None:
    assert_all_or_one_error(cli(shipped, ["-"], stdin=data))


CELLS = st.sampled_from(["0", "16", "3", "7.5", " 4 ", '"12"', "1_6", "", "a", "nan", "-1", "1e1", "0x1", "٣"])
SEPARATORS = st.sampled_from([",", ";", "\t", " ", ", "])


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=70), max_size=12), separator=SEPARATORS)
def test_random_table_text(shipped: ModuleType, rows: list[list[str]], separator: str) -> None:
    text = "\n".join(separator.join(row) for row in rows).encode()
    assert_all_or_one_error(cli(shipped, ["-"], stdin=text))


@FUZZ
@given(
    x=st.lists(st.lists(st.integers(0, 16), min_size=64, max_size=64), max_size=10),
    separator=st.sampled_from([",", ";", "\t", " "]),
    quote=st.sampled_from(["", '"']),
    trailing=st.booleans(),
    header=st.booleans(),
)
def test_every_valid_table_row_gives_exactly_its_label(
    shipped: ModuleType, x: list[list[int]], separator: str, quote: str, trailing: bool, header: bool
) -> None:
    lines = [separator.join(f"pixel{i}" for i in range(64))] if header else []
    end = separator if trailing and separator != " " else ""
    lines += [separator.join(f"{quote}{v}{quote}" for v in row) + end for row in x]
    code, out, err = cli(shipped, ["-"], stdin=("\n".join(lines) + "\n").encode())
    if not x:
        assert (code, out) == (2, "")
        assert "holds no images" in err
        return
    assert (code, err) == (0, "")
    assert out.splitlines() == [str(v) for v in shipped.predict(np.array(x))]


DESCRS = st.sampled_from(["<f8", "<f4", ">i4", "|u1", "<i8", "|O", "<c16", "|b1", "<U3", "|V8", "garbage", 3])
SHAPES = st.one_of(
    st.tuples(),
    st.tuples(st.integers(0, 70)),
    st.tuples(st.integers(0, 10**12), st.integers(0, 70)),
    st.tuples(st.integers(0, 20), st.integers(0, 40), st.integers(0, 40)),
    st.just("not a shape"),
)


@FUZZ
@given(descr=DESCRS, fortran=st.booleans(), shape=SHAPES, body=st.binary(max_size=2000), picture=st.booleans())
def test_random_npy_headers(
    shipped: ModuleType, descr: object, fortran: bool, shape: object, body: bytes, picture: bool
) -> None:
    header = f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    path = write(npy_bytes(header, body), ".npy")
    try:
        assert_all_or_one_error(cli(shipped, [path, *(["--picture"] if picture else [])]))
    finally:
        Path(path).unlink()


@pytest.mark.parametrize("shape", [(0, 64), (3, 64), (2, 8, 8), (64,), (8, 8)])
def test_valid_npy_tables_of_every_accepted_shape(shipped: ModuleType, digits: tuple, shape: tuple) -> None:
    n = int(np.prod(shape)) // 64
    x = np.resize(digits[0], (max(n, 1), 64))[:n].reshape(shape)
    buffer = io.BytesIO()
    np.save(buffer, x)
    path = write(buffer.getvalue(), ".npy")
    try:
        code, out, err = cli(shipped, [path])
    finally:
        Path(path).unlink()
    assert (code, err) == (0, "")
    assert out.splitlines() == [str(v) for v in np.atleast_1d(shipped.predict(x.reshape(-1, 64)))]
