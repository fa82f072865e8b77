"""The artifact's bit-exactness promise under every OpenBLAS kernel this CPU can run (`nox -s portability`).

Usage: python bench/blas_kernels.py ARTIFACT [--expect FILE.json] [--write FILE.md]

Runs the artifact in fresh processes with `OPENBLAS_CORETYPE` forced to each x86-64 kernel family the CPU supports
(SSE3 Prescott, AVX Sandybridge, AVX2 Haswell, AVX-512 SkylakeX) and 1 or 2 BLAS threads, and requires the float32
logits of all 1,797 digits, 30,000 integer inputs and 10,000 fractional inputs (integer formulas, no random
numbers) to be bit-identical to this process's, one row alone equal to the same row in a batch, and the
artifact's self-test (whose check digest was computed on the generating machine) to pass. With `--expect`, the
digest must also equal the one recorded there by another run (another Python, another NumPy) for the same weights. Needs only NumPy and
scikit-learn (the digits; it brings threadpoolctl, which names the kernel). Kernels are forced only here, never in the test suite: a kernel the CPU lacks
would crash, so those are skipped and listed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

KERNELS = {"Prescott": "sse3", "Sandybridge": "avx", "Haswell": "avx2", "SkylakeX": "avx512f"}  # name: cpu flag
THREADS = (1, 2)


def inputs(artifact: str) -> np.ndarray:
    """The digits, then the artifact's own check inputs: 30,000 integer and 10,000 fractional 0..16 rows."""
    from sklearn.datasets import load_digits

    return np.concatenate([load_digits().data, load(artifact).check_inputs(30_000, 10_000)])


def describes(weights_sha256: str, runtime_sha256: str) -> str:
    """The first line of every docs table that describes one artifact: its weights and its runtime (the code it
    ships, `prepare` and `read` included). The README quotes it with the table, so a table written for other
    weights or by an older runtime says so (`tests/test_readme.py` checks it against the working tree)."""
    return f"Describes weights `{weights_sha256[:16]}` and runtime `{runtime_sha256[:16]}`."


def header_sha256(artifact: str | Path, what: str = "weights") -> str:
    """The artifact's "weights" or "runtime" digest, read from its header lines (no import)."""
    for line in Path(artifact).read_text(encoding="utf-8").splitlines()[:10]:
        if line.startswith(f"# {what} sha256: "):
            return line.split(": ", 1)[1].strip()
    raise ValueError(f"{artifact}: no '# {what} sha256:' header line; is it a generated artifact?")


def cpu_info() -> tuple[str, set[str]]:
    """(CPU model name, its feature flags) from /proc/cpuinfo; ("", set()) where there is none. `pni` is how
    Linux spells SSE3."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "", set()
    lines = text.splitlines()
    model = next((line.partition(":")[2].strip() for line in lines if line.startswith("model name")), "")
    flags = next((line.partition(":")[2].split() for line in lines if line.startswith("flags")), [])
    return model, set(flags) | ({"sse3"} if "pni" in flags else set())


def load(artifact: str) -> ModuleType:
    """The artifact at `artifact`, imported under a name of its own."""
    spec = importlib.util.spec_from_file_location("digits_infer_kernel_probe", artifact)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(artifact: str, pixels_path: str) -> None:
    """In the forced-kernel process: print the kernel, the logits' digest, batch==alone, the self-test."""
    import threadpoolctl

    module = load(artifact)
    x = np.load(pixels_path)
    logits = module.logits(x)
    alone = np.array([module.logits(row) for row in x[::997]])
    blas = next(i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")
    print(
        json.dumps(
            {
                "architecture": blas.get("architecture"),
                "threads": blas.get("num_threads"),
                "sha256": hashlib.sha256(logits.astype("<f4").tobytes()).hexdigest(),
                "alone_equals_batch": bool(np.array_equal(alone, logits[::997])),
                "self_test": module.self_test(),
            }
        )
    )


def _write(path: Path, text: str) -> None:
    """Atomically: a temporary file beside `path`, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="blas_kernels.py", description=__doc__.splitlines()[0])
    p.add_argument("artifact")
    p.add_argument("--write", type=Path, help="write the result table here (Markdown, and JSON beside it)")
    p.add_argument("--expect", type=Path, help="JSON written by an earlier --write: the digest must match")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.artifact, args.child)
        return 0
    import tempfile

    x = inputs(args.artifact)
    flags = cpu_info()[1]
    rows, failures, skipped = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        pixels = Path(tmp, "pixels.npy")
        np.save(pixels, x)
        reference = None
        weights = header_sha256(args.artifact)
        inputs_sha256 = hashlib.sha256(np.ascontiguousarray(x, dtype="<f8").tobytes()).hexdigest()
        if args.expect and args.expect.is_file():  # another run's digest counts only for the same weights and inputs
            recorded = json.loads(args.expect.read_text())
            if (recorded["weights_sha256"], recorded.get("inputs_sha256")) == (weights, inputs_sha256):
                reference = recorded["logits_sha256"]
        for kernel, flag in KERNELS.items():
            if flag not in flags:
                skipped.append(f"{kernel} (CPU lacks {flag})")
                continue
            for threads in THREADS:
                env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": str(threads)}
                env.pop("OPENBLAS_L2_SIZE", None)
                run = subprocess.run(
                    [sys.executable, __file__, args.artifact, "--child", str(pixels)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if run.returncode != 0:
                    failures.append(f"{kernel} × {threads}: exit {run.returncode}: {run.stderr.strip()[-300:]}")
                    continue
                got = json.loads(run.stdout.strip().splitlines()[-1])
                reference = reference or got["sha256"]
                ok = got["sha256"] == reference and got["alone_equals_batch"] and not got["self_test"]
                rows.append((kernel, flag, got["architecture"], threads, got["sha256"][:16], ok))
                if not ok:
                    failures.append(
                        f"{kernel} × {threads}: digest {got['sha256'][:16]} (expected {reference[:16]}), "
                        f"alone = batch {got['alone_equals_batch']}, self-test {got['self_test']}"
                    )
    lines = [
        describes(weights, header_sha256(args.artifact, "runtime")),
        "",
        (
            f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}; "
            f"{len(x):,} inputs (1,797 digits, 30,000 integer, 10,000 fractional), float32 logits hashed."
        ),
        "",
        "| forced kernel | needs | OpenBLAS reports | threads | logits sha256 | identical, alone = batch, self-test |",
        "|---|---|---|---:|---|---|",
        *(f"| {k} | {f} | {a} | {t} | `{h}` | {'yes' if ok else '**NO**'} |" for k, f, a, t, h, ok in rows),
    ]
    if skipped:
        lines += ["", f"Skipped (this CPU cannot run them): {', '.join(skipped)}."]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write and not failures and rows:
        record = {
            "weights_sha256": weights,
            "inputs_sha256": inputs_sha256,
            "logits_sha256": reference,
            "n_inputs": len(x),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "kernels": [{"kernel": k, "openblas": a, "threads": t} for k, _, a, t, _, _ in rows],
            "skipped": skipped,
        }
        _write(args.write, table)
        _write(args.write.with_suffix(".json"), json.dumps(record, indent=1) + "\n")
    for failure in failures:
        print(f"blas_kernels: FAILED: {failure}", file=sys.stderr)
    return 1 if failures or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
