"""Every table the README shows is a file a nox session wrote, quoted verbatim, so its numbers cannot drift."""

from __future__ import annotations

import re

import pytest

from tests.conftest import COMMITTED_ARTIFACT, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUOTED = re.findall(r"<!-- (docs/[\w/.]+) -->\n(.*?)<!-- end -->", README, flags=re.DOTALL)


def test_readme_quotes_the_session_outputs() -> None:
    assert {path for path, _ in QUOTED} >= {
        "docs/evaluation/evaluation.md",
        "docs/study/summary.md",
        "docs/bench/bench.md",
        "docs/portability/kernels.md",
    }


@pytest.mark.parametrize(("path", "quoted"), QUOTED, ids=[path for path, _ in QUOTED])
def test_each_quoted_table_equals_the_file_the_session_wrote(path: str, quoted: str) -> None:
    assert quoted == (ROOT / path).read_text(encoding="utf-8"), f"README is stale: paste {path} again"


def test_the_sample_of_the_generated_file_is_in_the_generated_file() -> None:
    sample = README.split("```python\n_W1 = np.array(", 1)[1].split("\n         ...),", 1)[0]
    assert "_W1 = np.array(" + sample in COMMITTED_ARTIFACT.read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    command = next(line for line in README.splitlines() if line.endswith("# the tests")).split("#")[0].strip()
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
