"""`python -m bench` (run it as `nox -s bench`): speed, cold start and memory of the artifact vs torch and ONNX
Runtime, all on the same weights, in one run, one thread. Writes Markdown and JSON with ratios, not just times.

Run with OPENBLAS_NUM_THREADS=1 (the nox session sets it before NumPy loads); torch and ORT are set to one thread
here. Times are medians of repeated calls; cold starts are medians over fresh processes without bytecode caches.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from train.files import write_atomically

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BATCH_SIZES = (1797, 100_000)


def median_seconds(fn: Callable[[], object], budget: float = 0.5, repeat: int = 7) -> float:
    """Median time of one call, over `repeat` rounds of as many calls as fill `budget / repeat` seconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * (budget / repeat) / 0.2))
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def export_onnx(checkpoint_path: Path, path: Path) -> None:
    """The torch model exported as a user would (dynamic batch dimension), in a separate process: the exporter
    installs TorchDynamo's frame-evaluation hook, which would slow every Python call measured afterwards."""
    code = textwrap.dedent(f"""
        import contextlib, io, torch
        from train import checkpoint
        model = checkpoint.load({str(checkpoint_path)!r}).build_model()
        with contextlib.redirect_stdout(io.StringIO()):
            torch.onnx.export(model, (torch.zeros(2, 64),), {str(path)!r}, input_names=["pixels"],
                              output_names=["logits"], dynamic_shapes=({{0: torch.export.Dim("n")}},), dynamo=True)
        """)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def ort_session(path: Path) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def cold_start(code: str, runs: int, env: dict[str, str]) -> float:
    """Median seconds a fresh interpreter spends in `code` (which prints its own perf_counter span)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def peak_rss(code: str, env: dict[str, str]) -> float:
    """Peak resident memory (MiB) of a fresh interpreter running `code`: VmHWM, because Linux carries
    ru_maxrss over from the parent across exec."""
    wrapped = code + textwrap.dedent("""
        with open("/proc/self/status") as f:
            print(next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024)""")
    out = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def run(checkpoint_path: Path, artifact_path: Path, runs: int, train_time: bool) -> dict[str, Any]:
    import torch

    from report.__main__ import load_artifact
    from train import checkpoint
    from train.data import load_all

    torch.set_num_threads(1)
    ckpt = checkpoint.load(checkpoint_path)
    model = ckpt.build_model()
    artifact = load_artifact(artifact_path)
    x, _ = load_all()
    x = x.astype(np.float64)  # what load_digits gives a user
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
                    "processor": platform.machine(), "threads": 1},
        "model": {"layer_sizes": artifact.METADATA["layer_sizes"], "n_parameters": artifact.METADATA["n_parameters"]},
    }
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = Path(tmp, "model.onnx")
        export_onnx(checkpoint_path, onnx_path)
        session = ort_session(onnx_path)
        import onnxruntime

        results["machine"]["onnxruntime"] = onnxruntime.__version__

        def ort_logits(images: np.ndarray) -> np.ndarray:
            return session.run(None, {"pixels": np.asarray(images, dtype=np.float32).reshape(-1, 64)})[0]

        def torch_logits(images: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return model(torch.from_numpy(np.asarray(images, dtype=np.float32).reshape(-1, 64))).numpy()

        ours, theirs, torch_ref = artifact.logits(x), ort_logits(x), torch_logits(x)
        results["parity"] = {
            "ort_vs_artifact_max_abs_logit_diff": float(np.abs(theirs - ours).max()),
            "ort_vs_artifact_same_class": int((theirs.argmax(1) == ours.argmax(1)).sum()),
            "torch_vs_artifact_max_abs_logit_diff": float(np.abs(torch_ref - ours).max()),
            "torch_vs_artifact_same_class": int((torch_ref.argmax(1) == ours.argmax(1)).sum()),
            "n_images": len(x),
        }
        if results["parity"]["ort_vs_artifact_same_class"] != len(x):
            raise RuntimeError(f"ONNX Runtime disagrees with the artifact: {results['parity']}")

        speed: dict[str, dict[str, float]] = {}
        one = x[0]
        speed["predict, 1 image"] = {
            "artifact": median_seconds(lambda: artifact.predict(one)),
            "onnxruntime": median_seconds(lambda: int(ort_logits(one).argmax())),
            "torch": median_seconds(lambda: int(torch_logits(one).argmax())),
        }
        for n in BATCH_SIZES:
            batch = np.resize(x, (n, 64))
            speed[f"predict, {n:,} images"] = {
                "artifact": median_seconds(lambda b=batch: artifact.predict(b), budget=2.0, repeat=5),
                "onnxruntime": median_seconds(lambda b=batch: ort_logits(b).argmax(1), budget=2.0, repeat=5),
                "torch": median_seconds(lambda b=batch: torch_logits(b).argmax(1), budget=2.0, repeat=5),
            }
        results["speed_seconds"] = speed
        results["speed_ratio_vs_onnxruntime"] = {
            k: {"artifact": v["artifact"] / v["onnxruntime"], "torch": v["torch"] / v["onnxruntime"]}
            for k, v in speed.items()
        }

        # a fresh folder: PYTHONDONTWRITEBYTECODE stops writing .pyc files, not reading one left by an earlier import
        fresh = Path(tmp, "fresh")
        fresh.mkdir()
        shutil.copyfile(artifact_path, fresh / artifact_path.name)
        env = {**os.environ, **ONE_THREAD, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(fresh)}
        name = artifact_path.stem
        sizes = artifact.METADATA["layer_sizes"]
        image = "[8.0] * 64"
        snippets = {
            "import numpy": "import numpy",
            "import digits_infer + predict": f"import {name}\n{name}.predict({image})",
            "import torch + load + predict": textwrap.dedent(f"""
                import torch
                torch.set_num_threads(1)
                state = torch.load({str(checkpoint_path.resolve())!r}, weights_only=True)["state_dict"]
                layers = []
                for i, (a, b) in enumerate(zip({sizes[:-1]}, {sizes[1:]})):
                    layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
                model = torch.nn.Sequential(*layers[:-1])
                model.load_state_dict({{f"{{2 * int(k.split('.')[1])}}.{{k.split('.')[2]}}": v
                                        for k, v in state.items()}})
                with torch.no_grad():
                    int(model(torch.tensor([{image}])).argmax())"""),
            "import onnxruntime + session + predict": textwrap.dedent(f"""
                import numpy as np, onnxruntime as ort
                o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
                s = ort.InferenceSession({str(onnx_path)!r}, o, providers=["CPUExecutionProvider"])
                int(s.run(None, {{"pixels": np.array([{image}], dtype=np.float32)}})[0].argmax())"""),
        }
        timed = "import time\n_t = time.perf_counter()\n{}\nprint(time.perf_counter() - _t)"
        cold = {k: cold_start(timed.format(v), runs, env) for k, v in snippets.items()}
        results["cold_start_seconds"] = cold
        results["cold_start_ratio_vs_import_numpy"] = {k: v / cold["import numpy"] for k, v in cold.items()}

        big = "import numpy as np\nx = np.resize(np.arange(64.0) % 17, (100_000, 64))"
        ort_big = snippets["import onnxruntime + session + predict"].replace(
            f"np.array([{image}], dtype=np.float32)", "x.astype(np.float32)")
        results["peak_rss_mib"] = {
            "numpy + 100k images in memory": peak_rss(big, env),
            "artifact, predict 100k images": peak_rss(f"{big}\nimport {name}\n{name}.predict(x)", env),
            "onnxruntime, predict 100k images": peak_rss(f"{big}\n{ort_big}", env),
        }

    results["artifact_bytes"] = artifact_path.stat().st_size
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "codegen", "--checkpoint", str(checkpoint_path), "--out",
                    str(Path(tempfile.gettempdir(), "bench_generate.py"))], check=True, capture_output=True)
    results["generation_seconds"] = time.perf_counter() - start
    if train_time:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "train", "--quiet", "--out", str(Path(tmp, "m.pt"))], check=True,
                           env={**os.environ, **ONE_THREAD})
            results["training_seconds_default_config"] = time.perf_counter() - start
    return results


def markdown(r: dict[str, Any]) -> str:
    """The README's tables."""
    lines = [
        (f"Model {r['model']['layer_sizes']} ({r['model']['n_parameters']:,} parameters); one thread; "
        f"Python {r['machine']['python']}, NumPy {r['machine']['numpy']}, torch {r['machine']['torch']}, "
        f"ONNX Runtime {r['machine']['onnxruntime']}."),
        "",
        "| predict | artifact | ONNX Runtime | torch eager | artifact / ORT |",
        "|---|---:|---:|---:|---:|",
    ]
    for k, v in r["speed_seconds"].items():
        lines.append(f"| {k} | {_t(v['artifact'])} | {_t(v['onnxruntime'])} | {_t(v['torch'])} | "
                     f"**{r['speed_ratio_vs_onnxruntime'][k]['artifact']:.2f}×** |")
    lines += ["", "| cold start (fresh process, no bytecode cache) | time | / `import numpy` |", "|---|---:|---:|"]
    for k, v in r["cold_start_seconds"].items():
        lines.append(f"| `{k}` | {_t(v)} | **{r['cold_start_ratio_vs_import_numpy'][k]:.2f}×** |")
    lines += ["", "| peak memory (RSS) | MiB |", "|---|---:|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in r["peak_rss_mib"].items()]
    p = r["parity"]
    lines += [
        "",
        f"Artifact file {r['artifact_bytes'] / 1024:.0f} KiB; generation {r['generation_seconds']:.1f} s"
        + (f"; training the default model {r['training_seconds_default_config']:.0f} s (one thread)."
           if "training_seconds_default_config" in r else "."),
        (f"Same weights: ONNX Runtime gives the artifact's class on {p['ort_vs_artifact_same_class']:,}/"
        f"{p['n_images']:,} digits (max |Δlogit| {p['ort_vs_artifact_max_abs_logit_diff']:.1e}); torch "
        f"{p['torch_vs_artifact_same_class']:,}/{p['n_images']:,} (max |Δlogit| "
        f"{p['torch_vs_artifact_max_abs_logit_diff']:.1e})."),
    ]
    return "\n".join(lines) + "\n"


def _t(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", type=Path, default=Path("generated/model.pt"))
    p.add_argument("--artifact", type=Path, default=Path("generated/digits_infer.py"))
    p.add_argument("--out", type=Path, default=Path("docs/bench"))
    p.add_argument("--runs", type=int, default=11, help="fresh processes per cold-start measurement")
    p.add_argument("--no-train", action="store_true", help="skip timing a training run")
    args = p.parse_args(argv)
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("bench: warning: OPENBLAS_NUM_THREADS is not 1; run it as `nox -s bench`", file=sys.stderr)
    results = run(args.checkpoint, args.artifact, args.runs, train_time=not args.no_train)
    table = markdown(results)
    print(table)
    write_atomically(args.out / "bench.md", table.encode())
    write_atomically(args.out / "bench.json", json.dumps(results, indent=2).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
