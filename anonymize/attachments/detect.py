"""The type of a file, judged by its content alone."""

from __future__ import annotations

import io
import re
import zipfile

import filetype

from anonymize.attachments.common import (
    KINDS,
    N_,
    REFUSE_ACTIVE,
    REFUSE_BROKEN,
    REFUSE_OLD_OFFICE,
    REFUSE_UNKNOWN,
    AttachmentRefused,
    Kind,
)

IMAGE_MIME = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_MIME = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Markup at the start of a text file: a doctype, an XML declaration, or an HTML/SVG element
# (with or without a namespace prefix), after any comments. Browsers render all of these.
ACTIVE_MARKUP = re.compile(
    rb"^\s*(<!--.*?-->\s*)*(<!doctype\b|<\?xml\b|<([\w.-]+:)?"
    rb"(html|svg|script|head|body|iframe|object|embed|meta|style|link|base|math|xsl:stylesheet)\b)",
    re.IGNORECASE | re.DOTALL,
)


def detect(data: bytes) -> Kind:
    """Return the kind of a file judged by its content alone, or refuse it."""
    if not data:
        raise AttachmentRefused(N_("This file is empty."))
    head = data[:4096]
    if is_markup(head):
        raise AttachmentRefused(REFUSE_ACTIVE)
    guess = filetype.guess(data)
    mime = guess.mime if guess else None
    if mime in IMAGE_MIME:
        return KINDS[IMAGE_MIME[mime]]
    if mime == "application/pdf":
        return KINDS["pdf"]
    if mime in ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint") or head.startswith(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise AttachmentRefused(REFUSE_OLD_OFFICE)
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip_document(data)
    if mime is None and _is_plain_text(data):
        return KINDS["text"]
    raise AttachmentRefused(REFUSE_UNKNOWN)


def is_markup(head: bytes) -> bool:
    """Tell whether a file starts like HTML, SVG or XML: a doctype, markup, or a byte-order mark and then markup."""
    bom = False
    while head.startswith(BYTE_ORDER_MARKS):
        bom = True
        head = head[3:] if head.startswith(b"\xef\xbb\xbf") else head[2:]
    if bom:
        # A byte-order mark in front of markup: browsers take the mark's encoding and render the page.
        text = head.replace(b"\x00", b"").lstrip()
        return text.startswith(b"<") or bool(ACTIVE_MARKUP.match(text))
    return bool(ACTIVE_MARKUP.match(head))


def _detect_zip_document(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                mime = archive.read(info).decode("ascii", "replace").strip() if info.file_size < 200 else ""
                if mime in ODF_MIME:
                    return KINDS[ODF_MIME[mime]]
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return KINDS[kind]
    except (zipfile.BadZipFile, ValueError) as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err
    raise AttachmentRefused(REFUSE_UNKNOWN)


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
