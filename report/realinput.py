"""`python -m report.realinput` (`nox -s realinput`): the real-input benchmark — how the shipped artifact reads what
people actually give it. Every condition of `train.writing.CONDITIONS` at 100 pictures (ten of each digit), printed
digits in seven fonts at four sizes, and the digit "1" in 50 pictures per pen width and per font; every picture
from a fixed seed, so the set is the same on every run and was fixed before anything was tuned against it.

The pictures go through the artifact's public path — `read_picture()` for files, `prepare()`, `predict_proba()` —
and the table (docs/realinput/realinput.md, quoted by the README) reports the share read correctly per row, with
the calibration error over all pictures; docs/realinput/failures.png shows the misread pictures as prepare() saw
their ink.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from bench.blas_kernels import header_sha256
from codegen.artifact import load_artifact
from report import plots
from train import benchmark, paths, writing
from train.calibrate import expected_calibration_error
from train.files import write_atomically


def score(artifact: ModuleType) -> tuple[list[dict], list[dict], float]:
    """(one row per condition, every misread picture, ECE over all pictures) for the artifact."""
    rows: dict[str, dict] = {}
    failures, probabilities, labels = [], [], []
    for row, digit, picture in benchmark.pictures():
        if isinstance(picture, bytes):
            picture = artifact.read_picture(io.BytesIO(picture))
        record = rows.setdefault(row, {"row": row, "pictures": 0, "correct": 0, "mistakes": Counter()})
        record["pictures"] += 1
        try:
            proba = artifact.predict_proba(artifact.prepare(picture))
        except ValueError as exc:  # "no ink found": a miss, with no probabilities for the calibration error
            if "no ink found" not in str(exc):
                raise
            record["mistakes"][f"{digit} -> no ink found"] += 1
            failures.append({"row": row, "digit": digit, "label": "no ink", "p": 0.0, "picture": picture})
            continue
        label = int(np.argmax(proba))
        record["correct"] += label == digit
        probabilities.append(proba)
        labels.append(digit)
        if label != digit:
            record["mistakes"][f"{digit} -> {label}"] += 1
            failures.append({"row": row, "digit": digit, "label": label, "p": float(proba.max()), "picture": picture})
    table = []
    for record in rows.values():
        table.append(
            {
                "row": record["row"],
                "pictures": record["pictures"],
                "accuracy": record["correct"] / record["pictures"],
                "most_common_mistakes": [f"{m} ({n})" for m, n in record["mistakes"].most_common(3)],
            }
        )
    ece = expected_calibration_error(np.array(probabilities), np.array(labels))
    return table, failures, ece


def markdown(table: list[dict], ece: float, weights: str, runtime: str, fonts: Sequence[str]) -> str:
    """The README's table."""
    from bench.blas_kernels import describes

    lines = [
        describes(weights, runtime),
        "",
        "| what a person gives it | pictures | read correctly | most common mistakes |",
        "|---|---:|---:|---|",
    ]
    for r in table:
        lines.append(
            f"| {r['row']} | {r['pictures']} | {r['accuracy']:.1%} | {', '.join(r['most_common_mistakes']) or '–'} |"
        )
    total = sum(r["pictures"] for r in table)
    correct = sum(r["accuracy"] * r["pictures"] for r in table)
    missing = sorted(set(writing.FONTS) - set(fonts))
    lines += [
        "",
        f"{total:,} pictures, {correct / total:.1%} read correctly; calibration error (ECE, 10 bins) over all of "
        f"them that have ink {ece:.1%} (a 'no ink found' is a miss with no probabilities)."
        + (f" Fonts not installed here, so not measured: {', '.join(missing)}." if missing else ""),
    ]
    return "\n".join(lines) + "\n"


def failure_sheet(artifact: ModuleType, failures: list[dict], path: Path, limit: int = 80) -> Path:
    """The misread pictures, most confident first, as prepare() saw their ink."""
    shown = sorted(failures, key=lambda f: -f["p"])[:limit]
    inks = []
    for f in shown:
        picture = f["picture"]
        if isinstance(picture, bytes):
            picture = artifact.read_picture(io.BytesIO(picture))
        try:
            inks.append(artifact.prepare_stages(picture)["ink"])
        except ValueError:  # no ink found: the picture as given, dark as ink
            gray = np.asarray(picture, dtype=np.float64)
            inks.append(1 - (gray if gray.ndim == 2 else gray[..., :3].mean(axis=-1)) / max(gray.max(), 1))
    titles = [f"{f['digit']} → {f['label']} ({f['p']:.0%})" for f in shown]
    return plots.gallery(inks, titles, path, f"Real-input benchmark: {len(failures)} misread, most confident first")


def write_table(folder: Path, name: str, text: str, record: dict) -> None:
    """A benchmark's README table (`name`.md) and its record (`name`.json) in `folder`, each written atomically."""
    write_atomically(folder / f"{name}.md", text.encode())
    write_atomically(folder / f"{name}.json", (json.dumps(record, indent=1) + "\n").encode())


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report.realinput", description=__doc__.splitlines()[0])
    p.add_argument("--artifact", type=Path, default=paths.ARTIFACT)
    p.add_argument("--out", type=Path, default=paths.REALINPUT)
    args = p.parse_args(argv)
    artifact = load_artifact(args.artifact, "digits_infer_realinput")
    fonts = writing.fonts_available()
    if len(fonts) < len(writing.FONTS):
        print(
            f"realinput: fonts missing, their rows are skipped: {sorted(set(writing.FONTS) - set(fonts))} "
            "(apt-get install fonts-dejavu-core fonts-liberation)",
            file=sys.stderr,
        )
    table, failures, ece = score(artifact)
    text = markdown(table, ece, artifact.METADATA["weights_sha256"], header_sha256(args.artifact, "runtime"), fonts)
    print(text)
    record = {"weights_sha256": artifact.METADATA["weights_sha256"], "seed": benchmark.SEED, "ece": ece, "rows": table}
    write_table(args.out, "realinput", text, record)
    failure_sheet(artifact, failures, args.out / "failures.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
