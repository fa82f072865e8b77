"""The fully-connected network and its configuration."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
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
    weight_bits: int = 0  # 0: float32 weights; 2..16: each weight an integer of this many bits times 2**-e

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
        if self.weight_bits not in (0, *range(2, 17)):
            raise ValueError(f"weight_bits must be 0 (float32 weights) or 2..16, got {self.weight_bits}")

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Input, hidden and output widths in forward order."""
        return (self.n_inputs, *self.hidden, self.n_classes)

    def n_parameters(self) -> int:
        """Number of weights and biases."""
        sizes = self.layer_sizes
        return sum(a * b + b for a, b in itertools.pairwise(sizes))


def quantized(weight: torch.Tensor, bits: int) -> torch.Tensor:
    """`weight` (out, in) rounded to the grid of its output: each row becomes integers k, |k| <= 2**(bits-1) - 1,
    times the power of two 2**-e that lets the row's largest weight use the full range.

    A power-of-two step keeps every value exact in float32 and float64 (the artifact's arithmetic is unchanged) and
    lets the generator write each weight as the short integer k (`codegen.literals.scaled_integers`)."""
    limit = 2 ** (bits - 1) - 1
    peak = weight.detach().abs().amax(dim=1, keepdim=True)
    peak = torch.where(peak > 0, peak, torch.ones_like(peak))  # an all-zero row stays zero at any step
    step = torch.exp2(torch.ceil(torch.log2(peak / limit)))
    return torch.clamp(torch.round(weight / step), -limit, limit) * step + 0.0  # + 0.0: no -0.0 (sign of nothing)


class MLP(nn.Module):
    """Raw pixels → scale → [Linear → activation → dropout]* → Linear → logits.

    With `weight_bits`, every forward pass uses the weights rounded by `quantized` and training sees their
    gradient as if rounding were the identity (the straight-through estimator: quantisation-aware training);
    `snap_weights` then stores the rounded values, so the checkpoint holds exactly what the artifact computes with.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(config.layer_sizes))
        self.activation = ACTIVATIONS[config.activation]()
        self.dropout = nn.Dropout(config.dropout)

    def _weight(self, layer: nn.Linear) -> torch.Tensor:
        bits = self.config.weight_bits
        if not bits:
            return layer.weight
        weight = layer.weight
        if not self.training:
            return quantized(weight, bits)
        return weight + (quantized(weight, bits) - weight).detach()  # rounded forward, identity backward

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels * self.config.input_scale
        for layer in self.layers[:-1]:
            x = self.dropout(self.activation(F.linear(x, self._weight(layer), layer.bias)))
        last = self.layers[-1]
        return F.linear(x, self._weight(last), last.bias)

    @torch.no_grad()
    def snap_weights(self) -> None:
        """Replace each weight by its rounded value (`quantized`); a no-op for float32 weights. Idempotent: a
        snapped weight rounds to itself."""
        if self.config.weight_bits:
            for layer in self.layers:
                layer.weight.copy_(quantized(layer.weight, self.config.weight_bits))
