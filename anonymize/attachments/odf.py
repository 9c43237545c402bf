"""OpenDocument (odt, ods, odp): properties, thumbnails, authors of annotations and changes, links out, macros.

What goes: every meta.xml (the document's and its embedded objects'), the Thumbnails/ folder and its
manifest entries, the creators of annotations and tracked changes, the printer's name, event
listeners, and every xlink:href that leaves the package (linked images, frames, sections, links).
Images anywhere in the package are re-encoded from their pixels. A document with Basic or script
macros, DDE (a connection, a section's source, a DDE() formula) or a WEBSERVICE() formula is refused.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from lxml import etree

from anonymize.attachments.common import (
    OLE_MAGIC,
    REFUSE_DDE,
    REFUSE_EMBEDDED,
    REFUSE_MACROS,
    REFUSE_WEB_FORMULA,
    AttachmentRefused,
    Limits,
)
from anonymize.attachments.images import clean_image, looks_like_image
from anonymize.attachments.zips import parse_xml, read_members, write_members, write_xml

EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
DC_NS = "http://purl.org/dc/elements/1.1/"
META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
CONFIG_NS = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
XLINK_NS = "http://www.w3.org/1999/xlink"
XLINK_HREF = f"{{{XLINK_NS}}}href"
MANIFEST_PATH = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path"
# A link leaves the package if, decoded and normalised, it has a scheme, is absolute (or UNC) or climbs up.
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# A formula's strings ("...") and sheet names ('...') are left out before looking for a DDE( call.
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
DDE_CALL = re.compile(r"\bDDE\s*\(", re.IGNORECASE)
WEB_CALL = re.compile(r"\bWEBSERVICE\s*\(", re.IGNORECASE)


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
    formulas = [QUOTED.sub("", str(formula)) for formula in FIND_FORMULAS(root)]
    if FIND_DDE(root) or any(DDE_CALL.search(formula) for formula in formulas):
        raise AttachmentRefused(REFUSE_DDE)  # a link to another program, which may run a command
    if any(WEB_CALL.search(formula) for formula in formulas):
        raise AttachmentRefused(REFUSE_WEB_FORMULA)
    for element in FIND_PEOPLE(root):
        for child in list(element):
            element.remove(child)
        element.text = ""
    for element in FIND_LISTENERS(root):
        if (parent := element.getparent()) is not None:
            parent.remove(element)
    for element in FIND_PRINTER(root):
        element.text = ""
    for href in FIND_LINKS(root):
        if _outside(str(href)) and (element := href.getparent()) is not None:
            del element.attrib[XLINK_HREF]
    return write_xml(root)


def _outside(href: str) -> bool:
    """Whether a link leaves the package: `./../x`, `%2e%2e/x`, `/x`, `\\\\host\\x` and `http:` all do."""
    path = unquote(href).strip().replace("\\", "/")
    normal = posixpath.normpath(path)
    return bool(SCHEME.match(path)) or path.startswith("/") or normal == ".." or normal.startswith("../")


# The walks over a part run in libxml2, as XPath, not as a Python loop over every element.
NAMESPACES = {"dc": DC_NS, "meta": META_NS, "config": CONFIG_NS, "xlink": XLINK_NS}
# Elements whose text names a person: the creator of an annotation or a change, and their initials.
FIND_PEOPLE = etree.XPath("//dc:creator | //meta:creator-initials | //meta:initial-creator", namespaces=NAMESPACES)
# Macros bound to events (the macros themselves make the document refused).
FIND_LISTENERS = etree.XPath("//*[local-name()='event-listeners']")
# Settings that name the writer's printer (often after its owner or office).
FIND_PRINTER = etree.XPath(
    "//config:config-item[@config:name='PrinterName' or @config:name='PrinterSetup']", namespaces=NAMESPACES
)
FIND_LINKS = etree.XPath("//@xlink:href", namespaces=NAMESPACES)
# DDE connections, sources and links (office:dde-source, text:dde-connection-decl, table:dde-link...).
FIND_DDE = etree.XPath("//*[starts-with(local-name(), 'dde-')]")
FIND_FORMULAS = etree.XPath("//@*[local-name()='formula']")
