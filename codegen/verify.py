"""`python -m codegen.verify`: prove the committed artifact is current and agrees with the torch model.

(a) a fresh render from the checkpoint must equal the artifact byte for byte;
(b) the artifact must run where torch cannot be imported, and pass its own self-test there;
(c) on all 1,797 digits the artifact must give torch's class everywhere, with max |Δlogit| within tolerance;
train and test accuracy of both are printed side by side.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from codegen.arrays import LOGIT_TOLERANCE
from codegen.generate import stale_reason
from train import checkpoint, paths
from train.data import load_all, split
from train.loop import predict_logits

TORCH_FREE_RUNNER = Path(__file__).with_name("torch_free.py")


class VerificationError(RuntimeError):
    """The artifact is stale, imports what it must not, or disagrees with the torch model."""


@dataclass(frozen=True)
class Parity:
    """How the artifact and torch compare on the whole data set."""

    n_images: int
    n_same_class: int
    max_abs_logit_diff: float
    accuracy: dict[str, dict[str, float]]  # {"torch"|"artifact": {"train"|"test"|"all": accuracy}}

    @property
    def ok(self) -> bool:
        return self.n_same_class == self.n_images and self.max_abs_logit_diff <= LOGIT_TOLERANCE

    def table(self) -> str:
        rows = [f"{'':16}{'torch':>10}{'artifact':>10}"]
        for part in ("train", "test", "all"):
            t, a = self.accuracy["torch"][part], self.accuracy["artifact"][part]
            rows.append(f"{part + ' accuracy':16}{t:>10.4f}{a:>10.4f}")
        rows.append(
            f"same class on {self.n_same_class:,}/{self.n_images:,} digits; max |Δlogit| "
            f"{self.max_abs_logit_diff:.2e} (limit {LOGIT_TOLERANCE:.0e})"
        )
        return "\n".join(rows)


def torch_free_logits(artifact_path: str | Path, pixels: np.ndarray) -> np.ndarray:
    """The artifact's logits computed in a separate `python -I` process in which torch cannot be imported."""
    with tempfile.TemporaryDirectory() as tmp:
        pixels_path, logits_path = Path(tmp, "pixels.npy"), Path(tmp, "logits.npy")
        np.save(pixels_path, pixels)
        run = subprocess.run(
            [sys.executable, "-I", str(TORCH_FREE_RUNNER), str(artifact_path), str(pixels_path), str(logits_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            raise VerificationError(f"artifact failed without torch (exit {run.returncode}):\n{run.stderr.strip()}")
        return np.load(logits_path)


def parity(ckpt: checkpoint.Checkpoint, artifact_logits: np.ndarray, torch_logits: np.ndarray) -> Parity:
    """Compare artifact and torch logits over all digits (in `load_all` order)."""
    _, y = load_all()
    is_train = np.zeros(len(y), dtype=bool)
    is_train[split(ckpt.config.split_seed).train_index] = True
    accuracy: dict[str, dict[str, float]] = {}
    for name, z in (("torch", torch_logits), ("artifact", artifact_logits)):
        correct = np.asarray(ckpt.classes)[z.argmax(axis=1)] == y
        accuracy[name] = {
            "train": float(correct[is_train].mean()),
            "test": float(correct[~is_train].mean()),
            "all": float(correct.mean()),
        }
    return Parity(
        n_images=len(y),
        n_same_class=int((artifact_logits.argmax(axis=1) == torch_logits.argmax(axis=1)).sum()),
        max_abs_logit_diff=float(np.abs(artifact_logits.astype(np.float64) - torch_logits).max()),
        accuracy=accuracy,
    )


def verify(checkpoint_path: str | Path, artifact_path: str | Path) -> Parity:
    """Run checks (a), (b) and (c); raise `VerificationError` on the first that fails."""
    reason = stale_reason(checkpoint_path, artifact_path)
    if reason:
        raise VerificationError(f"{reason}\nregenerate with: nox -s generate")
    ckpt = checkpoint.load(checkpoint_path)
    x, _ = load_all()
    result = parity(ckpt, torch_free_logits(artifact_path, x), predict_logits(ckpt.build_model(), x))
    if not result.ok:
        raise VerificationError(f"artifact disagrees with torch:\n{result.table()}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m codegen.verify", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default=str(paths.CHECKPOINT))
    p.add_argument("--artifact", default=str(paths.ARTIFACT))
    args = p.parse_args(argv)
    try:
        result = verify(args.checkpoint, args.artifact)
    except (VerificationError, checkpoint.CheckpointError) as exc:
        print(f"verify: FAILED: {exc}", file=sys.stderr)
        return 1
    print(result.table())
    print("verify: OK — artifact is current, runs without torch, passes its self-test, and matches torch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
