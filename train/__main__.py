"""`python -m train`: train a model and write its checkpoint."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence

from train import checkpoint, paths
from train.calibrate import calibrate, with_sure_threshold
from train.config import TrainConfig
from train.loop import fit
from train.model import ACTIVATIONS, ModelConfig


def _hidden(text: str) -> tuple[int, ...]:
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated widths like 256,128 or 'none', got {text!r}"
        ) from None


def parse_args(argv: Sequence[str] | None = None) -> tuple[TrainConfig, argparse.Namespace]:
    """Parse the command line into a `TrainConfig`; defaults come from the dataclasses."""
    t = TrainConfig()
    m = t.model
    p = argparse.ArgumentParser(prog="python -m train", description=__doc__)
    p.add_argument("--out", default=str(paths.CHECKPOINT), help="checkpoint path (default: %(default)s)")
    p.add_argument("--split-seed", type=int, default=t.split_seed, help="seed of the 80/20 stratified split")
    p.add_argument("--seed", type=int, default=t.seed, help="seed of initialisation, batch order, dropout")
    p.add_argument("--hidden", type=_hidden, default=m.hidden, help="hidden widths, e.g. 256,128; 'none' for 0")
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default=m.activation)
    p.add_argument("--dropout", type=float, default=m.dropout)
    p.add_argument(
        "--weight-bits",
        type=int,
        default=m.weight_bits,
        help="0: float32 weights; 2..16: train each weight as an integer of this many bits times a power of two",
    )
    p.add_argument("--epochs", type=int, default=t.epochs)
    p.add_argument("--batch-size", type=int, default=t.batch_size)
    p.add_argument("--lr", type=float, default=t.lr, help="peak learning rate of the one-cycle schedule")
    p.add_argument("--weight-decay", type=float, default=t.weight_decay)
    p.add_argument("--label-smoothing", type=float, default=t.label_smoothing)
    p.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    p.add_argument(
        "--writers-share",
        type=float,
        default=t.augment.writers.share,
        help="share of each batch re-drawn as another writer's hand through prepare()'s steps",
    )
    p.add_argument(
        "--fonts",
        type=float,
        default=t.augment.fonts,
        help="share of each batch swapped for a digit of its label printed in a training font, read by prepare()",
    )
    p.add_argument(
        "--swap-first",
        action=argparse.BooleanOptionalAction,
        default=t.augment.swap_first,
        help="swap printed and redrawn rows in before distorting the batch, so they are distorted like the others",
    )
    p.add_argument(
        "--redrawn",
        type=float,
        default=t.augment.redrawn,
        help="share of each batch swapped for its digits redrawn with pens, light and dust, read by prepare()",
    )
    p.add_argument("--redraws", type=int, default=t.augment.redraws, help="pen versions of each digit for --redrawn")
    p.add_argument(
        "--markers",
        type=int,
        default=t.augment.markers,
        help="tracings of each printed training digit with a broad marker, added to the printed pool (0: none)",
    )
    p.add_argument(
        "--calibration-folds",
        type=int,
        default=t.calibration_folds,
        help="folds whose out-of-fold logits fit the probability temperature (0: none)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar or per-epoch lines")
    args = p.parse_args(argv)
    try:
        model = ModelConfig(
            hidden=args.hidden, activation=args.activation, dropout=args.dropout, weight_bits=args.weight_bits
        )
        config = TrainConfig(
            model=model,
            split_seed=args.split_seed,
            seed=args.seed,
            epochs=args.epochs,
            batch_size=args.batch_size,
            lr=args.lr,
            weight_decay=args.weight_decay,
            label_smoothing=args.label_smoothing,
            augment=dataclasses.replace(
                t.augment,
                enabled=not args.no_augment,
                writers=dataclasses.replace(t.augment.writers, share=args.writers_share),
                redrawn=args.redrawn,
                fonts=args.fonts,
                swap_first=args.swap_first,
                redraws=args.redraws,
                markers=args.markers,
            ),
            calibration_folds=args.calibration_folds,
        )
    except ValueError as exc:
        p.error(str(exc))
    return config, args


def main(argv: Sequence[str] | None = None) -> int:
    config, args = parse_args(argv)
    result = fit(config, progress=not args.quiet)
    calibration = with_sure_threshold(calibrate(config, config.calibration_folds), result.model, config)
    checkpoint.save(checkpoint.from_result(result, calibration), args.out)
    print(
        f"wrote {args.out}: {config.model.n_parameters()} parameters, "
        f"train acc {result.train_accuracy:.4f}, test acc {result.test_accuracy:.4f}, "
        f"temperature {calibration['temperature']:.4f}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
