"""Every table the README shows is a file a nox session wrote, quoted verbatim, so its numbers cannot drift; what
describes one model's weights (the bench, the kernel matrix, the sample rows) says which weights, and is checked
against the working tree's model — or, after a rebuild changed the model, reported as describing other weights."""

from __future__ import annotations

import re
import subprocess

import pytest

from bench.blas_kernels import header_sha256
from tests.conftest import MODEL_ARTIFACT, MODEL_CHECKPOINT, ROOT
from train import paths

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUOTED = re.findall(r"<!-- (docs/[\w/.]+) -->\n(.*?)<!-- end -->", README, flags=re.DOTALL)
DESCRIBES = re.compile(r"[Dd]escribes weights `([0-9a-f]{16})`")
DESCRIBES_RUNTIME = re.compile(r"Describes weights `[0-9a-f]{16}` and runtime `([0-9a-f]{16})`")
SAMPLE = re.compile(
    r"the sample describes weights `([0-9a-f]{16})`; a test checks they are in the file\):\n\n```python\n(.*?)\n```",
    re.DOTALL,
)


def working_tree_weights() -> str:
    """The weights SHA-256 of the artifact under test, read from its header (no import)."""
    return header_sha256(MODEL_ARTIFACT, "weights")


def model_was_rebuilt() -> bool:
    """True when the model under test is not the committed one: `nox -s build` retrained it, or the suite runs
    against another model (`nox -s seeds`)."""
    if MODEL_CHECKPOINT.resolve() != (ROOT / paths.CHECKPOINT).resolve():
        return True
    run = subprocess.run(
        ["git", "diff", "--quiet", "HEAD", "--", str(paths.CHECKPOINT)], cwd=ROOT, capture_output=True, check=False
    )
    return run.returncode == 1


def require_it_describes_this_model(described: str, what: str) -> None:
    """Pass when `described` (a weights prefix) is the working tree's model; skip, naming both, when a rebuild
    changed the model; fail when the committed model and what the README says of it disagree."""
    current = working_tree_weights()
    if current.startswith(described):
        return
    message = f"{what} describes weights {described}, the working tree's model is {current[:16]}"
    if model_was_rebuilt():
        pytest.skip(f"{message} (rebuilt here; the session that wrote it rewrites it)")
    pytest.fail(f"{message}: rerun the session that writes it for the committed model")


def test_readme_quotes_the_session_outputs() -> None:
    assert {path for path, _ in QUOTED} >= {
        "docs/evaluation/evaluation.md",
        "docs/study/summary.md",
        "docs/bench/bench.md",
        "docs/portability/kernels.md",
        "docs/realinput/realinput.md",
        "docs/numbers/numbers.md",
    }


@pytest.mark.parametrize(("path", "quoted"), QUOTED, ids=[path for path, _ in QUOTED])
def test_each_quoted_table_equals_the_file_the_session_wrote(path: str, quoted: str) -> None:
    assert quoted == (ROOT / path).read_text(encoding="utf-8"), f"README is stale: paste {path} again"


TABLES_OF_ONE_ARTIFACT = [
    "docs/bench/bench.md",
    "docs/portability/kernels.md",
    "docs/realinput/realinput.md",
    "docs/numbers/numbers.md",
]


@pytest.mark.parametrize("path", TABLES_OF_ONE_ARTIFACT)
def test_tables_of_one_model_say_which_weights_they_describe(path: str) -> None:
    described = DESCRIBES.match((ROOT / path).read_text(encoding="utf-8"))
    assert described, f"{path} must start with the weights it describes"
    require_it_describes_this_model(described.group(1), path)


@pytest.mark.parametrize("path", TABLES_OF_ONE_ARTIFACT)
def test_tables_of_one_artifact_were_written_by_the_runtime_it_ships(path: str) -> None:
    # the runtime (prepare, read, the command line) is the same whatever the weights: a table written by an older
    # runtime is stale, whichever model is under test
    described = DESCRIBES_RUNTIME.match((ROOT / path).read_text(encoding="utf-8"))
    assert described, f"{path} must start with the weights and runtime it describes"
    runtime = header_sha256(MODEL_ARTIFACT, "runtime")
    assert runtime.startswith(described.group(1)), (
        f"{path} was written by runtime {described.group(1)}: rerun its session"
    )


def test_the_sample_of_the_generated_file_is_in_the_generated_file() -> None:
    found = SAMPLE.search(README)
    assert found, "the README's sample rows must say which weights they come from"
    require_it_describes_this_model(found.group(1), "the README's sample of layer 1")
    sample = re.split(r"\n +\.\.\.\),", found.group(2), maxsplit=1)[0]  # up to the first elided row end
    assert sample.startswith(("_W1 = np.array(", "_W1 = np.ldexp("))
    assert sample in MODEL_ARTIFACT.read_text(encoding="utf-8")


def test_ci_runs_the_readme_commands_in_order() -> None:
    commands = [
        line.split("#")[0].strip()
        for line in README.splitlines()
        if "# the main job" in line or line.endswith("# the tests")
    ]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert all(command in ci for command in commands)
    assert ci.index(commands[0]) < ci.index(commands[1])
