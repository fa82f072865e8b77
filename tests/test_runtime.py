"""The runtime the artifact ships is one real package (`runtime/`), spliced in verbatim: it imports and runs as
itself, the template fills exactly the names it reads, and nothing outside the artifact's own tests reaches into
the generated module's private names."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from types import ModuleType

import numpy as np

import runtime
from codegen.render import artifact_code
from runtime import api, cli, predictor, slots
from runtime import prepare as runtime_prepare
from tests.conftest import ROOT


def _module_names(source: str) -> set[str]:
    """Names assigned at the top level of `source`."""
    names = set()
    for node in ast.parse(source).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _per_layer(name: str) -> bool:
    return re.fullmatch(r"_[WB]\d+", name) is not None


def test_the_template_fills_exactly_the_names_the_runtime_reads(tiny_artifact_path: Path) -> None:
    source = tiny_artifact_path.read_text(encoding="utf-8")
    runtime_start = source.index(artifact_code(predictor))
    rendered = {n for n in _module_names(source[:runtime_start]) if not _per_layer(n)}
    stand_in = {n for n in _module_names(Path(slots.__file__).read_text(encoding="utf-8")) if not _per_layer(n)}
    assert rendered == stand_in


def test_every_runtime_module_is_spliced_in_order(tiny_artifact_path: Path) -> None:
    source = tiny_artifact_path.read_text(encoding="utf-8")
    positions = [source.index(artifact_code(importlib.import_module(m))) for m in runtime.ARTIFACT_MODULES]
    assert positions == sorted(positions)
    assert source.rstrip().endswith('if __name__ == "__main__":\n    sys.exit(_main())')


def test_no_two_runtime_modules_define_the_same_name() -> None:
    # spliced into one file, a second definition would silently replace the first
    seen: dict[str, str] = {}
    for module in runtime.ARTIFACT_MODULES:
        for node in ast.parse(artifact_code(importlib.import_module(module))).body:
            names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []
            if isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                assert name not in seen, f"{name} in {module} and {seen[name]}"
                seen[name] = module


def test_the_public_surface_is_defined_by_the_runtime(tiny_artifact: ModuleType) -> None:
    assert set(api.__all__) == set(tiny_artifact.__all__)
    for name in api.__all__:
        assert hasattr(tiny_artifact, name), name
        assert not name.startswith("_")


def test_the_runtime_runs_as_itself_on_the_stand_in_model() -> None:
    x = predictor.check_inputs(32, 8)
    z = predictor.logits(x)
    assert z.dtype == np.float32
    assert z.shape == (40, 10)
    assert np.array_equal(predictor.logits(x[5]), z[5])  # alone = in a batch, here too
    p = predictor.predict_proba(x)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert predictor.predict(x).tolist() == z.argmax(axis=1).tolist()
    counts = runtime_prepare.prepare(np.kron(x[2].reshape(8, 8), np.ones((4, 4))) * 255 / 16)
    assert counts.shape == (64,)


def test_the_stand_in_self_test_reports_what_the_generator_did_not_record() -> None:
    problems = predictor.self_test()  # the stand-in records no digests: both checks must say so
    assert any("weights sha256" in p for p in problems)
    assert any("check inputs hash to" in p for p in problems)


def test_the_command_line_runs_from_the_runtime(tmp_path: Path, capsys) -> None:
    path = tmp_path / "x.npy"
    np.save(path, predictor.check_inputs(3))
    assert cli._main([str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [str(v) for v in predictor.predict(predictor.check_inputs(3))]


PRIVATE_ACCESS = re.compile(
    r"\b(?:artifact|shipped|module|tiny_artifact|python|loaded|art)\._[A-Za-z]|getattr\([^)]*[\"']_"
)


def test_nothing_outside_the_artifacts_own_tests_reaches_into_its_private_names() -> None:
    own_tests, this_file = ROOT / "tests" / "artifact", Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("codegen", "report", "bench", "train", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not path.is_relative_to(own_tests) and path.resolve() != this_file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PRIVATE_ACCESS.search(line)
    ]
    assert offenders == []


def test_eight_bit_pictures_reach_the_input_grid_in_whole_numbers_with_the_float_paths_bits() -> None:
    """8-bit gray and RGB pictures take a whole-number path (`_bytes_on_grid`); every 8-bit colour and gray value
    must land exactly where scaling, weighting and rounding to the input grid in floats put it (the JavaScript
    twin's path, and the path of every other dtype), or the same picture would read differently."""
    levels = np.arange(256)
    for red in range(0, 256, 16):  # every colour, 16 reds at a time: (16 * 256, 256) pictures
        r, g, b = np.meshgrid(np.arange(red, red + 16), levels, levels, indexing="ij")
        colours = np.stack([r, g, b], axis=-1).astype(np.uint8).reshape(16 * 256, 256, 3)
        whole, one = runtime_prepare._as_images(colours)
        floats, _ = runtime_prepare._as_images(colours / 255.0)
        assert one
        assert whole.dtype == np.float64
        assert np.array_equal(whole, floats)
    gray = levels.astype(np.uint8).reshape(16, 16)
    batch = np.stack([gray, gray.T])
    assert np.array_equal(runtime_prepare._as_images(batch)[0], runtime_prepare._as_images(batch / 255.0)[0])
    on_grid = runtime_prepare._as_images(colours / 255.0)[0] * runtime_prepare._INPUT_GRID
    assert np.array_equal(on_grid, np.round(on_grid))  # and both are on the grid
