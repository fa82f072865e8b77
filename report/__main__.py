"""`python -m report`: look at what the committed predictor does (no retraining).

Writes PNGs and an offline `index.html` into `reports/`, and refreshes the few images the README embeds in `docs/`
(only when their bytes change, so an unchanged report leaves tracked files untouched).
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from types import ModuleType

from codegen.verify import parity
from report import plots
from train import checkpoint
from train.data import load_all, split
from train.files import write_atomically
from train.loop import predict_logits
from train.study import DEFAULT_OUT as STUDY_DIR
from train.study import Study, config_key

README_IMAGES = ("class_grid.png", "confusion_test.png", "study_front.png")
STUDY_BARS = (  # (experiment, the knob it varies, caption)
    ("activation", "activation", "Study: activations compared."),
    ("dropout", "dropout", "Study: dropout."),
    ("weight_decay", "weight_decay", "Study: weight decay."),
    ("epochs", "epochs", "Study: training length."),
    ("distortions", "distortions", "Study: richer distortions on top of the affine ones."),
)


def load_artifact(path: Path) -> ModuleType:
    """The generated predictor, imported from its file under a private name."""
    spec = importlib.util.spec_from_file_location("digits_infer_for_report", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    lines = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
    return f"<table><tr>{cells}</tr>{lines}</table>"


def build(checkpoint_path: Path, artifact_path: Path, out: Path, study_dir: Path) -> list[tuple[str, str]]:
    """Draw every figure into `out`; return (file, caption) pairs in page order plus write index.html."""
    ckpt = checkpoint.load(checkpoint_path)
    artifact = load_artifact(artifact_path)
    data = split(ckpt.config.split_seed)
    x, _ = load_all()
    result = parity(ckpt, artifact.logits(x), predict_logits(ckpt.build_model(), x))
    accuracy = result.accuracy
    proba = artifact.predict_proba(x)
    proba_test, proba_train = proba[data.test_index], proba[data.train_index]
    n_test_wrong = int((proba_test.argmax(1) != data.y_test).sum())
    n_train_wrong = int((proba_train.argmax(1) != data.y_train).sum())
    figures = [
        (plots.class_grid(data.x_test, data.y_test, proba_test, out / "class_grid.png"),
         "Per class: held-out test digits as the generated predictor classified them; mistakes first, in red."),
        (plots.confusion(data.y_test, proba_test.argmax(1), out / "confusion_test.png", "Test part"),
         "Confusion matrix of the predictor on the test part (rows: true digit, columns: predicted)."),
        (plots.mistakes(data.x_test, data.y_test, proba_test, out / "mistakes_test.png", "Test part"),
         f"All {n_test_wrong} mistakes on the test part, with the two most probable classes."),
        (plots.mistakes(data.x_train, data.y_train, proba_train, out / "mistakes_train.png", "Training part"),
         f"All {n_train_wrong} mistakes on the training part."),
        (plots.training_curves([asdict(e) for e in ckpt.history], out / "training_curves.png"),
         "Loss and error per epoch; the held-out curve is drawn for display only and chose nothing."),
    ]
    results = study_dir / "results.json"
    if results.is_file():
        study = json.loads(results.read_text())
        rows = study["rows"]
        chosen = config_key(ckpt.config, Study(**study["study"]))
        has = {r["experiment"] for r in rows}
        figures.append((plots.study_front(rows, out / "study_front.png", chosen),
                        "Study: cross-validated accuracy vs parameter count; the shipped model is circled."))
        if "depth_width" in has:
            figures += [
                (plots.study_width_per_depth(rows, out / "study_width_per_depth.png"),
                 "Study: score vs width for 0-3 hidden layers, with and without augmentation."),
                (plots.study_augmentation(rows, out / "study_augmentation.png"),
                 "Study: the effect of augmentation on each architecture."),
            ]
        for experiment, knob, caption in STUDY_BARS:
            if experiment in has:
                figures.append((plots.study_bars(rows, experiment, knob, out / f"study_{experiment}.png"), caption))
    table = _table(
        [["", "torch", "artifact"]]
        + [[f"{p} accuracy", f"{accuracy['torch'][p]:.4f}", f"{accuracy['artifact'][p]:.4f}"]
           for p in ("train", "test")]
    )
    meta = artifact.METADATA
    body = "".join(
        f'<figure><img src="{html.escape(p.name)}" alt="{html.escape(c)}"><figcaption>{html.escape(c)}'
        "</figcaption></figure>"
        for p, c in figures
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>digits-infer report</title>
<style>body{{font-family:sans-serif;max-width:1250px;margin:2em auto}}img{{max-width:100%}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 10px;text-align:right}}
figure{{margin:2em 0}}figcaption{{color:#444}}</style></head><body>
<h1>digits-infer report</h1>
<p>Model {html.escape(str(meta["layer_sizes"]))}, {meta["n_parameters"]:,} parameters, split seed
{ckpt.config.split_seed}; weights sha256 <code>{html.escape(meta["weights_sha256"])}</code>.</p>
<h2>Torch vs generated artifact</h2>{table}
<p>Same predicted class on {result.n_same_class:,} of {result.n_images:,} digits; max |Δlogit|
{result.max_abs_logit_diff:.1e}.</p>
{body}
</body></html>
"""
    write_atomically(out / "index.html", page.encode())
    write_atomically(out / "accuracy.json", json.dumps(accuracy, indent=2).encode())
    return [(str(p), c) for p, c in figures]


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


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m report", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", type=Path, default=checkpoint.DEFAULT_PATH)
    p.add_argument("--artifact", type=Path, default=Path("generated/digits_infer.py"))
    p.add_argument("--out", type=Path, default=Path("reports"))
    p.add_argument("--docs", type=Path, default=Path("docs"), help="where the README's images live")
    p.add_argument("--study", type=Path, default=STUDY_DIR, help="study results folder, drawn when present")
    args = p.parse_args(argv)
    try:
        figures = build(args.checkpoint, args.artifact, args.out, args.study)
    except (checkpoint.CheckpointError, FileNotFoundError) as exc:
        print(f"report: error: {exc}", file=sys.stderr)
        return 2
    changed = refresh_docs(args.out, args.docs)
    print(f"wrote {args.out / 'index.html'} with {len(figures)} figures; "
          f"docs: {', '.join(changed) if changed else 'unchanged'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
