"""Attachment checks: the type comes from the content, and hidden metadata is removed.

Pure functions on bytes. A file whose type we do not accept, or whose metadata we
cannot remove, is refused with a message a reporter can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import filetype
import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 80_000_000  # a decompression bomb is refused, not expanded


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
IMAGE_MIME = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_MIME = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
ACTIVE_MARKUP = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|svg|script|head|body)\b", re.IGNORECASE | re.DOTALL
)

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


def detect(data: bytes) -> Kind:
    """Return the kind of a file judged by its content alone, or refuse it."""
    if not data:
        raise AttachmentRefused(N_("This file is empty."))
    head = data[:4096]
    if ACTIVE_MARKUP.match(head):
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


def _detect_zip_document(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mime = archive.read("mimetype").decode("ascii", "replace").strip()
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


def strip_metadata(kind: Kind, data: bytes) -> bytes:
    """Return the file without hidden metadata (EXIF and GPS, document properties, authors)."""
    handler = _STRIPPERS[kind.name]
    try:
        return handler(data)
    except AttachmentRefused:
        raise
    except Exception as err:  # a parser failing on hostile input must refuse, not crash
        raise AttachmentRefused(REFUSE_BROKEN) from err


def _strip_image(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt = image.format
            frames = getattr(image, "n_frames", 1)
            if fmt == "GIF" and frames > 1:
                out = io.BytesIO()
                image.save(
                    out,
                    format="GIF",
                    save_all=True,
                    loop=image.info.get("loop", 0),
                    duration=image.info.get("duration", 100),
                )
                return out.getvalue()
            # Apply the orientation tag to the pixels, then write a clean image without any tags.
            upright = ImageOps.exif_transpose(image)
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only, no info
            if upright.mode == "P" and (palette := upright.getpalette()):
                clean.putpalette(palette)
            out = io.BytesIO()
            options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
            clean.save(out, format=fmt, **options)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError) as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err


def _strip_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            for page in pdf.pages:
                if "/Metadata" in page.obj:
                    del page.obj["/Metadata"]
                if "/PieceInfo" in page.obj:
                    del page.obj["/PieceInfo"]
            if "/PieceInfo" in pdf.Root:
                del pdf.Root["/PieceInfo"]
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PasswordError as err:
        raise AttachmentRefused(N_("This PDF is password-protected. Remove the password and attach it again.")) from err
    except pikepdf.PdfError as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err


EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
)
EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
# Names of people in comments, tracked changes and the people part, inside the document parts.
AUTHOR_ATTRS = re.compile(rb'\b(w:author|w:initials|author|w15:userId|w15:providerId|dc:creator)="[^"]*"')
MAX_UNZIPPED = 200 * 1024 * 1024


def _strip_office(data: bytes) -> bytes:
    replacements = {
        "docProps/core.xml": EMPTY_CORE,
        "docProps/app.xml": EMPTY_APP,
        "docProps/custom.xml": EMPTY_CUSTOM,
        "meta.xml": EMPTY_ODF_META,
    }
    source = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in source.infolist()) > MAX_UNZIPPED:
        raise AttachmentRefused(N_("This document unpacks to more than 200 MB, which we do not accept."))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = replacements.get(info.filename)
            if content is None:
                content = source.read(info)
                if info.filename.endswith(".xml"):
                    content = AUTHOR_ATTRS.sub(lambda m: m.group(1) + b'=""', content)
            clean = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            # ODF wants its mimetype entry first and stored; keep every entry's compression as it was.
            clean.compress_type = info.compress_type
            clean.external_attr = info.external_attr
            target.writestr(clean, content)
    return out.getvalue()


def _strip_text(data: bytes) -> bytes:
    return data


_STRIPPERS = {
    "jpeg": _strip_image,
    "png": _strip_image,
    "webp": _strip_image,
    "gif": _strip_image,
    "pdf": _strip_pdf,
    "text": _strip_text,
    "docx": _strip_office,
    "xlsx": _strip_office,
    "pptx": _strip_office,
    "odt": _strip_office,
    "ods": _strip_office,
    "odp": _strip_office,
}


def safe_filename(original: str | None, kind: Kind, index: int) -> str:
    """Return a harmless file name with the extension of the detected type."""
    stem = (original or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip()[:80] or f"attachment-{index}"
    return f"{stem}.{kind.extension}"


def prepare(data: bytes, original_name: str | None, index: int = 1) -> tuple[Kind, str, bytes]:
    """Detect, strip and rename one upload; return (kind, file name, clean bytes)."""
    kind = detect(data)
    return kind, safe_filename(original_name, kind, index), strip_metadata(kind, data)
