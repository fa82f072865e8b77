"""`python -m train.study`: run the cross-validated study (see `train.study`) and write docs/study."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from train import paths
from train.study import Study, grid, run_and_write


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="nox -s study --", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=paths.STUDY, help="results folder (default: %(default)s)")
    p.add_argument("--cache", type=Path, default=paths.STUDY_CACHE, help="finished trainings (default: %(default)s)")
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
    rows, summary = run_and_write(configs, study, args.out, args.cache, jobs=args.jobs)
    chosen = next(r for r in rows if r["key"] == summary["chosen_key"])
    print(
        f"wrote {args.out}/results.csv ({len(rows)} rows, {summary['n_distinct']} distinct) in "
        f"{summary['seconds_this_run']:.0f} s; chosen: {chosen['hidden']} {chosen['activation']} dropout "
        f"{chosen['dropout']} {chosen['epochs']} epochs (CV {chosen['cv_mean']:.4f}, test reported "
        f"{chosen['test_reported']:.4f})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
