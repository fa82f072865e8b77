"""`python -m report.evaluation`: score per-split artifacts beside torch and scikit-learn's references.

Expects, for each split seed S, a checkpoint `split-S.pt` and its generated artifact `split-S.py` in `--runs`
(made by `python -m train --split-seed S` and `python -m codegen`, exactly as a user would). Every model is scored on
the held-out part of the same split, in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

from codegen.artifact import load_artifact
from train import checkpoint, paths
from train.calibrate import expected_calibration_error, softmax
from train.data import split
from train.files import write_atomically
from train.loop import predict_logits
from train.outside import load_mnist

REFERENCES: dict[str, Callable[[], object]] = {
    "SVC(gamma=0.001)": lambda: SVC(gamma=0.001),  # scikit-learn's own digits example
    "kNN (k=3)": lambda: KNeighborsClassifier(n_neighbors=3),
    "MLPClassifier": lambda: MLPClassifier(max_iter=1000, random_state=0),
}


OUTSIDE_REFERENCES = ("SVC(gamma=0.001)", "kNN (k=3)")  # scored on the same prepared MNIST inputs


def evaluate(runs: Path, seeds: Sequence[int]) -> tuple[dict, dict, list]:
    """Per split seed: held-out test accuracy of the artifact, torch and each reference; and on MNIST prepared by
    each split's artifact: accuracy of the artifact and the references (tune and check halves) and the artifact's
    calibration error (ECE) held out and on MNIST, with the embedded temperature and without; and every held-out
    mistake of the artifacts."""
    scores: dict[str, list[float]] = {"artifact": [], "torch": [], **{name: [] for name in REFERENCES}}
    outside_data = load_mnist()
    outside: dict[str, dict[str, list[float]]] = {}
    mistakes: list[dict[str, float]] = []

    def record(model: str, metric: str, value: float) -> None:
        outside.setdefault(model, {}).setdefault(metric, []).append(float(value))

    def record_halves(model: str, predicted: np.ndarray) -> None:
        for half in ("tune", "check"):
            mask = getattr(outside_data, half)
            record(model, f"MNIST {half}", (predicted[mask] == outside_data.labels[mask]).mean())

    for seed in seeds:
        ckpt = checkpoint.load(runs / f"split-{seed}.pt")
        if ckpt.config.split_seed != seed:
            raise ValueError(f"{runs}/split-{seed}.pt was trained on split seed {ckpt.config.split_seed}")
        data = split(seed)
        artifact = load_artifact(runs / f"split-{seed}.py", f"digits_infer_split_{seed}")
        held_out_logits = artifact.logits(data.x_test)
        proba = softmax(held_out_logits, artifact.TEMPERATURE)  # what predict_proba computes
        scores["artifact"].append(float((proba.argmax(1) == data.y_test).mean()))
        for k in np.flatnonzero(proba.argmax(1) != data.y_test):
            mistakes.append(
                {
                    "split": seed,
                    "index": int(data.test_index[k]),
                    "true": int(data.y_test[k]),
                    "predicted": int(proba[k].argmax()),
                    "probability": float(proba[k].max()),
                }
            )
        torch_pred = predict_logits(ckpt.build_model(), data.x_test).argmax(axis=1)
        scores["torch"].append(float((torch_pred == data.y_test).mean()))
        mnist = artifact.prepare(outside_data.pictures)
        mnist_logits = artifact.logits(mnist)
        record_halves("artifact", mnist_logits.argmax(1))
        for label, temperature in (("calibrated", artifact.TEMPERATURE), ("raw softmax", 1.0)):
            record(
                "artifact",
                f"ECE held out, {label}",
                expected_calibration_error(softmax(held_out_logits, temperature), data.y_test),
            )
            record(
                "artifact",
                f"ECE MNIST, {label}",
                expected_calibration_error(softmax(mnist_logits, temperature), outside_data.labels),
            )
        for name, make in REFERENCES.items():
            model = make()
            model.fit(data.x_train, data.y_train)  # type: ignore[attr-defined]
            scores[name].append(float((model.predict(data.x_test) == data.y_test).mean()))  # type: ignore[attr-defined]
            if name in OUTSIDE_REFERENCES:
                record_halves(name, model.predict(mnist))  # type: ignore[attr-defined]
    return scores, outside, mistakes


def markdown(scores: dict[str, list[float]], seeds: Sequence[int]) -> str:
    """The README's table: per-split test accuracy and mean/min/max per model."""
    head = "| model | " + " | ".join(f"split {s}" for s in seeds) + " | mean | min | max |"
    rule = "|---" * (len(seeds) + 4) + "|"
    lines = [head, rule]
    for name, values in scores.items():
        cells = " | ".join(f"{v:.2%}" for v in values)
        label = {"artifact": "**generated artifact**", "torch": "torch (same weights)"}.get(name, name)
        lines.append(f"| {label} | {cells} | {np.mean(values):.2%} | {min(values):.2%} | {max(values):.2%} |")
    return "\n".join(lines) + "\n"


PREPARE_VARIANTS = [  # (deslant, smooth, ink fraction): the shipped one and its neighbours
    (deslant, smooth, ink) for deslant in (True, False) for smooth in (False, True) for ink in (0.25, 0.30, 0.35)
]


def prepare_variants(artifact_path: Path) -> list[dict[str, float]]:
    """MNIST tune-half accuracy of one artifact for each prepare() variant, and which variant it ships: how its
    constants were chosen."""
    from train.representation import PrepareConfig, prepare

    artifact = load_artifact(artifact_path, "digits_infer_prepare_variants")
    mnist = load_mnist()
    rows = []
    for deslant, smooth, ink in PREPARE_VARIANTS:
        x = prepare(mnist.pictures[mnist.tune], PrepareConfig(ink_fraction=ink, deslant=deslant, smooth=smooth))
        accuracy = float((artifact.predict(x) == mnist.labels[mnist.tune]).mean())
        shipped = (deslant, smooth, ink) == tuple(artifact.PREPARE[k] for k in ("deslant", "smooth", "ink_fraction"))
        rows.append(
            {"deslant": deslant, "smooth": smooth, "ink_fraction": ink, "mnist_tune": accuracy, "shipped": shipped}
        )
    return rows


def prepare_markdown(rows: list[dict[str, float]]) -> str:
    """The README's prepare() table: MNIST tune accuracy per variant, the shipped one in bold."""
    lines = ["| shear upright | blur | ink share | MNIST tune |", "|---|---|---:|---:|"]
    for r in rows:
        mark = "**" if r["shipped"] else ""
        lines.append(
            f"| {'yes' if r['deslant'] else 'no'} | {'yes' if r['smooth'] else 'no'} | "
            f"{r['ink_fraction']:.2f} | {mark}{r['mnist_tune']:.2%}{mark} |"
        )
    return "\n".join(lines) + "\n"


def outside_markdown(outside: dict[str, dict[str, list[float]]], seeds: Sequence[int]) -> str:
    """The README's robustness table: each metric's mean and range over the split seeds' models."""
    lines = [
        f"| model (one per split seed {', '.join(map(str, seeds))}) | measured on | mean | min | max |",
        "|---|---|---|---|---|",
    ]
    for model, metrics in outside.items():
        for metric, values in metrics.items():
            label = "**generated artifact**" if model == "artifact" else model
            lines.append(f"| {label} | {metric} | {np.mean(values):.2%} | {min(values):.2%} | {max(values):.2%} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report.evaluation", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=Path, required=True, help="folder with split-S.pt and split-S.py files")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--out", type=Path, default=paths.EVALUATION, help="where the table goes")
    args = p.parse_args(argv)
    try:
        scores, outside, mistakes = evaluate(args.runs, args.seeds)
    except (checkpoint.CheckpointError, FileNotFoundError, ValueError) as exc:
        print(f"evaluation: error: {exc}", file=sys.stderr)
        return 2
    table, outside_table = markdown(scores, args.seeds), outside_markdown(outside, args.seeds)
    print(table + "\n" + outside_table)
    write_atomically(args.out / "evaluation.md", table.encode())
    write_atomically(args.out / "outside.md", outside_table.encode())
    first = args.runs / f"split-{args.seeds[0]}.py"
    variants = prepare_variants(first)
    write_atomically(args.out / "prepare.md", prepare_markdown(variants).encode())
    payload = {
        "seeds": args.seeds,
        "test_accuracy": scores,
        "outside": outside,
        "mistakes": mistakes,
        "prepare_variants": variants,
    }
    write_atomically(args.out / "evaluation.json", json.dumps(payload, indent=2).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
