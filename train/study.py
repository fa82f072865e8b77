"""`python -m train.study`: how architecture and training knobs move the score, by cross-validation.

Every configuration is scored by stratified k-fold cross-validation on the training part of the split only; the
test part never chooses anything. Finished (configuration, fold) results are cached, so a rerun computes only
new ones. Writes the results table as CSV and JSON.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import io
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from train.augment import AugmentConfig
from train.config import TrainConfig
from train.data import Split, split
from train.files import write_atomically
from train.model import ModelConfig

STUDY_VERSION = 1  # bump when scoring changes, so cached results are not reused
DEFAULT_OUT = Path("docs/study")
DEFAULT_CACHE = Path(".cache/study")


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
        for h in ((256, 64), (384, 64), (256, 128)) for e in (150, 300)
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
    payload = json.dumps({"v": STUDY_VERSION, "config": config.to_dict(), "study": dataclasses.asdict(study)},
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def score_fold(config: TrainConfig, study: Study, fold: int) -> float:
    """Validation accuracy of `config` trained on all but one fold of the training part."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # parallelism comes from joblib, one process per core
    try:
        return _score_fold(config, study, fold)
    finally:
        torch.set_num_threads(threads)  # with jobs=1 this ran in the caller's process


def _score_fold(config: TrainConfig, study: Study, fold: int) -> float:
    from train.loop import fit

    data = split(study.split_seed)
    folds = StratifiedKFold(n_splits=study.folds, shuffle=True, random_state=study.cv_seed)
    fit_idx, val_idx = list(folds.split(data.x_train, data.y_train))[fold]
    inner = Split(
        data.x_train[fit_idx], data.y_train[fit_idx], data.x_train[val_idx], data.y_train[val_idx],
        data.train_index[fit_idx], data.train_index[val_idx], study.split_seed,
    )
    return fit(config, data=inner, progress=False).test_accuracy  # "test" of the inner split = validation fold


def _load_cache(cache: Path) -> dict[str, float]:
    path = cache / "folds.jsonl"
    if not path.is_file():
        return {}
    return {row["key"]: row["accuracy"] for row in map(json.loads, path.read_text().splitlines()) if row}


def run_study(
    configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path, jobs: int = 2, progress: bool = True
) -> list[dict[str, Any]]:
    """Score every configuration (reusing cached folds) and return one result row per (experiment, config)."""
    configs = list(configs)
    cache.mkdir(parents=True, exist_ok=True)
    done = _load_cache(cache)
    unique = {config_key(c, study): c for _, c in configs}
    todo = [(k, c, f) for k, c in unique.items() for f in range(study.folds) if f"{k}/{f}" not in done]
    if todo:
        tasks = (delayed(lambda k, c, f: (k, f, score_fold(c, study, f)))(k, c, f) for k, c, f in todo)
        results = Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks)
        with (cache / "folds.jsonl").open("a") as log:
            for key, fold, accuracy in tqdm(results, total=len(todo), desc="study", disable=not progress,
                                            file=sys.stderr):
                done[f"{key}/{fold}"] = accuracy
                log.write(json.dumps({"key": f"{key}/{fold}", "accuracy": accuracy}) + "\n")
                log.flush()
    rows = []
    for experiment, config in configs:
        key = config_key(config, study)
        scores = [done[f"{key}/{f}"] for f in range(study.folds)]
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
                "config": config.to_dict(),
            }
        )
    return rows


def write_results(rows: Sequence[dict[str, Any]], out: Path, study: Study) -> None:
    """results.json (everything) and results.csv (one line per row, without the nested config)."""
    write_atomically(out / "results.json", json.dumps({"study": dataclasses.asdict(study), "rows": list(rows)},
                                                      indent=1).encode())
    columns = [c for c in rows[0] if c not in ("config", "cv_folds")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: (f"{row[c]:.4f}" if c.startswith("cv_") else row[c]) for c in columns})
    write_atomically(out / "results.csv", buffer.getvalue().encode())


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="nox -s study --", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (default: %(default)s)")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="finished folds (default: %(default)s)")
    p.add_argument("--folds", type=int, default=Study.folds)
    p.add_argument("--split-seed", type=int, default=Study.split_seed)
    p.add_argument("--jobs", type=int, default=2, help="parallel processes (default: %(default)s)")
    p.add_argument("--experiments", nargs="*", help="only these experiments, e.g. depth_width activation")
    p.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every epoch count (quick looks)")
    args = p.parse_args(argv)
    study = Study(split_seed=args.split_seed, folds=args.folds)
    configs = [
        (e, dataclasses.replace(c, epochs=max(1, round(c.epochs * args.epochs_scale))))
        for e, c in grid()
        if not args.experiments or e in args.experiments
    ]
    if not configs:
        p.error(f"no experiment matches {args.experiments}; known: {sorted({e for e, _ in grid()})}")
    rows = run_study(configs, study, args.cache, jobs=args.jobs)
    write_results(rows, args.out, study)
    best = max(rows, key=lambda r: r["cv_mean"])
    print(f"wrote {args.out}/results.csv ({len(rows)} rows); best CV {best['cv_mean']:.4f}: {best['hidden']} "
          f"{best['activation']} aug={best['augment']} ({best['experiment']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
