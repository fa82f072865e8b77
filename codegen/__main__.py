"""`python -m codegen`: render the artifacts from a checkpoint (OUT, and OUT's .mjs and .html beside it), or check
that they are current."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from codegen.generate import stale_reason, write
from train import checkpoint, paths


def main(argv: Sequence[str] | None = None) -> int:
    """Write the artifact (exit 0), or with `--check` compare it with a fresh render (exit 1 when stale)."""
    p = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    p.add_argument("--checkpoint", default=str(paths.CHECKPOINT), help="default: %(default)s")
    p.add_argument("--out", default=str(paths.ARTIFACT), help="default: %(default)s")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs from a fresh render")
    args = p.parse_args(argv)
    try:
        if args.check:
            reason = stale_reason(args.checkpoint, args.out)
            print(
                reason + "\nregenerate it with: nox -s generate"
                if reason
                else f"{args.out} is up to date with {args.checkpoint}",
                file=sys.stderr,
            )
            return 1 if reason else 0
        sizes = write(args.checkpoint, args.out)
    except checkpoint.CheckpointError as exc:
        print(f"codegen: error: {exc}", file=sys.stderr)
        return 2
    print("wrote " + ", ".join(f"{path} ({size:,} bytes)" for path, size in sizes.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
