"""Shared fixtures. This module must import without torch: `tests/artifact` runs under Python 3.9-3.13 with only
NumPy, pytest, hypothesis and scikit-learn (to load the digits) installed; torch fixtures import lazily."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMITTED_CHECKPOINT = ROOT / "generated" / "model.pt"
COMMITTED_ARTIFACT = Path(os.environ.get("DIGITS_INFER_ARTIFACT", ROOT / "generated" / "digits_infer.py"))


def import_file(path: Path, name: str) -> ModuleType:
    """Import a Python file under an arbitrary module name, as a user who copied it would."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def array_literals(source: str) -> dict[str, np.ndarray]:
    """Every module-level `NAME = np.fromstring("<numbers>", dtype=np.float32|np.int64, sep=" ").reshape(<shape>)`
    in `source`, read with `ast` (no import, no exec) and parsed the way the artifact parses it."""
    import ast

    arrays = {}
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Assign) else None
        if not (isinstance(call, ast.Call) and ast.unparse(call.func).startswith("np.fromstring(")):
            continue
        inner = call.func.value  # type: ignore[attr-defined]
        assert ast.unparse(inner.func) == "np.fromstring"
        keywords = {k.arg: ast.unparse(k.value) for k in inner.keywords}
        assert keywords["sep"] == "' '"
        dtype = {"np.float32": np.float32, "np.int64": np.int64}[keywords["dtype"]]
        shape = tuple(ast.literal_eval(a) for a in call.args)
        text = ast.literal_eval(inner.args[0])
        arrays[node.targets[0].id] = np.fromstring(text, dtype=dtype, sep=" ").reshape(shape)  # type: ignore[attr-defined]
    return arrays


def tamper_first_number(source: str, name: str, delta: float) -> str:
    """`source` with the first number of array `name` changed by `delta`: a one-weight hand edit."""
    start = source.index(f"\n{name} = np.fromstring(")
    quote = source.index('"', start) + 1
    end = source.index(" ", quote)
    return source[:quote] + repr(float(source[quote:end]) + delta) + source[end:]


@pytest.fixture(scope="session")
def shipped() -> ModuleType:
    """The committed artifact, imported under a different name than its file's."""
    return import_file(COMMITTED_ARTIFACT, "shipped_digits_predictor")


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
