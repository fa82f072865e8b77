"""The fully-connected network and its configuration."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
from torch import nn

from train.data import CLASSES, N_FEATURES, PIXEL_MAX

# Every activation the generator can emit; the artifact implements each of these by name.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the network. `input_scale` maps raw 0..16 pixels to the network's scale; it is the only place
    pixels are rescaled, and the artifact applies the same factor, so callers always pass raw pixels."""

    hidden: tuple[int, ...] = (512, 128)
    activation: str = "relu"
    dropout: float = 0.0
    n_inputs: int = N_FEATURES
    n_classes: int = len(CLASSES)
    input_scale: float = 1.0 / PIXEL_MAX

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if any(h < 1 for h in self.hidden):
            raise ValueError(f"hidden sizes must be positive, got {self.hidden}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if not self.input_scale > 0:
            raise ValueError(f"input_scale must be positive, got {self.input_scale}")

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Input, hidden and output widths in forward order."""
        return (self.n_inputs, *self.hidden, self.n_classes)

    def n_parameters(self) -> int:
        """Number of weights and biases."""
        sizes = self.layer_sizes
        return sum(a * b + b for a, b in itertools.pairwise(sizes))


class MLP(nn.Module):
    """Raw pixels → scale → [Linear → activation → dropout]* → Linear → logits."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(config.layer_sizes))
        self.activation = ACTIVATIONS[config.activation]()
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels * self.config.input_scale
        for layer in self.layers[:-1]:
            x = self.dropout(self.activation(layer(x)))
        return self.layers[-1](x)
