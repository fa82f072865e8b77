"""`python -m codegen.verify`: prove the committed artifact is current and agrees with the torch model.

(a) a fresh render from the checkpoint must equal the artifact byte for byte;
(b) the artifact must run where torch cannot be imported, and pass its own self-test there;
(c) on all 1,797 digits the artifact must give torch's class everywhere, with max |Δlogit| within tolerance;
(d) the JavaScript twin, run by Node.js, must give the Python artifact's float32 logits bit for bit on the digits and
10,000 other inputs, and its prepare() the same block counts on every MNIST picture (prepare's arithmetic is exact,
so the order of its sums does not matter);
train and test accuracy are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

import runtime.prepare
from codegen.arrays import LOGIT_TOLERANCE
from codegen.artifact import load_artifact
from codegen.generate import outputs, stale_reason
from train import checkpoint, paths
from train.data import load_all, split
from train.loop import predict_logits

TORCH_FREE_RUNNER = Path(__file__).with_name("torch_free.py")
NODE_RUNNER = Path(__file__).with_name("node_runner.mjs")
PREPARE_AGREEMENT = 1.0  # share of MNIST pictures whose JavaScript prepare() must equal the Python one exactly


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


@dataclass(frozen=True)
class JsParity:
    """How the JavaScript module compares with the Python artifact."""

    n_inputs: int
    n_identical: int  # inputs whose 10 float32 logits are bit-identical
    n_pictures: int
    n_prepare_identical: int  # pictures whose 64 block counts are identical
    n_numbers: int = 0
    n_read_identical: int = 0  # pictures of numbers whose read() text, digit boxes and digit logits are identical

    @property
    def ok(self) -> bool:
        return (
            self.n_identical == self.n_inputs
            and self.n_prepare_identical >= PREPARE_AGREEMENT * self.n_pictures
            and self.n_read_identical == self.n_numbers
        )

    def line(self) -> str:
        return (
            f"JavaScript (Node.js) = NumPy artifact: float32 logits bit-identical on {self.n_identical:,}/"
            f"{self.n_inputs:,} inputs; prepare() identical on {self.n_prepare_identical:,}/{self.n_pictures:,} "
            "pictures (its check pictures, MNIST and pictures as people make them); read() identical (text, digit "
            f"boxes, float32 logits) on {self.n_read_identical:,}/{self.n_numbers:,} pictures of numbers and digits"
        )


def parity_inputs(artifact: ModuleType) -> np.ndarray:
    """All 1,797 digits, then the artifact's check inputs: 5,000 integer and 5,000 fractional 0..16 rows."""
    x, _ = load_all()
    return np.concatenate([x.astype(np.float64), artifact.check_inputs(5000, 5000)])


def writing_pictures() -> list[np.ndarray]:
    """Pictures as people make them (`train.writing`: every condition that gives a pixel array, for three digits;
    a printed "1" and "8" where the fonts are installed; every digit twice circled and twice in a form box, whose
    ring or frame touches it now and then), for proving that both targets prepare them alike: they take the paper,
    clutter, ring and thin-pen steps that the check pictures and MNIST barely touch."""
    from train import writing

    rng = np.random.default_rng(20261127)
    makers = [*writing.CONDITIONS.values(), *writing.LATER_CONDITIONS.values()]
    pictures = [make(digit, rng) for make in makers for digit in (1, 4, 7)]
    pictures += [writing.printed(d, font, 96, rng) for font in writing.fonts_available()[:2] for d in (1, 8)]
    framed = (writing.LATER_CONDITIONS["circled by hand"], writing.CONDITIONS["a digit written in a printed form box"])
    pictures += [make(digit, rng) for make in framed for digit in range(10) for _ in range(2)]  # some touch it
    return [p for p in pictures if isinstance(p, np.ndarray)]


def js_parity(artifact_path: str | Path, n_pictures: int = 500) -> JsParity:
    """Run the .mjs beside `artifact_path` under Node.js and compare it with the Python artifact."""
    from train.outside import load_mnist

    node = shutil.which("node")
    if node is None:
        raise VerificationError("Node.js is needed to check the JavaScript artifact: install node (18 or newer)")
    python = load_artifact(artifact_path, "digits_infer_for_js_parity")
    images = parity_inputs(python)
    pictures = [*runtime.prepare._check_pictures(), *load_mnist().pictures[:n_pictures], *writing_pictures()]
    numbers = [*number_pictures(), *writing_pictures()]
    with tempfile.TemporaryDirectory() as tmp:
        request, answer = Path(tmp, "in.json"), Path(tmp, "out.json")
        request.write_text(
            json.dumps(
                {
                    "images": images.tolist(),
                    "pictures": [_as_image_data(p) for p in pictures],
                    "numbers": [_as_image_data(p) for p in numbers],
                }
            )
        )
        run = subprocess.run(
            [node, str(NODE_RUNNER), str(outputs(artifact_path)[".mjs"]), str(request), str(answer)],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            raise VerificationError(f"the JavaScript artifact failed under Node.js:\n{run.stderr.strip()[-2000:]}")
        result = json.loads(answer.read_text())
    bits = np.array(result["bits"], dtype=np.uint32)
    prepared = np.array(result["prepared"], dtype=np.float64)
    return JsParity(
        n_inputs=len(images),
        n_identical=int((bits == python.logits(images).view(np.uint32)).all(axis=1).sum()),
        n_pictures=len(pictures),
        n_prepare_identical=sum(np.array_equal(p, python.prepare(q)) for p, q in zip(prepared, pictures, strict=True)),
        n_numbers=len(numbers),
        n_read_identical=sum(r == _reading(python, q) for r, q in zip(result["read"], numbers, strict=True)),
    )


def _as_image_data(picture: np.ndarray) -> dict:
    """A picture (h, w[, c]) as the JavaScript module takes it: {data, width, height}."""
    return {"data": picture.reshape(-1).tolist(), "width": picture.shape[1], "height": picture.shape[0]}


def _reading(artifact: ModuleType, picture: np.ndarray) -> dict:
    """What the Node runner reports of `read()`: the text, and each digit's box and float32 logits as bit patterns."""
    detail = artifact.read(picture, detail=True)
    digits = [item for item in detail["items"] if item["kind"] == "digit"]
    bits = [np.asarray(item["logits"], dtype=np.float32).view(np.uint32).tolist() for item in digits]
    return {"text": detail["text"], "digits": [[item["box"], b] for item, b in zip(digits, bits, strict=True)]}


def number_pictures() -> list[np.ndarray]:
    """Pictures of whole numbers for `read()`'s parity: 24 composed from MNIST digits (2 to 6 digits, neighbours
    often touching), 8 written with pens, 4 with a minus, a decimal point, a second line and a speck, 4 on
    ruled notebook paper and 4 across dark printed lines, from fixed seeds (`train.numbers`)."""
    from train import numbers
    from train.outside import load_mnist

    mnist = load_mnist()
    rng = np.random.default_rng(20261128)
    pictures = [numbers.mnist_number(mnist.pictures, mnist.labels, 2 + k % 5, rng)[0] for k in range(24)]
    pictures += [numbers.pen_number(2 + k % 4, rng)[0] for k in range(8)]
    pictures += [numbers.marked_number(rng)[0] for _ in range(4)]
    pictures += [numbers.ruled_number(rng)[0] for _ in range(4)]
    return pictures + [numbers.ruled_number(rng, dark=True)[0] for _ in range(4)]


def verify(checkpoint_path: str | Path, artifact_path: str | Path) -> tuple[Parity, JsParity]:
    """Run checks (a) to (d); raise `VerificationError` on the first that fails."""
    reason = stale_reason(checkpoint_path, artifact_path)
    if reason:
        raise VerificationError(f"{reason}\nregenerate with: nox -s generate")
    ckpt = checkpoint.load(checkpoint_path)
    x, _ = load_all()
    result = parity(ckpt, torch_free_logits(artifact_path, x), predict_logits(ckpt.build_model(), x))
    if not result.ok:
        raise VerificationError(f"artifact disagrees with torch:\n{result.table()}")
    js = js_parity(artifact_path)
    if not js.ok:
        raise VerificationError(f"the JavaScript artifact disagrees with the Python one: {js.line()}")
    return result, js


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m codegen.verify", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default=str(paths.CHECKPOINT))
    p.add_argument("--artifact", default=str(paths.ARTIFACT))
    args = p.parse_args(argv)
    try:
        result, js = verify(args.checkpoint, args.artifact)
    except (VerificationError, checkpoint.CheckpointError) as exc:
        print(f"verify: FAILED: {exc}", file=sys.stderr)
        return 1
    print(result.table())
    print(js.line())
    print(
        "verify: OK — artifacts are current, the Python one runs without torch, passes its self-test and matches "
        "torch, and the JavaScript one matches it bit for bit"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
