from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.tiny import tiny_config
from train import checkpoint
from train.__main__ import main as train_main
from train.calibrate import SURE_ACCURACY, SURE_GRID, answered, sure_threshold
from train.config import TrainConfig
from train.loop import LOG_EVERY, fit
from train.model import MLP, ModelConfig, quantized


def test_training_is_bit_identical_with_the_same_seeds() -> None:
    config = tiny_config(augment=True, dropout=0.2)  # every source of randomness: init, order, dropout, distortions
    a = fit(config, progress=False).model.state_dict()
    b = fit(config, progress=False).model.state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_a_log_gets_a_line_every_few_epochs_not_one_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    config = dataclasses.replace(tiny_config(), epochs=LOG_EVERY + 2)
    fit(config, progress=True)  # stderr is captured: not a terminal, so no progress bar either
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in lines] == [f"epoch {LOG_EVERY}", f"epoch {LOG_EVERY + 2}"]


def test_a_different_seed_gives_different_weights() -> None:
    a = fit(tiny_config(), progress=False).model.state_dict()
    b = fit(dataclasses.replace(tiny_config(), seed=1), progress=False).model.state_dict()
    assert not torch.equal(a["layers.0.weight"], b["layers.0.weight"])


def test_tiny_model_learns_well_above_chance() -> None:
    result = fit(tiny_config(), progress=False)
    assert result.test_accuracy > 0.8
    assert [e.epoch for e in result.history] == [1, 2, 3]


@pytest.mark.parametrize("hidden", [(), (8,), (12, 8, 6)])
def test_model_depth_is_configurable(hidden: tuple[int, ...]) -> None:
    model = MLP(ModelConfig(hidden=hidden, activation="tanh"))
    assert len(model.layers) == len(hidden) + 1
    assert model(torch.zeros(5, 64)).shape == (5, 10)
    assert sum(p.numel() for p in model.parameters()) == ModelConfig(hidden=hidden).n_parameters()


def test_input_scaling_happens_inside_the_model() -> None:
    model = MLP(ModelConfig(hidden=(), input_scale=0.5)).eval()
    with torch.no_grad():
        x = torch.full((1, 64), 2.0)
        expected = model.layers[0](x * 0.5)
        assert torch.equal(model(x), expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "gelu"}, "activation must be one of"),
        ({"hidden": (0,)}, "hidden sizes must be positive"),
        ({"dropout": 1.0}, "dropout must be in"),
        ({"weight_bits": 1}, "weight_bits must be 0"),
        ({"weight_bits": 17}, "weight_bits must be 0"),
    ],
)
def test_bad_model_config_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ModelConfig(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("bits", [2, 5, 8])
def test_trained_weights_are_whole_numbers_of_the_bits_times_a_power_of_two_per_output(bits: int) -> None:
    model = fit(tiny_config(weight_bits=bits), progress=False).model
    limit = 2 ** (bits - 1) - 1
    for layer in model.layers:
        weight = layer.weight.detach().double()
        for row in weight:  # one output: its weights share one step
            step = row.abs().max() / limit
            power = 2.0 ** torch.ceil(torch.log2(step))
            whole = row / power
            assert torch.equal(whole, torch.round(whole)), "on the grid of its power of two"
            assert whole.abs().max() <= limit
        assert not torch.signbit(weight[weight == 0]).any(), "no -0.0"


def test_quantised_training_learns_and_its_eval_forward_is_the_stored_weights() -> None:
    result = fit(tiny_config(weight_bits=4), progress=False)
    assert result.test_accuracy > 0.8
    model = result.model.eval()
    plain = MLP(dataclasses.replace(model.config, weight_bits=0)).eval()
    plain.load_state_dict(model.state_dict())
    x = torch.from_numpy(result.data.x_test)
    with torch.no_grad():
        assert torch.equal(model(x), plain(x))  # rounding a snapped weight gives it back


def test_quantisation_passes_gradients_straight_through() -> None:
    model = MLP(ModelConfig(hidden=(8,), weight_bits=3)).train()
    model(torch.rand(4, 64) * 16).sum().backward()
    for layer in model.layers:
        assert layer.weight.grad is not None
        assert layer.weight.grad.abs().sum() > 0
    weight = torch.tensor([[0.3, -0.05, -0.2], [0.0, 0.0, 0.0]])  # 3 bits: steps of 2**-3 up to 3 steps
    rounded = quantized(weight, 3)
    assert torch.equal(rounded, torch.tensor([[0.25, 0.0, -0.25], [0.0, 0.0, 0.0]]))
    assert not torch.signbit(rounded[rounded == 0]).any()


def test_checkpoint_round_trip_keeps_everything(tiny_checkpoint_path: Path) -> None:
    ckpt = checkpoint.load(tiny_checkpoint_path)
    assert ckpt.config == tiny_config()
    assert ckpt.classes == tuple(range(10))
    assert ckpt.pixel_range == (0.0, 16.0)
    assert ckpt.torch_version == str(torch.__version__)
    assert len(ckpt.history) == 3
    assert ckpt.test_accuracy == ckpt.history[-1].test_accuracy
    again = tiny_checkpoint_path.parent / "again.pt"
    checkpoint.save(ckpt, again)
    reloaded = checkpoint.load(again)
    for key, value in ckpt.state_dict.items():
        assert torch.equal(value, reloaded.state_dict[key])
    model = ckpt.build_model()
    x = torch.from_numpy(np.arange(64, dtype=np.float32).reshape(1, 64) % 17)
    assert torch.equal(model(x), reloaded.build_model()(x))


def test_load_rejects_missing_foreign_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(checkpoint.CheckpointError, match="no checkpoint at"):
        checkpoint.load(tmp_path / "missing.pt")
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    with pytest.raises(checkpoint.CheckpointError, match="expected a checkpoint of format"):
        checkpoint.load(foreign)
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a zip file")
    with pytest.raises(checkpoint.CheckpointError, match="not a readable torch checkpoint"):
        checkpoint.load(corrupt)


def test_load_refuses_pickled_code(tmp_path: Path) -> None:
    evil = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "payload": Path("x")}, evil)  # an arbitrary class, not allowed
    with pytest.raises(checkpoint.CheckpointError, match="not a readable torch checkpoint"):
        checkpoint.load(evil)


def test_cli_writes_a_loadable_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "cli.pt"
    code = train_main(["--out", str(out), "--hidden", "8", "--epochs", "2", "--split-seed", "2", "--quiet"])
    assert code == 0
    ckpt = checkpoint.load(out)
    assert ckpt.config.split_seed == 2
    assert ckpt.config.model.hidden == (8,)
    assert [p.name for p in out.parent.iterdir()] == ["cli.pt"]  # no temporary file left behind
    assert ckpt.calibration["folds"] == 3
    assert 0.05 <= ckpt.calibration["temperature"] <= 20
    # on the logits it was fitted to, calibration cannot make the likelihood worse (ECE can move either way)
    assert ckpt.calibration["out_of_fold_nll_after"] <= ckpt.calibration["out_of_fold_nll_before"]
    # "not sure" threshold: measured on MNIST's tune half, a point of the grid, its answers there as right as asked
    assert ckpt.calibration["sure_at"] in SURE_GRID
    assert ckpt.calibration["sure_mnist_tune_answered_accuracy"] >= SURE_ACCURACY or ckpt.calibration["sure_at"] == 0.95


def test_the_sure_threshold_is_the_smallest_whose_answers_are_right_often_enough() -> None:
    # four rows: two confident and right, one hesitant and right, one hesitant and wrong
    proba = np.array([[0.97, 0.03], [0.03, 0.97], [0.6, 0.4], [0.45, 0.55]])
    labels = np.array([0, 1, 0, 0])
    assert answered(proba, labels, 0.0) == (1.0, 0.75)
    assert answered(proba, labels, 0.56) == (0.75, 1.0)
    assert sure_threshold(proba, labels, accuracy=0.75) == 0.0
    assert sure_threshold(proba, labels, accuracy=0.9) == 0.6  # 0.55 still answers the wrong 0.55 row
    assert answered(proba, labels, 0.99) == (0.0, 1.0)  # nothing answered: nothing wrong


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        train_main(["--hidden", "12,x"])
    assert exit_info.value.code == 2
    assert "expected comma-separated widths" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        train_main(["--weight-bits", "1"])
    assert exit_info.value.code == 2
    assert "weight_bits must be 0 (float32 weights) or 2..16" in capsys.readouterr().err


def test_cli_defaults_are_the_shipped_configuration() -> None:
    from train.__main__ import parse_args

    config, _ = parse_args([])
    assert config == TrainConfig()  # the model too: `python -m train` trains what the study chose
    assert parse_args(["--weight-bits", "0"])[0].model.weight_bits == 0
