"""The generated artifact's command line: `python digits_infer.py FILE` (or `python -m digits_infer FILE`) and its
file readers. Spliced verbatim into `digits_infer.py`; the artifact ends with `sys.exit(_main())` under
`if __name__ == "__main__"`."""

from __future__ import annotations

import sys

import numpy as np

from runtime.predictor import _softmax, logits, self_test
from runtime.prepare import prepare
from runtime.slots import (
    _CHECK_ROWS,
    _CHECK_SHA256,
    _SELF_TEST_IMAGES,
    _SELF_TEST_TOLERANCE,
    _WEIGHTS_SHA256,
    CLASSES,
    METADATA,
    TEMPERATURE,
)

# ------------------------------------------------------------------------------------ begin artifact code

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def _read_picture(name):
    """A picture file as a grayscale uint8 array (h, w), read with Pillow (an optional dependency)."""
    try:
        from PIL import Image
    except ImportError:
        raise ValueError(
            "reading pictures needs Pillow (pip install pillow); or save the image as a .npy array"
        ) from None
    try:
        with Image.open(name) as picture:
            return np.asarray(picture.convert("L"))
    except OSError as exc:
        raise ValueError(f"not a readable picture ({exc})") from None


def _read_csv(text):
    """Rows of a CSV text (one image per row); a header line, textual or 0,1,...,n-1, is skipped."""
    rows, header = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = [float(v) for v in line.split(",")]
        except ValueError:
            if rows or header:
                raise ValueError(f"line {number}: expected comma-separated numbers, got {line[:40]!r}") from None
            header = True
            continue
        if not rows and not header and len(row) > 1 and row == list(range(len(row))):  # pandas' column numbers
            header = True
            continue
        if rows and len(row) != len(rows[0]):
            raise ValueError(f"line {number}: expected {len(rows[0])} values like the first row, got {len(row)}")
        rows.append(row)
    if not rows:
        raise ValueError("no images in it" + (" (only a header line)" if header else " (empty)"))
    return np.array(rows, dtype=np.float64)


def _read_images(name, force_prepare, ink):
    """The model's input (n, 64) from a .npy array, a .csv file, a picture, or '-' (CSV on stdin).

    Arrays shaped (64,), (8, 8), (n, 64) or (n, 8, 8) are block counts 0..16, as the model takes them; other
    shapes, pictures, and anything with `force_prepare`, are grayscale images and go through `prepare`."""
    if name.lower().endswith(_IMAGE_SUFFIXES):
        return prepare(_read_picture(name), ink=ink).reshape(-1, 64)
    if name.endswith(".npy"):
        with open(name, "rb") as f:
            if f.read(6) != b"\x93NUMPY":
                raise ValueError("not a valid .npy file (no NumPy header; save arrays with np.save)")
        try:
            array = np.load(name, allow_pickle=False)
        except ValueError as exc:
            if "pickle" in str(exc):
                raise ValueError("holds Python objects; expected a numeric array") from None
            raise ValueError(f"not a valid .npy file ({exc})") from None
    else:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as f:
                data = f.read()
        try:
            text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a byte-order mark
        except UnicodeDecodeError:
            raise ValueError(
                "not a text CSV file (binary data); pictures need a file name ending in .png, .jpg, ..."
            ) from None
        array = _read_csv(text)
    if force_prepare or not (array.shape in ((64,), (8, 8)) or array.shape[1:] in ((64,), (8, 8))):
        return prepare(array, ink=ink).reshape(-1, 64)
    return array.reshape(-1, 64)


def _main(argv=None):
    import argparse
    import json
    import os

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    parser = Parser(
        prog=os.path.basename(sys.argv[0]) or "digits_infer.py",
        description="Classify handwritten digits; prints one label per image. Block counts 0..16 (8x8 or 64 "
        "values per image) go to the model as they are; pictures and other image sizes are prepared first.",
        epilog="Exit status: 0 success, 1 self-test failed, 2 usage or input error.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        help=".npy, .csv (one image per row), a picture (.png, .jpg, ...; needs Pillow), or - for CSV on stdin",
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--proba", action="store_true", help="print the label then the 10 class probabilities per line")
    out.add_argument("--json", action="store_true", help="print one JSON object per image: label and probabilities")
    parser.add_argument("--prepare", action="store_true", help="treat the input as grayscale images of any size")
    parser.add_argument("--ink", choices=("auto", "dark", "light"), default="auto", help="digit colour for --prepare")
    parser.add_argument("--no-range-check", action="store_true", help="accept block counts outside 0..16")
    parser.add_argument("--info", action="store_true", help="print the model's METADATA as JSON and exit")
    parser.add_argument("--self-test", action="store_true", help="check the weights and this machine's arithmetic")
    args = parser.parse_args(argv)

    if (args.info or args.self_test) and args.file is not None:
        parser.error(f"{'--info' if args.info else '--self-test'} takes no input file (got {args.file})")
    if args.info:
        print(json.dumps(METADATA, indent=2))
        return 0
    if args.self_test:
        problems = self_test()
        for problem in problems:
            print(f"{parser.prog}: self-test failed: {problem}", file=sys.stderr)
        if not problems:
            print(
                f"self-test passed: weights sha256 {_WEIGHTS_SHA256[:16]}...; logits of {_CHECK_ROWS} check inputs "
                f"bit-identical to the generating machine's (sha256 {_CHECK_SHA256[:16]}...); "
                f"{len(_SELF_TEST_IMAGES)} reference images within {_SELF_TEST_TOLERANCE:g} of torch"
            )
        return 1 if problems else 0
    if args.file is None:
        parser.error("expected an input FILE (or - for stdin), --info or --self-test")
    try:
        scores = logits(_read_images(args.file, args.prepare, args.ink), check_range=not args.no_range_check)
    except (OSError, ValueError, TypeError) as exc:
        message = str(exc) if not isinstance(exc, OSError) else (exc.strerror or str(exc))
        message = message.replace("pass check_range=False", "pass --no-range-check")  # the shell's spelling
        message = message.replace("prepare(image) first", "--prepare").replace("through prepare()", "with --prepare")
        parser.exit(2, f"{parser.prog}: error: {args.file}: {message}\n")
    labels, proba = CLASSES[scores.argmax(axis=1)], _softmax(scores, TEMPERATURE)
    lines = []
    for label, p in zip(labels.tolist(), proba.tolist()):
        if args.json:
            lines.append(json.dumps({"label": label, "proba": p}))
        elif args.proba:
            lines.append(" ".join([str(label)] + [f"{v:.6f}" for v in p]))
        else:
            lines.append(str(label))
    try:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `| head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# ------------------------------------------------------------------------------------ end artifact code
