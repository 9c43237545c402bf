"""What every attachment module shares: the kinds we accept, the limits, the refusal and its messages."""

from __future__ import annotations

from dataclasses import dataclass, replace

MB = 1024 * 1024
WALL_SLACK = 5  # seconds a child may take beyond twice its CPU time (start-up, a busy machine)


def N_(message: str) -> str:
    """Mark a message for translation; the caller translates it when showing it."""
    return message


class AttachmentRefused(Exception):
    """The file is not accepted; the message says why and what to do instead."""


@dataclass(frozen=True)
class Kind:
    name: str
    extension: str
    media_type: str


# Compound-file (OLE) documents: old Office files, and the objects embedded in newer ones.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """What one upload may cost. Checked before decoding, and enforced on the child that cleans it."""

    max_pixels: int = 40_000_000  # per image, top-level or embedded; width x height (x frames)
    max_zip_ratio: int = 100  # uncompressed size / compressed size of one zip member
    max_unzipped: int = 200 * MB  # all members of a document together (REFUSE_TOO_BIG_UNZIPPED says 200 MB)
    cpu_seconds: int = 10  # CPU time of the child that cleans the file
    memory_bytes: int = 1024 * MB  # address space of that child

    def wall_seconds(self) -> float:
        """How long the caller waits for the child before ending it."""
        return 2 * self.cpu_seconds + WALL_SLACK

    def within(self, seconds: float) -> Limits | None:
        """These limits, with less CPU time if needed so the child ends within `seconds`; None if too few are left."""
        cpu = min(self.cpu_seconds, int((seconds - WALL_SLACK) / 2))
        return replace(self, cpu_seconds=cpu) if cpu >= 1 else None


KINDS = {
    k.name: k
    for k in [
        Kind("jpeg", "jpg", "image/jpeg"),
        Kind("png", "png", "image/png"),
        Kind("webp", "webp", "image/webp"),
        Kind("gif", "gif", "image/gif"),
        Kind("pdf", "pdf", "application/pdf"),
        Kind("text", "txt", "text/plain"),
        Kind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Kind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Kind("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        Kind("odt", "odt", "application/vnd.oasis.opendocument.text"),
        Kind("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
        Kind("odp", "odp", "application/vnd.oasis.opendocument.presentation"),
    ]
}

REFUSE_ACTIVE = N_(
    "Web pages and SVG images can carry active code, so we do not accept them. "
    "Save it as a PDF or a PNG screenshot instead."
)
REFUSE_UNKNOWN = N_(
    "We accept images (JPEG, PNG, WebP, GIF), PDF, plain text and office documents (Word, Excel, "
    "PowerPoint, OpenDocument). This file is none of those."
)
REFUSE_OLD_OFFICE = N_(
    "We cannot remove hidden details (such as the author's name) from old .doc/.xls/.ppt files. "
    "Save it as .docx, .xlsx, .pptx or PDF and attach that instead."
)
REFUSE_BROKEN = N_(
    "This file seems damaged or locked, so we cannot remove its hidden details. Try saving it again, or as a PDF."
)
REFUSE_MACROS = N_(
    "This document contains macros or active controls, which can run code, so we do not accept it. "
    "Save it without macros (as .docx, .xlsx, .pptx or .odt) or as a PDF, and attach that instead."
)
REFUSE_EMBEDDED = N_(
    "This document holds an embedded file or object (such as an old-style spreadsheet or a PDF inside it) "
    "whose hidden details we cannot remove. Attach that file on its own, and save the document as a PDF."
)
REFUSE_DDE = N_(
    "This document contains a field or formula that can run a command when it is opened (DDE), "
    "so we do not accept it. Save it without fields (in Word: select all, then Ctrl+Shift+F9) or formulas "
    "(in Excel: paste as values), or as a PDF, and attach that instead."
)
REFUSE_WEB_FORMULA = N_(
    "This spreadsheet has a formula that fetches from the internet when it is recalculated (WEBSERVICE), "
    "which could tell someone the file was opened. Paste those cells as values, or save it as a PDF, "
    "and attach that instead."
)
REFUSE_IMPORTED = N_(
    "This document has a part imported from another file (a web page, MHT or RTF) whose hidden details "
    "we cannot remove. Open it in Word and save it again as .docx, or as a PDF, and attach that instead."
)
REFUSE_TOO_MANY_PIXELS = N_(
    "This image, or an image inside this document, has too many pixels for us to clean. "
    "Scale it down or take a screenshot, and attach that instead."
)
REFUSE_ZIP_BOMB = N_(
    "This document unpacks to far more than its size, which we do not accept. "
    "Save it again, or as a PDF, and attach that instead."
)
REFUSE_TOO_BIG_UNZIPPED = N_("This document unpacks to more than 200 MB, which we do not accept.")
REFUSE_TOO_COSTLY = N_(
    "This file took too much time or memory to clean, so we did not accept it. "
    "Split it into smaller files, or save it as a PDF or a screenshot, and attach that instead."
)
