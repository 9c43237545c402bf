"""Word fields and Excel formulas that fetch from outside or run a command, and imported chunks.

A Word field is either `w:fldSimple` (its instruction in `w:instr`, its last result in its runs) or
complex: runs with `w:fldChar` begin, the instruction in `w:instrText`, `w:fldChar` separate, the
result, `w:fldChar` end, possibly nested. A field that fetches from outside (INCLUDEPICTURE,
INCLUDETEXT, LINK, IMPORT, a HYPERLINK that is not to a bookmark) loses its instruction and keeps
its last result, which is what the reader sees. A DDE or DDEAUTO field, which runs a command when
the document opens, or a field whose command is computed by a nested field, makes the document
refused. So does an Excel formula or defined name with a DDE call (`cmd|'/c calc'!A1`), a workbook's
DDE link, a WEBSERVICE() formula, and an imported chunk (`w:altChunk`: a web page, MHT or RTF file
Word converts on opening).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from anonymize.attachments.common import REFUSE_DDE, REFUSE_IMPORTED, REFUSE_WEB_FORMULA, AttachmentRefused
from anonymize.attachments.zips import Member, local_name, may_hold, parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_TYPE = f"{{{W_NS}}}fldCharType"
W_INSTR = f"{{{W_NS}}}instr"
# Parts are parsed only if they hold one of these.
FIELD_MARKERS = (b"instrText", b"fldSimple", b"altChunk")
RUNS = {"DDE", "DDEAUTO"}
FETCHES = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "IMPORT", "HYPERLINK"}
# The field's keyword: its first word, read past quotes too, so a quoted keyword is judged all the same.
KEYWORD = re.compile(r"[\s\"]*([A-Za-z]+)")
BOOKMARK_LINK = re.compile(r"\s*HYPERLINK\s+\\l", re.IGNORECASE)
# In a formula: strings ("...") and quoted sheet names ('...') may hold a pipe; a DDE call's pipe is outside.
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
WEB_CALL = re.compile(r"\bWEBSERVICE\s*\(", re.IGNORECASE)  # also as _xlfn.WEBSERVICE(
FORMULA_ELEMENTS = {"f", "definedName", "formula", "formula1", "formula2"}


def refuse_imports_and_dde(members: list[Member]) -> None:
    """Refuse an imported chunk (altChunk), a workbook's DDE link and a DDE formula."""
    for member in members:
        if (
            member.name.endswith(".rels")
            and may_hold(member.data.lower(), b"afchunk")
            and any(str(rel.get("Type", "")).lower().endswith("/afchunk") for rel in parse_xml(member.data))
        ):
            raise AttachmentRefused(REFUSE_IMPORTED)
        if not member.name.endswith(".xml"):
            continue
        if may_hold(member.data, b"ddeLink") and FIND_DDE_LINKS(parse_xml(member.data)):
            raise AttachmentRefused(REFUSE_DDE)
        if may_hold(member.data.lower(), b"|", b"webservice"):
            for element in FIND_FORMULAS(parse_xml(member.data)):
                formula = QUOTED.sub("", element.text or "")
                if "|" in formula:
                    raise AttachmentRefused(REFUSE_DDE)
                if WEB_CALL.search(formula):
                    raise AttachmentRefused(REFUSE_WEB_FORMULA)


def clean_fields(data: bytes) -> bytes | None:
    """The part without fields that fetch from outside, or None if it has none; refuse fields that run."""
    if not may_hold(data, *FIELD_MARKERS):
        return None
    root = parse_xml(data)
    if FIND_CHUNKS(root):
        raise AttachmentRefused(REFUSE_IMPORTED)
    changed = _clean_simple(root)
    changed = _clean_complex(root) or changed
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)) if changed else None


def _fetches(instruction: str) -> bool:
    """Whether a field with this instruction fetches from outside; refuse one that runs a command."""
    match = KEYWORD.match(instruction)
    keyword = match.group(1).upper() if match else ""
    if keyword in RUNS:
        raise AttachmentRefused(REFUSE_DDE)
    return keyword in FETCHES and not BOOKMARK_LINK.match(instruction)


def _clean_simple(root: Any) -> bool:
    """Replace each simple field that fetches from outside by its result runs."""
    changed = False
    for simple in FIND_SIMPLE(root):
        parent = simple.getparent()
        if not _fetches(str(simple.get(W_INSTR, ""))) or parent is None:
            continue
        index = parent.index(simple)
        parent.remove(simple)
        for offset, child in enumerate(list(simple)):
            parent.insert(index + offset, child)
        changed = True
    return changed


@dataclass
class _Field:
    """One complex field being read: its own instruction, and every node from begin to separate or end."""

    instruction: str = ""
    nested_first: bool = False  # a nested field came before any keyword: the command is computed
    in_result: bool = False
    nodes: list[Any] = field(default_factory=list)


def _clean_complex(root: Any) -> bool:
    """Remove the instruction (and the field characters) of each complex field that fetches from outside."""
    stack: list[_Field] = []
    doomed: list[Any] = []
    for node in FIND_FIELD_NODES(root):
        name = local_name(node)
        kind = str(node.get(W_TYPE, "")) if name == "fldChar" else ""
        for open_field in stack:
            if not open_field.in_result:
                open_field.nodes.append(node)  # a nested field's nodes belong to the instruction
        if kind == "begin":
            if stack and not stack[-1].in_result and not KEYWORD.match(stack[-1].instruction):
                stack[-1].nested_first = True
            stack.append(_Field(nodes=[node]))
        elif not stack:
            continue
        elif name in ("instrText", "delInstrText"):
            stack[-1].instruction += node.text or ""
        elif kind == "separate":
            stack[-1].in_result = True
        elif kind == "end":
            done = stack.pop()
            done.nodes.append(node)
            doomed += _doomed(done)
    for unended in stack:  # a field without its end is judged all the same
        doomed += _doomed(unended)
    for node in doomed:
        if (parent := node.getparent()) is not None:
            parent.remove(node)
    return bool(doomed)


def _doomed(done: _Field) -> list[Any]:
    """The nodes of a field to remove: all of its instruction if it fetches from outside, else none."""
    if done.nested_first:
        raise AttachmentRefused(REFUSE_DDE)
    return list(done.nodes) if _fetches(done.instruction) else []


FIND_SIMPLE = etree.XPath("//w:fldSimple", namespaces={"w": W_NS})
FIND_FIELD_NODES = etree.XPath(
    "//w:fldChar | //w:instrText | //w:delInstrText | //w:t | //w:delText", namespaces={"w": W_NS}
)
FIND_CHUNKS = etree.XPath("//w:altChunk", namespaces={"w": W_NS})
FIND_DDE_LINKS = etree.XPath("//*[local-name()='ddeLink']")
FIND_FORMULAS = etree.XPath("//*[" + " or ".join(f"local-name()='{name}'" for name in sorted(FORMULA_ELEMENTS)) + "]")
