"""Images, on their own or inside documents: sized from the header, then re-encoded from pixels."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from anonymize.attachments.common import REFUSE_BROKEN, REFUSE_TOO_MANY_PIXELS, AttachmentRefused, Limits

# Pillow refuses (rather than warns) only above twice this; our own check comes first, from the header.
# The child that cleans a file sets it to that file's limit.
Image.MAX_IMAGE_PIXELS = Limits().max_pixels
# Register every format plugin now, so the fork server does it once rather than each child.
Image.init()

# How an image starts, for finding images inside documents whatever their names say.
SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
# MPO is how Pillow opens a phone's multi-picture JPEG (a depth or HDR gain map after the photo):
# only its first picture is kept, written as a plain JPEG.
FORMATS = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP"}


def looks_like_image(data: bytes) -> bool:
    """Tell whether bytes start like an image format we re-encode."""
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    bmp = data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00"  # "BM", its size, four zero bytes
    return data.startswith(SIGNATURES) or webp or bmp


def check_pixels(width: int, height: int, frames: int, limits: Limits) -> None:
    """Refuse an image whose pixels (all frames together) exceed the limit; nothing is decoded."""
    if width <= 0 or height <= 0 or frames <= 0:
        raise AttachmentRefused(REFUSE_BROKEN)
    if width * height * frames > limits.max_pixels:
        raise AttachmentRefused(REFUSE_TOO_MANY_PIXELS)


def clean_image(data: bytes, limits: Limits, upright: bool = True) -> bytes:
    """Return the image re-encoded from its pixels alone: no EXIF, GPS, XMP, ICC profile or text chunks.

    With `upright`, the EXIF orientation is applied to the pixels first, as viewers do for a photo;
    a PDF's viewer ignores it (and the page gives the size), so a PDF's images keep their pixels' order.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:  # lazy: reads the header only
            if image.format not in FORMATS:
                raise AttachmentRefused(REFUSE_BROKEN)
            frames = 1 if image.format == "MPO" else int(getattr(image, "n_frames", 1))
            check_pixels(image.width, image.height, frames, limits)
            image.load()
            if image.format == "GIF" and frames > 1:
                return _animated_gif(image)
            return _single_frame(image, upright)
    except Image.DecompressionBombError as err:  # Pillow's own check, on the header too
        raise AttachmentRefused(REFUSE_TOO_MANY_PIXELS) from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err


def _animated_gif(image: Image.Image) -> bytes:
    # GIF keeps no EXIF; Pillow writes back frames, loop and duration, and drops comments and extensions.
    frames = []
    for index in range(int(getattr(image, "n_frames", 1))):
        image.seek(index)
        frames.append(_pixels_only(image.convert("RGBA")))
    out = io.BytesIO()
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        loop=image.info.get("loop", 0),
        duration=image.info.get("duration", 100),
        disposal=2,
    )
    return out.getvalue()


def _single_frame(image: Image.Image, upright: bool) -> bytes:
    fmt = "JPEG" if image.format == "MPO" else (image.format or "PNG")
    # Apply the orientation tag to the pixels, then write a clean image without any tags.
    clean = _pixels_only(ImageOps.exif_transpose(image) if upright else image)
    options: dict[str, Any] = {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 92
    if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    if fmt == "GIF" and clean.mode not in ("P", "L"):
        clean = clean.convert("P")
    out = io.BytesIO()
    clean.save(out, format=fmt, **options)
    return out.getvalue()


def _pixels_only(image: Image.Image) -> Image.Image:
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only, no info
    if image.mode in ("P", "PA") and (palette := image.getpalette()):
        clean.putpalette(palette)
    if image.mode == "P" and isinstance(image.info.get("transparency"), int):
        clean.info["transparency"] = image.info["transparency"]
    return clean
