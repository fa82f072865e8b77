"""Tiny training configurations for tests: real data, well under a second to train."""

from __future__ import annotations

from train.augment import AugmentConfig
from train.config import TrainConfig
from train.model import ModelConfig


def tiny_config(augment: bool = False, **model: object) -> TrainConfig:
    """A 16-unit model trained for 3 epochs: enough to be well above chance on the real digits."""
    return TrainConfig(
        model=ModelConfig(**{"hidden": (16,), "dropout": 0.0, **model}),
        augment=AugmentConfig(enabled=augment),
        epochs=3,
        lr=2e-2,
    )
