"""Office Open XML (docx, xlsx, pptx): properties, thumbnails, custom XML, people, links out, macros, images.

What goes: the core and extended properties (emptied), custom properties, the thumbnail and every
customXml part with the relationships and content-type overrides that name them; the names, initials
and account ids of comment and revision authors; every relationship that points outside the package
(links, remote templates, linked images), with the references to it. Images anywhere in the package
are re-encoded from their pixels; embedded office packages (a chart's workbook) are cleaned the same
way. Word fields that fetch from outside lose their instruction and keep their text (fields.py). A
document with macros, ActiveX controls, DDE fields or formulas, or an imported chunk is refused.
"""

from __future__ import annotations

import posixpath
from typing import Any

from lxml import etree

from anonymize.attachments.common import OLE_MAGIC, REFUSE_EMBEDDED, REFUSE_MACROS, AttachmentRefused, Limits
from anonymize.attachments.detect import detect
from anonymize.attachments.fields import clean_fields, refuse_imports_and_dde
from anonymize.attachments.images import clean_image, looks_like_image
from anonymize.attachments.zips import Member, local_name, may_hold, parse_xml, read_members, write_members, write_xml

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
REPLACED = {"docProps/core.xml": EMPTY_CORE, "docProps/app.xml": EMPTY_APP}
# Parts found by the type of the relationship that names them, wherever they are: emptied or dropped.
REPLACED_BY_TYPE = {"/core-properties": EMPTY_CORE, "/extended-properties": EMPTY_APP}
# (Printer settings are a Windows DEVMODE, which starts with the printer's name.)
DROPPED_BY_TYPE = ("/custom-properties", "/thumbnail", "/customXml", "/connections", "/queryTable", "/printerSettings")
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Attributes that name a person, on any element: comment and revision authors, people and their accounts.
PERSON_ATTRS = {"author", "initials", "userId", "providerId", "userName"}
# Attributes that name a person only on these elements (elsewhere `name` names a sheet or a table).
PERSON_ELEMENTS = {"person", "cmAuthor", "author", "userInfo"}
PERSON_ELEMENT_ATTRS = {"name", "displayName"}
# A part is parsed only if it holds one of these (compared in lower case), or a reference to remove.
MARKERS = (b"author", b"initials", b"userid", b"providerid", b"username", b"userinfo", b"person", b"abspath", b"rsid")
# Where the file was saved, with the writer's user name in the path (C:\Users\...), in a workbook.
# Word's revision-session ids (w:rsids, w:rsidR...) tie a copy to the sessions that edited it.
DROPPED_ELEMENTS = {"absPath", "rsids"}
# References to a removed relationship that cannot stand without it: the element goes too.
# (An SVG picture goes, scripts and links and all; Office shows the PNG it always keeps beside it.)
DROPPED_WITH_RELATIONSHIP = {"attachedTemplate", "externalReference", "subDoc", "svgBlip"}
MAX_NESTING = 1


def clean_ooxml(data: bytes, limits: Limits, depth: int = 0) -> bytes:
    """Return the package without identifying parts, people's names or links out; refuse macros."""
    members = read_members(data, limits)
    _refuse_active(members)
    refuse_imports_and_dde(members)
    replaced, dropped = _parts_by_type(members)
    dropped |= {m.name for m in members if _is_dropped(m.name)}
    members = [m for m in members if m.name not in dropped]
    removed_ids = _clean_relationships(members, dropped)
    for member in members:
        if member.name in replaced:
            member.data = replaced[member.name]
        elif member.name == "[Content_Types].xml":
            member.data = _clean_content_types(member.data, dropped)
        elif member.name.endswith((".xml", ".vml")):
            member.data = _clean_part(member.data, removed_ids.get(member.name, set()), member.name.endswith(".vml"))
            if member.name.endswith(".xml"):
                member.data = clean_fields(member.data) or member.data
        elif looks_like_image(member.data):
            member.data = clean_image(member.data, limits)
        elif member.data.startswith(b"PK\x03\x04"):
            member.data = _clean_nested(member.data, limits, depth)
    return write_members(members)


def _clean_nested(data: bytes, limits: Limits, depth: int) -> bytes:
    """Clean an office package inside this one (a chart's workbook), whatever its name; refuse any other zip."""
    try:
        kind = detect(data).name
    except AttachmentRefused as err:
        raise AttachmentRefused(REFUSE_EMBEDDED) from err
    if depth >= MAX_NESTING or kind not in ("docx", "xlsx", "pptx"):
        raise AttachmentRefused(REFUSE_EMBEDDED)
    return clean_ooxml(data, limits, depth + 1)


def _is_dropped(name: str) -> bool:
    return (
        name.startswith(("customXml/", "docProps/thumbnail", "xl/queryTables/"))
        or name in ("docProps/custom.xml", "xl/connections.xml")  # data connections refresh from a server
        or "/customXml/" in name  # customXml parts kept beside a part, as some writers do
        or name.lower().endswith(".svg")
        or "/printerSettings/" in name
    )


def _relationships(member: Member) -> tuple[str, Any]:
    """The source part of a .rels member, and its parsed relationships."""
    folder, _rels, file = member.name.rpartition("_rels/")
    return folder + file.removesuffix(".rels"), parse_xml(member.data)


def _target(source: str, rel: Any) -> str:
    target = str(rel.get("Target", ""))
    inside = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
    return posixpath.normpath(inside)


def _parts_by_type(members: list[Member]) -> tuple[dict[str, bytes], set[str]]:
    """Property parts to empty and parts to drop, found by relationship type whatever their names."""
    replaced, dropped = dict(REPLACED), set()
    for member in members:
        if not member.name.endswith(".rels"):
            continue
        source, root = _relationships(member)
        for rel in root:
            rel_type, target = str(rel.get("Type", "")), _target(source, rel)
            for suffix, empty in REPLACED_BY_TYPE.items():
                if rel_type.endswith(suffix):
                    replaced[target] = empty
            if rel_type.endswith(DROPPED_BY_TYPE):
                dropped.add(target)
    return replaced, dropped


def _refuse_active(members: list[Member]) -> None:
    """Refuse macros, ActiveX controls and OLE objects, which we can neither run safely nor clean."""
    for member in members:
        name = member.name.lower()
        if name.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in f"/{name}":
            raise AttachmentRefused(REFUSE_MACROS)
        if member.data.startswith(OLE_MAGIC) and "/printersettings/" not in f"/{name}":
            raise AttachmentRefused(REFUSE_EMBEDDED)  # an OLE object: an old document, a package with its path
        if name == "[content_types].xml" and any(
            marker in member.data.lower() for marker in (b"macroenabled", b"vbaproject", b"activex")
        ):
            raise AttachmentRefused(REFUSE_MACROS)


def _clean_relationships(members: list[Member], dropped: set[str]) -> dict[str, set[str]]:
    """Remove relationships that leave the package or point to a dropped part; return their ids by source."""
    removed: dict[str, set[str]] = {}
    for member in members:
        if not member.name.endswith(".rels"):
            continue
        folder, _rels, file = member.name.rpartition("_rels/")
        source = folder + file.removesuffix(".rels")
        base = posixpath.dirname(source)
        root = parse_xml(member.data)
        for rel in list(root):
            target = str(rel.get("Target", ""))
            external = str(rel.get("TargetMode", "")).lower() == "external"
            resolved = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            )
            if external or resolved in dropped:
                removed.setdefault(source, set()).add(str(rel.get("Id", "")))
                root.remove(rel)
        member.data = write_xml(root, standalone=True)
    return removed


def _clean_content_types(data: bytes, dropped: set[str]) -> bytes:
    root = parse_xml(data)
    for override in list(root):
        if str(override.get("PartName", "")).lstrip("/") in dropped:
            root.remove(override)
    return write_xml(root, standalone=True)


def _clean_part(data: bytes, removed_ids: set[str], legacy: bool = False) -> bytes:
    if not removed_ids and not may_hold(data.lower(), *MARKERS):
        return data
    root = parse_xml(data, recover=legacy)  # VML drawings are often not well-formed XML
    for element in FIND_ELEMENTS(root):
        if local_name(element) == "author":
            element.text = ""  # a spreadsheet's list of comment authors
        elif (parent := element.getparent()) is not None:
            parent.remove(element)
    for attr in FIND_ATTRIBUTES(root):
        if attr.attrname.rpartition("}")[2].startswith("rsid"):
            del attr.getparent().attrib[attr.attrname]
        else:
            attr.getparent().set(attr.attrname, "")
    if removed_ids:
        _drop_references(root, removed_ids)
    return write_xml(root, standalone=True)


def _drop_references(root: Any, removed_ids: set[str]) -> None:
    for attr in FIND_REFERENCES(root):
        element = attr.getparent()
        if str(attr) not in removed_ids or element is None:
            continue
        parent = element.getparent()
        if local_name(element) in DROPPED_WITH_RELATIONSHIP and parent is not None:
            parent.remove(element)
        elif attr.attrname in element.attrib:
            del element.attrib[attr.attrname]


def _names(names: set[str]) -> str:
    return " or ".join(f"local-name()='{name}'" for name in sorted(names))


# The walks over a part run in libxml2, as XPath: a Python loop over every element of a long
# document took most of the time.
# Elements that go, and a spreadsheet's list of comment authors, whose text goes.
FIND_ELEMENTS = etree.XPath(f"//*[{_names(DROPPED_ELEMENTS)}] | //*[local-name()='authors']/*[local-name()='author']")
# Attributes that go (revision-session ids) or are emptied (people), in one pass.
FIND_ATTRIBUTES = etree.XPath(
    f"//@*[starts-with(local-name(), 'rsid') or {_names(PERSON_ATTRS)}]"
    f" | //*[{_names(PERSON_ELEMENTS)}]/@*[{_names(PERSON_ELEMENT_ATTRS)}]"
)
FIND_REFERENCES = etree.XPath(f"//@*[namespace-uri()='{R_NS}']")
