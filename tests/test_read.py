"""`read()`: a picture of a whole number -> its digits left to right, line by line, marks kept, specks reported.

Numbers are composed from pictures of single digits; each is first read alone, so what is checked is the reading
of the number (finding, ordering and cutting the digits), whatever the model makes of each digit."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from runtime import prepare as runtime_prepare
from runtime import reading
from tests.artifact.test_cli import run
from tests.conftest import MODEL_ARTIFACT
from train import writing


def digit_pictures(digits: tuple, count: int) -> list[np.ndarray]:
    """`count` handwritten digits (the data set's labels in order, drawn by `train.writing`'s pens), 40 px
    canvases, dark ink on white, trimmed to their ink columns."""
    rng = np.random.default_rng(17)
    pictures = []
    for label in digits[1][:count]:
        picture = writing.draw_strokes(writing.writer_strokes(int(label), rng), 40, rng.uniform(3, 5), rng)
        columns = np.flatnonzero((picture < 128).any(axis=0))
        pictures.append(picture[:, columns[0] : columns[-1] + 1])
    return pictures


def side_by_side(pictures: list[np.ndarray], gap: int, margin: int = 12) -> np.ndarray:
    """The pictures on one white line, `gap` pixels apart (negative: overlapping, darkest ink wins)."""
    width = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1) + 2 * margin
    line = np.full((40 + 2 * margin, width), 255, np.uint8)
    x = margin
    for p in pictures:
        region = line[margin : margin + 40, x : x + p.shape[1]]
        np.minimum(region, p, out=region)
        x += p.shape[1] + gap
    return line


def alone(shipped: ModuleType, picture: np.ndarray) -> str:
    return str(shipped.predict(shipped.prepare(np.pad(picture, 10, constant_values=255))))


def sure_alone(shipped: ModuleType, picture: np.ndarray) -> bool:
    return bool(shipped.sure(shipped.prepare(np.pad(picture, 10, constant_values=255))))


def test_one_digit_reads_as_prepare_and_predict_read_it(shipped: ModuleType, digits: tuple) -> None:
    for picture in digit_pictures(digits, 30):
        picture = np.pad(picture, 10, constant_values=255)
        detail = shipped.read(picture, detail=True)
        assert detail["text"] == str(shipped.predict(shipped.prepare(picture)))
        (item,) = detail["items"]
        assert item["proba"] == shipped.predict_proba(shipped.prepare(picture)).tolist()
        assert item["sure"] == shipped.sure(shipped.prepare(picture))


@pytest.mark.parametrize("gap", [4, 12, 30])
def test_digits_in_a_row_read_left_to_right(shipped: ModuleType, digits: tuple, gap: int) -> None:
    # The paper's light is estimated over the whole picture, so a digit's counts in a row differ from its counts
    # alone by a few ink pixels: a digit the model is sure of reads the same, one it is not sure of may flip.
    pictures = digit_pictures(digits, 24)
    sure = [sure_alone(shipped, p) for p in pictures]
    assert sum(sure) >= 18, "most of these data-set digits are read surely alone"
    for start in range(0, 24, 4):
        row = pictures[start : start + 4]
        detail = shipped.read(side_by_side(row, gap), detail=True)
        assert len(detail["text"]) == len(row)
        for picture, is_sure, item in zip(row, sure[start : start + 4], detail["items"], strict=True):
            if is_sure:
                assert item["text"] == alone(shipped, picture)
        lefts = [item["box"][0] for item in detail["items"]]
        assert lefts == sorted(lefts)
        assert all(item["kind"] == "digit" and item["line"] == 0 for item in detail["items"])


@pytest.mark.parametrize("level", [140, 200])
def test_pale_ruled_lines_across_a_number_do_not_join_its_digits(
    shipped: ModuleType, digits: tuple, level: int
) -> None:
    pictures = digit_pictures(digits, 24)
    for start in range(0, 24, 4):
        plain = side_by_side(pictures[start : start + 4], 12)
        ruled = plain.copy()
        ruled[5::17] = np.minimum(ruled[5::17], level)  # notebook rules across the sheet, through the digits
        read_plain, read_ruled = shipped.read(plain, detail=True), shipped.read(ruled, detail=True)
        assert [item["box"] for item in read_ruled["items"]] == [item["box"] for item in read_plain["items"]]


def test_dark_printed_lines_through_a_number_do_not_join_its_digits(shipped: ModuleType, digits: tuple) -> None:
    pictures = digit_pictures(digits, 24)
    for start in range(0, 24, 4):
        plain = side_by_side(pictures[start : start + 4], 12)
        lined = plain.copy()
        lined[30:32] = 40  # a form's printed line across the sheet, through every digit
        read_plain, read_lined = shipped.read(plain, detail=True), shipped.read(lined, detail=True)
        assert len(read_lined["text"]) == len(read_plain["text"]) == 4
        for a, b in zip(read_plain["items"], read_lined["items"], strict=True):
            assert abs(a["box"][0] - b["box"][0]) <= 2  # each digit where it stands, as wide as it is
            assert abs(a["box"][2] - b["box"][2]) <= 4


def test_a_digits_own_bar_across_a_crop_is_not_a_printed_line(shipped: ModuleType) -> None:
    if "DejaVu Sans" not in writing.fonts_available():
        pytest.skip("fonts-dejavu-core is not installed")
    for digit in (2, 4, 5, 7):  # cut out of a row of digits by columns: the bar spans the crop's width
        picture = writing.printed(digit, "DejaVu Sans", 96, np.random.default_rng(digit))
        columns = np.flatnonzero((picture < 128).any(axis=0))
        crop = picture[:, columns[0] : columns[-1] + 1]
        (item,) = shipped.read(crop, detail=True)["items"]
        assert item["counts"] == shipped.prepare(crop).tolist(), digit


def test_a_number_under_light_falling_off_top_to_bottom_reads_as_on_even_paper(
    shipped: ModuleType, digits: tuple
) -> None:
    pictures = digit_pictures(digits, 24)
    noise = np.random.default_rng(5)
    for start in range(0, 24, 6):
        plain = side_by_side(pictures[start : start + 6], 12)  # a line of writing, about four times as wide as tall
        light = np.linspace(0.45, 0.95, plain.shape[0]).reshape(-1, 1)  # a photo: the top of the sheet in shadow
        lit = np.clip(plain * light + noise.normal(0, 3, plain.shape), 0, 255).astype(np.uint8)
        assert len(shipped.read(lit)) == len(shipped.read(plain)) == 6


def test_touching_digits_too_wide_for_one_are_cut_apart(shipped: ModuleType, digits: tuple) -> None:
    pictures = digit_pictures(digits, 60)
    pairs = [side_by_side(pictures[k : k + 2], -2) for k in range(0, 60, 2)]
    ink_height = [np.ptp(np.flatnonzero((pair < 128).any(axis=1))) + 1 for pair in pairs]
    ink_width = [np.ptp(np.flatnonzero((pair < 128).any(axis=0))) + 1 for pair in pairs]
    wide = [pair for pair, h, w in zip(pairs, ink_height, ink_width, strict=True) if w >= 1.3 * h]
    assert len(wide) >= 5
    assert [len(shipped.read(pair)) for pair in wide] == [2] * len(wide)


def test_lines_are_read_top_to_bottom_and_separated_by_a_space(shipped: ModuleType, digits: tuple) -> None:
    pictures = digit_pictures(digits, 5)
    top, bottom = side_by_side(pictures[:3], 10), side_by_side(pictures[3:], 10)
    sheet = np.full((top.shape[0] + bottom.shape[0], max(top.shape[1], bottom.shape[1])), 255, np.uint8)
    sheet[: top.shape[0], : top.shape[1]] = top
    sheet[top.shape[0] :, : bottom.shape[1]] = bottom
    expected = "".join(alone(shipped, p) for p in pictures[:3]) + " " + "".join(alone(shipped, p) for p in pictures[3:])
    detail = shipped.read(sheet, detail=True)
    assert detail["text"] == expected
    assert [item["line"] for item in detail["items"]] == [0, 0, 0, 1, 1]


def test_a_decimal_point_and_a_minus_keep_their_place(shipped: ModuleType, digits: tuple) -> None:
    a, b, c = digit_pictures(digits, 3)
    point = np.full((40, 6), 255, np.uint8)
    point[33:38, 1:6] = 0  # on the baseline
    minus = np.full((40, 16), 255, np.uint8)
    minus[19:22, 1:15] = 0  # at mid height
    text = shipped.read(side_by_side([minus, a, point, b, c], 6))
    assert text == f"-{alone(shipped, a)}.{alone(shipped, b)}{alone(shipped, c)}"


def test_specks_are_reported_never_read_as_digits(shipped: ModuleType, digits: tuple) -> None:
    pictures = digit_pictures(digits, 3)
    line = side_by_side(pictures, 10, margin=40)
    line[3:6, 3:6] = 0  # dust in a corner, far from the line
    detail = shipped.read(line, detail=True)
    assert detail["text"] == "".join(alone(shipped, p) for p in pictures)
    specks = [item for item in detail["items"] if item["kind"] == "speck"]
    assert len(specks) == 1
    assert specks[0]["box"] == [3, 3, 3, 3]


def test_blank_pictures_and_batches_get_a_clear_error(shipped: ModuleType) -> None:
    with pytest.raises(ValueError, match="no ink found"):
        shipped.read(np.full((50, 80), 255, np.uint8))
    with pytest.raises(ValueError, match="one picture"):
        shipped.read(np.zeros((2, 40, 40), np.uint8))
    with pytest.raises(ValueError, match="ink="):
        shipped.read(np.zeros((40, 40), np.uint8), ink="blue")


def test_the_command_line_reads_a_picture_file_whole(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    pictures = digit_pictures(digits, 7)
    number = side_by_side(pictures[:4], 8)
    one = np.pad(pictures[4], 10, constant_values=255)
    Image.fromarray(number).save(tmp_path / "number.png")
    Image.fromarray(one).save(tmp_path / "one.png")
    expected = shipped.read(number, detail=True)

    def cli(*args: str) -> list[str]:
        done = run(*args, artifact=MODEL_ARTIFACT)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert cli(str(tmp_path / "number.png")) == [expected["text"]]
    assert cli(str(tmp_path / "one.png")) == [str(shipped.predict(shipped.prepare(one)))]  # one digit: as before
    assert (
        cli(str(tmp_path / "number.png"), str(tmp_path / "one.png"))[0]
        == f"{tmp_path / 'number.png'}: {expected['text']}"
    )
    (record,) = [json.loads(line) for line in cli(str(tmp_path / "number.png"), "--json")]
    assert record == json.loads(json.dumps(expected))
    (record,) = [json.loads(line) for line in cli(str(tmp_path / "one.png"), "--json")]
    assert record["label"] == int(record["text"])  # one digit: the table's "label" and "proba" as well
    assert record["proba"] == record["items"][0]["proba"]
    (line,) = cli(str(tmp_path / "number.png"), "--proba")
    per_digit = [part.split() for part in line.split(" | ")]
    assert [p[0] for p in per_digit] == list(expected["text"])
    assert all(len(p) == 11 for p in per_digit)
    (marked,) = cli(str(tmp_path / "number.png"), "--unsure", "?")
    assert marked == "".join(item["text"] if item["sure"] else "?" for item in expected["items"])


def test_a_line_under_a_bigger_one_and_a_digit_in_dots(shipped: ModuleType, digits: tuple) -> None:
    pictures = digit_pictures(digits, 6)
    top, bottom = side_by_side(pictures[:3], 10), np.kron(side_by_side(pictures[3:], 10), np.ones((2, 2), np.uint8))
    sheet = np.full((top.shape[0] + bottom.shape[0], max(top.shape[1], bottom.shape[1])), 255, np.uint8)
    sheet[: top.shape[0], : top.shape[1]] = top
    sheet[top.shape[0] :, : bottom.shape[1]] = bottom  # a square sheet: two lines, not one big digit
    detail = shipped.read(sheet, detail=True)
    assert sorted({item["line"] for item in detail["items"] if item["kind"] == "digit"}) == [0, 1]
    assert len(detail["text"].split(" ")) == 2
    dots = np.full((300, 300), 255, np.uint8)
    yy, xx = np.mgrid[0:300, 0:300]
    for k in range(16):  # a 0 written in 16 dots: one digit, as prepare() reads it
        angle = 2 * np.pi * k / 16
        dots[np.hypot(yy - 150 - 110 * np.cos(angle), xx - 150 - 75 * np.sin(angle)) <= 9] = 20
    assert shipped.read(dots) == str(shipped.predict(shipped.prepare(dots)))


def touching_group(digits: tuple, count: int, start: int) -> tuple[np.ndarray, list[int]]:
    """The ink (0..1, `runtime.prepare`'s) of `count` pen-drawn digits touching on one line, cut out as one group
    of pieces, and that group's box [top, bottom, left, right]."""
    picture = side_by_side(digit_pictures(digits, start + count)[start:], -2)
    g = runtime_prepare._ink(picture / 255.0, "dark")
    t = runtime_prepare._piece_table(g)
    pieces = list(range(len(t["mass"])))
    box = [int(v) for v in reading._box_of(t, pieces)]
    return runtime_prepare._cut_out(g, t, pieces, box), box


def test_a_digit_cut_from_touching_ones_is_counted_from_its_own_columns(digits: tuple) -> None:
    # whatever ink lies beyond a cut (the neighbour's strokes reaching over), the digit's counts stay the same
    full, box = touching_group(digits, 2, 0)
    cut = (box[2] + box[3]) // 2
    offset = max(box[2] - 2, 0)
    other = full.copy()
    other[:, cut - offset :] = np.random.default_rng(3).integers(0, 1025, other[:, cut - offset :].shape) / 1024
    left, left_other = (reading._part(f, box, box[2], cut - 1, 1) for f in (full, other))
    assert left["counts"] == left_other["counts"]
    assert left["box"] == left_other["box"]
    right = reading._part(full, box, cut, box[3], 1)
    assert right["box"][0] == cut
    assert sum(right["counts"]) > 0


def test_cuts_between_several_touching_digits_move_only_to_read_both_sides_more_surely(digits: tuple) -> None:
    for start in range(0, 24, 3):
        full, box = touching_group(digits, 3, start)
        width = box[3] - box[2] + 1
        cuts = [box[2], box[2] + width // 3, box[2] + 2 * width // 3, box[3] + 1]
        moved = reading._refined(full, box, cuts, 1)
        near = max(2, int(width * reading._REFINE) // 3)
        assert (moved[0], moved[-1]) == (cuts[0], cuts[-1])
        assert all(abs(m - c) <= near for m, c in zip(moved, cuts, strict=True))
        for i in (1, 2):  # each cut is placed with its right neighbour still where it was, left to right
            before = [moved[i - 1], cuts[i], cuts[i + 1]]
            after = [moved[i - 1], moved[i], cuts[i + 1]]
            sure = [
                min(reading._part(full, box, a, b - 1, 1)["margin"] for a, b in itertools.pairwise(c))
                for c in (before, after)
            ]
            assert sure[1] >= sure[0]
