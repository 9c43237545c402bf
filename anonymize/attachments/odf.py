"""OpenDocument (odt, ods, odp): properties, thumbnails, authors of annotations and changes, links out, macros.

What goes: every meta.xml (the document's and its embedded objects'), the Thumbnails/ folder and its
manifest entries, the creators of annotations and tracked changes, the printer's name, event
listeners, and every xlink:href that leaves the package (linked images, frames, sections, links).
Images anywhere in the package are re-encoded from their pixels. A document with Basic or script
macros is refused.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from anonymize.attachments.common import REFUSE_EMBEDDED, REFUSE_MACROS, AttachmentRefused, Limits
from anonymize.attachments.images import clean_image, looks_like_image
from anonymize.attachments.zips import local_name, parse_xml, read_members, write_members, write_xml

EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
DC_NS = "http://purl.org/dc/elements/1.1/"
META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
CONFIG_NAME = "{urn:oasis:names:tc:opendocument:xmlns:config:1.0}name"
MANIFEST_PATH = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path"
# Elements whose text names a person: the creator of an annotation or a change, and their initials.
PERSON_ELEMENTS = {f"{{{DC_NS}}}creator", f"{{{META_NS}}}creator-initials", f"{{{META_NS}}}initial-creator"}
# Settings that name the writer's printer (often after its owner or office).
PRINTER_SETTINGS = {"PrinterName", "PrinterSetup"}
# Macros bound to events; the macros themselves make the document refused.
LISTENERS = {"event-listeners"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OUTSIDE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|/|\\|\.\./)")


def clean_odf(data: bytes, limits: Limits) -> bytes:
    """Return the document without identifying metadata, authors or links out; refuse macros."""
    members = read_members(data, limits)
    if any(m.name.startswith(("Basic/", "Scripts/")) and not m.name.endswith("/") for m in members):
        raise AttachmentRefused(REFUSE_MACROS)
    if any(m.data.startswith((OLE_MAGIC, b"PK\x03\x04")) for m in members):
        raise AttachmentRefused(REFUSE_EMBEDDED)  # a foreign OLE object or package, which we do not clean
    dropped = {m.name for m in members if m.name.startswith("Thumbnails/")}
    members = [m for m in members if m.name not in dropped]
    for member in members:
        if member.name == "meta.xml" or member.name.endswith("/meta.xml"):
            member.data = EMPTY_ODF_META
        elif member.name == "META-INF/manifest.xml":
            member.data = _clean_manifest(member.data, dropped)
        elif member.name.endswith(".xml"):
            member.data = _clean_part(member.data)
        elif looks_like_image(member.data):
            member.data = clean_image(member.data, limits)
    return write_members(members)


def _clean_manifest(data: bytes, dropped: set[str]) -> bytes:
    root = parse_xml(data)
    for entry in list(root):
        path = str(entry.get(MANIFEST_PATH, ""))
        if path in dropped or path == "Thumbnails/":
            root.remove(entry)
    return write_xml(root)


def _clean_part(data: bytes) -> bytes:
    root = parse_xml(data)
    for element in list(root.iter(tag=etree.Element)):
        _clean_element(element)
    return write_xml(root)


def _clean_element(element: Any) -> None:
    if element.tag in PERSON_ELEMENTS:
        for child in list(element):
            element.remove(child)
        element.text = ""
    elif local_name(element) in LISTENERS and (parent := element.getparent()) is not None:
        parent.remove(element)
        return
    elif local_name(element) == "config-item" and element.get(CONFIG_NAME) in PRINTER_SETTINGS:
        element.text = ""
    href = element.get(XLINK_HREF)
    if href is not None and OUTSIDE.match(href.strip()):
        del element.attrib[XLINK_HREF]
