"""Run the artifact where torch, scikit-learn and this project cannot be imported.

Usage: python -I torch_free.py ARTIFACT PIXELS.npy LOGITS.npy

Imports the artifact under a module name of its own (proving the file works copied anywhere, under any name),
writes its logits for the pixels, runs its self-test, and fails if anything forbidden was imported. Standalone on
purpose: it needs only the standard library and NumPy.
"""

import importlib.abc
import importlib.util
import sys

FORBIDDEN = ("torch", "sklearn", "scipy", "jinja2", "train", "codegen")


class _Forbid(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in FORBIDDEN:
            raise ImportError(f"import of {name!r} is blocked: the artifact must need only NumPy")


def main(artifact: str, pixels_path: str, logits_path: str) -> int:
    sys.meta_path.insert(0, _Forbid())
    import numpy as np

    spec = importlib.util.spec_from_file_location("copied_predictor_under_another_name", artifact)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    np.save(logits_path, module.logits(np.load(pixels_path)))
    problems = module.self_test()
    loaded = sorted(m for m in sys.modules if m.partition(".")[0] in FORBIDDEN)
    if loaded:
        problems.append(f"forbidden modules were imported: {loaded}")
    for problem in problems:
        print(f"torch-free run: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
