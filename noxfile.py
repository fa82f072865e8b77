"""Every workflow of digits-infer; `nox -l` lists them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nox

# `python -m nox` puts the working folder on sys.path and the `nox` command does not: make both import the project's
# one definition of its paths the same way, from the folder this file is in.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import paths

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"  # pip inside venv: pip finds the local torch wheel, uv does not
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "verify"]  # a bare `nox`: cheap and useful

PYTHON = "3.11"  # the torch 2.13.0 CPU wheel on these machines is built for CPython 3.11
PORTABLE_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]  # what the artifact promises
PYPROJECT = nox.project.load_toml("pyproject.toml")
CHECKPOINT, ARTIFACT = str(paths.CHECKPOINT), str(paths.ARTIFACT)
KERNELS = "docs/portability/kernels"  # the OpenBLAS kernel matrix, written by the 3.11 × newest NumPy run


def install(session: nox.Session, *groups: str) -> None:
    """The named dependency groups from pyproject.toml."""
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups))


FONTS = "/usr/share/fonts/truetype"
SYSTEM_PACKAGES = {  # Debian package: what shows it is installed
    "chromium": lambda: shutil.which("chromium") is not None,  # the page's browser tests and its screenshot
    "nodejs": lambda: shutil.which("node") is not None,  # the JavaScript twin's parity (verify) and tests
    "fonts-dejavu-core": lambda: os.path.isfile(f"{FONTS}/dejavu/DejaVuSans.ttf"),  # printed digits: training and
    "fonts-liberation": lambda: os.path.isfile(f"{FONTS}/liberation/LiberationSans-Regular.ttf"),  # the benchmark
}


def system_packages(session: nox.Session) -> None:
    """Install the Debian packages the project needs and this machine lacks (apt-get, as root or through a
    password-less sudo). Where that cannot be done, say what is missing and go on: Node's checks fail with that
    message, browser tests skip with it, and the benchmark's table notes the fonts it could not measure."""
    missing = [name for name, present in SYSTEM_PACKAGES.items() if not present()]
    if not missing:
        return
    root = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if shutil.which("apt-get") is None or (root and shutil.which("sudo") is None):
        session.warn(f"missing Debian packages, not installed here (no apt-get or no root): {' '.join(missing)}")
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run(*root, "apt-get", "update", "-qq", external=True, env=env)
    session.run(*root, "apt-get", "install", "-y", "-qq", *missing, external=True, env=env)


def pyenv_env() -> dict[str, str]:
    """An environment in which pyenv's `python3.X` shims run every installed version (shims only run selected
    ones), the current choice first; empty without pyenv. Only the portability sessions need it."""
    if shutil.which("pyenv") is None:
        return {}

    def pyenv(*args: str) -> list[str]:
        run = subprocess.run(["pyenv", *args], capture_output=True, text=True, check=False)
        return run.stdout.split() if run.returncode == 0 else []

    installed = [v for v in pyenv("versions", "--bare") if v[:1].isdigit()]
    current = [v for v in os.environ.get("PYENV_VERSION", "").split(":") if v] or pyenv("version-name")[:1]
    return {"PYENV_VERSION": ":".join(dict.fromkeys(current + installed))}


@nox.session(python=PYTHON, default=False)
def build(session: nox.Session) -> None:
    """The main job: train the default model, generate the artifact, verify it against torch, draw the report."""
    install(session, "run")
    system_packages(session)
    session.run("python", "-m", "train", "--out", CHECKPOINT, *session.posargs)
    session.run("python", "-m", "codegen", "--checkpoint", CHECKPOINT, "--out", ARTIFACT)
    session.run("python", "-m", "codegen.verify", "--checkpoint", CHECKPOINT, "--artifact", ARTIFACT)
    session.run("python", "-m", "report")


@nox.session(python=PYTHON, default=False)
def generate(session: nox.Session) -> None:
    """Regenerate the artifact from the committed checkpoint (no training)."""
    install(session, "run")
    session.run("python", "-m", "codegen", "--checkpoint", CHECKPOINT, "--out", ARTIFACT)


@nox.session(python=PYTHON)
def verify(session: nox.Session) -> None:
    """Prove the committed artifact is current, runs without torch, and matches torch on all 1,797 digits."""
    install(session, "run")
    system_packages(session)
    session.run("python", "-m", "codegen.verify", "--checkpoint", CHECKPOINT, "--artifact", ARTIFACT)


@nox.session(python=PYTHON, default=False)
def report(session: nox.Session) -> None:
    """Draw reports/index.html from the committed checkpoint and artifact; refresh the README's images in docs/."""
    install(session, "run")
    system_packages(session)
    session.run("python", "-m", "report", *session.posargs)


@nox.session(python=PYTHON, default=False)
def study(session: nox.Session) -> None:
    """Cross-validated study on the training part, plus each config's reported test score (cached); redraws."""
    install(session, "run")
    system_packages(session)
    session.run("python", "-m", "train.study", *session.posargs)
    session.run("python", "-m", "report")


@nox.session(python=PYTHON, default=False)
def evaluate(session: nox.Session) -> None:
    """Train, generate and score the default config on split seeds 0-4, beside SVC, kNN and MLPClassifier."""
    install(session, "run")
    system_packages(session)
    runs = str(paths.EVALUATION_RUNS)
    seeds = session.posargs or ["0", "1", "2", "3", "4"]
    for seed in seeds:  # exactly the two commands a user would run to reproduce one split
        session.run("python", "-m", "train", "--split-seed", seed, "--out", f"{runs}/split-{seed}.pt", "--quiet")
        session.run(
            "python", "-m", "codegen", "--checkpoint", f"{runs}/split-{seed}.pt", "--out", f"{runs}/split-{seed}.py"
        )
    session.run("python", "-m", "report.evaluation", "--runs", runs, "--seeds", *seeds)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest); pass pytest options after --."""
    install(session, "test")
    system_packages(session)
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON, default=False)
def seeds(session: nox.Session) -> None:
    """The whole test suite against the models of training seeds 0-4 (`-- 1 3` for some): no test passes on luck."""
    install(session, "test")
    system_packages(session)
    runs = str(paths.SEED_RUNS)
    for seed in session.posargs or ["0", "1", "2", "3", "4"]:
        model, artifact = f"{runs}/seed-{seed}.pt", f"{runs}/seed-{seed}.py"
        session.run("python", "-m", "train", "--seed", seed, "--out", model, "--quiet")
        session.run("python", "-m", "codegen", "--checkpoint", model, "--out", artifact)
        session.log(f"the test suite against training seed {seed}'s model")
        session.run("pytest", "-q", env={"DIGITS_INFER_CHECKPOINT": model, "DIGITS_INFER_ARTIFACT": artifact})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint and check formatting of everything (ruff); the generated artifact is linted too."""
    install(session, "lint")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PORTABLE_PYTHONS, default=False)
@nox.parametrize("numpy", ["1.26", "2"])
def portability(session: nox.Session, numpy: str) -> None:
    """The artifact's tests, --self-test and the OpenBLAS kernel matrix on Python 3.9-3.13 × NumPy 1.26 / newest 2."""
    if numpy == "1.26" and session.python == "3.13":
        session.skip(f"NumPy 1.26 has no release for Python {session.python}")
    # scikit-learn only loads the digits for the tests; the artifact itself imports nothing but NumPy
    session.install(
        "numpy==1.26.*" if numpy == "1.26" else "numpy>=2", *nox.project.dependency_groups(PYPROJECT, "artifact-test")
    )
    session.run(
        "python", "-c", "import sys, numpy; print('Python', sys.version.split()[0], 'NumPy', numpy.__version__)"
    )
    session.run("python", ARTIFACT, "--self-test")
    session.run("pytest", "tests/artifact", "-q", "-p", "no:cacheprovider", *session.posargs)
    writes = ["--write", f"{KERNELS}.md"] if (session.python, numpy) == (PYTHON, "2") else []
    session.run("python", "bench/blas_kernels.py", ARTIFACT, "--expect", f"{KERNELS}.json", *writes)


# nox looks for python3.9 … python3.13 before a session's code runs, so pyenv's versions are made visible while the
# noxfile loads, and only when a portability session was asked for: every other session keeps the caller's pyenv.
if any("portability" in arg for arg in sys.argv[1:]):
    os.environ.update(pyenv_env())


@nox.session(python=PYTHON, default=False)
def realinput(session: nox.Session) -> None:
    """The real-input benchmark: pens, fonts, paper, light, clutter, canvas exports, phone photos; docs/realinput."""
    install(session, "run")
    system_packages(session)
    session.run("python", "-m", "report.realinput", *session.posargs)


@nox.session(python=PYTHON, default=False)
def numbers(session: nox.Session) -> None:
    """read()'s benchmark: numbers composed from MNIST digits and written with pens and fonts; docs/numbers."""
    install(session, "run")
    session.run("python", "-m", "report.numbers", *session.posargs)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the artifact against ONNX Runtime, torch and float64/float32 floors, one thread; writes docs/bench."""
    install(session, "bench")
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python=PYTHON, default=False)
def page(session: nox.Session) -> None:
    """Drive the drawing page in headless Chromium and save the README's screenshot (docs/page.png)."""
    install(session, "test")
    system_packages(session)
    session.run("pytest", "tests/test_page.py", "-q", env={"DIGITS_INFER_SCREENSHOT": "docs/page.png"})


@nox.session(python=PYTHON, default=False)
def dev(session: nox.Session) -> None:
    """Make `.venv` with every dependency group, for running `python -m train …` and pytest by hand."""
    system_packages(session)
    session.run("python", "-m", "venv", ".venv")
    session.run(".venv/bin/python", "-m", "pip", "install", "--quiet", "--upgrade", "pip", external=True)
    session.run(
        ".venv/bin/python", "-m", "pip", "install", *nox.project.dependency_groups(PYPROJECT, "dev"), external=True
    )
    session.log("ready: source .venv/bin/activate")
