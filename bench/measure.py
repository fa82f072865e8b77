"""The benchmark's measurements, one named step each: the machine, parity, predict speed against ONNX Runtime, torch
and two floors, the picture path (prepare + predict), cold start with and without a bytecode cache, the weight-literal
layout, memory, build times.

Every ratio compares numbers measured in the same run on the same machine; times are medians of repeated calls,
cold starts medians over fresh processes. One thread everywhere: `threadpoolctl` here, `ONE_THREAD` in children.
"""

from __future__ import annotations

import ast
import gzip
import marshal
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
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BATCH_SIZES = (1, 1797, 100_000)
VECTOR_FLAGS = ("sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni")


def median_seconds(fn: Callable[[], object], budget: float = 0.5, repeat: int = 7) -> float:
    """Median time of one call, over `repeat` rounds of as many calls as fill `budget / repeat` seconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * (budget / repeat) / 0.2))
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def machine() -> dict[str, Any]:
    """CPU model and vector extensions, NumPy's BLAS and the kernel it picked, library versions."""
    import threadpoolctl

    from bench.blas_kernels import cpu_info

    cpu, flags = cpu_info()
    cpu = cpu or platform.processor() or platform.machine()
    blas = next((i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"), {})
    return {
        "cpu": cpu,
        "vector_extensions": [f for f in VECTOR_FLAGS if f in flags],
        "cores": os.cpu_count(),
        "blas": f"{blas.get('internal_api', '?')} {blas.get('version', '?')}",
        "blas_kernel": blas.get("architecture", "?"),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": 1,
    }


def floors(artifact: ModuleType) -> dict[str, Callable[[np.ndarray], Any]]:
    """The artifact's own arithmetic without its checks: the float64 floor (what the artifact must do to keep its
    promise) and the same chain in float32 (what giving the promise up would buy). Same weights, same chunks, same
    activations, logits rounded to float32 and argmax taken, as `predict` does; nothing validated or converted
    beyond what the dtype needs."""
    chunk = artifact.CHUNK_ROWS
    layers64 = list(artifact.FORWARD)  # (float64 weight with the input scale folded in, bias, activation)
    layers32 = [(w.astype(np.float32), b.astype(np.float32), act) for w, b, act in layers64]

    def chain(layers: list, dtype: type) -> Callable[[np.ndarray], Any]:
        def predict(x: np.ndarray) -> Any:
            if x.ndim == 1:
                h = x if x.dtype == dtype else x.astype(dtype)
                for w, b, activation in layers:
                    h = np.dot(h, w)
                    h += b
                    activation(h)
                return int(h.astype(np.float32).argmax())
            out = np.empty((len(x), len(layers[-1][1])), dtype=np.float32)
            for start in range(0, len(x), chunk):
                h = x[start : start + chunk]
                for w, b, activation in layers:
                    h = np.matmul(h, w, dtype=dtype)
                    h += b
                    activation(h)
                out[start : start + len(h)] = h
            return out.argmax(axis=1)

        return predict

    return {"float64 floor": chain(layers64, np.float64), "float32 reference": chain(layers32, np.float32)}


def predict_speed(candidates: dict[str, Callable[[np.ndarray], Any]], x: np.ndarray) -> dict[str, dict[str, float]]:
    """Median seconds per predict call for each candidate and batch size (the digits, tiled)."""
    speed: dict[str, dict[str, float]] = {}
    for n in BATCH_SIZES:
        batch = x[0] if n == 1 else np.resize(x, (n, 64))
        budget, repeat = (0.6, 7) if n == 1 else (2.0, 5)
        speed[f"{n:,} image{'s' if n > 1 else ''}"] = {
            name: median_seconds(lambda f=fn, b=batch: f(b), budget, repeat) for name, fn in candidates.items()
        }
    return speed


def picture_path(artifact: ModuleType) -> dict[str, float]:
    """Median seconds of `predict(prepare(picture))` per picture, for each size of `bench.pictures` (the ten
    digits read in turn, one call timing all ten)."""
    from bench.pictures import pictures

    return {
        size: median_seconds(lambda p=pics: [artifact.predict(artifact.prepare(q)) for q in p], 3.0, 7) / len(pics)
        for size, pics in pictures().items()
    }


def _ort_session_code(onnx_path: Path) -> str:
    """Source for a child process: `s`, a one-thread ONNX Runtime CPU session on `onnx_path` (as `run.ort_session`)."""
    return (
        "import onnxruntime as ort\n"
        "o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1\n"
        f's = ort.InferenceSession({str(onnx_path)!r}, o, providers=["CPUExecutionProvider"])'
    )


def _cold(snippets: dict[str, tuple[str, dict[str, str]]], runs: int, cwd: Path) -> dict[str, dict[str, float]]:
    """Seconds a fresh interpreter spends in each snippet's code, timed from inside (interpreter start excluded),
    the snippets interleaved run by run so that drift hits all alike: median, min and max per snippet."""
    times: dict[str, list[float]] = {label: [] for label in snippets}
    for _ in range(runs):
        for label, (code, env) in snippets.items():
            timed = f"import time\n_t = time.perf_counter()\n{code}\nprint(time.perf_counter() - _t)"
            out = subprocess.run(
                [sys.executable, "-c", timed], capture_output=True, text=True, env=env, cwd=cwd, check=True
            )
            times[label].append(float(out.stdout.strip().splitlines()[-1]))
    return {k: {"median": statistics.median(v), "min": min(v), "max": max(v)} for k, v in times.items()}


def cold_start(artifact_path: Path, checkpoint_path: Path, onnx_path: Path, runs: int) -> dict[str, dict[str, float]]:
    """`import X + predict one image` in fresh processes: the artifact with a bytecode cache (what users meet:
    the first import writes `__pycache__`) and compiled from source, beside `import numpy`, torch and ORT."""
    name = artifact_path.stem
    image = "[8.0] * 64"
    project = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        cached, source, cwd = Path(tmp, "cached"), Path(tmp, "source"), Path(tmp, "cwd")
        for folder in (cached, source, cwd):
            folder.mkdir()
        for folder in (cached, source):
            shutil.copyfile(artifact_path, folder / artifact_path.name)
        base = {**os.environ, **ONE_THREAD}
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-c", f"import {name}"], env={**base, "PYTHONPATH": str(cached)}, check=True, cwd=cached
        )  # a user's first import: writes __pycache__
        no_write = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
        with_cache = {**no_write, "PYTHONPATH": str(cached)}
        from_source = {**no_write, "PYTHONPATH": str(source)}
        snippets = {
            "import numpy": ("import numpy", with_cache),
            "import digits_infer + predict (bytecode cache)": (f"import {name}\n{name}.predict({image})", with_cache),
            "import digits_infer + predict (from source)": (f"import {name}\n{name}.predict({image})", from_source),
            "import onnxruntime + session + predict": (
                (
                    f"import numpy as np\n{_ort_session_code(onnx_path)}\n"
                    f'int(s.run(None, {{"pixels": np.array([{image}], dtype=np.float32)}})[0].argmax())'
                ),
                with_cache,
            ),
            "import torch + load + predict": (
                textwrap.dedent(f"""
                import torch
                torch.set_num_threads(1)
                from train import checkpoint
                model = checkpoint.load({str(checkpoint_path.resolve())!r}).build_model()
                with torch.no_grad():
                    int(model(torch.tensor([{image}])).argmax())"""),
                {**with_cache, "PYTHONPATH": str(project)},
            ),
        }
        # an empty working directory: `python -c` puts it first on sys.path, so nothing is imported from it
        times = _cold(snippets, runs, cwd)
        if list(source.iterdir()) != [source / artifact_path.name]:
            raise RuntimeError(f"bytecode was written into {source}: the from-source timing is not from source")
        return times


def literal_layout(artifact_path: Path) -> dict[str, dict[str, float]]:
    """The artifact's weights written as nested tuples (shipped) vs nested lists: seconds to compile the file, and
    to load it from bytecode and run it (the module body: building every array), in this process."""
    source = artifact_path.read_text(encoding="utf-8")

    class _Lists(ast.NodeTransformer):
        def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
            self.generic_visit(node)
            return ast.copy_location(ast.List(elts=node.elts, ctx=ast.Load()), node)

    body = ast.parse(source)
    weights = [
        n
        for n in body.body
        if isinstance(n, ast.Assign)
        and ast.unparse(n.value.func if isinstance(n.value, ast.Call) else n.value) in ("np.array", "np.ldexp")
    ]
    tuples = ast.Module(body=weights, type_ignores=[])
    lists = ast.fix_missing_locations(_Lists().visit(ast.parse(ast.unparse(tuples))))
    result = {}
    for label, tree in (("tuples (shipped)", ast.fix_missing_locations(tuples)), ("lists", lists)):
        text = "import numpy as np\n" + ast.unparse(tree)
        code = marshal.dumps(compile(text, "weights", "exec"))
        result[label] = {
            "compile": median_seconds(lambda t=text: compile(t, "weights", "exec"), budget=2.0, repeat=5),
            "load bytecode + run": median_seconds(lambda c=code: exec(marshal.loads(c), {}), budget=1.0, repeat=5),  # noqa: S102
        }
    return result


def size(artifact: ModuleType, artifact_path: Path) -> dict[str, int]:
    """What a user downloads, pastes and reviews: bytes of the artifact (`artifact`, loaded from `artifact_path`)
    and of the page beside it (and the page gzipped, as a server sends it), the model's parameters, and the numeric
    literals Python compiles on a call."""
    source = artifact_path.read_text(encoding="utf-8")
    page = artifact_path.with_suffix(".html").read_bytes()
    numbers = sum(
        isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
        for n in ast.walk(ast.parse(source))
    )
    return {
        "artifact bytes": len(source.encode()),
        "page bytes": len(page),
        "page bytes, gzipped": len(gzip.compress(page, mtime=0)),
        "parameters": int(artifact.METADATA["n_parameters"]),
        "numeric literals in the artifact": numbers,
    }


def peak_rss(artifact_path: Path, onnx_path: Path) -> dict[str, float]:
    """Peak resident memory (MiB, VmHWM) of fresh processes predicting 100,000 images; the artifact imported from
    its bytecode cache, as users meet it (compiling 100k literals from source needs memory of its own)."""
    big = "import numpy as np\nx = np.resize(np.arange(64.0) % 17, (100_000, 64))"
    ort = f'{_ort_session_code(onnx_path)}\ns.run(None, {{"pixels": x.astype(np.float32)}})'
    name = artifact_path.stem
    codes = {
        "numpy + 100k images in memory": big,
        "artifact, predict 100k images": f"{big}\nimport {name}\n{name}.predict(x)",
        "onnxruntime, predict 100k images": f"{big}\n{ort}",
    }
    hwm = '\nprint(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024)'
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(artifact_path, Path(tmp, artifact_path.name))
        env = {**os.environ, **ONE_THREAD, "PYTHONPATH": tmp}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-c", f"import {name}"], env=env, cwd=tmp, check=True)  # writes the cache
        return {
            label: float(
                subprocess.run(
                    [sys.executable, "-c", code + hwm], capture_output=True, text=True, env=env, cwd=tmp, check=True
                ).stdout.split()[-1]
            )
            for label, code in codes.items()
        }


def _cached_copy(artifact_path: Path, folder: Path) -> dict[str, str]:
    """Copy the artifact into `folder` and import it once there (writing its bytecode cache, as a user's first
    import does); returns the environment in which `python -m <name>` then runs from that cache, one thread."""
    shutil.copyfile(artifact_path, folder / artifact_path.name)
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(folder)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", f"import {artifact_path.stem}"], env=env, cwd=folder, check=True)
    return env


def shell_calls(artifact_path: Path, picture: Path, runs: int) -> dict[str, dict[str, float]]:
    """Wall-clock seconds of whole shell calls reading one picture, interleaved run by run so that drift hits all
    alike: `python -m digits_infer` (served by the bytecode cache), `python digits_infer.py` (a script is
    compiled from source on every call), beside `python -c "import numpy, PIL.Image"`. Median, min and max."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _cached_copy(artifact_path, folder)
        commands = {
            'python -c "import numpy, PIL.Image"': [sys.executable, "-c", "import numpy, PIL.Image"],
            "python -m digits_infer picture.png": [sys.executable, "-m", artifact_path.stem, str(picture)],
            "python digits_infer.py picture.png": [sys.executable, artifact_path.name, str(picture)],
        }
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(runs):
            for label, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, env=env, cwd=folder, check=True, capture_output=True)
                times[label].append(time.perf_counter() - start)
    return {k: {"median": statistics.median(v), "min": min(v), "max": max(v)} for k, v in times.items()}


def hostile_memory(artifact_path: Path) -> dict[str, dict[str, Any]]:
    """Peak resident memory (MiB), exit status and seconds of `python -m digits_infer FILE` on each input of
    `bench.hostile.NAMED` (and /dev/zero on stdin), each in a fresh process."""
    from bench.hostile import NAMED

    peak = "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], capture_output=True, stdin={stdin})\n"
    peak += "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _cached_copy(artifact_path, folder)
        inputs = {label: (str(make(folder)), "None") for label, make in NAMED.items()}
        inputs["/dev/zero on stdin"] = ("-", "open('/dev/zero', 'rb')")
        for label, (name, stdin) in inputs.items():
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", peak.format(stdin=stdin), sys.executable, "-m", artifact_path.stem, name],
                env=env, cwd=folder, capture_output=True, text=True, check=True,
            )  # fmt: skip
            code, mib = out.stdout.split()
            results[label] = {"exit": int(code), "peak_mib": float(mib), "seconds": time.perf_counter() - start}
    return results


def build_times(checkpoint_path: Path, train: bool) -> dict[str, float]:
    """Seconds to generate the artifact from the checkpoint, and (optionally) to train the default model."""
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "codegen",
                "--checkpoint",
                str(checkpoint_path),
                "--out",
                str(Path(tmp, "generated.py")),
            ],
            check=True,
            capture_output=True,
        )
        times["generate the artifact"] = time.perf_counter() - start
        if train:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "train", "--quiet", "--out", str(Path(tmp, "m.pt"))],
                check=True,
                env={**os.environ, **ONE_THREAD},
            )
            times["train the default model (one thread)"] = time.perf_counter() - start
    return times
