"""Calibrated probabilities: a temperature for the softmax, fitted by cross-validation on the training part.

Label smoothing trains the network to put about 0.9 on the right class, so its raw softmax is under-confident.
The temperature T (probabilities = softmax(logits / T)) is fitted on out-of-fold logits: models of the same
configuration trained on all but one fold of the training part score the fold they did not see — its digits as
they are and, for a model trained on other writers' hands too, the same digits re-drawn that way — and T
minimises their negative log-likelihood. The held-out test part is never used. The artifact keeps the raw logits and applies
T only in `predict_proba`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch
from scipy.optimize import minimize_scalar
from sklearn.model_selection import StratifiedKFold

from runtime.predictor import _softmax
from train.augment import imitate_writers
from train.checkpoint import no_calibration
from train.config import TrainConfig
from train.data import Split, split
from train.loop import fit

N_BINS = 10  # reliability bins of width 0.1 on the top-class probability
BOUNDS = (0.05, 20.0)  # temperatures searched
# "Not sure": below which calibrated top probability the reader says so. Chosen per model on MNIST's tune half
# (validation handwriting the model never trained on, through prepare()) as the smallest threshold of the grid at
# which the answers it still gives are right at least SURE_ACCURACY of the time.
SURE_ACCURACY = 0.95
SURE_GRID = tuple(round(0.05 * k, 2) for k in range(20))  # 0.0, 0.05 … 0.95


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits (n, classes) / temperature in float64: the artifact's own function."""
    return _softmax(logits, temperature)


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, n_bins: int = N_BINS) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by how many predictions fall in each."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        inside = bins == b
        if inside.any():
            total += inside.sum() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total / len(labels))


def reliability(proba: np.ndarray, labels: np.ndarray, n_bins: int = N_BINS) -> list[dict[str, float]]:
    """Per confidence bin: count, mean confidence and accuracy (the reliability diagram's points)."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    return [
        {
            "bin": b / n_bins,
            "count": int((bins == b).sum()),
            "confidence": float(confidence[bins == b].mean()),
            "accuracy": float(correct[bins == b].mean()),
        }
        for b in range(n_bins)
        if (bins == b).any()
    ]


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean -log p(label) under softmax(logits / temperature)."""
    p = softmax(logits, temperature)[np.arange(len(labels)), labels]
    return float(-np.log(np.maximum(p, 1e-300)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of `labels` under softmax(logits / T); never one
    that fits these logits worse than no calibration (T = 1), by construction."""
    found = minimize_scalar(
        lambda t: negative_log_likelihood(logits, labels, t), bounds=BOUNDS, method="bounded", options={"xatol": 1e-6}
    )
    t = float(found.x)
    return t if negative_log_likelihood(logits, labels, t) <= negative_log_likelihood(logits, labels) else 1.0


def out_of_fold_logits(
    config: TrainConfig, folds: int, data: Split | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logits (float64 forward) of every training-part image from a model that did not train on it; the same
    images re-drawn in "another writer's" hand through prepare()'s steps (when the configuration trains on such
    digits: that is the handwriting the model is meant for); and the labels."""
    data = data if data is not None else split(config.split_seed)
    clean = np.zeros((len(data.y_train), config.model.n_classes))
    redrawn = np.zeros_like(clean)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    writers = config.augment.writers
    for fit_idx, val_idx in cv.split(data.x_train, data.y_train):
        model = fit(config, data=data.fold(fit_idx, val_idx), progress=False).model.double()
        images = torch.from_numpy(data.x_train[val_idx])
        with torch.no_grad():
            clean[val_idx] = model(images.double()).numpy()
            if config.augment.enabled and writers.share > 0:
                redrawn[val_idx] = model(imitate_writers(images, writers, config.prepare, generator).double()).numpy()
    if not (config.augment.enabled and writers.share > 0):
        redrawn = clean[:0]
    return clean, redrawn, data.y_train


def calibrate(config: TrainConfig, folds: int = 3) -> dict[str, Any]:
    """The calibration the checkpoint records: the temperature, fitted on the out-of-fold logits of the training
    part's digits as they are and re-drawn by other writers, and the out-of-fold ECE of each, before and after."""
    if folds < 2:
        return no_calibration()
    clean, redrawn, labels = out_of_fold_logits(replace(config), folds)
    both, both_labels = np.concatenate([clean, redrawn]), np.concatenate([labels, labels[: len(redrawn)]])
    temperature = fit_temperature(both, both_labels)
    record: dict[str, Any] = {
        "temperature": temperature,
        "method": f"temperature scaling: NLL of {folds}-fold out-of-fold logits on the training part"
        + (", its digits as they are and re-drawn by other writers" if len(redrawn) else ""),
        "folds": folds,
        "out_of_fold_nll_before": negative_log_likelihood(both, both_labels),
        "out_of_fold_nll_after": negative_log_likelihood(both, both_labels, temperature),
    }
    for name, z in (("digits", clean), ("redrawn", redrawn)):
        if len(z):
            record[f"out_of_fold_ece_{name}_before"] = expected_calibration_error(softmax(z), labels)
            record[f"out_of_fold_ece_{name}_after"] = expected_calibration_error(softmax(z, temperature), labels)
    return record


def answered(proba: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    """(coverage, answered accuracy): the share of rows whose top probability reaches `threshold`, and how many
    of those the top class gets right (1.0 when none is answered)."""
    sure = proba.max(axis=1) >= threshold
    right = proba.argmax(axis=1) == labels
    return float(sure.mean()), float(right[sure].mean()) if sure.any() else 1.0


def sure_threshold(proba: np.ndarray, labels: np.ndarray, accuracy: float = SURE_ACCURACY) -> float:
    """The smallest threshold of SURE_GRID whose answered accuracy on (`proba`, `labels`) reaches `accuracy`; the
    grid's largest when none does."""
    return next((t for t in SURE_GRID if answered(proba, labels, t)[1] >= accuracy), SURE_GRID[-1])


def with_sure_threshold(calibration: dict[str, Any], model: torch.nn.Module, config: TrainConfig) -> dict[str, Any]:
    """`calibration` with "sure_at" (the "not sure" threshold, `sure_threshold` on MNIST's tune half read through
    `config.prepare`) and the coverage and answered accuracy it gives there."""
    from train.loop import predict_logits
    from train.outside import load_mnist, prepared_mnist

    mnist = load_mnist()
    logits = predict_logits(model, prepared_mnist(config.prepare)[mnist.tune])
    proba = softmax(np.asarray(logits, dtype=np.float64), calibration["temperature"])
    threshold = sure_threshold(proba, mnist.labels[mnist.tune])
    coverage, accuracy = answered(proba, mnist.labels[mnist.tune], threshold)
    return {
        **calibration,
        "sure_at": threshold,
        "sure_rule": f"the smallest threshold of 0, 0.05 … 0.95 whose answers are right at least "
        f"{SURE_ACCURACY:.0%} of the time on MNIST's tune half",
        "sure_mnist_tune_coverage": coverage,
        "sure_mnist_tune_answered_accuracy": accuracy,
    }
