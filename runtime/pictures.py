"""Picture files as the arrays `prepare()` takes: the one reader the command line and `read_picture()` share, so a
file gives the same answer through both. Pillow is optional: only reading picture files needs it. Spliced
verbatim into `digits_infer.py`."""

from __future__ import annotations

import numpy as np

from runtime.prepare import _MAX_SIDE

# ------------------------------------------------------------------------------------ begin artifact code

# ---------------------------------------------------------------------------------------------- picture files

_PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pbm", ".pgm", ".ppm", ".pnm")
_MAX_PICTURE_PIXELS = 50_000_000  # decoded pixels (a JPEG's after reduced decoding); more is refused, not guessed
_STRIP_BLOCKS = 64  # rows of blocks converted and reduced at a time: the decoded picture is never copied whole
_KEEP_MODES = {
    "L": "L",
    "1": "L",
    "LA": "LA",
    "La": "LA",
    "RGBA": "RGBA",
    "RGBa": "RGBA",
    "PA": "RGBA",
    "I": "I",
    "F": "F",
}  # Pillow mode -> the mode read (16-bit ints as "I"; palettes by transparency; else RGB)


def _is_picture_name(name):
    return name.lower().endswith(_PICTURE_SUFFIXES)


def read_picture(path):
    """A picture file as the array `prepare()` takes, exactly as the command line reads it: grayscale (h, w),
    (h, w, 2) with transparency, RGB (h, w, 3) or RGBA (h, w, 4), upright by its EXIF orientation.

    Needs Pillow. Pictures over _MAX_PICTURE_PIXELS (50 Mpx) decoded are refused (a JPEG is decoded reduced
    first, so phone photos of any size read); larger than prepare()'s _MAX_SIDE (1024 px), they are reduced by a whole-number
    factor, each pixel the average of a block, so a thin pen stays (as a fainter line) and memory stays bounded.
    A file with several pages or frames is refused: save the one you mean as its own file. Raises ValueError with
    the reason for anything it cannot read."""
    try:
        from PIL import Image
    except ImportError:
        raise ValueError(
            "reading picture files needs Pillow (pip install pillow); or save the picture with np.save and pass the .npy with --picture"
        ) from None
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as picture:
                return _decode(picture)
    except ValueError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError(f"is refused as a decompression bomb ({exc})") from None
    except MemoryError:
        raise ValueError("not enough memory to decode this picture") from None
    except Exception as exc:  # noqa: BLE001 - decoders raise many kinds of errors for a broken file; each is one line
        raise ValueError(f"not a readable picture ({type(exc).__name__}: {exc})") from None


def _decode(picture):
    """An opened picture -> the array `read_picture` returns (see there)."""
    frames = getattr(picture, "n_frames", 1)
    if frames > 1:
        raise ValueError(f"has {frames} pages or frames; expected one picture: save the one you mean as its own file")
    width, height = picture.size
    if picture.format == "JPEG" and max(width, height) > _MAX_SIDE:  # decode at 1/2, 1/4 or 1/8 size
        scale = _MAX_SIDE / max(width, height)
        picture.draft(picture.mode, (max(1, int(width * scale)), max(1, int(height * scale))))
    if picture.size[0] * picture.size[1] > _MAX_PICTURE_PIXELS:
        raise ValueError(
            f"is {width}x{height} pixels ({width * height / 1e6:.0f} Mpx); pictures up to "
            f"{_MAX_PICTURE_PIXELS / 1e6:.0f} Mpx are read: scale it down first"
        )
    has_exif = "exif" in picture.info or hasattr(picture, "tag_v2")  # getexif() alone costs an import of 3 ms
    orientation = picture.getexif().get(0x0112) if has_exif else None
    mode = _KEEP_MODES.get(picture.mode) or ("I" if picture.mode.startswith("I;16") else None)
    if mode is None:
        transparent = picture.mode == "P" and "transparency" in picture.info
        mode = "RGBA" if transparent else "RGB"
    factor = -(-max(picture.size) // _MAX_SIDE)  # prepare()'s own reduction, done here in strips
    strips = []
    for top in range(0, picture.size[1], factor * _STRIP_BLOCKS):
        strip = picture.crop((0, top, picture.size[0], min(picture.size[1], top + factor * _STRIP_BLOCKS)))
        strip = strip.convert(mode) if strip.mode != mode else strip
        strips.append(np.asarray(strip.reduce(factor) if factor > 1 else strip))
    return _upright(np.concatenate(strips), orientation)


def _upright(a, orientation):
    """The picture `a` (rows first) turned as its EXIF orientation tag (1..8) says, so it shows upright."""
    if orientation in (5, 6, 7, 8):  # stored on its side: transposed first
        a = a.swapaxes(0, 1)
    if orientation in (2, 3, 6, 7):  # mirrored left-right (after the transpose)
        a = a[:, ::-1]
    if orientation in (3, 4, 7, 8):  # mirrored top-bottom
        a = a[::-1]
    return np.ascontiguousarray(a)


# ------------------------------------------------------------------------------------ end artifact code
