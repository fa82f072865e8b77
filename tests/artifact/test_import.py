"""Importing the artifact has no side effects and needs nothing but NumPy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import MODEL_ARTIFACT

PROBE = r"""
import json, sys, warnings
import numpy as np
before = dict(
    printoptions=repr(np.get_printoptions()), err=np.geterr(), path=list(sys.path),
    filters=len(warnings.filters), random=repr(np.random.get_state()[1][:4]),
)
import renamed_predictor
after = dict(
    printoptions=repr(np.get_printoptions()), err=np.geterr(), path=list(sys.path),
    filters=len(warnings.filters), random=repr(np.random.get_state()[1][:4]),
)
forbidden = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "sklearn", "scipy", "train", "codegen"))
sys.stderr.write(json.dumps({"same": before == after, "forbidden": forbidden}))
"""


def test_import_prints_nothing_writes_nothing_and_changes_no_global_state(tmp_path: Path) -> None:
    package = tmp_path / "readonly"
    package.mkdir()
    shutil.copy(MODEL_ARTIFACT, package / "renamed_predictor.py")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    os.chmod(package, 0o555)
    try:
        env = {**os.environ, "PYTHONPATH": str(package), "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=workdir, env=env, capture_output=True, text=True, check=True
        )
    finally:
        os.chmod(package, 0o755)
    report = json.loads(result.stderr)
    assert result.stdout == ""
    assert report == {"same": True, "forbidden": []}
    assert sorted(p.name for p in package.iterdir()) == ["renamed_predictor.py"]
    assert list(workdir.iterdir()) == []


def test_artifact_source_imports_only_the_standard_library_and_numpy() -> None:
    import ast

    tree = ast.parse(MODEL_ARTIFACT.read_text(encoding="utf-8"))
    top, inner = set(), set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
        (top if node in tree.body else inner).update(names)
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"} if sys.version_info >= (3, 10) else None
    assert "numpy" in top
    assert inner - (allowed or inner) <= {"PIL"}  # Pillow: optional, imported only to read a picture file
    if allowed is not None:
        assert top <= allowed, top - allowed
