"""Issue 18's table, one test per row: what a new user gave the command line, and what it does now. An input is a
table or a picture, never guessed; every row gives one output line, or exit 2 with one line on stderr and nothing
on stdout; no traceback, bounded memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from bench import hostile
from tests.artifact.test_cli import assert_one_line_error, run
from tests.conftest import MODEL_ARTIFACT

Image = pytest.importorskip("PIL.Image", reason="picture files need Pillow")


def labels(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def expected(shipped: ModuleType, x: np.ndarray) -> list[str]:
    return [str(v) for v in shipped.predict(x)]


@pytest.mark.parametrize("rows", [5, 8, 20])
@pytest.mark.parametrize(("columns", "hint"), [(63, "a value missing"), (65, "--drop-column 0"), (784, "28x28")])
def test_tables_with_63_65_or_784_columns_are_refused_with_what_to_do(
    digits: tuple, tmp_path: Path, rows: int, columns: int, hint: str
) -> None:
    x = np.resize(digits[0], (rows, columns))
    np.savetxt(tmp_path / "t.csv", x, delimiter=",", fmt="%d")
    np.save(tmp_path / "t.npy", x)
    for name in ("t.csv", "t.npy"):
        assert_one_line_error(run(str(tmp_path / name)), f"{columns} values", "expected 64 values per row", hint)


def test_a_label_column_is_dropped_when_asked(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    x, y = digits[0][:12], digits[1][:12]
    np.savetxt(tmp_path / "labelled.csv", np.hstack([y[:, None], x]), delimiter=",", fmt="%d")
    np.save(tmp_path / "labelled.npy", np.hstack([x, y[:, None]]))
    assert labels(run(str(tmp_path / "labelled.csv"), "--drop-column", "0")) == expected(shipped, x)
    assert labels(run(str(tmp_path / "labelled.npy"), "--drop-column", "-1")) == expected(shipped, x)


def test_stacked_8x8_grids_give_one_label_each(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    images = digits[0][:3]
    np.savetxt(tmp_path / "grids.csv", images.reshape(-1, 8), delimiter=",", fmt="%d")
    assert labels(run(str(tmp_path / "grids.csv"))) == expected(shipped, images)
    np.savetxt(tmp_path / "short.csv", images.reshape(-1, 8)[:-3], delimiter=",", fmt="%d")
    assert_one_line_error(run(str(tmp_path / "short.csv")), "an 8x8 image takes 8 lines")


def test_channels_first_colour_is_refused_with_a_hint(tmp_path: Path) -> None:
    np.save(tmp_path / "chw.npy", np.zeros((3, 40, 30), dtype=np.uint8))
    for extra in ((), ("--picture",)):
        assert_one_line_error(run(str(tmp_path / "chw.npy"), *extra), "channels first", "np.moveaxis(a, 0, -1)")


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [(100_000, 100_000, "decompression bomb"), (20_000, 20_000, "decompression bomb"), (9000, 9000, "81 Mpx")],
)
def test_bombs_and_huge_pictures_exit_2_with_one_line(tmp_path: Path, width: int, height: int, message: str) -> None:
    hostile.png_header_only(tmp_path / "bomb.png", width, height)
    assert (tmp_path / "bomb.png").stat().st_size < 100
    assert_one_line_error(run(str(tmp_path / "bomb.png")), message)


def test_big_phone_photos_are_decoded_reduced(shipped: ModuleType, tmp_path: Path) -> None:
    photo = Image.new("L", (6000, 4000), 230)
    photo.paste(20, (2900, 800, 3100, 3200))  # a bar, 200 px wide
    photo.save(tmp_path / "photo.jpg", quality=85)
    picture = shipped.read_picture(tmp_path / "photo.jpg")
    assert max(picture.shape) <= 1024  # decoded at 1/8 (JPEG draft), not 24 Mpx
    bar = np.flatnonzero((picture < 128).any(axis=0))
    assert 0.45 < bar.mean() / picture.shape[1] < 0.55  # the bar where it was, upright
    assert labels(run(str(tmp_path / "photo.jpg"))) == [str(shipped.predict(shipped.prepare(picture)))]


@pytest.mark.skipif(shutil.which("head") is None, reason="needs a shell with head")
@pytest.mark.parametrize("command", ["--info | head -1", "--self-test | head -c 0"])
def test_a_reader_that_leaves_early_gets_no_traceback(command: str) -> None:
    for _ in range(3):  # the race between writer and reader went both ways before
        result = subprocess.run(
            f"'{sys.executable}' '{MODEL_ARTIFACT}' {command}", shell=True, capture_output=True, text=True, check=False
        )
        assert result.stderr == "", result.stderr


@pytest.mark.parametrize(
    ("name", "separator", "trailing", "quote"),
    [
        ("comma.csv", ",", ",", ""),
        ("tabs.tsv", "\t", "", ""),
        ("semi.csv", ";", ";", '"'),
        ("quoted.csv", ",", "", '"'),
    ],
)
def test_tables_as_people_write_them_are_read(
    shipped: ModuleType, digits: tuple, tmp_path: Path, name: str, separator: str, trailing: str, quote: str
) -> None:
    x = digits[0][:7]
    lines = [separator.join(f"{quote}{v:g}{quote}" for v in row) + trailing for row in x]
    (tmp_path / name).write_text("\n".join(lines) + "\n")
    assert labels(run(str(tmp_path / name))) == expected(shipped, x)


def test_numpy_savetxt_default_is_read(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    np.savetxt(tmp_path / "saved.txt", digits[0][:5])  # spaces, %.18e
    assert labels(run(str(tmp_path / "saved.txt"))) == expected(shipped, digits[0][:5])


@pytest.mark.parametrize(("cell", "what"), [("1_6", "got '1_6'"), ("", "got an empty cell"), ("0x10", "got '0x10'")])
def test_cells_that_are_not_numbers_are_errors_naming_line_and_column(tmp_path: Path, cell: str, what: str) -> None:
    rows = [["0"] * 64, ["0"] * 64]
    rows[1][9] = cell
    (tmp_path / "t.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    assert_one_line_error(run(str(tmp_path / "t.csv")), f"line 2, column 10: expected a number, {what}")


def test_extensions_are_case_insensitive(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    np.save(tmp_path / "lower.npy", digits[0][:4])
    (tmp_path / "lower.npy").rename(tmp_path / "UPPER.NPY")
    assert labels(run(str(tmp_path / "UPPER.NPY"))) == expected(shipped, digits[0][:4])
    Image.fromarray((255 - digits[0][0].reshape(8, 8) * 15).astype(np.uint8)).resize((64, 64)).save(tmp_path / "D.PNG")
    assert len(labels(run(str(tmp_path / "D.PNG")))) == 1


def test_an_empty_table_gives_no_lines_even_as_json(tmp_path: Path) -> None:
    np.save(tmp_path / "none.npy", np.zeros((0, 64)))
    for extra in ((), ("--json",), ("--proba",)):
        result = run(str(tmp_path / "none.npy"), *extra)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_npy_header_claiming_a_billion_rows_is_refused_at_once(tmp_path: Path) -> None:
    assert_one_line_error(run(str(hostile.npy_header_claiming(tmp_path / "claim.npy"))), "(1000000000, 64)", "corrupt")


@pytest.mark.parametrize(("make", "name"), [(hostile.tiff_header_only, "b.tif"), (hostile.gif_header_only, "b.gif")])
def test_tiff_and_gif_bombs_are_refused(tmp_path: Path, make: object, name: str) -> None:
    assert_one_line_error(run(str(make(tmp_path / name))), "decompression bomb")


def test_a_table_too_large_is_refused_before_reading_it(tmp_path: Path) -> None:
    assert_one_line_error(run(str(hostile.sparse_file(tmp_path / "huge.csv"))), "larger than 256 MiB", "np.save")


def test_a_multi_page_picture_is_refused_not_read_as_its_first_page(tmp_path: Path) -> None:
    pages = [Image.new("L", (40, 40), 255), Image.new("L", (40, 40), 0)]
    pages[0].save(tmp_path / "pages.tif", save_all=True, append_images=pages[1:])
    assert_one_line_error(run(str(tmp_path / "pages.tif")), "has 2 pages or frames")


def test_exif_orientation_is_applied(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    upright = (255 - np.kron(digits[0][7].reshape(8, 8), np.ones((6, 6))) * 15).astype(np.uint8)
    sideways = Image.fromarray(np.ascontiguousarray(np.rot90(upright, -1)))  # stored turned, as a phone stores it
    exif = sideways.getexif()
    exif[0x0112] = 8  # "rotate 90 degrees counter-clockwise to view"
    sideways.save(tmp_path / "phone.png", exif=exif)
    assert np.array_equal(shipped.read_picture(tmp_path / "phone.png"), upright)
    assert labels(run(str(tmp_path / "phone.png"))) == [str(shipped.predict(shipped.prepare(upright)))]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_binary_data_on_stdin_is_refused_without_reading_it_all() -> None:
    with open("/dev/zero", "rb") as zeros:  # endless: reading it all would never end
        result = subprocess.run(
            [sys.executable, str(MODEL_ARTIFACT), "-"], stdin=zeros, capture_output=True, check=False
        )
    assert result.returncode == 2
    assert b"binary data" in result.stderr
    assert result.stdout == b""


def test_several_files_prefix_each_line_with_its_file(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", digits[0][:2])
    np.savetxt(tmp_path / "b.csv", digits[0][2:5], delimiter=",", fmt="%d")
    a, b = str(tmp_path / "a.npy"), str(tmp_path / "b.csv")
    assert labels(run(a, b)) == [f"{a}: {v}" for v in expected(shipped, digits[0][:2])] + [
        f"{b}: {v}" for v in expected(shipped, digits[0][2:5])
    ]
    records = [json.loads(line) for line in labels(run(a, b, "--json"))]
    assert [r["file"] for r in records] == [a, a, b, b, b]
    (tmp_path / "c.csv").write_text("not,a,table\n1,2\n")
    assert_one_line_error(run(a, str(tmp_path / "c.csv"), b), "c.csv")  # nothing on stdout, not even a's lines


def test_python_dash_m_runs_the_file_from_its_folder(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    shutil.copy(MODEL_ARTIFACT, tmp_path / "digits_infer.py")
    np.save(tmp_path / "x.npy", digits[0][:3])
    result = subprocess.run(
        [sys.executable, "-m", "digits_infer", "x.npy"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert labels(result) == expected(shipped, digits[0][:3])
