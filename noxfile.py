"""Every workflow of digits-infer; `nox -l` lists them."""

from __future__ import annotations

import os
import shutil
import subprocess

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"  # pip inside venv: pip finds the local torch wheel, uv does not
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "verify"]  # a bare `nox`: cheap and useful

PYTHON = "3.11"  # the torch 2.13.0 CPU wheel on these machines is built for CPython 3.11
PORTABLE_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]  # what the artifact promises
PYPROJECT = nox.project.load_toml("pyproject.toml")
DEPENDENCIES = PYPROJECT["project"]["dependencies"]
CHECKPOINT = "generated/model.pt"
ARTIFACT = "generated/digits_infer.py"


def _expose_pyenv_pythons() -> None:
    """pyenv's `python3.X` shims run only selected versions; select every installed one after the current
    choice (which stays first, so `python3` is unchanged) so that nox finds them. A no-op without pyenv."""
    if shutil.which("pyenv") is None:
        return

    def pyenv(*args: str) -> list[str]:
        run = subprocess.run(["pyenv", *args], capture_output=True, text=True, check=False)
        return run.stdout.split() if run.returncode == 0 else []
    installed = [v for v in pyenv("versions", "--bare") if v[:1].isdigit()]
    current = [v for v in os.environ.get("PYENV_VERSION", "").split(":") if v] or pyenv("version-name")[:1]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(current + installed))


_expose_pyenv_pythons()


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """The project's dependencies (unless `project=False`) plus the named dependency groups from pyproject.toml."""
    extra = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    session.install(*(DEPENDENCIES if project else []), *extra)


@nox.session(python=PYTHON, default=False)
def build(session: nox.Session) -> None:
    """The main job: train the default model, generate the artifact, verify it against torch, draw the report."""
    install(session)
    session.run("python", "-m", "train", "--out", CHECKPOINT, *session.posargs)
    session.run("python", "-m", "codegen", "--checkpoint", CHECKPOINT, "--out", ARTIFACT)
    session.run("python", "-m", "codegen.verify", "--checkpoint", CHECKPOINT, "--artifact", ARTIFACT)
    session.run("python", "-m", "report")


@nox.session(python=PYTHON, default=False)
def generate(session: nox.Session) -> None:
    """Regenerate the artifact from the committed checkpoint (no training)."""
    install(session)
    session.run("python", "-m", "codegen", "--checkpoint", CHECKPOINT, "--out", ARTIFACT)


@nox.session(python=PYTHON)
def verify(session: nox.Session) -> None:
    """Prove the committed artifact is current, runs without torch, and matches torch on all 1,797 digits."""
    install(session)
    session.run("python", "-m", "codegen.verify", "--checkpoint", CHECKPOINT, "--artifact", ARTIFACT)


@nox.session(python=PYTHON, default=False)
def report(session: nox.Session) -> None:
    """Draw reports/index.html from the committed checkpoint and artifact; refresh the README's images in docs/."""
    install(session)
    session.run("python", "-m", "report", *session.posargs)


@nox.session(python=PYTHON, default=False)
def study(session: nox.Session) -> None:
    """Cross-validated architecture/training study on the training part (cached); writes docs/study, redraws."""
    install(session)
    session.run("python", "-m", "train.study", *session.posargs)
    session.run("python", "-m", "report")


@nox.session(python=PYTHON, default=False)
def evaluate(session: nox.Session) -> None:
    """Train, generate and score the default config on split seeds 0-4, beside SVC, kNN and MLPClassifier."""
    install(session)
    runs = ".cache/evaluate"
    seeds = session.posargs or ["0", "1", "2", "3", "4"]
    for seed in seeds:  # exactly the two commands a user would run to reproduce one split
        session.run("python", "-m", "train", "--split-seed", seed, "--out", f"{runs}/split-{seed}.pt", "--quiet")
        session.run("python", "-m", "codegen", "--checkpoint", f"{runs}/split-{seed}.pt", "--out", f"{runs}/split-{seed}.py")
    session.run("python", "-m", "report.evaluation", "--runs", runs, "--seeds", *seeds)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest); pass pytest options after --."""
    install(session, "test")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint everything, the generated artifact included (ruff)."""
    install(session, "lint", project=False)
    session.run("ruff", "check", ".", *session.posargs)


@nox.session(python=PORTABLE_PYTHONS, default=False)
@nox.parametrize("numpy", ["1.26", "2"])
def portability(session: nox.Session, numpy: str) -> None:
    """Run the artifact's own tests and --self-test under Python 3.9-3.13 with NumPy 1.26 and the newest NumPy 2."""
    if numpy == "1.26" and session.python == "3.13":
        session.skip(f"NumPy 1.26 has no release for Python {session.python}")
    # scikit-learn only loads the digits for the tests; the artifact itself imports nothing but NumPy
    spec = "numpy==1.26.*" if numpy == "1.26" else "numpy>=2"
    session.install(spec, "scikit-learn", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("python", "-c", "import sys, numpy; print('Python', sys.version.split()[0], 'NumPy', numpy.__version__)")
    session.run("python", ARTIFACT, "--self-test")
    session.run("pytest", "tests/artifact", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the artifact against torch and ONNX Runtime on the same weights, one thread; writes docs/bench."""
    install(session, "bench")
    one_thread = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    session.run("python", "-m", "bench", *session.posargs, env=one_thread)
