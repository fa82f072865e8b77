"""Checkpoint file → artifact source text, and the one staleness check that `--check` and `verify` share."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from codegen.arrays import from_checkpoint
from codegen.render import render
from train import checkpoint
from train.files import write_atomically

DIFF_LINES = 12  # lines of unified diff shown when the artifact is stale


def generate(checkpoint_path: str | os.PathLike[str]) -> str:
    """The artifact's source for the checkpoint at `checkpoint_path`."""
    return render(from_checkpoint(checkpoint.load(checkpoint_path)))


def write(checkpoint_path: str | os.PathLike[str], out: str | os.PathLike[str]) -> int:
    """Generate and write the artifact atomically; returns its size in bytes."""
    data = generate(checkpoint_path).encode("utf-8")
    write_atomically(out, data)
    return len(data)


def stale_reason(checkpoint_path: str | os.PathLike[str], artifact_path: str | os.PathLike[str]) -> str | None:
    """None when the artifact equals a fresh render of the checkpoint byte for byte, else why not: the first
    differing line and the start of a unified diff."""
    artifact_path = Path(artifact_path)
    if not artifact_path.is_file():
        return f"{artifact_path} does not exist"
    fresh = generate(checkpoint_path)
    current = artifact_path.read_text(encoding="utf-8")
    if current == fresh:
        return None
    a, b = current.splitlines(), fresh.splitlines()
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    diff = list(difflib.unified_diff(a, b, str(artifact_path), "fresh render", n=0, lineterm=""))
    shown = "\n".join(f"  {line[:160]}" for line in diff[:DIFF_LINES])
    more = f"\n  … {len(diff) - DIFF_LINES} more diff lines" if len(diff) > DIFF_LINES else ""
    return (
        f"{artifact_path} differs from a fresh render of {checkpoint_path} from line {first + 1} "
        f"(hand-edited or stale):\n{shown}{more}"
    )
