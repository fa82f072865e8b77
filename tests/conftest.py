"""Shared fixtures: tiny models trained on the real digits, their rendered artifacts, and the committed ones."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from codegen.arrays import from_checkpoint
from codegen.render import render
from train import checkpoint
from train.config import TrainConfig
from train.loop import fit
from train.model import ModelConfig

ROOT = Path(__file__).resolve().parent.parent
COMMITTED_CHECKPOINT = ROOT / "generated" / "model.pt"
COMMITTED_ARTIFACT = ROOT / "generated" / "digits_infer.py"


def tiny_config(**model: object) -> TrainConfig:
    """A model small and short enough to train in well under a second."""
    return TrainConfig(model=ModelConfig(**{"hidden": (16,), **model}), epochs=3, lr=2e-2)


def import_file(path: Path, name: str) -> ModuleType:
    """Import a Python file under an arbitrary module name, as a user who copied it would."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_checkpoint_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.pt"
    checkpoint.save(checkpoint.from_result(fit(tiny_config(), progress=False)), path)
    return path


@pytest.fixture(scope="session")
def tiny_checkpoint(tiny_checkpoint_path: Path) -> checkpoint.Checkpoint:
    return checkpoint.load(tiny_checkpoint_path)


@pytest.fixture(scope="session")
def tiny_artifact_path(tiny_checkpoint: checkpoint.Checkpoint, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("artifact") / "tiny_predictor.py"
    path.write_text(render(from_checkpoint(tiny_checkpoint)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_artifact(tiny_artifact_path: Path) -> ModuleType:
    return import_file(tiny_artifact_path, "tiny_predictor_under_test")


@pytest.fixture(scope="session")
def shipped() -> ModuleType:
    """The committed artifact, imported under a different name than its file's."""
    return import_file(COMMITTED_ARTIFACT, "shipped_digits_predictor")


@pytest.fixture
def python() -> str:
    return sys.executable
