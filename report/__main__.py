"""`python -m report`: look at what the committed predictor does (no retraining).

Writes PNGs and an offline `index.html` into `reports/`, and refreshes the few images the README embeds in `docs/`
(only when their bytes change, so an unchanged report leaves tracked files untouched).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from report.page import build, refresh_docs
from train import checkpoint, paths


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", type=Path, default=paths.CHECKPOINT)
    p.add_argument("--artifact", type=Path, default=paths.ARTIFACT)
    p.add_argument("--out", type=Path, default=paths.REPORT)
    p.add_argument("--docs", type=Path, default=paths.DOCS, help="where the README's images live")
    p.add_argument("--study", type=Path, default=paths.STUDY, help="study results folder, drawn when present")
    p.add_argument("--evaluation", type=Path, default=paths.EVALUATION, help="evaluation folder (its mistakes)")
    args = p.parse_args(argv)
    try:
        figures = build(args.checkpoint, args.artifact, args.out, args.study, args.evaluation)
    except (checkpoint.CheckpointError, FileNotFoundError) as exc:
        print(f"report: error: {exc}", file=sys.stderr)
        return 2
    changed = refresh_docs(args.out, args.docs)
    print(
        f"wrote {args.out / 'index.html'} with {len(figures)} figures; "
        f"docs: {', '.join(changed) if changed else 'unchanged'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
