"""`python -m report.numbers` (`nox -s numbers`): how the shipped artifact's `read()` reads whole numbers.

Rows (every picture from `train.numbers` with a fixed seed, fixed before `read()` was measured against them):
- numbers composed from MNIST digits, 2 to 6 digits, neighbours overlapping in columns with probability 0.35 —
  on the check half (reported; `read()` was developed on the tune half, which is shown beside it);
- 5-digit numbers, and pairs whose columns overlap (touching or interlocking digits), on the check half;
- numbers of 2-5 digits written with `train.writing`'s pens, and printed in each of its fonts.

Each row gives the exact-match rate (the whole string right), the per-digit accuracy (the digits aligned by edit
distance, so a missed or an extra digit counts as a mistake) and the share of numbers whose digit count is right.
docs/numbers/numbers.md is the README's table; docs/numbers/failures.png shows the worst misreadings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from bench.blas_kernels import header_sha256
from codegen.artifact import load_artifact
from report import plots, realinput
from train import numbers, paths, writing
from train.outside import load_mnist

SEED = 20261129  # each row's generator is seeded by (SEED, row number)
PER_ROW = 200  # numbers per MNIST and pen row
PER_FONT = 30  # numbers per font


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def rows() -> Iterator[tuple[str, list[tuple[np.ndarray, str]]]]:
    """(row name, [(picture, the number it shows)]) for the whole benchmark, in a fixed order."""
    mnist = load_mnist()
    halves = {"check": mnist.check, "tune": mnist.tune}

    def composed(r: int, half: str, size: Sequence[int], touching: float | None = None) -> list[tuple[np.ndarray, str]]:
        rng = np.random.default_rng([SEED, r])
        pictures, labels = mnist.pictures[halves[half]], mnist.labels[halves[half]]
        out = []
        for _ in range(PER_ROW):
            n = int(rng.choice(size))
            picture, text, _ = numbers.mnist_number(pictures, labels, n, rng, touching)
            out.append((picture, text))
        return out

    yield "MNIST check half, 2-6 digits, 35 % of neighbours touching", composed(0, "check", range(2, 7))
    yield "MNIST check half, 5 digits", composed(1, "check", [5])
    yield "MNIST check half, two touching digits", composed(2, "check", [2], touching=1.0)
    yield "MNIST tune half (developed on), 2-6 digits", composed(3, "tune", range(2, 7))
    rng = np.random.default_rng([SEED, 4])
    yield (
        "pens of the real-input benchmark, 2-5 digits",
        [numbers.pen_number(int(rng.integers(2, 6)), rng) for _ in range(PER_ROW)],
    )
    rng = np.random.default_rng([SEED, 5])  # a row added later (2026-11-28), before anything was changed for it
    yield "pens on ruled notebook paper, 2-5 digits", [numbers.ruled_number(rng) for _ in range(PER_ROW)]
    rng = np.random.default_rng([SEED, 6])  # added later still (2026-11-28), before anything was changed for it
    yield "pens across dark printed lines, 2-5 digits", [numbers.ruled_number(rng, dark=True) for _ in range(PER_ROW)]
    rng = np.random.default_rng([SEED, 7])  # added later still (2026-11-28), before anything was changed for it
    yield (
        "pens, photographed (light falling off, noise, JPEG), 2-5 digits",
        [numbers.photographed_number(rng) for _ in range(PER_ROW)],
    )
    for f, font in enumerate(writing.fonts_available()):
        rng = np.random.default_rng([SEED, 10 + f])
        yield (
            f"printed in {font}, 2-5 digits",
            [numbers.pen_number(int(rng.integers(2, 6)), rng, font) for _ in range(PER_FONT)],
        )


def score(artifact: ModuleType) -> tuple[list[dict], list[dict]]:
    """The table's rows and every misreading (picture, truth, reading, least top probability)."""
    table, failures = [], []
    for name, cases in rows():
        exact = edits = digits = counted = 0
        for picture, truth in cases:
            detail = artifact.read(picture, detail=True)
            text = detail["text"]
            exact += text == truth
            edits += min(edit_distance(truth, text), len(truth))
            digits += len(truth)
            counted += len(text) == len(truth)
            if text != truth:
                probabilities = [max(i["proba"]) for i in detail["items"] if i["kind"] == "digit"] or [0.0]
                failures.append({"picture": picture, "truth": truth, "text": text, "p": min(probabilities)})
        table.append(
            {
                "row": name,
                "numbers": len(cases),
                "exact": exact / len(cases),
                "per_digit": 1 - edits / digits,
                "digit_count_right": counted / len(cases),
            }
        )
    return table, failures


def markdown(table: list[dict], weights: str, runtime: str) -> str:
    """The README's table."""
    from bench.blas_kernels import describes

    lines = [
        describes(weights, runtime),
        "",
        "| numbers | count | exact match | per digit | digit count right |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['row']} | {r['numbers']} | {r['exact']:.1%} | {r['per_digit']:.1%} | {r['digit_count_right']:.1%} |"
        for r in table
    ]
    missing = sorted(set(writing.FONTS) - set(writing.fonts_available()))
    if missing:
        lines += ["", f"Fonts not installed here, so not measured: {', '.join(missing)}."]
    return "\n".join(lines) + "\n"


def failure_sheet(failures: list[dict], path: Path, limit: int = 40) -> Path:
    """The misread numbers, the most confident misreadings first."""
    shown = sorted(failures, key=lambda f: -f["p"])[:limit]
    pictures = [f["picture"] if f["picture"].mean() < 128 else 255 - f["picture"] for f in shown]
    titles = [f"{f['truth']} → {f['text'] or '∅'}" for f in shown]
    return plots.gallery(pictures, titles, path, f"read(): {len(failures)} numbers misread, most confident first", 5)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report.numbers", description=__doc__.splitlines()[0])
    p.add_argument("--artifact", type=Path, default=paths.ARTIFACT)
    p.add_argument("--out", type=Path, default=paths.NUMBERS)
    args = p.parse_args(argv)
    artifact = load_artifact(args.artifact, "digits_infer_numbers")
    table, failures = score(artifact)
    text = markdown(table, artifact.METADATA["weights_sha256"], header_sha256(args.artifact, "runtime"))
    print(text)
    record = {"weights_sha256": artifact.METADATA["weights_sha256"], "seed": SEED, "rows": table}
    realinput.write_table(args.out, "numbers", text, record)
    failure_sheet(failures, args.out / "failures.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
