"""`python -m codegen`: render `generated/digits_infer.py` from a checkpoint, or check that it is current."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from codegen.arrays import from_checkpoint
from codegen.render import render
from train import checkpoint
from train.files import write_atomically

DEFAULT_OUT = Path("generated/digits_infer.py")


def generate(checkpoint_path: str | Path) -> str:
    """The artifact's source for the checkpoint at `checkpoint_path`."""
    return render(from_checkpoint(checkpoint.load(checkpoint_path)))


def main(argv: Sequence[str] | None = None) -> int:
    """Write the artifact (exit 0), or with `--check` compare it with a fresh render (exit 1 when stale)."""
    p = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    p.add_argument("--checkpoint", default=str(checkpoint.DEFAULT_PATH), help="default: %(default)s")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="default: %(default)s")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs from a fresh render")
    args = p.parse_args(argv)
    try:
        text = generate(args.checkpoint)
    except checkpoint.CheckpointError as exc:
        print(f"codegen: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current == text:
            print(f"{out} is up to date with {args.checkpoint}", file=sys.stderr)
            return 0
        diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(), str(out), "fresh render", n=0))
        print(f"{out} differs from a fresh render of {args.checkpoint} ({len(diff)} diff lines):", file=sys.stderr)
        for line in diff[:20]:
            print(f"  {line[:160]}", file=sys.stderr)
        print("regenerate it with: nox -s generate", file=sys.stderr)
        return 1
    write_atomically(out, text.encode("utf-8"))
    print(f"wrote {out} ({len(text.encode('utf-8')):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
