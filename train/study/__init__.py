"""The study (`python -m train.study`): how architecture and training knobs move the score, by cross-validation.

Every configuration is scored by stratified k-fold cross-validation on the training part of the split only, and,
trained once on the whole training part, on three outside sets through `prepare()` (validation for robustness):
the tune half of MNIST (other people's handwriting), digits printed in faces no training and no benchmark sees
(`train.redraw.validation_printed`) and the same digits traced with a broad marker (`validation_marked`: bold
strokes). Those scores, and nothing else, choose (`choose`). The same training is also
scored on the held-out test part, the score the project's brief asks about: it is *reported, never used for
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

from train import benchmark
from train.augment import AugmentConfig, WritersConfig
from train.config import TrainConfig
from train.data import split
from train.files import write_atomically
from train.loop import TrainResult
from train.model import ModelConfig

STUDY_VERSION = 5  # part of every cache key: bump when scoring changes, so cached results are not reused
# the part name of the held-out score (and the outside ones), beside fold numbers 0..folds-1; renamed from "test"
# when the outside scores gained the marker-traced fonts, so that only these trainings were redone
TEST = "test+marked"
# The choice (`choose`), fixed before the study that it reads was run:
# - in distribution, a configuration whose CV accuracy is within 7 validation images of the best (0.5 % of 1,437)
#   is acceptable: the held-out floor the project holds is a 99.4 % minimum per split, half a point below the best;
# - outside, the mean of the MNIST tune half (2,500 handwritten digits) and the validation fonts (360 printed
#   digits) — what people write and what they print — within 0.4 % (10 MNIST images) of the best is a tie.
# Changed once since, on 2026-11-28, after the study had been run: the outside mean also weighs the validation
# fonts traced with a broad marker (360 digits: what people write with a felt-tip or a finger), because the
# MNIST-and-fonts mean could not see bold strokes at all — every configuration that learns from print read the
# validation fonts at 99-100 %, while those without marker traces read the traced ones at 82-88 % and pens a fifth
# of the canvas wide wrote 1s that read as 2s; and because its 10-image tie is narrower than the spread of MNIST's tune
# half over training seeds of one configuration (88.2-90.0 % over seeds 0-4), so it decided the markers rows by
# one training's luck. The tolerance is unchanged.
CV_TOLERANCE_IMAGES = 7
OUTSIDE_TOLERANCE = 10 / 2500


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
    runs += [  # other writers: a share of each batch re-drawn through prepare()'s steps (README, "Real handwriting")
        ("writers", _vary(base, model={"hidden": h, "dropout": 0.0}, epochs=300, augment={"writers": w}))
        for h in ((256, 64), (512, 128), (512, 256))
        for w in (WritersConfig(share=0.3), WritersConfig(share=0.5))
    ]
    runs += [  # printed digits: a share of each batch printed in training fonts, on the writers' shape
        (
            "fonts",
            _vary(
                base,
                model={"hidden": (512, 128), "dropout": 0.0},
                epochs=300,
                augment={"writers": WritersConfig(share=0.3), "fonts": f, "swap_first": first},
            ),
        )
        for f in (0.02, 0.05, 0.1)
        for first in (False, True)  # printed rows as they are, or distorted like the data set's (swapped in first)
    ]
    runs += [  # a compact artifact: whole-number weights of fewer bits, and narrower shapes, on the fonts' recipe
        (
            "compact",
            _vary(
                base,
                model={"hidden": h, "dropout": 0.0, "weight_bits": bits},
                epochs=300,
                augment={"writers": WritersConfig(share=0.3), "fonts": 0.1},
            ),
        )
        for h, bits in (
            *(((512, 128), b) for b in (8, 6, 5, 4, 3)),
            ((384, 128), 5),
            ((256, 128), 5),
            ((256, 64), 5),
        )
    ]
    runs += [  # markers: printed digits traced again with a broad marker join the printed pool, on the compact recipe
        (
            "markers",
            _vary(
                base,
                model={"hidden": h, "dropout": 0.0, "weight_bits": 5},
                epochs=300,
                augment={"writers": WritersConfig(share=0.3), "fonts": 0.1, "markers": 1},
            ),
        )
        for h in ((512, 128), (384, 128))
    ]
    runs += [
        ("distortions", _vary(base, augment=a))
        for a in ({"elastic_px": 0.3}, {"thickness": 0.3}, {"noise": 0.5}, {"elastic_px": 0.3, "thickness": 0.3})
    ]
    return runs


def distortion_label(augment: AugmentConfig) -> str:
    """Short name of the distortions a configuration uses, e.g. 'affine+elastic' or 'affine+writers0.3'."""
    if not augment.enabled:
        return "none"
    extra = [name.removesuffix("_px") for name in ("elastic_px", "thickness", "noise") if getattr(augment, name) > 0]
    if augment.writers.share > 0:
        extra.append(f"writers{augment.writers.share:g}")
    extra += [
        f"{name}{getattr(augment, name):g}" for name in ("fonts", "redrawn", "markers") if getattr(augment, name) > 0
    ]
    if augment.swap_first and augment.fonts + augment.redrawn > 0:
        extra.append("distorted")
    return "+".join(["affine", *extra])


def config_key(config: TrainConfig, study: Study) -> str:
    """Stable identity of a (configuration, study) pair, for caching. Knobs added later are left out while they
    are off (redrawn, printed and marker-traced digits: at 0 they draw no random number, so the training is bit for
    bit the one before they existed), so adding them neither invalidates the cache nor changes the study's recorded
    choice."""
    described = config.to_dict()
    augment = described["augment"]
    if augment["redrawn"] == 0:
        del augment["redrawn"], augment["redraws"]
    if augment["fonts"] == 0:
        del augment["fonts"]
    if not augment["swap_first"]:
        del augment["swap_first"]
    if augment["markers"] == 0:
        del augment["markers"]
    if described["model"]["weight_bits"] == 0:
        del described["model"]["weight_bits"]
    payload = json.dumps({"v": STUDY_VERSION, "config": described, "study": dataclasses.asdict(study)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def score(key: str, config: TrainConfig, study: Study, part: int | str) -> dict[str, float]:
    """Scores of `config` on one part of the split. A fold number 0..folds-1: {"accuracy"} on that validation
    fold of a model trained on the other folds of the training part. `TEST`: a model trained on the whole training
    part, {"accuracy"} on the held-out test part (reported, never used for choosing), {"mnist_tune"} on the tune
    half of MNIST and {"fonts"} on the validation fonts, both through `prepare()` (validation for robustness), and
    what is reported beside them, never chosen by: {"real_input"} on the real-input benchmark (`train.benchmark`)
    and the bytes of the artifact and the page generated from that model ({"artifact_bytes"}, {"page_bytes"}).
    The cache (`_trainings`) is keyed by `key` — `config_key(config, study)` — and `part` alone: it ignores the
    config and study objects, so a knob added to a config later, and off, finds the trainings made before it."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # parallelism comes from joblib, one process per core
    try:
        return _score(config, study, part)
    finally:
        torch.set_num_threads(threads)  # with jobs=1 this ran in the caller's process


def _score(config: TrainConfig, study: Study, part: int | str) -> dict[str, float]:
    """`score`'s work. Its `TEST` part also gives {"marked"}: the validation fonts traced with a marker (added to the
    outside scores later; `score`'s own text is left as it was, since the cache of every fold is keyed by it)."""
    from train.loop import fit, predict_logits
    from train.outside import load_mnist, prepared_mnist
    from train.redraw import validation_marked, validation_printed

    data = split(study.split_seed)
    if part == TEST:
        result = fit(config, data=data, progress=False)
        mnist = load_mnist()
        tune = mnist.tune
        predicted = predict_logits(result.model, prepared_mnist(config.prepare)[tune]).argmax(1)
        printed, labels = validation_printed(config.prepare)
        marked, marked_labels = validation_marked(config.prepare)
        real, digits = benchmark.counts(config.prepare, later=False)  # as first scored
        return {
            "accuracy": result.test_accuracy,
            "mnist_tune": float((predicted == mnist.labels[tune]).mean()),
            "fonts": float((predict_logits(result.model, printed).argmax(1) == labels).mean()),
            "marked": float((predict_logits(result.model, marked).argmax(1) == marked_labels).mean()),
            "real_input": float((predict_logits(result.model, real).argmax(1) == digits).mean()),
            **artifact_sizes(result),
        }
    folds = StratifiedKFold(n_splits=study.folds, shuffle=True, random_state=study.cv_seed)
    fit_idx, val_idx = list(folds.split(data.x_train, data.y_train))[int(part)]
    inner = data.fold(fit_idx, val_idx)
    return {"accuracy": fit(config, data=inner, progress=False).test_accuracy}  # the inner "test" = the fold


def artifact_sizes(result: TrainResult) -> dict[str, int]:
    """{"artifact_bytes", "page_bytes"}: the sizes of digits_infer.py and digits_infer.html rendered from `result`'s
    model (uncalibrated: the temperature's few digits aside, the calibrated files are the same size)."""
    from codegen.arrays import from_checkpoint
    from codegen.render import render_all
    from train.checkpoint import from_result

    files = render_all(from_checkpoint(from_result(result)))
    return {"artifact_bytes": len(files[".py"].encode()), "page_bytes": len(files[".html"].encode())}


def _parts(study: Study) -> list[int | str]:
    return [*range(study.folds), TEST]


def _trainings(configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path) -> tuple[Any, list, list]:
    """(the cached `score`, every (key, config, part) the configurations need, those not in the cache yet)."""
    cached_score = Memory(cache, verbose=0).cache(score, ignore=["config", "study"])
    unique = {config_key(c, study): c for _, c in configs}
    needed = [(k, c, part) for k, c in unique.items() for part in _parts(study)]
    todo = [(k, c, p) for k, c, p in needed if not cached_score.check_call_in_cache(k, c, study, p)]
    return cached_score, needed, todo


def n_trainings_to_run(configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path) -> int:
    """How many (configuration, part) trainings are not in the cache yet."""
    return len(_trainings(configs, study, cache)[2])


def run_study(
    configs: Iterable[tuple[str, TrainConfig]], study: Study, cache: Path, jobs: int = 2, progress: bool = True
) -> list[dict[str, Any]]:
    """Score every configuration on every fold and on the test part (cached trainings are reused) and return one
    result row per (experiment, config)."""
    configs = list(configs)
    cached_score, needed, todo = _trainings(configs, study, cache)
    tasks = (delayed(lambda k, c, part: (k, part, cached_score(k, c, study, part)))(k, c, part) for k, c, part in todo)
    done: dict[tuple[str, int | str], dict[str, float]] = {}
    for key, part, accuracy in tqdm(
        Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks),
        total=len(todo),
        desc="study",
        disable=not progress or not todo,
        file=sys.stderr,
    ):
        done[key, part] = accuracy
    for k, c, part in needed:  # the rest come straight from the cache
        if (k, part) not in done:
            done[k, part] = cached_score(k, c, study, part)
    rows = []
    for experiment, config in configs:
        key = config_key(config, study)
        scores = [done[key, f]["accuracy"] for f in range(study.folds)]
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
                "writers_share": config.augment.writers.share,
                "fonts_share": config.augment.fonts,
                "n_parameters": config.model.n_parameters(),
                "weight_bits": config.model.weight_bits,
                "artifact_bytes": done[key, TEST]["artifact_bytes"],
                "page_bytes": done[key, TEST]["page_bytes"],
                "cv_mean": float(np.mean(scores)),
                "cv_std": float(np.std(scores)),
                "cv_folds": scores,
                "test_reported": done[key, TEST]["accuracy"],
                "mnist_tune": done[key, TEST]["mnist_tune"],
                "fonts": done[key, TEST]["fonts"],
                "marked": done[key, TEST]["marked"],
                "outside": (done[key, TEST]["mnist_tune"] + done[key, TEST]["fonts"] + done[key, TEST]["marked"]) / 3,
                "real_input_reported": done[key, TEST]["real_input"],
                "config": config.to_dict(),
            }
        )
    return rows


def choose(
    rows: Sequence[dict[str, Any]],
    n_validation: int,
    cv_images: int = CV_TOLERANCE_IMAGES,
    outside_tolerance: float = OUTSIDE_TOLERANCE,
) -> dict[str, Any]:
    """The configuration to ship, from CV and the outside validation sets, never the test part:
    1. in distribution: configurations within `cv_images` validation images (of `n_validation`) of the best CV;
    2. robust: of those, the ones within `outside_tolerance` of the best "outside" score (the mean of the MNIST
       tune half, the validation fonts and the marker-traced validation fonts: handwriting, print and bold strokes
       weigh the same);
    3. small: of those, the fewest bytes of the generated artifact (what is pasted, reviewed and loaded; import
       time grows with it), then the fewest parameters, then fewer epochs.
    The reported scores (test, real input) are not read, so they cannot move the choice (a test removes them and
    checks)."""
    best = max(r["cv_mean"] for r in rows)
    candidates = [r for r in rows if r["cv_mean"] >= best - cv_images / n_validation - 1e-12]
    if all("outside" in r for r in candidates):
        robust = max(r["outside"] for r in candidates)
        candidates = [r for r in candidates if r["outside"] >= robust - outside_tolerance - 1e-12]
    return min(
        candidates,
        key=lambda r: (r["artifact_bytes"], r["n_parameters"], r["epochs"], -r["cv_mean"], r["key"]),
    )


FAMILIES = {  # experiment → what it varies, for the README's table
    "depth_width": "depth × width (0-3 layers, 32-512 wide), with and without augmentation",
    "front": "mid-size shapes (256 … 1024 wide)",
    "knee": "around the knee: no dropout, 150 or 300 epochs",
    "activation": "relu / tanh / sigmoid",
    "dropout": "dropout 0 / 0.1 / 0.3",
    "weight_decay": "weight decay 0 … 1e-2",
    "epochs": "50 / 150 / 300 epochs",
    "distortions": "elastic, thickness, noise on top of affine",
    "writers": "other writers: a share of each batch through prepare()'s steps (256x64 … 512x256)",
    "fonts": "printed digits: a share of each batch printed in training fonts (0.02 … 0.1), as printed or distorted "
    "like the data set's, 512x128 writers0.3",
    "compact": "compact: whole-number weights of 8 … 3 bits on fonts0.1's recipe, 512x128 … 256x64",
    "markers": "markers: fonts0.1's recipe with each printed digit also traced with a broad marker, 5 bits, 512x128 / "
    "384x128",
}


def summary_markdown(rows: Sequence[dict[str, Any]], chosen_key: str, n_test: int) -> str:
    """The README's study table: per experiment family, the CV and reported test ranges and the CV winner's test
    score; then how well CV predicted the test score across the distinct configurations."""
    from scipy.stats import spearmanr

    lines = [
        (
            "| family | configs | CV accuracy | test accuracy (reported) | MNIST tune | validation fonts | the fonts "
            "traced with a marker | real input (reported) | digits_infer.py | best by CV → its test, MNIST tune, "
            "fonts, traced |"
        ),
        "|---|---:|---|---|---|---|---|---|---|---|",
    ]
    for experiment, what in FAMILIES.items():
        family = [r for r in rows if r["experiment"] == experiment]
        if not family:
            continue
        best = max(family, key=lambda r: r["cv_mean"])
        cv = [r["cv_mean"] for r in family]
        test = [r["test_reported"] for r in family]
        mnist = [r["mnist_tune"] for r in family]
        fonts = [r["fonts"] for r in family]
        marked = [r["marked"] for r in family]
        real = [r["real_input_reported"] for r in family]
        size = [r["artifact_bytes"] / 1000 for r in family]
        lines.append(
            f"| {what} | {len(family)} | {min(cv):.2%} – {max(cv):.2%} | {min(test):.2%} – {max(test):.2%} | "
            f"{min(mnist):.1%} – {max(mnist):.1%} | {min(fonts):.1%} – {max(fonts):.1%} | {min(marked):.1%} – "
            f"{max(marked):.1%} | {min(real):.1%} – {max(real):.1%} | {min(size):,.0f} – {max(size):,.0f} KB | "
            f"{best['hidden']} {_knobs(best)}: {best['cv_mean']:.2%} → {best['test_reported']:.2%}, "
            f"{best['mnist_tune']:.1%}, {best['fonts']:.1%}, {best['marked']:.1%} |"
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
        f"{len(unique)} distinct configurations. Chosen by CV, the MNIST tune half, the validation fonts and their "
        f"marker tracings: **{chosen['hidden']} {_knobs(chosen)}** (CV {chosen['cv_mean']:.2%}, MNIST tune "
        f"{chosen['mnist_tune']:.1%}, validation fonts {chosen['fonts']:.1%}, traced {chosen['marked']:.1%}; "
        f"digits_infer.py {chosen['artifact_bytes']:,} bytes, the page "
        f"{chosen['page_bytes']:,}; reported: test {chosen['test_reported']:.2%}, real input "
        f"{chosen['real_input_reported']:.1%}). "
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
    bits = f", {row['weight_bits']}-bit weights" if row.get("weight_bits") else ""
    return (
        f"{row['activation']}, dropout {row['dropout']:g}, wd {row['weight_decay']:g}, {row['epochs']} epochs, "
        f"{row['distortions']}{bits}"
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
        "cv_tolerance_images": CV_TOLERANCE_IMAGES,
        "outside_tolerance": OUTSIDE_TOLERANCE,
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
