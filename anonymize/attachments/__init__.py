"""Attachment checks: the type comes from the content, hidden metadata is removed, hostile files fail alone.

Pure functions on bytes. A file whose type we do not accept, whose metadata we cannot remove, or
which costs too much to clean, is refused with a message a reporter can act on. The one entry
point is `prepare`; it cleans in a child process with CPU and memory limits (see sandbox.py).
"""

from __future__ import annotations

import re

from anonymize.attachments.clean import detect_and_clean, strip_metadata
from anonymize.attachments.common import KINDS, N_, AttachmentRefused, Kind, Limits
from anonymize.attachments.detect import detect
from anonymize.attachments.sandbox import run_limited

__all__ = [
    "KINDS",
    "N_",
    "AttachmentRefused",
    "Kind",
    "Limits",
    "detect",
    "prepare",
    "safe_filename",
    "strip_metadata",
]


def safe_filename(original: str | None, kind: Kind, index: int) -> str:
    """Return a harmless file name with the extension of the detected type."""
    stem = (original or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip()[:80] or f"attachment-{index}"
    return f"{stem}.{kind.extension}"


def prepare(
    data: bytes, original_name: str | None, index: int = 1, limits: Limits | None = None
) -> tuple[Kind, str, bytes]:
    """Detect, strip and rename one upload, in a limited child process; return (kind, file name, clean bytes)."""
    if not data:
        detect(data)  # refuses an empty file without a child
    name, clean = run_limited(detect_and_clean, data, limits or Limits())
    kind = KINDS[name]
    return kind, safe_filename(original_name, kind, index), clean
