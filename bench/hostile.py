"""The named set of hostile and huge inputs whose peak memory `nox -s bench` measures through the command line,
and which the tests feed it too: decompression bombs, pictures past the pixel limit, a phone photo, a .npy header
that lies, tables too large, an endless stdin. Standard library, NumPy and Pillow only (Python 3.9 clean)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG of under 100 bytes whose header claims `width` x `height` gray pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )
    return path


def tiff_header_only(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny little-endian TIFF whose one strip claims `width` x `height` uncompressed gray pixels."""
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8), (277, 3, 1)]
    tags += [(278, 4, height), (279, 4, 16)]
    ifd = struct.pack("<H", len(tags)) + b"".join(
        struct.pack("<HHII", tag, kind, 1, value) for tag, kind, value in tags
    )
    path.write_bytes(b"II*\x00" + struct.pack("<I", 24) + b"\x00" * 16 + ifd + b"\x00\x00\x00\x00")
    return path


def gif_header_only(path: Path) -> Path:
    """A GIF whose logical screen is 65535 x 65535 around a 1x1 image."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0, 0, 0)
    image = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    path.write_bytes(screen + image + b";")
    return path


def big_png(path: Path, side: int = 9000) -> Path:
    """A white `side` x `side` PNG with a bar (about 100 KB at 9000: it compresses well, it decodes huge)."""
    from PIL import Image

    picture = Image.new("L", (side, side), 255)
    picture.paste(0, (side // 2 - side // 40, side // 8, side // 2 + side // 40, side - side // 8))
    picture.save(path)
    return path


def a4_scan(path: Path) -> Path:
    """An A4 page scanned at 300 dpi (2480 x 3508, 8.7 Mpx, grayscale PNG) with a digit written on it."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (2480, 3508), 242)
    ImageDraw.Draw(page).ellipse((900, 1200, 1500, 2200), outline=30, width=40)
    page.save(path)
    return path


def phone_jpeg(path: Path, width: int = 8660, height: int = 5774) -> Path:
    """A 50 Mpx JPEG like a phone's: grey paper, a dark bar "1" in the middle."""
    from PIL import Image

    picture = Image.new("RGB", (width, height), (228, 226, 220))
    picture.paste((30, 30, 40), (width // 2 - width // 60, height // 6, width // 2 + width // 60, height - height // 6))
    picture.save(path, quality=88)
    return path


def npy_bytes(header: str, body: bytes) -> bytes:
    """A .npy file (format 1.0) with any header text, padded as np.save pads it, then `body` as its data."""
    header += " " * (-(len(header) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body


def npy_header_claiming(path: Path, shape: tuple[int, ...] = (10**9, 64)) -> Path:
    """A .npy whose header claims `shape` of float64 but that holds 16 bytes of data."""
    path.write_bytes(npy_bytes(f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}", b"\x00" * 16))
    return path


def sparse_file(path: Path, size: int = 2**30) -> Path:
    """A `size`-byte file of zero bytes that takes no disk space (a 1 GiB 'CSV')."""
    with path.open("wb") as f:
        f.truncate(size)
    return path


def csv_rows(path: Path, rows: int = 250_000) -> Path:
    """A real table: `rows` rows of 64 block counts from an integer formula (about 64 MiB at 250,000 rows)."""
    i = np.arange(rows, dtype=np.int64).reshape(-1, 1)
    j = np.arange(64, dtype=np.int64).reshape(1, -1)
    np.savetxt(path, (7 * i + 3 * j * j + i * j) % 17, delimiter=",", fmt="%d")
    return path


NAMED: dict[str, Callable[[Path], Path]] = {
    "a 9000x9000 PNG (81 Mpx, refused)": lambda folder: big_png(folder / "big.png"),
    "an A4 scan at 300 dpi (8.7 Mpx PNG)": lambda folder: a4_scan(folder / "a4.png"),
    "a 50 Mpx phone JPEG (decoded reduced)": lambda folder: phone_jpeg(folder / "phone.jpg"),
    "a PNG bomb (100,000² in 80 bytes)": lambda folder: png_header_only(folder / "bomb.png", 100_000, 100_000),
    "a TIFF bomb (100,000²)": lambda folder: tiff_header_only(folder / "bomb.tif"),
    "a GIF bomb (65,535² screen)": lambda folder: gif_header_only(folder / "bomb.gif"),
    "a .npy header claiming (10⁹, 64)": lambda folder: npy_header_claiming(folder / "claim.npy"),
    "a 1 GiB CSV (refused at once)": lambda folder: sparse_file(folder / "huge.csv"),
    "a 64 MiB CSV (250,000 rows, read)": lambda folder: csv_rows(folder / "rows.csv"),
}
