"""`python -m bench` (run it as `nox -s bench`): speed, cold start and memory of the artifact against its float64
floor, a float32 reference, ONNX Runtime and torch, all on the same weights, in one run, one thread. Writes
Markdown and JSON with the machine it ran on and ratios, not just times."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.run import markdown, run
from train import paths
from train.files import write_atomically


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", type=Path, default=paths.CHECKPOINT)
    p.add_argument("--artifact", type=Path, default=paths.ARTIFACT)
    p.add_argument("--out", type=Path, default=paths.BENCH)
    p.add_argument("--runs", type=int, default=31, help="fresh processes per cold-start measurement (interleaved)")
    p.add_argument("--no-train", action="store_true", help="skip timing a training run")
    args = p.parse_args(argv)
    results = run(args.checkpoint, args.artifact, args.runs, train_time=not args.no_train)
    table = markdown(results)
    print(table)
    write_atomically(args.out / "bench.md", table.encode())
    write_atomically(args.out / "bench.json", json.dumps(results, indent=2).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
