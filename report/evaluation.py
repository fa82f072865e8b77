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
from train.data import split
from train.files import write_atomically
from train.loop import predict_logits

REFERENCES: dict[str, Callable[[], object]] = {
    "SVC(gamma=0.001)": lambda: SVC(gamma=0.001),  # scikit-learn's own digits example
    "kNN (k=3)": lambda: KNeighborsClassifier(n_neighbors=3),
    "MLPClassifier": lambda: MLPClassifier(max_iter=1000, random_state=0),
}


def evaluate(runs: Path, seeds: Sequence[int]) -> dict[str, list[float]]:
    """Test accuracy per split seed for the artifact, torch and each reference."""
    scores: dict[str, list[float]] = {"artifact": [], "torch": [], **{name: [] for name in REFERENCES}}
    for seed in seeds:
        ckpt = checkpoint.load(runs / f"split-{seed}.pt")
        if ckpt.config.split_seed != seed:
            raise ValueError(f"{runs}/split-{seed}.pt was trained on split seed {ckpt.config.split_seed}")
        data = split(seed)
        artifact = load_artifact(runs / f"split-{seed}.py", f"digits_infer_split_{seed}")
        scores["artifact"].append(float((artifact.predict(data.x_test) == data.y_test).mean()))
        torch_pred = predict_logits(ckpt.build_model(), data.x_test).argmax(axis=1)
        scores["torch"].append(float((torch_pred == data.y_test).mean()))
        for name, make in REFERENCES.items():
            model = make()
            model.fit(data.x_train, data.y_train)  # type: ignore[attr-defined]
            scores[name].append(float((model.predict(data.x_test) == data.y_test).mean()))  # type: ignore[attr-defined]
    return scores


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


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report.evaluation", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=Path, required=True, help="folder with split-S.pt and split-S.py files")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--out", type=Path, default=paths.EVALUATION, help="where the table goes")
    args = p.parse_args(argv)
    try:
        scores = evaluate(args.runs, args.seeds)
    except (checkpoint.CheckpointError, FileNotFoundError, ValueError) as exc:
        print(f"evaluation: error: {exc}", file=sys.stderr)
        return 2
    table = markdown(scores, args.seeds)
    print(table)
    write_atomically(args.out / "evaluation.md", table.encode())
    write_atomically(
        args.out / "evaluation.json", json.dumps({"seeds": args.seeds, "test_accuracy": scores}, indent=2).encode()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
