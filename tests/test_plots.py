"""Every figure renders to a real PNG of the documented size, from real predictions."""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from report import plots
from report.page import build, refresh_docs
from tests.conftest import MODEL_ARTIFACT, MODEL_CHECKPOINT
from tests.tiny import tiny_config
from train.study import Study, config_key, run_study


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def expected(name: str, height: float | None = None) -> tuple[int, int]:
    w, h = plots.SIZES[name]
    return round(w * plots.DPI), round((h if h is not None else height) * plots.DPI)


@pytest.fixture(scope="module")
def predictions(shipped: ModuleType, digits: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = digits
    return x[:360], y[:360], shipped.predict_proba(x[:360])


def test_class_grid_is_a_png_of_the_expected_size(predictions: tuple, tmp_path: Path) -> None:
    x, y, proba = predictions
    path = plots.class_grid(x, y, proba, tmp_path / "grid.png")
    assert png_size(path) == expected("class_grid")


def test_mistakes_grows_with_the_number_of_mistakes(predictions: tuple, tmp_path: Path) -> None:
    x, _, proba = (a[:40] for a in predictions)
    wrong_labels = (proba.argmax(1) + 1) % 10  # every image mislabelled: 40 mistakes, 5 rows of 8
    path = plots.mistakes(x, wrong_labels, proba, tmp_path / "m.png", "all wrong")
    assert png_size(path) == expected("mistakes", 1.75 * 5 + 0.7)
    none = plots.mistakes(x, proba.argmax(1), proba, tmp_path / "none.png", "none wrong")
    assert png_size(none) == expected("mistakes", 1.75 + 0.7)


def test_confusion_and_curves_are_pngs_of_the_expected_size(predictions: tuple, tmp_path: Path) -> None:
    _, y, proba = predictions
    assert png_size(plots.confusion(y, proba.argmax(1), tmp_path / "c.png", "t")) == expected("confusion")
    history = [
        {
            "epoch": e,
            "train_loss": 1 / e,
            "test_loss": 1.2 / e,
            "train_accuracy": 1 - 0.5 / e,
            "test_accuracy": 1 - 0.6 / e,
        }
        for e in range(1, 11)
    ]
    assert png_size(plots.training_curves(history, tmp_path / "h.png")) == expected("curves")


def test_outside_figures_are_pngs_that_grow_with_their_rows(shipped: ModuleType, digits: tuple, tmp_path: Path) -> None:
    picture = np.kron(digits[0][0].reshape(8, 8), np.ones((3, 3))) * 255 / 16
    example = {**shipped.prepare_stages(picture), "picture": picture, "label": 0, "true": 0, "probability": 0.97}
    path = plots.pipeline([example, {**example, "label": 6}], tmp_path / "p.png")
    assert png_size(path) == (1200, round((1.7 * 2 + 0.6) * plots.DPI))
    gallery = plots.gallery(np.stack([picture] * 12), ["0 → 6 (51%)"] * 12, tmp_path / "g.png", "twelve")
    assert png_size(gallery) == (1200, round((1.45 * 2 + 0.6) * plots.DPI))
    bins = [{"bin": 0.9, "count": 3, "confidence": 0.95, "accuracy": 1.0}]
    curves = {"held out, calibrated": bins, "MNIST, raw softmax": bins}
    eces = {"held out, calibrated": 0.05, "MNIST, raw softmax": 0.05}
    assert png_size(plots.reliability(curves, eces, tmp_path / "r.png")) == expected("reliability")


def test_same_inputs_give_byte_identical_pngs(predictions: tuple, tmp_path: Path) -> None:
    _, y, proba = predictions
    a = plots.confusion(y, proba.argmax(1), tmp_path / "a.png", "t").read_bytes()
    b = plots.confusion(y, proba.argmax(1), tmp_path / "b.png", "t").read_bytes()
    assert a == b


def test_study_plots_render_from_real_study_rows(tmp_path: Path) -> None:
    configs = [("depth_width", tiny_config(hidden=h)) for h in ((), (8,), (16, 8))]
    configs += [("activation", tiny_config(activation=a)) for a in ("relu", "tanh")]
    configs += [("compact", tiny_config(hidden=(16, 8), weight_bits=4))]
    rows = run_study(configs, Study(folds=2), tmp_path / "cache", jobs=1, progress=False)
    assert all(0.3 < r["cv_mean"] <= 1 for r in rows)
    whole, floats = rows[-1], rows[-3]  # the same shape with 4-bit and with float32 weights
    assert whole["artifact_bytes"] < floats["artifact_bytes"]
    assert png_size(plots.study_front(rows, tmp_path / "f.png", rows[-1]["key"])) == expected("front")
    assert png_size(plots.study_width_per_depth(rows, tmp_path / "w.png")) == expected("study")
    assert png_size(plots.study_augmentation(rows, tmp_path / "a.png")) == expected("study")
    assert png_size(plots.study_bars(rows, "activation", "activation", tmp_path / "b.png")) == expected("study")
    assert png_size(plots.study_cv_vs_test(rows, tmp_path / "t.png", n_test=360)) == expected("study")


def test_study_reuses_cached_trainings_by_key_even_with_a_knob_added_and_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import train.study

    configs = [("x", tiny_config())]
    first = run_study(configs, Study(folds=2), tmp_path, jobs=1, progress=False)

    def no_training(*args: object) -> float:
        raise AssertionError("a cached training was run again")

    monkeypatch.setattr(train.study, "_score", no_training)
    again = run_study(configs, Study(folds=2), tmp_path, jobs=1, progress=False)
    assert again == first
    # a config that differs only in a knob that is off (the pens' versions while no pens are drawn) has the same
    # key, and its trainings are the ones made before
    pens_off = dataclasses.replace(tiny_config(), augment=dataclasses.replace(tiny_config().augment, redraws=5))
    (same,) = run_study([("x", pens_off)], Study(folds=2), tmp_path, jobs=1, progress=False)
    assert same["key"] == first[0]["key"]
    assert (same["cv_folds"], same["test_reported"]) == (first[0]["cv_folds"], first[0]["test_reported"])
    assert first[0]["key"] == config_key(tiny_config(), Study(folds=2))
    assert set(first[0]) >= {"cv_mean", "cv_folds", "test_reported"}


def test_report_page_lists_every_figure_and_docs_refresh_only_on_change(tmp_path: Path) -> None:
    out, docs = tmp_path / "reports", tmp_path / "docs"
    figures = build(MODEL_CHECKPOINT, MODEL_ARTIFACT, out, tmp_path / "no-study", tmp_path / "no-evaluation")
    page = (out / "index.html").read_text()
    for figure in figures:
        assert figure.path.name in page
        assert png_size(figure.path)[0] > 0
        assert figure.caption.split(";")[0].split(":")[0] in page
    assert refresh_docs(out, docs) == [
        str(docs / name) for name in ("class_grid.png", "confusion_test.png", "pipeline.png", "reliability.png")
    ]
    assert refresh_docs(out, docs) == []
