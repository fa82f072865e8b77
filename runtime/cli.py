"""The generated artifact's command line: `python digits_infer.py FILE...` (or `python -m digits_infer FILE...`,
which the bytecode cache serves) and its readers. An input is a table or a picture, never guessed; every input row
gives exactly one output line, or the run exits 2 with one line on stderr and nothing on stdout. Spliced verbatim
into `digits_infer.py`, which ends with `sys.exit(_main())` under `if __name__ == "__main__"`."""

from __future__ import annotations

import sys

import numpy as np

from runtime.pictures import _MAX_PICTURE_PIXELS, _is_picture_name, read_picture
from runtime.predictor import _as_pixels, _scores, _softmax, self_test
from runtime.prepare import prepare
from runtime.reading import _joined, read
from runtime.slots import (
    _CHECK_ROWS,
    _CHECK_SHA256,
    _SELF_TEST_IMAGES,
    _SELF_TEST_TOLERANCE,
    _WEIGHTS_SHA256,
    CLASSES,
    METADATA,
    SURE_AT,
    TEMPERATURE,
)

# ------------------------------------------------------------------------------------ begin artifact code

# ---------------------------------------------------------------------------------------------- command line

_MAX_TEXT_BYTES = 256 * 2**20  # text tables up to 256 MiB are read (larger: save them with np.save)
_MAX_LINE_BYTES = 2**20  # one line of a text table
_MAX_ARRAY_BYTES = 256 * 2**20  # a .npy read whole (a picture, or a Fortran-ordered table)
_CHUNK_ROWS_READ = 4096  # table rows read, checked and scored at a time: memory stays bounded for any length
_HELD_IN_MEMORY = 8 * 2**20  # characters of output held in memory; more wait in a temporary file
_BINARY = "is not a text table (binary data); pictures need a file name ending in .png, .jpg, ..."
_TOO_LARGE = (
    f"is larger than {_MAX_TEXT_BYTES >> 20} MiB: text tables up to that size are read; save larger ones with "
    "np.save and pass the .npy"
)


class _InputError(ValueError):
    """An input the command line cannot read: its message is the one line it prints."""


def _shape_hint(columns):
    """Why a table with `columns` values per row is not one image per row, and what to do instead."""
    if columns == 65:
        return " (a label or index column? --drop-column 0 drops the first, --drop-column -1 the last)"
    if columns == 63:
        return " (a value missing in every row?)"
    side = round(columns**0.5)
    if side >= 9 and side * side == columns:
        return (
            f" ({columns} values are a {side}x{side} picture per row: save the pictures as an (n, {side}, {side}) "
            f".npy and pass --picture)"
        )
    return ""


def _table_error(what, columns):
    """The error for a table whose rows are not images; `what` says what was found ("holds 20 rows of 65")."""
    return _InputError(
        f"{what} values; expected 64 values per row (one 8x8 "
        f"image of block counts 0..16) or 8 values per row (8 rows per image){_shape_hint(columns)}; "
        f"for a picture, pass --picture"
    )


def _text_lines(name):
    """(line number, text) of a text table, from a file or stdin ("-"); refuses binary data, over-long lines and
    tables over _MAX_TEXT_BYTES, reading no more than that."""
    import itertools
    import os

    stream = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115 - closed below
    try:
        if stream is not sys.stdin.buffer and os.fstat(stream.fileno()).st_size > _MAX_TEXT_BYTES:
            raise _InputError(_TOO_LARGE)
        total = 0
        for number in itertools.count(1):
            raw = stream.readline(_MAX_LINE_BYTES + 1)
            if not raw:
                return
            total += len(raw)
            if total > _MAX_TEXT_BYTES:  # stdin: counted as it is read
                raise _InputError(_TOO_LARGE)
            if b"\0" in raw:
                raise _InputError(_BINARY)
            if len(raw) > _MAX_LINE_BYTES:
                raise _InputError(f"line {number} is longer than {_MAX_LINE_BYTES >> 20} MiB: not a table of numbers")
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a spreadsheet's "CSV UTF-8" byte-order mark
                raw = raw[3:]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _InputError(_BINARY if number == 1 else f"line {number} is not UTF-8 text") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _separator(line):
    """The column separator of a table, from its first line: tab, semicolon, comma, else whitespace (None)."""
    for separator in ("\t", ";", ","):
        if separator in line:
            return separator
    return None


def _cells(line, separator):
    """A line's cells; one trailing empty cell (a trailing separator) is dropped."""
    if separator is None:
        return line.split()
    cells = line.strip().split(separator)
    return cells[:-1] if len(cells) > 1 and not cells[-1].strip() else cells


def _number(cell, separator, pattern):
    """A cell's number, or None: quotes around it are fine, a decimal comma too where columns are split by
    semicolons; underscores ("1_6"), words and empty cells are not numbers."""
    text = cell.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    if separator == ";" and "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text) if pattern.fullmatch(text) else None


def _text_rows(name, drop):
    """(line number, values) of every data row of a text table: the separator found on the first line, a header
    line (words, or pandas' column numbers 0, 1, ...) skipped, `drop` columns removed; a cell that is not a number
    is an error naming its line and column."""
    import re

    pattern = re.compile(
        r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf|infinity)", re.IGNORECASE | re.ASCII
    )
    separator, first = None, True
    for number, line in _text_lines(name):
        if not line.strip():
            continue
        if first:
            separator = _separator(line)
        cells = _cells(line, separator)
        values = [_number(cell, separator, pattern) for cell in cells]
        if first and _is_header(cells, values):
            first = False
            continue
        first = False
        for column, (cell, value) in enumerate(zip(cells, values), start=1):
            if value is None:
                what = "an empty cell" if not cell.strip() else repr(cell.strip()[:20])
                raise _InputError(f"line {number}, column {column}: expected a number, got {what}")
        yield number, _drop(values, drop, f"line {number}")


def _is_header(cells, values):
    """A first line of words (no numbers at all), or pandas' column numbers (0, 1, ..., n-1, perhaps after an
    empty index cell)."""
    numbers = [v for v, c in zip(values, cells) if c.strip()]
    if all(v is None for v in numbers):
        return True
    return len(numbers) > 1 and numbers == list(range(len(numbers))) and len(numbers) >= len(cells) - 1


def _drop(values, drop, where):
    """`values` without the columns `drop` names (negative counts from the end)."""
    if not drop:
        return values
    n = len(values)
    bad = [i for i in drop if not -n <= i < n]
    if bad:
        raise _InputError(f"{where}: --drop-column {bad[0]} is outside its {n} values")
    gone = {i % n for i in drop}
    return [v for i, v in enumerate(values) if i not in gone]


def _text_table(name, drop):
    """(n, 64) batches of a text table: rows of 64 values, or 8x8 grids of 8 lines of 8 values."""
    batch, grid, first, columns = [], [], None, None
    for number, values in _text_rows(name, drop):
        if columns is None:
            columns, first = len(values), number
            if columns not in (8, 64):
                raise _table_error(f"line {number} has {columns}", columns)
        elif len(values) != columns:
            raise _InputError(f"line {number}: expected {columns} values like line {first}, got {len(values)}")
        if columns == 64:
            batch.append(values)
        else:
            grid.extend(values)
            if len(grid) == 64:
                batch.append(grid)
                grid = []
        if len(batch) == _CHUNK_ROWS_READ:
            yield np.array(batch, dtype=np.float64)
            batch = []
    if grid:
        raise _InputError(f"ends with {len(grid) // 8} lines of 8 values: an 8x8 image takes 8 lines")
    if columns is None:
        raise _InputError("holds no images (it is empty or only a header line)")
    if batch:
        yield np.array(batch, dtype=np.float64)


def _text_picture(name, drop):
    """A text table read whole as one grayscale picture (h lines of w values)."""
    rows, limit = [], _MAX_PICTURE_PIXELS
    for number, values in _text_rows(name, drop):
        if rows and len(values) != len(rows[0]):
            raise _InputError(f"line {number}: expected {len(rows[0])} values like the first row, got {len(values)}")
        rows.append(values)
        limit -= len(values)
        if limit < 0:
            raise _InputError(f"holds more than {_MAX_PICTURE_PIXELS:,} values: too large for one picture")
    if not rows:
        raise _InputError("holds no picture (it is empty or only a header line)")
    return np.array(rows, dtype=np.float64)


def _npy_header(f):
    """(shape, fortran_order, dtype) from an open .npy file, after checking it holds real numbers."""
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"format version {version[0]}.{version[1]}; np.save writes 1.0 or 2.0")
        read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, fortran_order, dtype = read(f)
    except (ValueError, TypeError, SyntaxError, KeyError, EOFError, OverflowError) as exc:
        raise _InputError(
            f"is not a valid .npy file ({str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__})"
        ) from None
    if dtype.hasobject:
        raise _InputError("holds Python objects; expected a numeric array")
    if dtype.kind not in "iuf":
        what = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes"}.get(dtype.kind, f"dtype {dtype}")
        raise _InputError(f"holds {what}; expected real numbers")
    return shape, fortran_order, dtype


def _npy_array(f, shape, fortran_order, dtype, what):
    """The whole array, read when it fits _MAX_ARRAY_BYTES."""
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if nbytes > _MAX_ARRAY_BYTES:
        raise _InputError(f"holds {nbytes / 2**20:,.0f} MiB; {what} up to {_MAX_ARRAY_BYTES >> 20} MiB are read")
    data = np.frombuffer(f.read(nbytes), dtype=dtype)
    return data.reshape(shape, order="F" if fortran_order else "C")


def _npy_table(name, drop, picture_ink):
    """(n, 64) batches of a .npy table — (64,), (8, 8), (n, 64) or (n, 8, 8) — read a chunk of rows at a time;
    given the ink of pictures (--picture), the whole array as pictures, prepared."""
    import os

    with open(name, "rb") as f:
        shape, fortran_order, dtype = _npy_header(f)
        count = int(np.prod(shape, dtype=object))
        available = os.fstat(f.fileno()).st_size - f.tell()
        if count * dtype.itemsize > available:
            raise _InputError(
                f"says it holds shape {shape} of {dtype} ({count * dtype.itemsize / 2**20:,.1f} MiB) but has only "
                f"{available:,} bytes of data: a truncated or corrupt .npy"
            )
        if picture_ink:
            yield _prepared(_npy_array(f, shape, fortran_order, dtype, "pictures"), picture_ink)
            return
        if drop and len(shape) == 2:
            table = _npy_array(f, shape, fortran_order, dtype, "tables with --drop-column")
            table = table[:, _drop(list(range(shape[1])), drop, f"shape {shape}")]
            yield table.reshape(_image_count(table.shape), 64)
            return
        rows = _image_count(shape)
        if fortran_order and len(shape) > 1:
            yield _npy_array(f, shape, True, dtype, "Fortran-ordered tables").reshape(rows, 64)
            return
        for start in range(0, rows, _CHUNK_ROWS_READ):
            n = min(_CHUNK_ROWS_READ, rows - start)
            yield np.frombuffer(f.read(n * 64 * dtype.itemsize), dtype=dtype).reshape(n, 64)
        if rows == 0:
            yield np.empty((0, 64), dtype=dtype)


def _image_count(shape):
    """How many images an array shaped (64,), (8, 8), (n, 64) or (n, 8, 8) holds; any other shape is the error
    saying what it looks like and what to pass instead."""
    if shape in ((64,), (8, 8)):
        return 1
    if (len(shape) == 2 and shape[1] == 64) or (len(shape) == 3 and shape[1:] == (8, 8)):
        return shape[0]
    raise _InputError(_npy_shape_message(shape))


def _npy_shape_message(shape):
    if len(shape) == 2 and shape[1] != 8:
        return str(_table_error(f"holds {shape[0]:,} row{'s' if shape[0] != 1 else ''} of {shape[1]}", shape[1]))
    if len(shape) == 3 and shape[-1] in (3, 4) and min(shape[:2]) >= 8:
        return f"holds shape {shape}: a colour picture? pass --picture; the model's own input is (n, 64) or (n, 8, 8)"
    if len(shape) == 3 and shape[0] in (2, 3, 4) and min(shape[1:]) >= 8:
        return _channels_first(shape)
    if len(shape) in (2, 3) and min(shape[-2:]) >= 8:
        return f"holds shape {shape}: pictures? pass --picture; the model's own input is (n, 64) or (n, 8, 8)"
    return f"holds shape {shape}; expected (64,), (8, 8), (n, 64) or (n, 8, 8) block counts 0..16, or pictures with --picture"


def _prepared(pictures, ink):
    """Block counts (n, 64) of an array of pictures (`prepare()`'s shapes); a channels-first array is refused."""
    shape = np.shape(pictures)
    if len(shape) == 3 and shape[0] in (2, 3, 4) and min(shape[1:]) >= 8:
        raise _InputError(_channels_first(shape))
    return prepare(pictures, ink=ink).reshape(-1, 64)


def _channels_first(shape):
    return (
        f"holds shape {shape}: {shape[0]} grayscale pictures, or one colour picture with its channels first? Not "
        "guessed: save a colour picture as (h, w, channels) (np.moveaxis(a, 0, -1)) and pass --picture, or each "
        "grayscale picture as a file of its own"
    )


def _batches(name, args):
    """(n, 64) block counts of one input, batch by batch: a picture file, a .npy or a text table (or '-')."""
    lower = name.lower()
    if lower.endswith(".npy"):
        yield from _npy_table(name, args.drop_column, args.picture and args.ink)
    elif args.picture:
        yield _prepared(_text_picture(name, args.drop_column), args.ink)
    else:
        yield from _text_table(name, args.drop_column)


def _lines(name, args, out):
    """Score every row of one input and write one line per row to `out`; returns how many."""
    if args.json:
        import json

    prefix = f"{name}: " if len(args.files) > 1 else ""
    if _is_picture_name(name.lower()):
        if args.drop_column:
            raise _InputError("--drop-column applies to tables, not to pictures")
        detail = read(read_picture(name), ink=args.ink, detail=True)
        out.write(("" if args.json else prefix) + _reading_line(detail, args, name if prefix else None))
        return 1
    done = 0
    for batch in _batches(name, args):
        pixels, _ = _as_pixels(batch, not args.no_range_check, done)
        scores = _scores(pixels.reshape(-1, 64), not args.no_range_check, done)
        labels = CLASSES[scores.argmax(axis=1)].tolist()
        proba = _softmax(scores, TEMPERATURE)
        sure = (proba.max(axis=1) >= SURE_AT).tolist()
        for label, p, certain in zip(labels, proba.tolist(), sure):
            if args.json:
                record = {"file": name} if prefix else {}
                out.write(json.dumps({**record, "label": label, "sure": certain, "proba": p}) + "\n")
            elif args.proba:
                out.write(prefix + " ".join([str(label)] + [f"{v:.6f}" for v in p]) + "\n")
            else:
                out.write(f"{prefix}{label if certain or args.unsure is None else args.unsure}\n")
        done += len(labels)
    return done


def _reading_line(detail, args, name):
    """One picture file's line: what `read()` found — its text (a digit the model is not sure of as --unsure's
    mark), --proba: each digit's label and 10 probabilities ("|" between digits), --json: the detail as one JSON
    object ({"file"} first when several files are read; "label" and "proba" too when it holds one digit)."""
    digits = [item for item in detail["items"] if item["kind"] == "digit"]
    if args.json:
        import json

        record = {"file": name} if name else {}
        if len(digits) == 1:
            record.update(label=digits[0]["label"], proba=digits[0]["proba"])
        return json.dumps({**record, **detail}) + "\n"
    if args.proba:
        return " | ".join(" ".join([d["text"]] + [f"{v:.6f}" for v in d["proba"]]) for d in digits) + "\n"
    if args.unsure is None:
        return detail["text"] + "\n"
    items = detail["items"]
    marked = [args.unsure if item["kind"] == "digit" and not item["sure"] else item["text"] for item in items]
    return _joined(items, marked) + "\n"


class _HeldOutput:
    """Output lines held back until every input was read (so a failing input leaves stdout empty): in memory, and
    in a temporary file once they pass _HELD_IN_MEMORY characters."""

    def __init__(self):
        self.parts, self.size, self.file = [], 0, None

    def write(self, text):
        if self.file is not None:
            self.file.write(text)
            return
        self.parts.append(text)
        self.size += len(text)
        if self.size > _HELD_IN_MEMORY:
            import tempfile

            self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in release()
            self.file.write("".join(self.parts))
            self.parts = []

    def release(self):
        """Everything held, to stdout."""
        _write(self.file if self.file is not None else "".join(self.parts))
        if self.file is not None:
            self.file.close()


def _write(text_or_file):
    """Copy to stdout; a reader that left (`| head`) is not an error, and no traceback follows."""
    import os

    try:
        if isinstance(text_or_file, str):
            sys.stdout.write(text_or_file)
        else:
            import shutil

            text_or_file.seek(0)
            shutil.copyfileobj(text_or_file, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _parser():
    import argparse
    import os

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    parser = Parser(
        prog=os.path.basename(sys.argv[0]) or "digits_infer.py",
        description="Read handwritten digits: one line per image. Tables of block counts 0..16 (.npy, .csv, .tsv, "
        ".txt or - for stdin: 64 values per row, or 8 rows of 8 per image) go to the model as they are; a picture "
        "file (.png, .jpg, ...; needs Pillow) is read whole: one line with the number it shows, line by line "
        "('2026 42'), as read() finds it; arrays given with --picture are prepared as one digit per picture.",
        epilog="Exit status: 0 success, 1 self-test failed, 2 usage or input error (one line on stderr, nothing on "
        "stdout). For repeated shell use, `python -m digits_infer` (with the file's folder on the path) starts faster.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="tables or pictures; - reads a text table from stdin")
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "--proba",
        action="store_true",
        help="print the label then the 10 class probabilities per line (per digit of a picture, '|' between them)",
    )
    out.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per image: label, sure (see SURE_AT), probabilities; per picture file, read()'s "
        "detail (text, sure, items)",
    )
    out.add_argument(
        "--unsure",
        metavar="MARK",
        help="print MARK (e.g. '?') instead of the label when the model is not sure (top probability below SURE_AT)",
    )
    parser.add_argument(
        "--picture", "--prepare", action="store_true", help="read a .npy or text table as pictures, through prepare()"
    )
    parser.add_argument(
        "--ink", choices=("auto", "dark", "light"), default="auto", help="the digits' colour in pictures"
    )
    parser.add_argument(
        "--drop-column", type=int, action="append", metavar="N", help="drop column N of a table (0 first, -1 last)"
    )
    parser.add_argument("--no-range-check", action="store_true", help="accept block counts outside 0..16")
    parser.add_argument("--info", action="store_true", help="print the model's METADATA as JSON and exit")
    parser.add_argument("--self-test", action="store_true", help="check the weights and this machine's arithmetic")
    return parser


def _main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.info or args.self_test) and args.files:
        parser.error(f"{'--info' if args.info else '--self-test'} takes no input file (got {args.files[0]})")
    if args.info:
        import json

        _write(json.dumps(METADATA, indent=2) + "\n")
        return 0
    if args.self_test:
        problems = self_test()
        for problem in problems:
            print(f"{parser.prog}: self-test failed: {problem}", file=sys.stderr)
        if not problems:
            _write(
                f"self-test passed: weights sha256 {_WEIGHTS_SHA256[:16]}...; logits of {_CHECK_ROWS} check inputs "
                f"bit-identical to the generating machine's (sha256 {_CHECK_SHA256[:16]}...); "
                f"{len(_SELF_TEST_IMAGES)} reference images within {_SELF_TEST_TOLERANCE:g} of torch; prepare() "
                "gives its check pictures the generating machine's block counts\n"
            )
        return 1 if problems else 0
    if not args.files:
        parser.error("expected an input FILE (or - for stdin), --info or --self-test")
    if args.files.count("-") > 1:
        parser.error("stdin (-) can be read once")
    out = _HeldOutput()
    for name in args.files:
        try:
            _lines(name, args, out)
        except (OSError, ValueError, TypeError, MemoryError) as exc:
            parser.exit(2, f"{parser.prog}: error: {name}: {_message(exc)}\n")
    out.release()
    return 0


def _message(exc):
    """One line for a reader's error, in the shell's words."""
    if isinstance(exc, MemoryError):
        return "not enough memory to read it"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    message = " ".join(str(exc).split())
    message = message.replace("pass check_range=False", "pass --no-range-check")  # the shell's spelling
    return message.replace("through prepare()", "with --picture")


# ------------------------------------------------------------------------------------ end artifact code
