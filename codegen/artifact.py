"""Import a generated artifact from its file, under a module name of the caller's choosing, as a user who copied
it anywhere would. Standard library only: the artifact's own tests use it where torch is not installed."""

from __future__ import annotations

import importlib.util
import os
from types import ModuleType


def load_artifact(path: str | os.PathLike[str], name: str = "digits_infer_loaded") -> ModuleType:
    """The module in the file at `path`, executed fresh (not cached in `sys.modules`)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot import {path}: expected a generated digits_infer .py file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
