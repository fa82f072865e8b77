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
    "front": (12.0, 4.5),
    "pipeline": (12.0, None),  # height grows with the number of examples
    "reliability": (10.0, 4.2),
    "gallery": (12.0, None),
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


def class_grid(
    images: np.ndarray, y_true: np.ndarray, proba: np.ndarray, path: str | os.PathLike[str], per_class: int = 10
) -> Path:
    """Row c: held-out images the model classified as c, mistakes first (red frame, true label), then the least
    confident ones; titled with predicted label and probability. Shows where the model is unsure, not just
    which digits come first."""
    y_pred = proba.argmax(axis=1)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(10, per_class, figsize=SIZES["class_grid"])
        for c in range(10):
            chosen = np.flatnonzero(y_pred == c)
            order = np.lexsort((proba[chosen, c], y_true[chosen] == c))  # mistakes, then least confident first
            shown = chosen[order][:per_class]
            for j, ax in enumerate(axes[c]):
                if j >= len(shown):
                    ax.axis("off")
                    continue
                i = shown[j]
                wrong = y_true[i] != c
                title = f"{c} ({proba[i, c]:.0%})" + (f"\ntrue {y_true[i]}" if wrong else "")
                _digit(ax, images[i], title, wrong)
            axes[c][0].set_ylabel(f"predicted {c}", fontsize=9)
        right = int((y_pred == y_true).sum())
        fig.suptitle(
            f"Held-out test digits as the generated predictor classified them, least confident first: "
            f"{right:,}/{len(y_true):,} right (mistakes in red)"
        )
        fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _save(fig, path)


def mistakes(
    images: np.ndarray,
    y_true: np.ndarray,
    proba: np.ndarray,
    path: str | os.PathLike[str],
    title: str,
    columns: int = 8,
) -> Path:
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
    """Confusion matrix with counts in the cells (scikit-learn's `ConfusionMatrixDisplay`); rows are true digits."""
    from sklearn.metrics import ConfusionMatrixDisplay

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["confusion"])
        shown = ConfusionMatrixDisplay.from_predictions(
            y_true, y_pred, labels=list(range(10)), ax=ax, cmap="Blues", colorbar=False
        )
        counts = shown.confusion_matrix
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
    """Indices of the (smallest size, highest score) front of (size, score) points, sorted by size."""
    order = np.lexsort((-points[:, 1], points[:, 0]))
    front, best = [], -np.inf
    for i in order:
        if points[i, 1] > best:
            front.append(i)
            best = points[i, 1]
    return np.array(front, dtype=int)


TEST_MARKER = {"marker": "o", "facecolors": "none", "s": 30, "linewidths": 1.2, "zorder": 4}
TEST_NOTE = "open markers: held-out test score, reported only (the choice uses CV alone)"


def _test_scores(rows: Sequence[dict[str, Any]]) -> list[float]:
    """Each row's reported held-out test accuracy (NaN where a row has none)."""
    return [float(r.get("test_reported", np.nan)) for r in rows]


def study_width_per_depth(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """CV accuracy against first-layer width, one line per depth, augmentation on (solid) and off (dashed);
    the reported test score of each point as an open marker."""
    grid = [r for r in rows if r["experiment"] == "depth_width"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        for aug, style in ((True, "-"), (False, "--")):
            base = [r for r in grid if r["augment"] == aug and r["depth"] == 0]
            for depth in (1, 2, 3):
                line = sorted(
                    (int(r["hidden"].split("x")[0]), r["cv_mean"], _test_scores([r])[0])
                    for r in grid
                    if r["augment"] == aug and r["depth"] == depth
                )
                if line:
                    width, cv, test = zip(*line, strict=True)
                    label = f"{depth} hidden, {'augmented' if aug else 'plain'}"
                    ax.plot(width, cv, style, marker="o", color=f"C{depth}", label=label)
                    ax.scatter(width, test, edgecolors=f"C{depth}", **TEST_MARKER)
            if base:
                ax.axhline(
                    base[0]["cv_mean"],
                    linestyle=style,
                    color="grey",
                    lw=1,
                    label=f"0 hidden (linear), {'augmented' if aug else 'plain'}",
                )
        ax.set_xscale("log", base=2)
        ax.set_xlabel("first hidden layer width (deeper layers taper by half)")
        ax.set_ylabel("accuracy (lines: cross-validated)")
        ax.set_title(f"Score vs width per depth\n{TEST_NOTE}")
        ax.legend(fontsize=7, ncol=2)
        ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)


def study_bars(rows: Sequence[dict[str, Any]], experiment: str, label: str, path: str | os.PathLike[str]) -> Path:
    """CV accuracy (mean ± std over folds) for each value of one knob, its reported test score as an open marker."""
    chosen = [r for r in rows if r["experiment"] == experiment]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        names = [str(r[label]) for r in chosen]
        ax.bar(
            names,
            [r["cv_mean"] for r in chosen],
            yerr=[r["cv_std"] for r in chosen],
            color="C0",
            capsize=4,
            label="cross-validated (mean ± std over folds)",
        )
        ax.scatter(
            names, _test_scores(chosen), edgecolors="black", label="held-out test (reported only)", **TEST_MARKER
        )
        low = min(min(r["cv_mean"] - r["cv_std"] for r in chosen), np.nanmin([*_test_scores(chosen), 1.0]))
        ax.set_ylim(max(0.0, low - 0.01), 1.0)
        for x, r in enumerate(chosen):
            ax.text(x, r["cv_mean"], f"{r['cv_mean']:.4f}", ha="center", va="bottom", fontsize=8)
        ax.set_xlabel(label)
        ax.set_ylabel("accuracy")
        ax.set_title(f"Effect of {label}")
        ax.legend(fontsize=7, loc="lower right")
        fig.tight_layout()
    return _save(fig, path)


def study_augmentation(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """CV accuracy with and without augmentation for each architecture of the depth × width grid, with the
    reported test scores as open markers."""
    grid = [r for r in rows if r["experiment"] == "depth_width"]
    names = list(dict.fromkeys(r["hidden"] for r in grid))
    by = {(r["hidden"], r["augment"]): r for r in grid}
    x = np.arange(len(names))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        for aug, dx, label in ((False, -0.2, "plain"), (True, 0.2, "augmented")):
            chosen = [by.get((n, aug)) for n in names]
            ax.bar(
                x + dx,
                [r["cv_mean"] if r else np.nan for r in chosen],
                0.4,
                label=f"{label} (CV)",
                color="C1" if aug else "C0",
            )
            ax.scatter(
                x + dx, [_test_scores([r])[0] if r else np.nan for r in chosen], edgecolors="black", **TEST_MARKER
            )
        ax.scatter([], [], edgecolors="black", label="held-out test (reported only)", **TEST_MARKER)
        ax.set_xticks(x, names, rotation=45, ha="right")
        ax.set_ylim(0.9, 1.0)
        ax.set_ylabel("accuracy")
        ax.set_title("Effect of augmentation per architecture")
        ax.legend(fontsize=7)
        fig.tight_layout()
    return _save(fig, path)


def study_front(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str], chosen_key: str | None = None) -> Path:
    """Accuracy against the bytes of the generated artifact (what is pasted, reviewed and compiled), one panel per
    kind of score: in distribution (CV, which chooses; the held-out test, reported) and outside (the MNIST tune
    half, which chooses with the validation fonts; the real-input benchmark, reported). The front of
    configurations that no smaller one beats is drawn as a line, whole-number weights in their own colour, the
    shipped choice circled."""
    unique = list({r["key"]: r for r in rows}.values())
    size = np.array([r["artifact_bytes"] / 1000 for r in unique], dtype=float)
    colors = ["C2" if r.get("weight_bits") else ("C1" if r["augment"] else "C0") for r in unique]
    panels = (
        ("cv_mean", "test_reported", "CV (chooses)", "held-out test (reported only)", "in distribution"),
        (
            "mnist_tune",
            "real_input_reported",
            "MNIST tune (chooses)",
            "real-input benchmark (reported only)",
            "outside",
        ),
    )
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=SIZES["front"])
        for ax, (chosen_by, reported, chosen_label, reported_label, title) in zip(axes, panels, strict=True):
            score = np.array([r[chosen_by] for r in unique], dtype=float)
            other = np.array([r.get(reported, np.nan) for r in unique], dtype=float)
            front = _pareto(np.column_stack([size, score]))
            ax.scatter(size, score, c=colors, s=18, zorder=2)
            ax.scatter(size, other, edgecolors=colors, **TEST_MARKER)
            name = chosen_label.removesuffix(" (chooses)")
            ax.plot(
                size[front],
                score[front],
                color="black",
                lw=1,
                zorder=1,
                label=f"front: no smaller file has a higher {name}",
            )
            for r, x, y in zip(unique, size, score, strict=True):
                if r["key"] == chosen_key:
                    bits = f", {r['weight_bits']}-bit weights" if r.get("weight_bits") else ""
                    ax.scatter(
                        [x], [y], s=160, facecolors="none", edgecolors=WRONG, linewidths=2, zorder=3,
                        label=f"shipped: {r['hidden']}{bits} ({x:,.0f} KB)",
                    )  # fmt: skip
            ax.scatter([], [], c="C2", s=18, label=f"whole-number weights, {chosen_label}")
            ax.scatter([], [], c="C1", s=18, label=f"float32, augmented, {chosen_label}")
            ax.scatter([], [], c="C0", s=18, label=f"float32, plain, {chosen_label}")
            ax.scatter([], [], edgecolors="grey", label=reported_label, **TEST_MARKER)
            ax.set_xscale("log")
            low = np.nanmin(np.concatenate([score, other]))
            ax.set_ylim(max(0.6 if chosen_by == "mnist_tune" else 0.9, low - 0.005), 1.0)
            ax.set_xlabel("digits_infer.py, KB (log scale)")
            ax.set_ylabel("accuracy")
            ax.set_title(f"Accuracy vs artifact size: {title}")
            ax.legend(fontsize=6)
            ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)


def study_cv_vs_test(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str], n_test: int) -> Path:
    """How well cross-validation predicted the held-out score: one point per distinct configuration, the diagonal,
    and a band of ± one test image (1/n_test) around it, inside which a disagreement is noise."""
    unique = [r for r in {r["key"]: r for r in rows}.values() if np.isfinite(_test_scores([r])[0])]
    cv = np.array([r["cv_mean"] for r in unique])
    test = np.array(_test_scores(unique))
    step = 1 / n_test
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZES["study"])
        lo = max(0.0, min(cv.min(), test.min()) - 0.005)
        line = np.array([lo, 1.0])
        ax.fill_between(
            line, line - step, line + step, color="grey", alpha=0.25, label=f"± 1 test image ({step:.2%} of {n_test})"
        )
        ax.plot(line, line, color="black", lw=1, label="test = CV")
        ax.scatter(cv, test, c=["C1" if r["augment"] else "C0" for r in unique], s=18, zorder=3)
        ax.scatter([], [], c="C1", s=18, label="augmented")
        ax.scatter([], [], c="C0", s=18, label="plain")
        worst = np.argsort(-np.abs(test - cv), kind="stable")[:3]
        for i in worst:
            r = unique[i]
            ax.annotate(
                f"{r['hidden']} {r['experiment']}",
                (cv[i], test[i]),
                fontsize=7,
                xytext=(4, -10),
                textcoords="offset points",
            )
        ax.set_xlim(lo, 1.0)
        ax.set_ylim(lo, 1.0 + step)
        ax.set_xlabel("cross-validated accuracy (training part, chooses)")
        ax.set_ylabel("held-out test accuracy (reported only)")
        ax.set_title(f"Did CV predict the test score? {len(unique)} configurations")
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)


PIPELINE_STEPS = (  # (stage key, column title)
    ("picture", "picture"),
    ("ink", "ink, contrast-stretched"),
    ("crop", "upright, cropped"),
    ("box", "32x32 box"),
    ("bits", "binarised"),
    ("counts", "8x8 counts"),
)


def pipeline(examples: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """One row per outside picture: each step of `prepare()`, then the label and its probability. Each example
    holds the stage images under the keys of PIPELINE_STEPS, plus "label", "true" and "probability"."""
    rows = len(examples)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            rows, len(PIPELINE_STEPS), figsize=(SIZES["pipeline"][0], 1.7 * rows + 0.6), squeeze=False
        )
        for r, example in enumerate(examples):
            wrong = example["label"] != example["true"]
            for c, (key, title) in enumerate(PIPELINE_STEPS):
                ax = axes[r, c]
                image = np.asarray(example[key], dtype=float)
                vmax = 16 if key == "counts" else (255 if key == "picture" else 1)
                ax.imshow(
                    image.reshape(8, 8) if key == "counts" else image,
                    cmap="gray_r",
                    vmin=0,
                    vmax=vmax,
                    interpolation="nearest",
                )
                ax.set_xticks([])
                ax.set_yticks([])
                if r == 0:
                    ax.set_title(title, fontsize=8)
            axes[r, -1].set_xlabel(
                f"→ {example['label']} ({example['probability']:.0%})" + (f", true {example['true']}" if wrong else ""),
                color=WRONG if wrong else "black",
                fontsize=9,
            )
        fig.suptitle("prepare(): an outside picture (MNIST) step by step, and what the model reads")
        fig.tight_layout(rect=(0, 0, 1, 0.96))
    return _save(fig, path)


def gallery(
    pictures: np.ndarray, titles: Sequence[str], path: str | os.PathLike[str], title: str, columns: int = 10
) -> Path:
    """Pictures of any size in a grid, each with a caption (mistakes: red frame); grows with their number."""
    rows = max(1, -(-len(pictures) // columns))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(rows, columns, figsize=(SIZES["gallery"][0], 1.45 * rows + 0.6), squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(pictures):
                ax.axis("off")
                continue
            ax.imshow(pictures[k], cmap="gray_r", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(titles[k], fontsize=7, color=WRONG, pad=2)
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(WRONG)
                spine.set_linewidth(2)
        if len(pictures) == 0:
            axes.flat[0].text(0, 0.5, "none", fontsize=14, transform=axes.flat[0].transAxes)
        fig.suptitle(title)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
    return _save(fig, path)


def reliability(
    curves: dict[str, list[dict[str, float]]], eces: dict[str, float], path: str | os.PathLike[str]
) -> Path:
    """Reliability diagrams: accuracy against mean confidence per 0.1-wide confidence bin, one line per
    (data, probabilities) pair, the diagonal being perfect calibration; ECE in the legend."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=SIZES["reliability"])
        for ax, data in zip(axes, ("held out", "MNIST"), strict=True):
            ax.plot([0, 1], [0, 1], color="black", lw=1, label="perfectly calibrated")
            for name, bins in curves.items():
                if not name.startswith(data):
                    continue
                style = "-" if "calibrated" in name else "--"
                ax.plot(
                    [b["confidence"] for b in bins],
                    [b["accuracy"] for b in bins],
                    style,
                    marker="o",
                    label=f"{name.removeprefix(data + ', ')} (ECE {eces[name]:.1%})",
                )
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.02)
            ax.set_xlabel("predicted probability of the top class")
            ax.set_ylabel("accuracy")
            ax.set_title(f"Reliability, {data}")
            ax.legend(fontsize=7, loc="upper left")
            ax.grid(alpha=0.3)
        fig.tight_layout()
    return _save(fig, path)
