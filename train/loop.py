"""The training loop: seeded, deterministic on CPU; a progress bar on a terminal, a line every few epochs in a log."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from train.augment import augment, swap_for_redrawn
from train.config import TrainConfig
from train.data import Split, split
from train.model import MLP

LOG_EVERY = 25  # epochs between progress lines when stderr is not a terminal (a CI log, a file)


@dataclass
class EpochStats:
    """Metrics after one epoch. `test_*` are recorded to draw curves only; nothing is chosen by them."""

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float


@dataclass
class TrainResult:
    """A trained model with the split it was trained on and its per-epoch history."""

    config: TrainConfig
    model: MLP
    data: Split
    history: list[EpochStats] = field(default_factory=list)

    @property
    def train_accuracy(self) -> float:
        return self.history[-1].train_accuracy

    @property
    def test_accuracy(self) -> float:
        return self.history[-1].test_accuracy


def seed_everything(seed: int) -> torch.Generator:
    """The one place randomness is seeded; returns the generator that orders batches."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    return torch.Generator().manual_seed(seed)


@torch.no_grad()
def evaluate(model: MLP, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of `model` in eval mode."""
    was_training = model.training
    model.eval()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y).item()
    accuracy = (logits.argmax(dim=1) == y).double().mean().item()
    model.train(was_training)
    return loss, accuracy


def fit(config: TrainConfig, data: Split | None = None, progress: bool = True) -> TrainResult:
    """Train a model for `config` on the training part of its split (or of `data`, when given)."""
    data = data if data is not None else split(config.split_seed)
    generator = seed_everything(config.seed)
    model = MLP(config.model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = -(-len(data.x_train) // config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=config.epochs * steps_per_epoch
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)

    x_train, y_train = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    rows_train = torch.from_numpy(data.train_index)
    pool = None
    if config.augment.enabled and config.augment.redrawn + config.augment.fonts > 0:
        from train import redraw

        pens = (
            redraw.pens(config.prepare, config.augment.redraws) if config.augment.redrawn > 0 else np.zeros((0, 1, 64))
        )
        printed, labels = (
            redraw.printed(config.prepare, config.augment.markers)
            if config.augment.fonts > 0
            else (np.zeros((0, 64)), [])
        )
        pool = (
            torch.from_numpy(np.asarray(pens, dtype=np.float32)),
            torch.from_numpy(np.asarray(printed, dtype=np.float32)),
            torch.from_numpy(np.asarray(labels, dtype=np.int64)),
        )
    x_test, y_test = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)
    result = TrainResult(config, model, data)
    terminal = progress and sys.stderr.isatty()
    epochs = tqdm(range(1, config.epochs + 1), desc="train", unit="epoch", disable=not terminal, file=sys.stderr)
    for epoch in epochs:
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        for start in range(0, len(order), config.batch_size):
            batch = order[start : start + config.batch_size]
            inputs = x_train[batch]
            if pool is not None and config.augment.swap_first:
                inputs = swap_for_redrawn(inputs, rows_train[batch], y_train[batch], config.augment, pool, generator)
            inputs = augment(inputs, config.augment, generator, config.prepare)
            if pool is not None and not config.augment.swap_first:
                inputs = swap_for_redrawn(inputs, rows_train[batch], y_train[batch], config.augment, pool, generator)
            loss = loss_fn(model(inputs), y_train[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        stats = EpochStats(epoch, *evaluate(model, x_train, y_train), *evaluate(model, x_test, y_test))
        result.history.append(stats)
        if terminal:
            epochs.set_postfix(loss=f"{stats.train_loss:.4f}", test_acc=f"{stats.test_accuracy:.4f}", refresh=False)
        elif progress and (epoch % LOG_EVERY == 0 or epoch == config.epochs):
            print(
                f"epoch {epoch}: train loss {stats.train_loss:.4f}, train acc {stats.train_accuracy:.4f}, "
                f"test acc {stats.test_accuracy:.4f}",
                file=sys.stderr,
            )
    model.snap_weights()
    model.eval()
    return result


def predict_logits(model: MLP, pixels: np.ndarray) -> np.ndarray:
    """Float32 logits from the torch model for raw pixels (n, 64)."""
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float32))).numpy()
