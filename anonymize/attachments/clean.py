"""Detect and clean one file, in this process: what the child process runs."""

from __future__ import annotations

from collections.abc import Callable

from anonymize.attachments.common import REFUSE_BROKEN, AttachmentRefused, Kind, Limits
from anonymize.attachments.detect import detect
from anonymize.attachments.images import clean_image
from anonymize.attachments.odf import clean_odf
from anonymize.attachments.ooxml import clean_ooxml
from anonymize.attachments.pdf import clean_pdf


def _keep_text(data: bytes, limits: Limits) -> bytes:
    return data  # plain text holds no hidden details; markup was refused by detect()


def _ooxml(data: bytes, limits: Limits) -> bytes:
    return clean_ooxml(data, limits)


CLEANERS: dict[str, Callable[[bytes, Limits], bytes]] = {
    "jpeg": clean_image,
    "png": clean_image,
    "webp": clean_image,
    "gif": clean_image,
    "pdf": clean_pdf,
    "text": _keep_text,
    "docx": _ooxml,
    "xlsx": _ooxml,
    "pptx": _ooxml,
    "odt": clean_odf,
    "ods": clean_odf,
    "odp": clean_odf,
}


def strip_metadata(kind: Kind, data: bytes, limits: Limits | None = None) -> bytes:
    """Return the file without hidden metadata (EXIF and GPS, document properties, authors), in this process."""
    try:
        return CLEANERS[kind.name](data, limits or Limits())
    except AttachmentRefused:
        raise
    except MemoryError:
        raise
    except Exception as err:  # a parser failing on hostile input must refuse, not crash
        raise AttachmentRefused(REFUSE_BROKEN) from err


def detect_and_clean(data: bytes, limits: Limits) -> tuple[str, bytes]:
    """Return the kind's name and the clean bytes of one upload, or refuse it."""
    try:
        kind = detect(data)
    except AttachmentRefused:
        raise
    except Exception as err:  # a zip member it cannot read (encrypted, an unknown method) is a broken file
        raise AttachmentRefused(REFUSE_BROKEN) from err
    return kind.name, strip_metadata(kind, data, limits)
