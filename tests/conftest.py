"""Shared fixtures. This module must import without torch: `tests/artifact` runs under Python 3.9-3.13 with only
NumPy, pytest, hypothesis and scikit-learn (to load the digits) installed; torch fixtures import lazily, and
`codegen.artifact` and `train.paths` need only the standard library."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from codegen.artifact import load_artifact as import_file
from train import paths

ROOT = Path(__file__).resolve().parent.parent
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js 18+ (apt-get install nodejs)")
# The model under test: the working tree's checkpoint and the artifact generated from it — committed, or rebuilt by
# `nox -s build` — unless DIGITS_INFER_CHECKPOINT / DIGITS_INFER_ARTIFACT name another pair (`nox -s seeds` runs the
# suite against the models of other training seeds that way).
MODEL_CHECKPOINT = Path(os.environ.get("DIGITS_INFER_CHECKPOINT", ROOT / paths.CHECKPOINT)).resolve()
MODEL_ARTIFACT = Path(os.environ.get("DIGITS_INFER_ARTIFACT", ROOT / paths.ARTIFACT)).resolve()


def array_literals(source: str) -> dict[str, np.ndarray]:
    """Every module-level `NAME = np.array(<literal>, dtype=np.float32|np.int32|np.int64)` in `source`, and every
    whole-number weight `NAME = np.ldexp(np.array(<literal>, …), -EXPONENTS)`, read with `ast` and
    `ast.literal_eval` only: nothing in the file is imported or executed."""
    import ast

    def literal_array(call: ast.expr) -> np.ndarray | None:
        if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "np.array"):
            return None
        keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
        dtype = {"np.float32": np.float32, "np.int32": np.int32, "np.int64": np.int64}[keywords["dtype"]]
        literal = ast.literal_eval(call.args[0])
        assert isinstance(literal, tuple), "array literals are nested tuples"
        return np.array(literal, dtype=dtype)

    arrays = {}
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Assign) else None
        array = literal_array(call)
        if array is None and isinstance(call, ast.Call) and ast.unparse(call.func) == "np.ldexp":
            whole, exponents = literal_array(call.args[0]), ast.unparse(call.args[1])
            assert whole is not None, ast.unparse(call)
            assert exponents.startswith("-"), ast.unparse(call)
            array = np.ldexp(whole, -arrays[exponents[1:]])
        if array is not None:
            arrays[node.targets[0].id] = array
    return arrays


def tamper_first_number(source: str, name: str, delta: float) -> str:
    """`source` with the first number of array `name` changed by `delta`: a one-weight hand edit."""
    import re

    start = source.index(f"\n{name} = np.")  # np.array( or, for whole-number weights, np.ldexp(np.array(
    number = re.compile(r"^\s*\(+(-?\d[\d.e+-]*)", re.MULTILINE).search(source, start + 1)  # skips `# row` lines
    assert number is not None
    return source[: number.start(1)] + repr(float(number.group(1)) + delta) + source[number.end(1) :]


@pytest.fixture(scope="session")
def shipped() -> ModuleType:
    """The committed artifact, imported under a different name than its file's."""
    return import_file(MODEL_ARTIFACT, "shipped_digits_predictor")


@pytest.fixture(scope="session")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits: raw pixels float32 (n, 64), labels int64."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data.astype(np.float32), data.target.astype(np.int64)


@pytest.fixture(scope="session")
def tiny_checkpoint_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny import tiny_config
    from train import checkpoint
    from train.loop import fit

    path = tmp_path_factory.mktemp("tiny") / "tiny.pt"
    checkpoint.save(checkpoint.from_result(fit(tiny_config(), progress=False)), path)
    return path


@pytest.fixture(scope="session")
def tiny_checkpoint(tiny_checkpoint_path: Path):  # -> train.checkpoint.Checkpoint
    from train import checkpoint

    return checkpoint.load(tiny_checkpoint_path)


@pytest.fixture(scope="session")
def tiny_artifact_path(tiny_checkpoint, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from codegen.arrays import from_checkpoint
    from codegen.render import render

    path = tmp_path_factory.mktemp("artifact") / "tiny_predictor.py"
    path.write_text(render(from_checkpoint(tiny_checkpoint)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_artifact(tiny_artifact_path: Path) -> ModuleType:
    return import_file(tiny_artifact_path, "tiny_predictor_under_test")
