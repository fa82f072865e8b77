"""The micrograd pattern: the same computation in torch and in the generated NumPy file must agree."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from codegen.arrays import LOGIT_TOLERANCE, from_checkpoint
from codegen.render import render
from codegen.verify import VerificationError, parity, torch_free_logits, verify
from tests.conftest import MODEL_ARTIFACT, MODEL_CHECKPOINT, import_file, needs_node, tamper_first_number
from tests.tiny import tiny_config
from train import checkpoint
from train.data import load_all
from train.loop import fit, predict_logits
from train.model import ACTIVATIONS


def test_shipped_artifact_matches_torch_on_all_1797_digits(shipped: ModuleType) -> None:
    ckpt = checkpoint.load(MODEL_CHECKPOINT)
    x, _ = load_all()
    expected = predict_logits(ckpt.build_model(), x)
    got = shipped.logits(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.argmax(axis=1), expected.argmax(axis=1))
    assert np.abs(got.astype(np.float64) - expected).max() <= LOGIT_TOLERANCE


def test_shipped_artifact_accuracy_equals_torch_accuracy_from_the_checkpoint(shipped: ModuleType) -> None:
    ckpt = checkpoint.load(MODEL_CHECKPOINT)
    x, _y = load_all()
    result = parity(ckpt, shipped.logits(x), predict_logits(ckpt.build_model(), x))
    assert result.ok
    assert result.accuracy["artifact"]["test"] == pytest.approx(ckpt.test_accuracy, abs=1e-12)
    assert result.accuracy["artifact"]["train"] == pytest.approx(ckpt.train_accuracy, abs=1e-12)


@pytest.mark.parametrize(
    "model",
    [{"activation": name, "hidden": (12, 10)} for name in sorted(ACTIVATIONS)]
    + [{"hidden": ()}, {"hidden": (12, 10), "weight_bits": 4}],
    ids=lambda model: (
        f"{model.get('activation', 'linear')}-{len(model['hidden'])}-hidden"
        + (f"-{model['weight_bits']}-bit" if "weight_bits" in model else "")
    ),
)
def test_every_activation_and_depth_matches_torch(model: dict[str, object], tmp_path: Path) -> None:
    ckpt = checkpoint.from_result(fit(tiny_config(**model), progress=False))
    path = tmp_path / "variant.py"
    source = render(from_checkpoint(ckpt))
    assert ("np.ldexp(" in source) == ("weight_bits" in model)  # whole-number weights exactly when trained so
    path.write_text(source, encoding="utf-8")
    module = import_file(path, f"variant_{tmp_path.name}")
    x, _ = load_all()
    expected = predict_logits(ckpt.build_model(), x)
    got = module.logits(x)
    np.testing.assert_array_equal(got.argmax(axis=1), expected.argmax(axis=1))
    assert np.abs(got.astype(np.float64) - expected).max() <= LOGIT_TOLERANCE
    assert module.self_test() == []


def test_artifact_runs_where_torch_cannot_be_imported(tiny_artifact_path: Path, tiny_artifact: ModuleType) -> None:
    x, _ = load_all()
    np.testing.assert_array_equal(torch_free_logits(tiny_artifact_path, x[:50]), tiny_artifact.logits(x[:50]))


def test_torch_free_run_fails_if_the_artifact_imports_torch(tiny_artifact_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "imports_torch.py"
    source = tiny_artifact_path.read_text(encoding="utf-8").replace("\nimport sys\n", "\nimport sys\nimport torch\n")
    bad.write_text(source, encoding="utf-8")
    x, _ = load_all()
    with pytest.raises(VerificationError, match="blocked"):
        torch_free_logits(bad, x[:5])


@needs_node  # verify runs the JavaScript twin too
def test_verify_passes_on_the_committed_tree() -> None:
    torch_parity, js_parity = verify(MODEL_CHECKPOINT, MODEL_ARTIFACT)
    assert torch_parity.ok
    assert js_parity.ok
    assert js_parity.n_identical == js_parity.n_inputs == 11_797


def test_verify_fails_after_one_weight_is_hand_edited(tmp_path: Path) -> None:
    edited = tmp_path / "digits_infer.py"
    edited.write_text(tamper_first_number(MODEL_ARTIFACT.read_text(encoding="utf-8"), "_W1", 0.001), encoding="utf-8")
    with pytest.raises(VerificationError, match="differs from a fresh render"):
        verify(MODEL_CHECKPOINT, edited)
    module = import_file(edited, "edited_predictor")
    assert any("weights sha256" in p for p in module.self_test())
