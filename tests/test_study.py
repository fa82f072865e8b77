"""The study chooses by cross-validation alone; the held-out test score is reported beside it, never used."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from train import paths
from train.config import TrainConfig
from train.study import CV_TOLERANCE_IMAGES, Study, choose, config_key, grid

RESULTS = ROOT / paths.STUDY / "results.json"


def _row(
    key: str,
    cv: float,
    n_parameters: int,
    epochs: int = 150,
    test: float = 0.99,
    outside: float = 0.9,
    artifact_bytes: int | None = None,
) -> dict:
    return {
        "key": key,
        "cv_mean": cv,
        "n_parameters": n_parameters,
        "artifact_bytes": artifact_bytes or 100_000 + 14 * n_parameters,  # float32 literals: ~14 bytes a weight
        "epochs": epochs,
        "test_reported": test,
        "outside": outside,
    }


@pytest.fixture(scope="module")
def study() -> dict:
    return json.loads(RESULTS.read_text())


def test_choice_is_the_same_with_the_reported_columns_removed_or_scrambled(study: dict) -> None:
    rows = study["rows"]
    chosen = choose(rows, study["n_validation_images"])
    reported = ("test_reported", "real_input_reported")
    without = [{k: v for k, v in r.items() if k not in reported} for r in rows]
    reversed_test = [{**r, **{k: 1 - r[k] for k in reported}} for r in rows]
    assert choose(without, study["n_validation_images"])["key"] == chosen["key"]
    assert choose(reversed_test, study["n_validation_images"])["key"] == chosen["key"]
    assert study["chosen_key"] == chosen["key"]


def test_the_default_training_configuration_is_the_study_choice(study: dict) -> None:
    # what `python -m train` (and so `nox -s build`) trains without options; a build with options is the user's
    # own choice, so the committed checkpoint is not what this checks
    assert config_key(TrainConfig(), Study(**study["study"])) == study["chosen_key"]


def test_every_distinct_configuration_has_a_cv_and_a_reported_test_score(study: dict) -> None:
    assert study["n_rows"] == len(grid()) == len(study["rows"])
    assert study["n_distinct"] == len({r["key"] for r in study["rows"]}) < study["n_rows"]
    for row in study["rows"]:
        assert len(row["cv_folds"]) == study["study"]["folds"]
        assert 0.0 < row["cv_mean"] <= 1.0
        assert 0.0 < row["test_reported"] <= 1.0
        assert 0.0 < row["real_input_reported"] <= 1.0
        assert row["artifact_bytes"] > 50_000
        assert row["page_bytes"] > 50_000


def test_choose_takes_the_most_robust_then_the_smallest_within_the_cv_tolerance() -> None:
    n = 1437
    rows = [
        _row("best-cv", 0.9965, 167_178, outside=0.85),
        _row("robust-big", 0.9965 - CV_TOLERANCE_IMAGES / n, 167_178, outside=0.91),
        _row("robust-small", 0.9965 - 3 / n, 33_738, epochs=300, outside=0.908, test=0.5),  # a tie outside: smaller
        _row("too-weak-in-distribution", 0.9965 - (CV_TOLERANCE_IMAGES + 1) / n, 9_000, outside=0.99, test=1.0),
    ]
    assert choose(rows, n)["key"] == "robust-small"
    assert choose(rows, n, outside_tolerance=0.0)["key"] == "robust-big"
    assert choose(rows, n, cv_images=0)["key"] == "best-cv"
    without_outside = [{k: v for k, v in r.items() if k != "outside"} for r in rows]
    assert choose(without_outside, n)["key"] == "robust-small"  # fewest parameters within the CV tolerance


def test_choose_takes_the_fewest_artifact_bytes_among_ties_not_the_fewest_parameters() -> None:
    n = 1437
    rows = [
        _row("float-small", 0.9965, 50_000),
        _row("whole-number-weights", 0.9965 - 2 / n, 100_000, artifact_bytes=400_000),
        _row("whole-number-weights-weak-outside", 0.9965, 100_000, outside=0.85, artifact_bytes=390_000),
    ]
    assert choose(rows, n)["key"] == "whole-number-weights"
