"""Checkpoint file → the artifacts' text (the Python predictor at `out`, its JavaScript twin `out.mjs` and the drawing
page `out.html` beside it), and the one staleness check that `--check` and `verify` share."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from codegen.arrays import from_checkpoint
from codegen.render import render_all
from train import checkpoint
from train.files import write_atomically

DIFF_LINES = 12  # lines of unified diff shown when the artifact is stale


def outputs(out: str | os.PathLike[str]) -> dict[str, Path]:
    """Where each artifact goes for a Python artifact at `out`: {".py": out, ".mjs": …, ".html": …}."""
    out = Path(out)
    return {suffix: out.with_suffix(suffix) for suffix in (".py", ".mjs", ".html")}


def generate(checkpoint_path: str | os.PathLike[str]) -> dict[str, str]:
    """Every artifact's text (by suffix) for the checkpoint at `checkpoint_path`."""
    return render_all(from_checkpoint(checkpoint.load(checkpoint_path)))


def write(checkpoint_path: str | os.PathLike[str], out: str | os.PathLike[str]) -> dict[Path, int]:
    """Generate every artifact and write each atomically; returns their paths and sizes in bytes."""
    texts = generate(checkpoint_path)
    sizes = {}
    for suffix, path in outputs(out).items():
        data = texts[suffix].encode("utf-8")
        write_atomically(path, data)
        sizes[path] = len(data)
    return sizes


def stale_reason(checkpoint_path: str | os.PathLike[str], artifact_path: str | os.PathLike[str]) -> str | None:
    """None when every artifact (the Python file at `artifact_path`, its .mjs and .html) equals a fresh render of
    the checkpoint byte for byte, else why not: the first file that differs, its first differing line, and the
    start of a unified diff."""
    fresh = generate(checkpoint_path)
    for suffix, path in outputs(artifact_path).items():
        if not path.is_file():
            return f"{path} does not exist"
        current = path.read_text(encoding="utf-8")
        if current == fresh[suffix]:
            continue
        a, b = current.splitlines(), fresh[suffix].splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        diff = list(difflib.unified_diff(a, b, str(path), "fresh render", n=0, lineterm=""))
        shown = "\n".join(f"  {line[:160]}" for line in diff[:DIFF_LINES])
        more = f"\n  … {len(diff) - DIFF_LINES} more diff lines" if len(diff) > DIFF_LINES else ""
        return (
            f"{path} differs from a fresh render of {checkpoint_path} from line {first + 1} "
            f"(hand-edited or stale):\n{shown}{more}"
        )
    return None
