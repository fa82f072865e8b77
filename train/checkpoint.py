"""Checkpoint files: the state_dict plus everything needed to rebuild and audit the model."""

from __future__ import annotations

import io
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from train.config import TrainConfig
from train.data import CLASSES, PIXEL_MAX, PIXEL_MIN
from train.files import write_atomically
from train.loop import EpochStats, TrainResult
from train.model import MLP

FORMAT = "digits-infer-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint file is missing, unreadable, or not in the expected format."""


def no_calibration() -> dict[str, Any]:
    """The calibration of a model that was not calibrated: temperature 1, the plain softmax."""
    return {"temperature": 1.0, "method": "none"}


@dataclass(frozen=True)
class Checkpoint:
    """A loaded checkpoint. `state_dict` holds CPU float32 tensors."""

    config: TrainConfig
    state_dict: dict[str, torch.Tensor]
    classes: tuple[int, ...]
    pixel_range: tuple[float, float]
    torch_version: str
    train_accuracy: float
    test_accuracy: float
    history: tuple[EpochStats, ...]
    calibration: dict[str, Any] = field(default_factory=no_calibration)

    def build_model(self) -> MLP:
        """The torch model with these weights, in eval mode."""
        model = MLP(self.config.model)
        model.load_state_dict(self.state_dict)
        return model.eval()


def from_result(result: TrainResult, calibration: dict[str, Any] | None = None) -> Checkpoint:
    """The checkpoint of a finished training run, with its calibration (`train.calibrate`) when given."""
    return Checkpoint(
        config=result.config,
        state_dict={k: v.detach().clone() for k, v in result.model.state_dict().items()},
        classes=CLASSES,
        pixel_range=(PIXEL_MIN, PIXEL_MAX),
        torch_version=str(torch.__version__),
        train_accuracy=result.train_accuracy,
        test_accuracy=result.test_accuracy,
        history=tuple(result.history),
        calibration=calibration or no_calibration(),
    )


def to_bytes(ckpt: Checkpoint) -> bytes:
    """Serialise with `torch.save`; only tensors and built-in types, so `weights_only` loading works."""
    payload: dict[str, Any] = {
        "format": FORMAT,
        "config": ckpt.config.to_dict(),
        "state_dict": ckpt.state_dict,
        "classes": list(ckpt.classes),
        "pixel_range": list(ckpt.pixel_range),
        "torch_version": ckpt.torch_version,
        "metrics": {"train_accuracy": ckpt.train_accuracy, "test_accuracy": ckpt.test_accuracy},
        "history": [asdict(e) for e in ckpt.history],
        "calibration": ckpt.calibration,
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def save(ckpt: Checkpoint, path: str | os.PathLike[str]) -> None:
    """Write the checkpoint atomically."""
    write_atomically(path, to_bytes(ckpt))


def load(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint written by `save`, never unpickling arbitrary objects (`weights_only=True`)."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}: expected a file written by `python -m train --out`")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"{path} is not a readable torch checkpoint: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        found = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
        raise CheckpointError(f"{path}: expected a checkpoint of format {FORMAT!r}, found {found!r}")
    try:
        config = TrainConfig.from_dict(raw["config"])
        ckpt = Checkpoint(
            config=config,
            state_dict=dict(raw["state_dict"]),
            classes=tuple(int(c) for c in raw["classes"]),
            pixel_range=(float(raw["pixel_range"][0]), float(raw["pixel_range"][1])),
            torch_version=str(raw["torch_version"]),
            train_accuracy=float(raw["metrics"]["train_accuracy"]),
            test_accuracy=float(raw["metrics"]["test_accuracy"]),
            history=tuple(EpochStats(**e) for e in raw["history"]),
            calibration=dict(raw.get("calibration") or no_calibration()),
        )
        ckpt.build_model()  # the state_dict must fit the config exactly
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: checkpoint content does not match format {FORMAT!r}: {exc}") from exc
    return ckpt
