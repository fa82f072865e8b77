"""The drawing page in a real browser: headless Chromium (Debian's package) driven by Playwright. It opens the
generated page straight from disk, draws digits with the mouse and reads the answers, compares the page's logits
with the NumPy artifact's bit for bit, and fails on any console error or network request.

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
    CHROMIUM is None, reason="needs Chromium: apt-get install -y chromium (Debian's package; .ci/run installs it)"
)

# Strokes in the 280x280 drawing area, one list of points per pen-down, the way a person draws each digit.
STROKES = {
    0: [[(140 + 55 * math.sin(t * math.pi / 10), 140 - 95 * math.cos(t * math.pi / 10)) for t in range(21)]],
    2: [[(80, 80), (140, 40), (195, 85), (90, 230), (205, 230)]],
    3: [[(85, 60), (150, 40), (190, 80), (140, 135), (195, 185), (150, 240), (85, 220)]],
    4: [[(160, 40), (80, 170), (210, 170)], [(170, 100), (170, 245)]],
    7: [[(80, 50), (200, 50), (120, 240)]],
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
        page.on("request", lambda r: problems.append(f"request: {r.url}") if r.url != PAGE.as_uri() else None)
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
@pytest.mark.parametrize("digit", sorted(STROKES))
def test_drawing_a_digit_with_the_mouse_shows_its_label(page: object, digit: int, variant: str) -> None:
    draw(page, STROKES[digit], variant)
    playwright.expect(page.locator("#digit")).to_have_text(str(digit))
    playwright.expect(page.locator("#result")).to_contain_text(f"The model reads {digit}, with probability")
    assert page.locator("#bars .bar.top").count() == 1


def test_the_page_prepares_the_drawing_as_the_python_artifact_does(page: object, shipped: ModuleType) -> None:
    draw(page, STROKES[3])
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
    draw(page, STROKES[7])
    page.click("#clear")
    playwright.expect(page.locator("#digit")).to_have_text("–")
    draw(page, STROKES[7])
    page.locator("#pad").focus()
    page.keyboard.press("Delete")
    playwright.expect(page.locator("#result")).to_have_text("Cleared. Nothing drawn yet.")
    playwright.expect(page.locator("#meta")).to_contain_text(shipped_hash())


def test_screenshot_for_the_readme(page: object, tmp_path: object) -> None:
    draw(page, STROKES[2])
    playwright.expect(page.locator("#digit")).to_have_text("2")
    target = os.environ.get("DIGITS_INFER_SCREENSHOT")
    path = ROOT / target if target else tmp_path / "page.png"  # type: ignore[operator]
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def shipped_hash() -> str:
    for line in MODEL_ARTIFACT.read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith("# weights sha256: "):
            return line.split(": ", 1)[1]
    raise AssertionError("no weights sha256 header")
