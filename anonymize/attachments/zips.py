"""Zip containers (OOXML and OpenDocument): limits checked before anything is inflated, and safe XML."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from anonymize.attachments.common import (
    MB,
    REFUSE_BROKEN,
    REFUSE_TOO_BIG_UNZIPPED,
    REFUSE_ZIP_BOMB,
    AttachmentRefused,
    Limits,
)

# A small member may compress very well (a run of spaces); the ratio is checked from this size up.
RATIO_FLOOR = 1 * MB
# No entities are expanded, nothing is fetched, no document may be deeper or larger than libxml2's defaults.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
LENIENT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)


@dataclass
class Member:
    info: zipfile.ZipInfo
    data: bytes

    @property
    def name(self) -> str:
        return self.info.filename


def check_archive(archive: zipfile.ZipFile, compressed_size: int, limits: Limits) -> None:
    """Refuse a zip whose declared sizes are too large or too well compressed, before reading any member."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names) or any(info.flag_bits & 0x1 for info in infos):
        raise AttachmentRefused(REFUSE_BROKEN)  # twin names (readers disagree which counts) or encryption
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped:
        raise AttachmentRefused(REFUSE_TOO_BIG_UNZIPPED)
    if total > RATIO_FLOOR and total > limits.max_zip_ratio * max(compressed_size, 1):
        raise AttachmentRefused(REFUSE_ZIP_BOMB)
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise AttachmentRefused(REFUSE_ZIP_BOMB)


def read_members(data: bytes, limits: Limits) -> list[Member]:
    """Return every member of a zip, in order, once its sizes have passed the limits.

    zipfile stops inflating a member at its declared size (and then fails its CRC check), so a
    member that lies about its size cannot grow past what was checked.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, len(data), limits)
            return [Member(info, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err


def write_members(members: list[Member]) -> bytes:
    """Write members back in their order and compression, with a fixed date and no comment."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in members:
            clean = zipfile.ZipInfo(member.name, date_time=(1980, 1, 1, 0, 0, 0))
            # ODF wants its mimetype entry first and stored; keep every entry's compression as it was.
            clean.compress_type = (
                member.info.compress_type if member.info.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
            )
            clean.external_attr = member.info.external_attr
            target.writestr(clean, member.data)
    return out.getvalue()


def parse_xml(data: bytes, recover: bool = False) -> Any:
    """Parse one XML part safely (recovering what it can, if asked); the result is an lxml element."""
    try:
        root = etree.fromstring(data, LENIENT_PARSER if recover else PARSER)
    except etree.XMLSyntaxError as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err
    if root is None:
        raise AttachmentRefused(REFUSE_BROKEN)
    return root


def write_xml(root: Any, standalone: bool | None = None) -> bytes:
    """Serialize an element tree as UTF-8 with its declaration (any doctype is left out)."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone))


def may_hold(data: bytes, *markers: bytes) -> bool:
    """Whether a part may hold one of these: it does, or it is not UTF-8 (UTF-16) or has character references.

    A byte search that decides which parts are parsed must not be dodged by another encoding.
    """
    return (
        b"\x00" in data[:4]
        or data[:2] in (b"\xff\xfe", b"\xfe\xff")
        or b"&#" in data
        or any(marker in data for marker in markers)
    )


def local_name(node: Any) -> str:
    """The name of an element or attribute without its namespace."""
    return str(etree.QName(node).localname)
