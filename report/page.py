"""The report: every figure of the committed predictor, and the offline page that shows them (no retraining)."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

import jinja2
import numpy as np

from codegen.artifact import load_artifact
from codegen.verify import Parity, parity
from report import plots
from train import checkpoint, paths
from train.calibrate import expected_calibration_error, reliability, softmax
from train.data import Split, load_all, split
from train.files import write_atomically
from train.loop import predict_logits
from train.outside import load_mnist
from train.study import Study, config_key

README_IMAGES = (
    "class_grid.png",
    "confusion_test.png",
    "study_front.png",
    "study_cv_vs_test.png",
    "pipeline.png",
    "reliability.png",
)
STUDY_BARS = (  # (experiment, the knob it varies, caption)
    ("activation", "activation", "Study: activations compared."),
    ("dropout", "dropout", "Study: dropout."),
    ("weight_decay", "weight_decay", "Study: weight decay."),
    ("epochs", "epochs", "Study: training length."),
    ("distortions", "distortions", "Study: richer distortions on top of the affine ones."),
)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Figure:
    """One PNG of the report and the caption the page shows under it."""

    path: Path
    caption: str


def model_figures(ckpt: checkpoint.Checkpoint, artifact: ModuleType, data: Split, out: Path) -> list[Figure]:
    """What the artifact does on the split it was trained on: per-class grid, confusion, mistakes, curves."""
    x, _ = load_all()
    proba = artifact.predict_proba(x)
    proba_test, proba_train = proba[data.test_index], proba[data.train_index]
    n_test_wrong = int((proba_test.argmax(1) != data.y_test).sum())
    n_train_wrong = int((proba_train.argmax(1) != data.y_train).sum())
    return [
        Figure(
            plots.class_grid(data.x_test, data.y_test, proba_test, out / "class_grid.png"),
            "Per class: held-out test digits as the generated predictor classified them; mistakes first, in red.",
        ),
        Figure(
            plots.confusion(data.y_test, proba_test.argmax(1), out / "confusion_test.png", "Test part"),
            "Confusion matrix of the predictor on the test part (rows: true digit, columns: predicted).",
        ),
        Figure(
            plots.mistakes(data.x_test, data.y_test, proba_test, out / "mistakes_test.png", "Test part"),
            f"All {n_test_wrong} mistakes on the test part, with the two most probable classes.",
        ),
        Figure(
            plots.mistakes(data.x_train, data.y_train, proba_train, out / "mistakes_train.png", "Training part"),
            f"All {n_train_wrong} mistakes on the training part.",
        ),
        Figure(
            plots.training_curves([asdict(e) for e in ckpt.history], out / "training_curves.png"),
            "Loss and error per epoch; the held-out curve is drawn for display only and chose nothing.",
        ),
    ]


def study_figures(study_dir: Path, ckpt: checkpoint.Checkpoint, n_test: int, out: Path) -> list[Figure]:
    """The study's plots, when `study_dir` holds results: CV scores as the choice saw them, test scores beside."""
    results = study_dir / "results.json"
    if not results.is_file():
        return []
    study = json.loads(results.read_text())
    rows = study["rows"]
    chosen = config_key(ckpt.config, Study(**study["study"]))
    has = {r["experiment"] for r in rows}
    figures = [
        Figure(
            plots.study_front(rows, out / "study_front.png", chosen),
            "Study: accuracy vs parameter count, cross-validated (filled) and held-out test (open, "
            "reported only); the shipped model is circled.",
        )
    ]
    if all("test_reported" in r for r in rows):
        figures.append(
            Figure(
                plots.study_cv_vs_test(rows, out / "study_cv_vs_test.png", n_test),
                "Study: how well cross-validation predicted each configuration's held-out score; the "
                "band is one test image.",
            )
        )
    if "depth_width" in has:
        figures += [
            Figure(
                plots.study_width_per_depth(rows, out / "study_width_per_depth.png"),
                "Study: score vs width for 0-3 hidden layers, with and without augmentation.",
            ),
            Figure(
                plots.study_augmentation(rows, out / "study_augmentation.png"),
                "Study: the effect of augmentation on each architecture.",
            ),
        ]
    for experiment, knob, caption in STUDY_BARS:
        if experiment in has:
            figures.append(Figure(plots.study_bars(rows, experiment, knob, out / f"study_{experiment}.png"), caption))
    return figures


def outside_figures(artifact: ModuleType, data: Split, out: Path) -> list[Figure]:
    """MNIST through `prepare()`: the pipeline step by step, the digits it gets wrong, and reliability diagrams
    of the probabilities (calibrated and raw) held out and on MNIST."""
    mnist = load_mnist()
    prepared = artifact.prepare(mnist.pictures)
    logits = artifact.logits(prepared)
    proba = softmax(logits, artifact.TEMPERATURE)  # what predict_proba computes, without a second forward pass
    predicted = proba.argmax(1)
    examples = []
    for c in range(10):  # the first picture of each class in the check half
        i = int(np.flatnonzero(mnist.check & (mnist.labels == c))[0])
        examples.append(
            {
                **artifact.prepare_stages(mnist.pictures[i]),
                "picture": mnist.pictures[i],
                "label": int(predicted[i]),
                "true": int(mnist.labels[i]),
                "probability": float(proba[i].max()),
            }
        )
    wrong = np.flatnonzero(mnist.check & (predicted != mnist.labels))
    wrong = wrong[np.argsort(-proba[wrong].max(1), kind="stable")][:60]  # the most confident mistakes first
    n_check = int(mnist.check.sum())
    right = n_check - int((mnist.check & (predicted != mnist.labels)).sum())
    held_out = artifact.logits(data.x_test)
    curves, eces = {}, {}
    for name, z, y in (("held out", held_out, data.y_test), ("MNIST", logits, mnist.labels)):
        for label, temperature in (("calibrated", artifact.TEMPERATURE), ("raw softmax", 1.0)):
            p = softmax(z, temperature)
            curves[f"{name}, {label}"] = reliability(p, y)
            eces[f"{name}, {label}"] = expected_calibration_error(p, y)
    return [
        Figure(
            plots.pipeline(examples, out / "pipeline.png"),
            "prepare() on outside handwriting (MNIST): picture → ink → upright crop → 32×32 box → binarised → "
            "8×8 counts → label and probability.",
        ),
        Figure(
            plots.gallery(
                mnist.pictures[wrong],
                [f"{mnist.labels[i]} → {predicted[i]} ({proba[i].max():.0%})" for i in wrong],
                out / "mistakes_mnist.png",
                f"MNIST check half: {right:,}/{n_check:,} right; the {len(wrong)} most confident mistakes",
            ),
            "Outside digits the model gets wrong (MNIST check half), most confident first: true → predicted.",
        ),
        Figure(
            plots.reliability(curves, eces, out / "reliability.png"),
            f"Calibration: with the embedded temperature {artifact.TEMPERATURE:.3f} (solid) and the raw softmax "
            "(dashed), held out (split 0's test part) and on MNIST.",
        ),
    ]


def evaluation_mistakes(evaluation: Path, out: Path) -> list[Figure]:
    """The held-out mistakes of the five-split evaluation (its JSON), when that file lists them."""
    if not evaluation.is_file():
        return []
    mistakes = json.loads(evaluation.read_text()).get("mistakes")
    if mistakes is None:
        return []
    x, _ = load_all()
    pictures = x[[m["index"] for m in mistakes]].reshape(-1, 8, 8) if mistakes else x[:0].reshape(0, 8, 8)
    titles = [f"split {m['split']}: {m['true']} → {m['predicted']} ({m['probability']:.0%})" for m in mistakes]
    return [
        Figure(
            plots.gallery(
                pictures,
                titles,
                out / "mistakes_evaluation.png",
                f"All {len(mistakes)} held-out mistakes of the five-split evaluation",
            ),
            "Every held-out mistake of the five split seeds (nox -s evaluate): split, true → predicted.",
        )
    ]


def write_page(out: Path, figures: list[Figure], meta: dict, split_seed: int, result: Parity) -> None:
    """index.html from its Jinja2 template (HTML-escaped), plus accuracy.json."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = env.get_template("index.html.j2").render(meta=meta, split_seed=split_seed, parity=result, figures=figures)
    write_atomically(out / "index.html", page.encode())
    write_atomically(out / "accuracy.json", json.dumps(result.accuracy, indent=2).encode())


def build(
    checkpoint_path: Path, artifact_path: Path, out: Path, study_dir: Path, evaluation: Path = paths.EVALUATION
) -> list[Figure]:
    """Draw every figure into `out` and write the page; returns the figures in page order."""
    ckpt = checkpoint.load(checkpoint_path)
    artifact = load_artifact(artifact_path, "digits_infer_for_report")
    data = split(ckpt.config.split_seed)
    x, _ = load_all()
    result = parity(ckpt, artifact.logits(x), predict_logits(ckpt.build_model(), x))
    figures = (
        model_figures(ckpt, artifact, data, out)
        + evaluation_mistakes(evaluation / "evaluation.json", out)
        + outside_figures(artifact, data, out)
        + study_figures(study_dir, ckpt, len(data.y_test), out)
    )
    write_page(out, figures, artifact.METADATA, ckpt.config.split_seed, result)
    return figures


def refresh_docs(out: Path, docs: Path) -> list[str]:
    """Copy the README's images into `docs/` where their bytes changed; return what changed."""
    changed = []
    for name in README_IMAGES:
        src, dst = out / name, docs / name
        if src.is_file() and (not dst.is_file() or dst.read_bytes() != src.read_bytes()):
            docs.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            changed.append(str(dst))
    return changed
