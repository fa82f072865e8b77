"""Training configuration: one typed dataclass, defaults are the shipped model's."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from train.augment import AugmentConfig, WritersConfig
from train.model import ModelConfig
from train.representation import PrepareConfig


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; with the same values on the same machine the weights are
    bit-identical. The defaults are the shipped model, chosen by the study (`nox -s study`, README)."""

    model: ModelConfig = field(default_factory=lambda: ModelConfig(hidden=(384, 128), weight_bits=5))
    augment: AugmentConfig = field(
        default_factory=lambda: AugmentConfig(enabled=True, writers=WritersConfig(share=0.3), fonts=0.1, markers=1)
    )
    split_seed: int = 0
    seed: int = 0
    epochs: int = 300
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 1e-4
    label_smoothing: float = 0.1
    prepare: PrepareConfig = field(default_factory=PrepareConfig)
    calibration_folds: int = 3  # folds of the training part whose out-of-fold logits fit the temperature; 0: none

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be non-negative, got {self.weight_decay}")
        if self.calibration_folds not in (0, *range(2, 11)):
            raise ValueError(f"calibration_folds must be 0 (none) or 2..10, got {self.calibration_folds}")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {self.label_smoothing}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of built-in types, as stored in the checkpoint."""
        d = asdict(self)
        d["model"]["hidden"] = list(self.model.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of `to_dict`."""
        d = dict(d)
        model = dict(d.pop("model"))
        model["hidden"] = tuple(model["hidden"])
        augment = dict(d.pop("augment", {"enabled": False}))  # older checkpoints had none
        if augment.pop("printed", 0) and augment.get("redrawn"):  # an older knob: a share of the redrawn rows printed
            raise ValueError("this checkpoint printed a share of its redrawn rows; no training does that any more")
        augment = AugmentConfig(**augment)
        prepare = PrepareConfig(**d.pop("prepare", {}))  # older checkpoints: the defaults
        return cls(model=ModelConfig(**model), augment=augment, prepare=prepare, **d)
