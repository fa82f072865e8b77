"""Every figure of the project, in one style: Agg backend, fixed sizes, 8×8 digits drawn pixel-exact.

Each function takes plain arrays, writes one PNG to `path`, and returns that path. PNGs carry no software
version or date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

DPI = 100
WRONG = "#d62728"
RIGHT = "#2ca02c"
STYLE = {
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
SIZES = {  # inches; pixels = inches * DPI
    "class_grid": (12.0, 13.0),
    "mistakes": (12.0, None),  # height grows with the number of mistakes
    "confusion": (6.0, 5.4),
    "curves": (10.0, 4.0),
    "study": (7.0, 4.5),
}


def _save(fig: plt.Figure, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=DPI, format="png", metadata={"Software": None})
    plt.close(fig)
    os.replace(tmp, path)
    return path


def _digit(ax: plt.Axes, image: np.ndarray, title: str, wrong: bool) -> None:
    """One 8×8 digit: nearest-neighbour, grey, no smoothing; a red frame when misclassified."""
    ax.imshow(np.asarray(image).reshape(8, 8), cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, color=WRONG if wrong else "black", fontsize=8, pad=2)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(WRONG if wrong else "#bbbbbb")
        spine.set_linewidth(3 if wrong else 0.8)


def class_grid(images: np.ndarray, y_true: np.ndarray, proba: np.ndarray, path: str | os.PathLike[str],
               per_class: int = 10) -> Path:
    """Row c: held-out images the model classified as c, mistakes first (red frame, true label), then the rest
    in data-set order; titled with predicted label and confidence."""
    y_pred = proba.argmax(axis=1)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(10, per_class, figsize=SIZES["class_grid"])
        for c in range(10):
            chosen = np.flatnonzero(y_pred == c)
            wrong_first = np.concatenate([chosen[y_true[chosen] != c], chosen[y_true[chosen] == c]])[:per_class]
            for j, ax in enumerate(axes[c]):
                if j >= len(wrong_first):
                    ax.axis("off")
                    continue
                i = wrong_first[j]
                wrong = y_true[i] != c
                title = f"{c} ({proba[i, c]:.0%})" + (f"\ntrue {y_true[i]}" if wrong else "")
                _digit(ax, images[i], title, wrong)
            axes[c][0].set_ylabel(f"predicted {c}", fontsize=9)
        fig.suptitle("Held-out test digits as the generated predictor classified them (mistakes in red)")
        fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _save(fig, path)


def mistakes(images: np.ndarray, y_true: np.ndarray, proba: np.ndarray, path: str | os.PathLike[str],
             title: str, columns: int = 8) -> Path:
    """Every misclassified image with true and predicted label and the two most probable classes."""
    y_pred = proba.argmax(axis=1)
    wrong = np.flatnonzero(y_pred != y_true)
    rows = max(1, -(-len(wrong) // columns))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(rows, columns, figsize=(SIZES["mistakes"][0], 1.75 * rows + 0.7), squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(wrong):
                ax.axis("off")
                continue
            i = wrong[k]
            top = np.argsort(-proba[i], kind="stable")[:2]
            caption = f"true {y_true[i]} → {y_pred[i]}\n" + ", ".join(f"{c}: {proba[i, c]:.0%}" for c in top)
            _digit(ax, images[i], caption, wrong=True)
        if len(wrong) == 0:
            axes.flat[0].text(0, 0.5, "no mistakes", fontsize=14, transform=axes.flat[0].transAxes)
        fig.suptitle(f"{title}: {len(wrong)} mistake{'s' if len(wrong) != 1 else ''} of {len(y_true)}")
        fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _save(fig, path)


def confusion(y_true: np.ndarray, y_pred: np.ndarray, path: str | os.PathLike[str], title: str) -> Path:
    """Confusion matrix with counts in the cells; the diagonal is what went right."""
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["confusion"])
        off = np.where(np.eye(10, dtype=bool), 0, counts)
        ax.imshow(np.log1p(off), cmap="Reds", vmin=0, vmax=max(np.log1p(off.max()), 1))
        for t in range(10):
            for p in range(10):
                if counts[t, p]:
                    color = RIGHT if t == p else ("white" if off[t, p] > off.max() / 2 else "black")
                    ax.text(p, t, str(counts[t, p]), ha="center", va="center", color=color,
                            fontweight="bold" if t != p else "normal")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{title}: {np.trace(counts)}/{counts.sum()} correct")
        fig.tight_layout()
    return _save(fig, path)


def training_curves(history: Sequence[dict[str, float]], path: str | os.PathLike[str]) -> Path:
    """Loss and accuracy per epoch, training part vs held-out part (recorded for display, never for choosing)."""
    epochs = [h["epoch"] for h in history]
    with plt.rc_context(STYLE):
        fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=SIZES["curves"])
        loss_ax.plot(epochs, [h["train_loss"] for h in history], label="training part")
        loss_ax.plot(epochs, [h["test_loss"] for h in history], label="held-out part")
        loss_ax.set_yscale("log")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("cross-entropy (clean images)")
        acc_ax.plot(epochs, [1 - h["train_accuracy"] for h in history], label="training part")
        acc_ax.plot(epochs, [1 - h["test_accuracy"] for h in history], label="held-out part")
        acc_ax.set_yscale("symlog", linthresh=1e-3)  # zero errors stay visible
        acc_ax.set_ylim(0, 1)
        acc_ax.set_xlabel("epoch")
        acc_ax.set_ylabel("error rate (log scale above 0.1 %)")
        for ax in (loss_ax, acc_ax):
            ax.legend()
            ax.grid(alpha=0.3)
        fig.suptitle("Training curves of the shipped model")
        fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _save(fig, path)


def _pareto(points: np.ndarray) -> np.ndarray:
    """Indices of the (fewest parameters, highest score) front, sorted by parameters."""
    order = np.lexsort((-points[:, 1], points[:, 0]))
    front, best = [], -np.inf
    for i in order:
        if points[i, 1] > best:
            front.append(i)
            best = points[i, 1]
    return np.array(front, dtype=int)


def study_width_per_depth(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """CV accuracy against first-layer width, one line per depth, augmentation on (solid) and off (dashed)."""
    grid = [r for r in rows if r["experiment"] == "depth_width"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        for aug, style in ((True, "-"), (False, "--")):
            base = [r for r in grid if r["augment"] == aug and r["depth"] == 0]
            for depth in (1, 2, 3):
                line = sorted((int(r["hidden"].split("x")[0]), r["cv_mean"]) for r in grid
                              if r["augment"] == aug and r["depth"] == depth)
                if line:
                    ax.plot(*zip(*line), style, marker="o", color=f"C{depth}",
                            label=f"{depth} hidden, {'augmented' if aug else 'plain'}")
            if base:
                ax.axhline(base[0]["cv_mean"], linestyle=style, color="grey", lw=1,
                           label=f"0 hidden (linear), {'augmented' if aug else 'plain'}")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("first hidden layer width (deeper layers taper by half)")
        ax.set_ylabel("cross-validated accuracy")
        ax.set_title("Score vs width per depth")
        ax.legend(fontsize=7, ncol=2)
        ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)


def study_bars(rows: Sequence[dict[str, Any]], experiment: str, label: str, path: str | os.PathLike[str]) -> Path:
    """CV accuracy (mean ± std over folds) for each value of one knob."""
    chosen = [r for r in rows if r["experiment"] == experiment]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        names = [str(r[label]) for r in chosen]
        ax.bar(names, [r["cv_mean"] for r in chosen], yerr=[r["cv_std"] for r in chosen], color="C0", capsize=4)
        low = min(r["cv_mean"] - r["cv_std"] for r in chosen)
        ax.set_ylim(max(0.0, low - 0.01), 1.0)
        for x, r in enumerate(chosen):
            ax.text(x, r["cv_mean"], f"{r['cv_mean']:.4f}", ha="center", va="bottom", fontsize=8)
        ax.set_xlabel(label)
        ax.set_ylabel("cross-validated accuracy")
        ax.set_title(f"Effect of {label}")
        fig.tight_layout()
    return _save(fig, path)


def study_augmentation(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """CV accuracy with and without augmentation for each architecture of the depth × width grid."""
    grid = [r for r in rows if r["experiment"] == "depth_width"]
    names = list(dict.fromkeys(r["hidden"] for r in grid))
    score = {(r["hidden"], r["augment"]): r["cv_mean"] for r in grid}
    x = np.arange(len(names))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        ax.bar(x - 0.2, [score.get((n, False), np.nan) for n in names], 0.4, label="plain")
        ax.bar(x + 0.2, [score.get((n, True), np.nan) for n in names], 0.4, label="augmented")
        ax.set_xticks(x, names, rotation=45, ha="right")
        ax.set_ylim(0.9, 1.0)
        ax.set_ylabel("cross-validated accuracy")
        ax.set_title("Effect of augmentation per architecture")
        ax.legend()
        fig.tight_layout()
    return _save(fig, path)


def study_front(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str], chosen_key: str | None = None) -> Path:
    """CV accuracy against parameter count (the artifact's size and import time grow with it); the front of
    configurations that no smaller one beats is drawn as a line, the shipped choice circled."""
    unique = list({r["key"]: r for r in rows}.values())
    points = np.array([[r["n_parameters"], r["cv_mean"]] for r in unique], dtype=float)
    front = _pareto(points)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        colors = ["C1" if r["augment"] else "C0" for r in unique]
        ax.scatter(points[:, 0], points[:, 1], c=colors, s=18, zorder=2)
        ax.plot(points[front, 0], points[front, 1], color="black", lw=1, zorder=1, label="front")
        for r, (n, s) in zip(unique, points):
            if r["key"] == chosen_key:
                ax.scatter([n], [s], s=160, facecolors="none", edgecolors=WRONG, linewidths=2, zorder=3,
                           label=f"shipped: {r['hidden']} ({int(n):,} parameters)")
        ax.scatter([], [], c="C1", s=18, label="augmented")
        ax.scatter([], [], c="C0", s=18, label="plain")
        ax.set_xscale("log")
        ax.set_ylim(max(0.9, points[:, 1].min() - 0.005), 1.0)
        ax.set_xlabel("parameters (log scale)")
        ax.set_ylabel("cross-validated accuracy")
        ax.set_title("Accuracy vs size")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)
