"""`python digits_infer.py …`: outputs, exit status 0/1/2, one-line errors and never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import MODEL_ARTIFACT, tamper_first_number


def run(*args: str, stdin: str | None = None, artifact: Path = MODEL_ARTIFACT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(artifact), *args], input=stdin, capture_output=True, text=True, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def images(digits: tuple, tmp_path: Path) -> tuple[np.ndarray, Path]:
    x = digits[0][:6]
    np.save(tmp_path / "x.npy", x)
    return x, tmp_path


def test_npy_csv_with_header_and_stdin_print_one_label_per_line(shipped: ModuleType, images: tuple) -> None:
    x, folder = images
    expected = [str(v) for v in shipped.predict(x)]
    header = ",".join(f"pixel_{i}" for i in range(64))
    np.savetxt(folder / "x.csv", x, delimiter=",", fmt="%g", header=header, comments="")
    np.savetxt(folder / "plain.csv", x, delimiter=",", fmt="%g")
    for name in ("x.npy", "x.csv", "plain.csv"):
        result = run(str(folder / name))
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == expected
    stdin = (folder / "x.csv").read_text()
    assert run("-", stdin=stdin).stdout.splitlines() == expected
    np.save(folder / "one.npy", x[0].reshape(8, 8))
    assert run(str(folder / "one.npy")).stdout.splitlines() == expected[:1]


def test_proba_and_json_outputs_agree_with_the_api(shipped: ModuleType, images: tuple) -> None:
    x, folder = images
    rows = [json.loads(line) for line in run(str(folder / "x.npy"), "--json").stdout.splitlines()]
    assert [r["label"] for r in rows] == shipped.predict(x).tolist()
    assert [r["proba"] for r in rows] == shipped.predict_proba(x).tolist()  # exact: repr of float64 round-trips
    lines = [line.split() for line in run(str(folder / "x.npy"), "--proba").stdout.splitlines()]
    assert [int(line[0]) for line in lines] == shipped.predict(x).tolist()
    np.testing.assert_allclose([[float(v) for v in line[1:]] for line in lines], shipped.predict_proba(x), atol=1e-6)


def test_json_says_whether_the_model_is_sure_and_unsure_marks_the_rest(shipped: ModuleType, images: tuple) -> None:
    x, folder = images
    x = np.concatenate([x, np.full((3, 64), 8.0), np.eye(64)[:3] * 16])  # scribbles: flat grey, a single dot
    np.save(folder / "mixed.npy", x)
    rows = [json.loads(line) for line in run(str(folder / "mixed.npy"), "--json").stdout.splitlines()]
    sure = shipped.sure(x)
    assert [r["sure"] for r in rows] == sure.tolist()
    marked = run(str(folder / "mixed.npy"), "--unsure", "?").stdout.splitlines()
    assert marked == [str(label) if s else "?" for label, s in zip(shipped.predict(x), sure)]
    assert run(str(folder / "mixed.npy")).stdout.splitlines() == [str(v) for v in shipped.predict(x)]  # as before


def test_info_self_test_and_help(shipped: ModuleType) -> None:
    assert json.loads(run("--info").stdout) == shipped.METADATA
    result = run("--self-test")
    assert result.returncode == 0
    assert "self-test passed" in result.stdout
    helped = run("--help")
    assert helped.returncode == 0
    for option in ("--proba", "--json", "--info", "--self-test", "--no-range-check"):
        assert option in helped.stdout


def test_self_test_catches_a_hand_edited_copy(tmp_path: Path) -> None:
    copy = tmp_path / "copied.py"
    copy.write_text(tamper_first_number(MODEL_ARTIFACT.read_text(encoding="utf-8"), "_B1", 1e-3), encoding="utf-8")
    result = run("--self-test", artifact=copy)
    assert result.returncode == 1
    assert "weights sha256" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_and_bad_files_exit_2_with_one_line(images: tuple) -> None:
    x, folder = images
    assert_one_line_error(run(), "expected an input FILE")
    assert_one_line_error(run("--frobnicate"), "unrecognized arguments")
    assert_one_line_error(run("--proba", "--json", str(folder / "x.npy")), "not allowed with")
    assert_one_line_error(run(str(folder / "missing.npy")), "missing.npy")
    (folder / "bad.csv").write_text(",".join(["1"] * 64) + "\n" + ",".join(["1"] * 63) + "\n")
    assert_one_line_error(run(str(folder / "bad.csv")), "line 2: expected 64 values like line 1, got 63")
    (folder / "text.csv").write_text("a,b\n" + ",".join(["1"] * 64) + "\nx,y\n")
    assert_one_line_error(run(str(folder / "text.csv")), "line 3, column 1: expected a number, got 'x'")
    (folder / "narrow.csv").write_text("1,2,3\n")
    assert_one_line_error(run(str(folder / "narrow.csv")), "line 1 has 3 values; expected 64 values per row")
    np.save(folder / "byte.npy", x * 255 / 16)
    assert_one_line_error(run(str(folder / "byte.npy")), "8-bit 0..255", "--no-range-check", "--picture")
    np.save(folder / "nan.npy", np.where(np.arange(64) == 5, np.nan, x))
    assert_one_line_error(run(str(folder / "nan.npy")), "NaN")
    np.save(folder / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert_one_line_error(run(str(folder / "objects.npy")), "holds Python objects")
    (folder / "junk.npy").write_bytes(b"not numpy")
    assert_one_line_error(run(str(folder / "junk.npy")), "not a valid .npy file")


def test_messages_name_the_file_once(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(",".join(["1"] * 64) + "\n4,5\n")
    result = run(str(tmp_path / "x.csv"))
    assert_one_line_error(result, "line 2")
    assert result.stderr.count("x.csv") == 1


def test_info_and_self_test_refuse_a_file_argument(images: tuple) -> None:
    _, folder = images
    assert_one_line_error(run("--info", str(folder / "x.npy")), "--info takes no input file")
    assert_one_line_error(run("--self-test", str(folder / "x.npy")), "--self-test takes no input file")


def test_a_spreadsheet_csv_with_a_byte_order_mark_keeps_its_first_image(shipped: ModuleType, images: tuple) -> None:
    x, folder = images
    text = "\n".join(",".join(f"{v:g}" for v in row) for row in x)
    (folder / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert run(str(folder / "bom.csv")).stdout.splitlines() == [str(v) for v in shipped.predict(x)]


def test_a_numeric_header_like_pandas_column_numbers_is_skipped(shipped: ModuleType, images: tuple) -> None:
    x, folder = images
    header = ",".join(str(i) for i in range(64))
    np.savetxt(folder / "pandas.csv", x, delimiter=",", fmt="%g", header=header, comments="")
    assert run(str(folder / "pandas.csv")).stdout.splitlines() == [str(v) for v in shipped.predict(x)]


def test_empty_or_header_only_csv_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    assert_one_line_error(run(str(tmp_path / "empty.csv")), "holds no images (it is empty or only a header line)")
    (tmp_path / "header.csv").write_text("a,b,c\n")
    assert_one_line_error(run(str(tmp_path / "header.csv")), "holds no images (it is empty or only a header line)")


def test_a_picture_named_csv_gets_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "scan.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert_one_line_error(run(str(tmp_path / "scan.csv")), "not a text table (binary data)", ".png")


def test_npy_pictures_are_prepared_when_the_user_says_so(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    image = np.kron(digits[0][0].reshape(8, 8), np.ones((4, 4))) * 255 / 16  # a 32x32 0..255 rendering
    np.save(tmp_path / "scan.npy", image.astype(np.uint8))
    assert_one_line_error(run(str(tmp_path / "scan.npy")), "holds 32 rows of 32 values", "pass --picture")
    result = run(str(tmp_path / "scan.npy"), "--picture")
    assert result.stdout.splitlines() == [str(shipped.predict(shipped.prepare(image.astype(np.uint8))))]
    np.save(tmp_path / "batch.npy", np.stack([image] * 2 + [255 - image] * 3).astype(np.uint8))
    assert len(run(str(tmp_path / "batch.npy"), "--picture").stdout.splitlines()) == 5


def test_pictures_are_read_with_pillow_or_a_clear_line_says_how(
    shipped: ModuleType, digits: tuple, tmp_path: Path
) -> None:
    image = (255 - np.kron(digits[0][0].reshape(8, 8), np.ones((6, 6))) * 255 / 16).astype(np.uint8)  # dark ink
    try:
        from PIL import Image
    except ImportError:
        (tmp_path / "digit.png").write_bytes(b"\x89PNG")
        assert_one_line_error(run(str(tmp_path / "digit.png")), "needs Pillow (pip install pillow)")
        return
    Image.fromarray(image).save(tmp_path / "digit.png")
    result = run(str(tmp_path / "digit.png"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(shipped.predict(shipped.prepare(image)))]
    blocked = subprocess.run(  # the same file where Pillow cannot be imported
        [
            sys.executable,
            "-c",
            (
                "import sys; sys.modules['PIL'] = None; sys.argv[0] = 'digits_infer.py'; "
                f"exec(open({str(MODEL_ARTIFACT)!r}).read())"
            ),
            str(tmp_path / "digit.png"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert_one_line_error(blocked, "needs Pillow (pip install pillow)", ".npy")


def test_no_range_check_flag_opts_out(images: tuple) -> None:
    x, folder = images
    np.save(folder / "byte.npy", x * 255 / 16)
    result = run(str(folder / "byte.npy"), "--no-range-check")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 6


@pytest.mark.skipif(shutil.which("head") is None, reason="needs a shell with head")
def test_a_closed_pipe_is_not_an_error(digits: tuple, tmp_path: Path) -> None:
    np.save(tmp_path / "many.npy", np.tile(digits[0], (40, 1)))
    result = subprocess.run(
        f"'{sys.executable}' '{MODEL_ARTIFACT}' '{tmp_path / 'many.npy'}' | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


def test_prepare_flag_treats_counts_shaped_arrays_as_pictures(
    shipped: ModuleType, digits: tuple, tmp_path: Path
) -> None:
    picture = (255 - np.kron(digits[0][4].reshape(8, 8), np.ones((8, 8))) * 255 / 16).astype(np.uint8)  # (64, 64)
    np.save(tmp_path / "canvas.npy", picture)
    as_rows = run(str(tmp_path / "canvas.npy"))
    assert_one_line_error(as_rows, "8-bit 0..255", "--picture")  # 64 rows of 0..255: refused, pointing to --picture
    result = run(str(tmp_path / "canvas.npy"), "--prepare", "--ink", "dark")
    assert result.stdout.splitlines() == [str(shipped.predict(shipped.prepare(picture, ink="dark")))]
