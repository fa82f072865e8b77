"""The study (`python -m train.study`): how architecture and training knobs move the score, by cross-validation.

Every configuration is scored by stratified k-fold cross-validation on the training part of the split only: that
score, and nothing else, chooses (`choose`). Each configuration is also trained once on the whole training part
and scored on the held-out test part, the score the project's brief asks about: it is *reported, never used for
choosing*. Finished trainings are cached on disk (`joblib.Memory`), so a rerun computes only new ones. Writes the
results table as CSV and JSON.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Memory, Parallel, delayed
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from train.augment import AugmentConfig
from train.config import TrainConfig
from train.data import Split, split
from train.files import write_atomically
from train.model import ModelConfig

STUDY_VERSION = 2  # part of every cache key: bump when scoring changes, so cached results are not reused
TEST = "test"  # the part name of the held-out score, beside fold numbers 0..folds-1
# Configurations whose CV accuracy is within this many validation images of the best are taken as tied: a
# difference of one or two images out of 1,437 is noise (fold draws, seeds), not an effect.
TIE_IMAGES = 2


@dataclass(frozen=True)
class Study:
    """Where and how configurations are scored."""

    split_seed: int = 0
    folds: int = 3
    cv_seed: int = 0


def base_config() -> TrainConfig:
    """The centre of the grid: every experiment varies one or two knobs away from it."""
    return TrainConfig(
        model=ModelConfig(hidden=(512, 256), activation="relu", dropout=0.1),
        augment=AugmentConfig(enabled=True),
        epochs=150,
        weight_decay=1e-4,
        label_smoothing=0.1,
    )


def _vary(config: TrainConfig, **changes: Any) -> TrainConfig:
    model = dataclasses.replace(config.model, **changes.pop("model", {}))
    augment = dataclasses.replace(config.augment, **changes.pop("augment", {}))
    return dataclasses.replace(config, model=model, augment=augment, **changes)


def grid(base: TrainConfig | None = None) -> list[tuple[str, TrainConfig]]:
    """(experiment, config) pairs: depth × width with augmentation on and off, activations, dropout, weight decay,
    training length, and the richer distortions. Duplicates across experiments are scored once."""
    base = base or base_config()
    runs: list[tuple[str, TrainConfig]] = []
    for aug in (True, False):
        runs.append(("depth_width", _vary(base, model={"hidden": ()}, augment={"enabled": aug})))
        for depth in (1, 2, 3):
            for width in (32, 128, 512):
                hidden = tuple(max(width // 2**i, 16) for i in range(depth))  # tapering: 512, 256, 128
                runs.append(("depth_width", _vary(base, model={"hidden": hidden}, augment={"enabled": aug})))
    runs += [("activation", _vary(base, model={"activation": a})) for a in ("relu", "tanh", "sigmoid")]
    runs += [("dropout", _vary(base, model={"dropout": d})) for d in (0.0, 0.1, 0.3)]
    runs += [("weight_decay", _vary(base, weight_decay=w)) for w in (0.0, 1e-4, 1e-3, 1e-2)]
    runs += [("epochs", _vary(base, epochs=e)) for e in (50, 150, 300)]
    runs += [  # mid-size shapes: the artifact's import time and file size grow with the parameter count
        ("front", _vary(base, model={"hidden": h}))
        for h in ((256,), (1024,), (256, 64), (256, 128), (256, 256), (384, 128), (512, 64), (512, 128))
    ]
    runs += [  # around the front's knee: no dropout, longer training
        ("knee", _vary(base, model={"hidden": h, "dropout": 0.0}, epochs=e))
        for h in ((256, 64), (384, 64), (256, 128))
        for e in (150, 300)
    ]
    runs += [
        ("distortions", _vary(base, augment=a))
        for a in ({"elastic_px": 0.3}, {"thickness": 0.3}, {"noise": 0.5}, {"elastic_px": 0.3, "thickness": 0.3})
    ]
    return runs


def distortion_label(augment: AugmentConfig) -> str:
    """Short name of the distortions a configuration uses, e.g. 'affine+elastic'."""
    if not augment.enabled:
        return "none"
    extra = [name for name in ("elastic_px", "thickness", "noise") if getattr(augment, name) > 0]
    return "+".join(["affine", *(name.removesuffix("_px") for name in extra)])


def config_key(config: TrainConfig, study: Study) -> str:
    """Stable identity of a (configuration, study) pair, for caching."""
    payload = json.dumps(
        {"v": STUDY_VERSION, "config": config.to_dict(), "study": dataclasses.asdict(study)}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def score(config: TrainConfig, study: Study, part: int | str, version: int = STUDY_VERSION) -> float:
    """Accuracy of `config` on one part of the split: a fold number 0..folds-1 gives the validation accuracy of a
    model trained on the other folds of the training part; `TEST` gives the held-out test accuracy of a model
    trained on the whole training part (reported, never used for choosing). `version` only keys the cache."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # parallelism comes from joblib, one process per core
    try:
        return _score(config, study, part)
    finally:
        torch.set_num_threads(threads)  # with jobs=1 this ran in the caller's process


def _score(config: TrainConfig, study: Study, part: int | str) -> float:
    from train.loop import fit

    data = split(study.split_seed)
    if part == TEST:
        return fit(config, data=data, progress=False).test_accuracy
    folds = StratifiedKFold(n_splits=study.folds, shuffle=True, random_state=study.cv_seed)
    fit_idx, val_idx = list(folds.split(data.x_train, data.y_train))[int(part)]
    inner = Split(
        data.x_train[fit_idx],
        data.y_train[fit_idx],
        data.x_train[val_idx],
        data.y_train[val_idx],
        data.train_index[fit_idx],
        data.train_index[val_idx],
        study.split_seed,
    )
    return fit(config, data=inner, progress=False).test_accuracy  # "test" of the inner split = validation fold


def _parts(study: Study) -> list[int | str]:
    return [*range(study.folds), TEST]


def n_trainings_to_run(configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path) -> int:
    """How many (configuration, part) trainings are not in the cache yet."""
    cached_score = Memory(cache, verbose=0).cache(score)
    unique = {config_key(c, study): c for _, c in configs}
    return sum(not cached_score.check_call_in_cache(c, study, part) for c in unique.values() for part in _parts(study))


def run_study(
    configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path, jobs: int = 2, progress: bool = True
) -> list[dict[str, Any]]:
    """Score every configuration on every fold and on the test part (cached trainings are reused) and return one
    result row per (experiment, config)."""
    configs = list(configs)
    cached_score = Memory(cache, verbose=0).cache(score)
    unique = {config_key(c, study): c for _, c in configs}
    jobs_list = [(k, c, part) for k, c in unique.items() for part in _parts(study)]
    todo = [(k, c, part) for k, c, part in jobs_list if not cached_score.check_call_in_cache(c, study, part)]
    tasks = (delayed(lambda k, c, part: (k, part, cached_score(c, study, part)))(k, c, part) for k, c, part in todo)
    done: dict[tuple[str, int | str], float] = {}
    for key, part, accuracy in tqdm(
        Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks),
        total=len(todo),
        desc="study",
        disable=not progress or not todo,
        file=sys.stderr,
    ):
        done[key, part] = accuracy
    for k, c, part in jobs_list:  # the rest come straight from the cache
        if (k, part) not in done:
            done[k, part] = cached_score(c, study, part)
    rows = []
    for experiment, config in configs:
        key = config_key(config, study)
        scores = [done[key, f] for f in range(study.folds)]
        rows.append(
            {
                "experiment": experiment,
                "key": key,
                "depth": len(config.model.hidden),
                "hidden": "x".join(map(str, config.model.hidden)) or "none",
                "activation": config.model.activation,
                "dropout": config.model.dropout,
                "weight_decay": config.weight_decay,
                "epochs": config.epochs,
                "augment": config.augment.enabled,
                "elastic_px": config.augment.elastic_px,
                "thickness": config.augment.thickness,
                "noise": config.augment.noise,
                "distortions": distortion_label(config.augment),
                "n_parameters": config.model.n_parameters(),
                "cv_mean": float(np.mean(scores)),
                "cv_std": float(np.std(scores)),
                "cv_folds": scores,
                "test_reported": done[key, TEST],
                "config": config.to_dict(),
            }
        )
    return rows


def choose(rows: Sequence[dict[str, Any]], n_validation: int, tie_images: int = TIE_IMAGES) -> dict[str, Any]:
    """The configuration to ship, by cross-validation alone: the fewest parameters among those within
    `tie_images` validation images (of `n_validation`) of the best CV accuracy — the artifact's file size and
    import time grow with the parameter count — then fewer epochs, then the higher CV score. Reads no other
    column, so the reported test score cannot move the choice (a test removes it and checks)."""
    best = max(r["cv_mean"] for r in rows)
    tied = [r for r in rows if r["cv_mean"] >= best - tie_images / n_validation - 1e-12]
    return min(tied, key=lambda r: (r["n_parameters"], r["epochs"], -r["cv_mean"], r["key"]))


FAMILIES = {  # experiment → what it varies, for the README's table
    "depth_width": "depth × width (0-3 layers, 32-512 wide), with and without augmentation",
    "front": "mid-size shapes (256 … 1024 wide)",
    "knee": "around the knee: no dropout, 150 or 300 epochs",
    "activation": "relu / tanh / sigmoid",
    "dropout": "dropout 0 / 0.1 / 0.3",
    "weight_decay": "weight decay 0 … 1e-2",
    "epochs": "50 / 150 / 300 epochs",
    "distortions": "elastic, thickness, noise on top of affine",
}


def summary_markdown(rows: Sequence[dict[str, Any]], chosen_key: str, n_test: int) -> str:
    """The README's study table: per experiment family, the CV and reported test ranges and the CV winner's test
    score; then how well CV predicted the test score across the distinct configurations."""
    from scipy.stats import spearmanr

    lines = [
        "| family | configs | CV accuracy | test accuracy (reported) | best by CV → its test |",
        "|---|---:|---|---|---|",
    ]
    for experiment, what in FAMILIES.items():
        family = [r for r in rows if r["experiment"] == experiment]
        if not family:
            continue
        best = max(family, key=lambda r: r["cv_mean"])
        cv = [r["cv_mean"] for r in family]
        test = [r["test_reported"] for r in family]
        lines.append(
            f"| {what} | {len(family)} | {min(cv):.2%} – {max(cv):.2%} | {min(test):.2%} – {max(test):.2%} | "
            f"{best['hidden']} {_knobs(best)}: {best['cv_mean']:.2%} → {best['test_reported']:.2%} |"
        )
    unique = list({r["key"]: r for r in rows}.values())
    cv = np.array([r["cv_mean"] for r in unique])
    test = np.array([r["test_reported"] for r in unique])
    gap = test - cv
    worst = unique[int(np.argmax(np.abs(gap)))]
    within = int((np.abs(gap) <= 1 / n_test + 1e-12).sum())
    rho = float(spearmanr(cv, test).statistic)
    chosen = next(r for r in unique if r["key"] == chosen_key)
    verdict = (
        f"{len(unique)} distinct configurations. Chosen by CV alone: **{chosen['hidden']} {_knobs(chosen)}** "
        f"(CV {chosen['cv_mean']:.2%}, test {chosen['test_reported']:.2%}). "
        f"Rank correlation of CV and test (Spearman): {rho:.2f}; {within} of {len(unique)} configurations score "
        f"within one test image ({1 / n_test:.2%}) of their CV. Largest disagreement: {worst['hidden']} "
        f"{_knobs(worst)} ({worst['experiment']}), CV {worst['cv_mean']:.2%} vs test {worst['test_reported']:.2%} "
        f"({abs(worst['test_reported'] - worst['cv_mean']) * n_test:.1f} test images). On average the test score "
        f"is {gap.mean():+.2%} from CV: each CV model learns from two thirds of the training part, the test model "
        f"from all of it, and a {n_test}-image test part moves in steps of {1 / n_test:.2%}; "
        f"{int((test == 1.0).sum())} of {len(unique)} configurations make no test mistake at all."
    )
    lines += ["", verdict]
    return "\n".join(lines) + "\n"


def _knobs(row: dict[str, Any]) -> str:
    """What sets a row apart beyond its widths, e.g. 'relu, dropout 0.1, 150 epochs, affine'."""
    return (
        f"{row['activation']}, dropout {row['dropout']:g}, wd {row['weight_decay']:g}, {row['epochs']} epochs, "
        f"{row['distortions']}"
    )


def write_results(rows: Sequence[dict[str, Any]], out: Path, study: Study, summary: dict[str, Any]) -> None:
    """results.json (everything, with `summary`), results.csv (one line per row, without the nested config) and
    summary.md (the README's table)."""
    payload = {
        "study": dataclasses.asdict(study),
        **summary,
        "test_reported": "held-out test accuracy after training on the whole training part: reported, never "
        "used for choosing",
        "rows": list(rows),
    }
    write_atomically(out / "results.json", json.dumps(payload, indent=1).encode())
    columns = [c for c in rows[0] if c not in ("config", "cv_folds")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: (f"{row[c]:.4f}" if c.startswith(("cv_", "test_")) else row[c]) for c in columns})
    write_atomically(out / "results.csv", buffer.getvalue().encode())
    n_test = len(split(study.split_seed).y_test)
    write_atomically(out / "summary.md", summary_markdown(rows, summary["chosen_key"], n_test).encode())


def run_and_write(
    configs: Sequence[tuple[str, TrainConfig]], study: Study, out: Path, cache: Path, jobs: int = 2
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Score `configs`, choose by CV, write results.json/.csv and summary.md into `out`; returns (rows, summary)."""
    start = time.perf_counter()
    trained = n_trainings_to_run(configs, study, cache)
    rows = run_study(configs, study, cache, jobs=jobs)
    seconds = time.perf_counter() - start
    n_validation = len(split(study.split_seed).y_train)
    summary = {
        "n_rows": len(rows),
        "n_distinct": len({r["key"] for r in rows}),
        "n_validation_images": n_validation,
        "tie_images": TIE_IMAGES,
        "chosen_key": choose(rows, n_validation)["key"],
        "trainings_this_run": trained,
        "seconds_this_run": round(seconds, 1),
    }
    if trained < len({r["key"] for r in rows}) * (study.folds + 1) and (out / "results.json").is_file():
        earlier = json.loads((out / "results.json").read_text())  # keep the cost of the last full (cold) run
        summary["cold_cache_seconds"] = earlier.get("cold_cache_seconds")
    else:
        summary["cold_cache_seconds"] = round(seconds, 1)
    write_results(rows, out, study, summary)
    return rows, summary
