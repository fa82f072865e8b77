"""The drawing page in a real browser: headless Chromium (Debian's package) driven by Playwright. It opens the
generated page straight from disk, writes digits and numbers with the mouse and reads the answers, compares the
page's logits and readings with the NumPy artifact's bit for bit, checks how it handles pointers (every coalesced
position drawn, one reading per stroke, one finger, no right-click drawing) and a phone's screen, and fails on
any console error or network request.

Set DIGITS_INFER_SCREENSHOT=path to save the screenshot the README shows (`nox -s page` does)."""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import MODEL_ARTIFACT, ROOT

PAGE = MODEL_ARTIFACT.with_suffix(".html")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python (pip install playwright)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="needs Chromium: apt-get install -y chromium (Debian's package; the nox sessions install it)",
)

# Strokes in a 280x280 square of the drawing area, one list of points per pen-down, the way a person draws each digit:
# all ten, and the "1" three ways (a bar, with a flag, with a flag and a base serif).
STROKES = {
    "0": [[(140 + 55 * math.sin(t * math.pi / 10), 140 - 95 * math.cos(t * math.pi / 10)) for t in range(21)]],
    "1": [[(140, 40), (140, 240)]],
    "1 with a flag": [[(100, 85), (145, 40), (145, 240)]],
    "1 with a flag and a base": [[(100, 85), (145, 40), (145, 240)], [(95, 240), (195, 240)]],
    "2": [[(80, 80), (140, 40), (195, 85), (90, 230), (205, 230)]],
    "3": [[(85, 60), (150, 40), (190, 80), (140, 135), (195, 185), (150, 240), (85, 220)]],
    "4": [[(160, 40), (80, 170), (210, 170)], [(170, 100), (170, 245)]],
    "5": [[(100, 45), (90, 130), (150, 115), (195, 160), (185, 220), (135, 245), (80, 225)], [(100, 45), (195, 45)]],
    "6": [[(180, 50), (120, 90), (90, 170), (105, 230), (160, 240), (190, 190), (155, 150), (95, 175)]],
    "7": [[(80, 50), (200, 50), (120, 240)]],
    "8": [[(140, 140), (95, 95), (140, 45), (185, 95), (140, 140), (85, 190), (140, 240), (195, 190), (140, 140)]],
    "9": [[(185, 90), (140, 50), (95, 90), (130, 135), (185, 100), (180, 170), (160, 245)]],
}
# Each drawing is also made smaller and off-centre, and slanted, as people draw: a label that is right only for
# one exact stroke is luck, not reading.
VARIANTS = {
    "as drawn": lambda x, y: (x, y),
    "small, off-centre": lambda x, y: (60 + 0.6 * x, 40 + 0.6 * y),
    "slanted": lambda x, y: (x + 0.3 * (140 - y), y),
}


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 820, "height": 860})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        local = (PAGE.as_uri(), "blob:")  # the page itself, and the blob its Worker starts from
        page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith(local) else None)
        page.goto(PAGE.as_uri())
        page.problems = problems  # type: ignore[attr-defined]
        yield page
        browser.close()
    assert problems == [], problems  # no console error, no network request, at any point


def draw(page: object, strokes: list[list[tuple[float, float]]], variant: str = "as drawn") -> None:
    page.click("#clear")
    box = page.locator("#pad").bounding_box()
    move = VARIANTS[variant]
    for stroke in strokes:
        points = [move(x, y) for x, y in stroke]
        page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
        page.mouse.up()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("drawing", sorted(STROKES))
def test_drawing_a_digit_with_the_mouse_shows_its_label_and_is_sure(page: object, drawing: str, variant: str) -> None:
    digit = drawing[0]
    draw(page, STROKES[drawing], variant)
    playwright.expect(page.locator("#reading")).to_have_text(digit)
    # "The model reads": sure (a probability of at least SURE_AT), not "Not sure: perhaps …"
    playwright.expect(page.locator("#result")).to_contain_text(f"The model reads {digit}, with probability")
    assert page.locator("#bars .bar.top").count() == 1
    assert page.locator("#digits li").count() == 1


def number_strokes(digits: str, step: float, scale: float = 0.55) -> list[list[tuple[float, float]]]:
    """The strokes of each digit of `digits`, shrunk by `scale` and set `step` pixels apart, left to right."""
    return [
        [(20 + k * step + scale * x, 30 + scale * y) for x, y in stroke]
        for k, d in enumerate(digits)
        for stroke in STROKES[d]
    ]


@pytest.mark.parametrize(("number", "step"), [("2047", 140), ("74", 160), ("302", 95)])  # 302: touching digits
def test_writing_a_number_with_the_mouse_reads_it(page: object, shipped: ModuleType, number: str, step: int) -> None:
    draw(page, number_strokes(number, step))
    playwright.expect(page.locator("#reading")).to_have_text(number)
    assert page.locator("#digits li").count() == len(number)
    playwright.expect(page.locator("#result")).to_contain_text(f"The model reads {number}")
    picture = page.evaluate(
        "() => { const c = document.getElementById('pad'); const d = c.getContext('2d').getImageData(0, 0, c.width,"
        " c.height); return {data: Array.from(d.data), width: d.width, height: d.height, "
        "reading: window.digitsInfer.read(d, {detail: true})}; }"
    )
    rgba = np.array(picture["data"], dtype=np.uint8).reshape(picture["height"], picture["width"], 4)
    python = shipped.read(rgba, detail=True)
    assert picture["reading"]["text"] == python["text"] == number
    for js, py in zip(picture["reading"]["items"], python["items"], strict=True):
        assert js["box"] == py["box"]
        assert np.array_equal(np.float32(js["logits"]), np.float32(py["logits"]))


def test_a_fast_stroke_draws_every_position_and_is_read_once_when_it_ends(page: object) -> None:
    page.click("#clear")
    reads = page.evaluate("() => window.digitsInfer.reads")
    points = [(100 + 80 * math.cos(t / 6), 150 + 100 * math.sin(t / 6)) for t in range(38)]  # one quick oval
    status = page.evaluate(
        """(points) => {
          const pad = document.getElementById('pad');
          const r = pad.getBoundingClientRect();
          const at = ([x, y]) => ({clientX: r.left + x, clientY: r.top + y, pointerId: 7, isPrimary: true,
                                   pointerType: 'mouse', button: 0, buttons: 1, bubbles: true});
          pad.dispatchEvent(new PointerEvent('pointerdown', at(points[0])));
          // the browser delivers a fast stroke as one event per frame, the positions in between coalesced into it
          const coalesced = points.slice(1).map((p) => new PointerEvent('pointermove', at(p)));
          pad.dispatchEvent(new PointerEvent('pointermove', {...at(points.at(-1)), coalescedEvents: coalesced}));
          const during = [document.getElementById('result').textContent, window.digitsInfer.reads];
          pad.dispatchEvent(new PointerEvent('pointerup', at(points.at(-1))));
          return during;
        }""",
        points,
    )
    assert status == ["Cleared. Nothing written yet.", reads]  # nothing read or announced while drawing
    page.wait_for_function("(n) => window.digitsInfer.reads === n", arg=reads + 1)  # one reading when it ends
    assert page.evaluate("() => window.digitsInfer.worker()")  # read by the page's Worker, off the main thread
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.digitsInfer.reads") == reads + 1
    inked = page.evaluate(
        """(points) => { const c = document.getElementById('pad').getContext('2d');
          return points.map(([x, y]) => c.getImageData(Math.round(x), Math.round(y), 1, 1).data[0] < 128); }""",
        points,
    )
    assert all(inked)  # every position the pointer passed is ink: the oval is round, not a heptagon


def test_only_the_primary_pointer_and_the_left_button_draw(page: object) -> None:
    page.click("#clear")
    drawn = page.evaluate(
        """() => {
          const pad = document.getElementById('pad');
          const r = pad.getBoundingClientRect();
          const at = (x, y, extra) => ({clientX: r.left + x, clientY: r.top + y, bubbles: true, ...extra});
          pad.dispatchEvent(new PointerEvent('pointerdown', at(50, 50, {pointerId: 3, isPrimary: false, button: 0})));
          pad.dispatchEvent(new PointerEvent('pointerdown', at(150, 50, {pointerId: 1, isPrimary: true, button: 2})));
          const c = pad.getContext('2d');
          return [c.getImageData(50, 50, 1, 1).data[0], c.getImageData(150, 50, 1, 1).data[0]];
        }"""
    )
    assert drawn == [255, 255]  # a second finger and a right click leave the paper white


def test_on_a_phone_the_reading_is_in_view_and_the_canvas_is_sharp(page: object) -> None:
    phone = page.context.browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    try:
        phone.goto(PAGE.as_uri())
        size = phone.evaluate(
            "() => { const c = document.getElementById('pad'); const r = c.getBoundingClientRect();"
            " return [c.width, r.width]; }"
        )
        assert size[0] == round(3 * size[1])  # three canvas pixels per CSS pixel
        draw(phone, number_strokes("74", 75, 0.3))
        playwright.expect(phone.locator("#reading")).to_have_text("74")
        assert phone.locator("#reading").bounding_box()["y"] + 40 < 844  # the answer shows without scrolling
    finally:
        phone.close()


def test_the_page_prepares_the_drawing_as_the_python_artifact_does(page: object, shipped: ModuleType) -> None:
    draw(page, STROKES["3"])
    picture = page.evaluate(
        "() => { const c = document.getElementById('pad'); const d = c.getContext('2d').getImageData(0, 0, c.width,"
        " c.height); return {data: Array.from(d.data), width: d.width, height: d.height, "
        "counts: Array.from(window.digitsInfer.prepare(d))}; }"
    )
    rgba = np.array(picture["data"], dtype=np.uint32).reshape(picture["height"], picture["width"], 4)
    gray = (rgba[..., 0] * 19595 + rgba[..., 1] * 38470 + rgba[..., 2] * 7471 + 0x8000) >> 16  # Pillow's luma
    assert np.array_equal(picture["counts"], shipped.prepare(gray.astype(np.uint8)))


def test_the_page_computes_the_numpy_artifacts_logits_bit_for_bit(page: object, shipped: ModuleType) -> None:
    images = shipped.check_inputs(256, 64)
    bits = page.evaluate(
        "(xs) => xs.map((x) => Array.from(new Uint32Array(window.digitsInfer.logits(x).buffer)))", images.tolist()
    )
    assert np.array_equal(np.array(bits, dtype=np.uint32), shipped.logits(images).view(np.uint32))


def test_clear_and_the_keyboard_reset_the_page(page: object) -> None:
    draw(page, STROKES["7"])
    page.click("#clear")
    playwright.expect(page.locator("#reading")).to_have_text("–")
    draw(page, STROKES["7"])
    page.locator("#pad").focus()
    page.keyboard.press("Delete")
    playwright.expect(page.locator("#result")).to_have_text("Cleared. Nothing written yet.")
    playwright.expect(page.locator("#meta")).to_contain_text(shipped_hash())


def test_screenshot_for_the_readme(page: object, tmp_path: object) -> None:
    draw(page, number_strokes("2047", 140))
    playwright.expect(page.locator("#reading")).to_have_text("2047")
    target = os.environ.get("DIGITS_INFER_SCREENSHOT")
    path = ROOT / target if target else tmp_path / "page.png"  # type: ignore[operator]
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def shipped_hash() -> str:
    for line in MODEL_ARTIFACT.read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith("# weights sha256: "):
            return line.split(": ", 1)[1]
    raise AssertionError("no weights sha256 header")
