"""Hostile documents: every planted marker is gone from the cleaned file, inflated or not, and the visible text stays.

Each case builds one file that hides one marker in one place (tests/factories/hostile.py), sends
it through `prepare` (the child process included), then looks for the marker in the stored
bytes, in every zip member (nested packages too) and in every PDF object and decoded stream.
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary
from PIL import Image

from anonymize.attachments import AttachmentRefused, prepare
from tests.factories import hostile as h
from tests.factories.hostile import REL, VISIBLE, marker


def everything(data: bytes) -> bytes:
    """The bytes as stored, every zip member (recursively), every PDF object and every decoded stream."""
    chunks = [data]
    if data.startswith(b"PK\x03\x04"):
        chunks += [everything(part) for part in h.parts_of(data).values()]
    elif data.startswith(b"%PDF"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            chunks.append(pdf.trailer.unparse())
            for obj in pdf.objects:
                if isinstance(obj, Dictionary | pikepdf.Stream | Array):
                    chunks.append(obj.unparse())
                if isinstance(obj, pikepdf.Stream):
                    try:
                        chunks.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        chunks.append(obj.read_raw_bytes())
    return b"".join(chunks)


def clean(data: bytes, name: str) -> bytes:
    _kind, _name, cleaned = prepare(data, name)
    return cleaned


def assert_gone(cleaned: bytes, mark: str) -> None:
    found = everything(cleaned)
    assert mark.encode() not in found
    assert mark.encode("utf-16-be") not in found and mark.encode("utf-16-le") not in found


def assert_clean_image(data: bytes, size: tuple[int, int]) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == size
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info and "icc_profile" not in image.info and "comment" not in image.info


# --- OOXML: docx, xlsx, pptx ----------------------------------------------------------------

TEXT_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml", "pptx": "ppt/slides/slide1.xml"}
FOLDER = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}


def _embedded_jpeg(kind, parts, mark):
    parts[f"{FOLDER[kind]}/media/image1.jpeg"] = h.jpeg_with_exif(mark)
    h.add_rel(parts, h.main_rels(kind), "rId90", f"{REL}/image", "media/image1.jpeg")


def _thumbnail(kind, parts, mark):
    parts["docProps/thumbnail.jpeg"] = h.jpeg_with_exif(mark)
    h.add_rel(parts, "_rels/.rels", "rId2", f"{h.PKG_R}/metadata/thumbnail", "docProps/thumbnail.jpeg")


def _custom_xml(kind, parts, mark):
    parts["customXml/item1.xml"] = f"<owner><email>{mark}@example.org</email></owner>".encode()
    parts["customXml/itemProps1.xml"] = (
        b'<ds:datastoreItem ds:itemID="{6E0C3F4D-0000-4000-8000-000000000001}" '
        b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
    )
    parts["customXml/_rels/item1.xml.rels"] = h.rels(
        [("rId1", f"{REL}/customXmlProps", "itemProps1.xml", False)]
    ).encode()
    h.add_rel(parts, h.main_rels(kind), "rId91", f"{REL}/customXml", "../customXml/item1.xml")
    h.add_override(
        parts, "customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
    )


def _custom_properties(kind, parts, mark):
    parts["docProps/custom.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner">'
        f"<vt:lpwstr>{mark}</vt:lpwstr></property></Properties>"
    ).encode()
    h.add_rel(parts, "_rels/.rels", "rId3", f"{REL}/custom-properties", "docProps/custom.xml")
    h.add_override(parts, "docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")


def _comment_author(kind, parts, mark):
    if kind == "docx":
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="{h.W}"><w:comment w:id="0" w:author="{mark}" w:initials="{mark}I" '
            'w:date="2026-01-01T00:00:00Z"><w:p><w:r><w:t>Please check this</w:t></w:r></w:p></w:comment></w:comments>'
        ).encode()
        h.add_rel(parts, h.main_rels(kind), "rId92", f"{REL}/comments", "comments.xml")
    elif kind == "xlsx":
        parts["xl/comments1.xml"] = (
            f'<comments xmlns="{h.S}"><authors><author>{mark}</author></authors><commentList>'
            '<comment ref="A1" authorId="0"><text><t>Please check this</t></text></comment></commentList></comments>'
        ).encode()
        parts["xl/persons/person.xml"] = (
            '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            f'<person displayName="{mark}" id="{{1}}" userId="{mark}@example.org" providerId="AD"/></personList>'
        ).encode()
        h.add_rel(parts, "xl/worksheets/_rels/sheet1.xml.rels", "rId1", f"{REL}/comments", "../comments1.xml")
    else:
        parts["ppt/commentAuthors.xml"] = (
            f'<p:cmAuthorLst xmlns:p="{h.P}"><p:cmAuthor id="0" name="{mark}" initials="{mark}I" lastIdx="1" '
            'clrIdx="0"/></p:cmAuthorLst>'
        ).encode()
        parts["ppt/comments/comment1.xml"] = (
            f'<p:cmLst xmlns:p="{h.P}"><p:cm authorId="0" idx="1"><p:pos x="1" y="1"/>'
            "<p:text>Please check this</p:text></p:cm></p:cmLst>"
        ).encode()
    return "Please check this"


def _tracked_change_author(kind, parts, mark):
    if kind == "docx":
        parts["word/people.xml"] = (
            f'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person '
            f'w15:author="{mark}"><w15:presenceInfo w15:providerId="AD" w15:userId="S-1-{mark}"/></w15:person>'
            "</w15:people>"
        ).encode()
    elif kind == "xlsx":
        parts["xl/revisions/revisionHeaders.xml"] = (
            f'<headers xmlns="{h.S}" guid="{{2}}"><header guid="{{3}}" dateTime="2026-01-01T00:00:00" '
            f'userName="{mark}"/></headers>'
        ).encode()
        parts["xl/revisions/userNames.xml"] = (
            f'<users xmlns="{h.S}" count="1"><userInfo guid="{{4}}" name="{mark}" id="1"/></users>'
        ).encode()
    else:
        parts["ppt/authors.xml"] = (
            '<p188:authorLst xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main">'
            f'<p188:author id="{{5}}" name="{mark}" initials="{mark}I" userId="{mark}@example.org" '
            'providerId="AD"/></p188:authorLst>'
        ).encode()


def _external_relationship(kind, parts, mark):
    source = {"docx": h.main_rels("docx"), "xlsx": "xl/worksheets/_rels/sheet1.xml.rels"}.get(
        kind, "ppt/slides/_rels/slide1.xml.rels"
    )
    h.add_rel(parts, source, "rId93", f"{REL}/hyperlink", f"https://{mark}.example.org/track", external=True)
    h.add_rel(parts, source, "rId94", f"{REL}/image", f"https://{mark}.example.org/pixel.png", external=True)


OOXML_PLACES = {
    "embedded-jpeg": _embedded_jpeg,
    "thumbnail": _thumbnail,
    "customxml": _custom_xml,
    "custom-properties": _custom_properties,
    "comment-author": _comment_author,
    "tracked-change-author": _tracked_change_author,
    "external-relationship": _external_relationship,
}
DOCX_BODY = {
    "tracked-change-author": (
        '<w:p><w:ins w:id="1" w:author="{m}" w:date="2026-01-01T00:00:00Z"><w:r><w:t>inserted words</w:t></w:r>'
        '</w:ins><w:del w:id="2" w:author="{m}"><w:r><w:delText>old words</w:delText></w:r></w:del></w:p>'
    ),
    "external-relationship": '<w:p><w:hyperlink r:id="rId93"><w:r><w:t>see the source</w:t></w:r></w:hyperlink></w:p>',
}


@pytest.mark.parametrize("place", OOXML_PLACES)
@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_ooxml_hiding_places_are_emptied(kind, place):
    mark = marker(f"{kind}-{place}")
    body = DOCX_BODY.get(place, "").replace("{m}", mark) if kind == "docx" else ""
    parts = h.ooxml(kind, extra_body=body)
    extra_visible = OOXML_PLACES[place](kind, parts, mark)
    original = h.to_zip(parts)
    assert mark.encode() in everything(original)

    cleaned = clean(original, f"evidence.{kind}")

    assert_gone(cleaned, mark)
    result = h.parts_of(cleaned)
    assert VISIBLE.encode() in result[TEXT_PART[kind]]
    if extra_visible:
        assert extra_visible.encode() in b"".join(result.values())
    assert b"Core Creator" not in everything(cleaned)
    assert not any(n.startswith(("customXml/", "docProps/thumbnail")) or n == "docProps/custom.xml" for n in result)
    everything_xml = b"".join(v for n, v in result.items() if n.endswith((".rels", ".xml")))
    assert b"customXml" not in everything_xml and b"thumbnail" not in everything_xml
    assert b'TargetMode="External"' not in everything_xml
    if place == "embedded-jpeg":
        assert_clean_image(result[f"{FOLDER[kind]}/media/image1.jpeg"], (40, 30))


def test_docx_stays_readable_after_cleaning_with_every_hiding_place_at_once():
    import docx

    mark = marker("docx-all")
    body = "".join(DOCX_BODY.values()).replace("{m}", mark)
    parts = h.ooxml("docx", extra_body=body)
    for plant in OOXML_PLACES.values():
        plant("docx", parts, mark)
    cleaned = clean(h.to_zip(parts), "all.docx")
    assert_gone(cleaned, mark)
    document = docx.Document(io.BytesIO(cleaned))
    text = "\n".join(p.text for p in document.paragraphs)
    assert VISIBLE in text and "see the source" in text
    xml = h.parts_of(cleaned)["word/document.xml"]
    assert b"inserted words" in xml and b"old words" in xml, "tracked changes stay, without their authors"
    assert b"<w:hyperlink>" in xml, "the link keeps its text, not its target"


def test_docx_remote_template_is_removed():
    mark = marker("docx-template")
    parts = h.ooxml("docx")
    parts["word/settings.xml"] = (
        f'<w:settings xmlns:w="{h.W}" xmlns:r="{h.R}"><w:attachedTemplate r:id="rId1"/><w:defaultTabStop w:val="720"/>'
        "</w:settings>"
    ).encode()
    h.add_rel(
        parts,
        "word/_rels/settings.xml.rels",
        "rId1",
        f"{REL}/attachedTemplate",
        f"https://{mark}.example.org/t.dotm",
        True,
    )
    h.add_rel(parts, h.main_rels("docx"), "rId95", f"{REL}/settings", "settings.xml")
    cleaned = h.parts_of(clean(h.to_zip(parts), "template.docx"))
    assert_gone(h.to_zip(cleaned), mark)
    assert b"attachedTemplate" not in cleaned["word/settings.xml"]
    assert b"defaultTabStop" in cleaned["word/settings.xml"]
    assert VISIBLE.encode() in cleaned["word/document.xml"]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_ooxml_with_macros_is_refused_with_a_way_out(kind):
    parts = h.ooxml(kind)
    parts[f"{FOLDER[kind]}/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + marker("vba").encode()
    h.add_rel(
        parts,
        h.main_rels(kind),
        "rId96",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    h.add_override(parts, f"{FOLDER[kind]}/vbaProject.bin", "application/vnd.ms-office.vbaProject")
    with pytest.raises(AttachmentRefused, match="macros.*Save it without macros"):
        prepare(h.to_zip(parts), f"macro.{kind}m")


def test_macro_enabled_content_type_alone_is_refused():
    parts = h.ooxml("docx")
    types = parts["[Content_Types].xml"].replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    parts["[Content_Types].xml"] = types
    with pytest.raises(AttachmentRefused, match="macros"):
        prepare(h.to_zip(parts), "macro.docm")


def test_embedded_workbook_of_a_chart_is_cleaned_too():
    mark = marker("chart-workbook")
    inner = h.ooxml("xlsx")
    _comment_author("xlsx", inner, mark)
    inner["docProps/core.xml"] = inner["docProps/core.xml"].replace(b"Core Creator", mark.encode())
    parts = h.ooxml("docx")
    parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = h.to_zip(inner)
    cleaned = clean(h.to_zip(parts), "chart.docx")
    assert_gone(cleaned, mark)
    assert (
        VISIBLE.encode()
        in h.parts_of(h.parts_of(cleaned)["word/embeddings/Microsoft_Excel_Worksheet.xlsx"])["xl/worksheets/sheet1.xml"]
    )


def test_a_comment_author_named_without_initials_is_found_too():
    mark = marker("pptx-name-only")
    parts = h.ooxml("pptx")
    parts["ppt/commentAuthors.xml"] = (
        f'<p:cmAuthorLst xmlns:p="{h.P}"><p:cmAuthor id="0" name="{mark}" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    ).encode()
    assert_gone(clean(h.to_zip(parts), "deck.pptx"), mark)


def test_a_workbook_forgets_where_it_was_saved_and_its_data_connections():
    mark = marker("xlsx-path")
    parts = h.ooxml("xlsx")
    saved_at = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/'
        f'2010/11/ac" url="C:\\Users\\{mark}\\Documents\\"/></mc:Choice></mc:AlternateContent><sheets>'
    )
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<sheets>", saved_at.encode())
    parts["xl/connections.xml"] = (
        f'<connections xmlns="{h.S}"><connection id="1" name="q" refreshOnLoad="1" type="1"><dbPr '
        f'connection="Provider=SQLOLEDB;User ID={mark};Data Source=https://{mark}.example.org/db"/></connection>'
        "</connections>"
    ).encode()
    parts["xl/queryTables/queryTable1.xml"] = f'<queryTable xmlns="{h.S}" name="{mark}" connectionId="1"/>'.encode()
    h.add_rel(parts, "xl/_rels/workbook.xml.rels", "rId7", f"{REL}/connections", "connections.xml")
    h.add_rel(
        parts, "xl/worksheets/_rels/sheet1.xml.rels", "rId8", f"{REL}/queryTable", "../queryTables/queryTable1.xml"
    )
    h.add_override(
        parts, "xl/connections.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"
    )
    cleaned = clean(h.to_zip(parts), "book.xlsx")
    assert_gone(cleaned, mark)
    result = h.parts_of(cleaned)
    assert "xl/connections.xml" not in result and b"connections" not in result["[Content_Types].xml"]
    assert b'name="Evidence"' in result["xl/workbook.xml"] and VISIBLE.encode() in result["xl/worksheets/sheet1.xml"]


def test_a_legacy_vml_drawing_that_is_not_well_formed_is_cleaned_not_refused():
    mark = marker("xlsx-vml")
    parts = h.ooxml("xlsx")
    parts["xl/drawings/vmlDrawing1.vml"] = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        f'<v:shape id="_x0000_s1025" o:author="{mark}"><v:textbox>note<br></v:textbox></v:shape></xml>'
    ).encode()
    cleaned = clean(h.to_zip(parts), "book.xlsx")
    assert_gone(cleaned, mark)
    assert b"_x0000_s1025" in h.parts_of(cleaned)["xl/drawings/vmlDrawing1.vml"]


def test_properties_and_thumbnails_are_found_by_relationship_type_not_by_name():
    mark = marker("docx-renamed")
    parts = h.ooxml("docx")
    parts["meta/who.xml"] = parts.pop("docProps/core.xml").replace(b"Core Creator", mark.encode())
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"</Relationships>", b"")
    parts["_rels/.rels"] += (
        f'<Relationship Id="rId5" Type="{h.PKG_R}/metadata/core-properties" Target="meta/who.xml"/>'
        f'<Relationship Id="rId6" Type="{h.PKG_R}/metadata/thumbnail" Target="pics/peek.png"/>'
        f'<Relationship Id="rId7" Type="{REL}/custom-properties" Target="props/extra.xml"/></Relationships>'
    ).encode()
    parts["pics/peek.png"] = h.png_with_text(mark)
    parts["props/extra.xml"] = f"<Properties><property><value>{mark}</value></property></Properties>".encode()
    cleaned = clean(h.to_zip(parts), "renamed.docx")
    assert_gone(cleaned, mark)
    result = h.parts_of(cleaned)
    assert (
        "pics/peek.png" not in result
        and "props/extra.xml" not in result
        and b"coreProperties" in result["meta/who.xml"]
    )
    assert VISIBLE.encode() in result["word/document.xml"]


def test_an_svg_picture_goes_and_its_png_fallback_stays():
    mark = marker("docx-svg")
    blip = (
        '<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'r:embed="rId60"><a:extLst><a:ext uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}"><asvg:svgBlip '
        'xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" r:embed="rId61"/></a:ext>'
        "</a:extLst></a:blip></w:drawing></w:r></w:p>"
    )
    parts = h.ooxml("docx", extra_body=blip)
    parts["word/media/image1.png"] = h.png_with_text(mark)
    parts["word/media/image2.svg"] = (
        f'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("https://{mark}.example.org")</script></svg>'
    ).encode()
    h.add_rel(parts, h.main_rels("docx"), "rId60", f"{REL}/image", "media/image1.png")
    h.add_rel(parts, h.main_rels("docx"), "rId61", f"{REL}/image", "media/image2.svg")
    cleaned = clean(h.to_zip(parts), "svg.docx")
    assert_gone(cleaned, mark)
    result = h.parts_of(cleaned)
    assert "word/media/image2.svg" not in result and b"svgBlip" not in result["word/document.xml"]
    assert b'r:embed="rId60"' in result["word/document.xml"] and b"media/image1.png" in result[h.main_rels("docx")]
    assert_clean_image(result["word/media/image1.png"], (16, 16))


def _webp_with_exif_and_xmp(mark):
    exif = Image.Exif()
    exif[0x013B] = mark
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 9, 9)).save(out, format="WEBP", exif=exif, xmp=h.xmp(mark))
    return out.getvalue()


def _gif_with_comment(mark):
    frames = [Image.new("RGB", (40, 30), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], comment=mark.encode(), duration=50)
    return out.getvalue()


def _tiff_with_tags(mark):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 9, 9)).save(out, format="TIFF", tiffinfo={315: mark, 270: mark})  # Artist
    return out.getvalue()


def _png_with_icc_and_exif(mark):
    exif = Image.Exif()
    exif[0x013B] = mark
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 9, 9)).save(out, format="PNG", exif=exif, icc_profile=b"icc " + mark.encode() * 8)
    return out.getvalue()


IMAGE_KINDS = {
    "webp": _webp_with_exif_and_xmp,
    "gif": _gif_with_comment,
    "tiff": _tiff_with_tags,
    "png": _png_with_icc_and_exif,
}


@pytest.mark.parametrize("fmt", IMAGE_KINDS)
def test_images_of_every_format_lose_their_tags_on_their_own_and_inside_a_document(fmt):
    mark = marker(f"image-{fmt}")
    image = IMAGE_KINDS[fmt](mark)
    assert mark.encode() in image
    parts = h.ooxml("docx")
    parts[f"word/media/image1.{fmt}"] = image
    cleaned = h.parts_of(clean(h.to_zip(parts), "pictures.docx"))
    assert_gone(h.to_zip(cleaned), mark)
    if fmt == "tiff":  # a TIFF (not accepted on its own) keeps only its structural tags
        with Image.open(io.BytesIO(cleaned["word/media/image1.tiff"])) as tiff:
            assert tiff.size == (40, 30) and not {270, 315, 305, 306, 34665, 34853} & set(tiff.getexif())
    else:
        assert_clean_image(cleaned[f"word/media/image1.{fmt}"], (40, 30))
        kind, _name, alone = prepare(image, f"picture.{fmt}")
        assert kind.name == fmt
        assert_gone(alone, mark)
        assert_clean_image(alone, (40, 30))
        if fmt == "gif":
            with Image.open(io.BytesIO(alone)) as animation:
                assert animation.n_frames == 3


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx", "odt"])
def test_an_embedded_ole_object_is_refused_with_a_way_out(kind):
    # An OLE "package" keeps the embedded file's original path, user name included.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "C:\\Users\\jane\\Desktop\\evidence.pdf".encode("utf-16-le")
    if kind == "odt":
        original = h.odf("", {"Object 2": ole})
    else:
        parts = h.ooxml(kind)
        parts[f"{FOLDER[kind]}/embeddings/oleObject1.bin"] = ole
        h.add_rel(parts, h.main_rels(kind), "rId70", f"{REL}/oleObject", "embeddings/oleObject1.bin")
        original = h.to_zip(parts)
    with pytest.raises(AttachmentRefused, match="embedded file or object.*Attach that file on its own"):
        prepare(original, f"with-object.{kind}")


def test_printer_settings_naming_the_printer_are_dropped():
    mark = marker("xlsx-printer")
    parts = h.ooxml("xlsx", extra_body='<pageSetup paperSize="9" r:id="rId9"/>')
    parts["xl/printerSettings/printerSettings1.bin"] = f"{mark} LaserJet".encode("utf-16-le") + b"\x00" * 64
    h.add_rel(
        parts,
        "xl/worksheets/_rels/sheet1.xml.rels",
        "rId9",
        f"{REL}/printerSettings",
        "../printerSettings/printerSettings1.bin",
    )
    cleaned = clean(h.to_zip(parts), "book.xlsx")
    assert_gone(cleaned, mark)
    sheet = h.parts_of(cleaned)["xl/worksheets/sheet1.xml"]
    assert b'<pageSetup paperSize="9"/>' in sheet and VISIBLE.encode() in sheet


def test_word_revision_session_ids_that_tie_a_copy_to_its_editors_go():
    mark = "00C0FFEE"
    body = f'<w:p w:rsidR="{mark}" w:rsidRDefault="{mark}"><w:r w:rsidRPr="{mark}"><w:t>edited</w:t></w:r></w:p>'
    parts = h.ooxml("docx", extra_body=body)
    parts["word/settings.xml"] = (
        f'<w:settings xmlns:w="{h.W}"><w:rsids><w:rsidRoot w:val="{mark}"/><w:rsid w:val="{mark}"/></w:rsids>'
        '<w:defaultTabStop w:val="720"/></w:settings>'
    ).encode()
    h.add_rel(parts, h.main_rels("docx"), "rId95", f"{REL}/settings", "settings.xml")
    cleaned = clean(h.to_zip(parts), "edited.docx")
    assert_gone(cleaned, mark)
    result = h.parts_of(cleaned)
    assert b"edited" in result["word/document.xml"] and b"defaultTabStop" in result["word/settings.xml"]


def test_an_embedded_package_is_cleaned_whatever_its_name_and_refused_when_it_is_not_office():
    macro_book = h.ooxml("xlsx")
    macro_book["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Shell"
    parts = h.ooxml("docx")
    parts["word/embeddings/Book1.xlsm"] = h.to_zip(macro_book)
    with pytest.raises(AttachmentRefused, match="macros"):
        prepare(h.to_zip(parts), "chart.docx")

    archive = h.to_zip({"secret.txt": marker("zip-in-docx").encode()})
    parts = h.ooxml("docx")
    parts["word/embeddings/data.bin"] = archive
    with pytest.raises(AttachmentRefused, match="embedded file or object"):
        prepare(h.to_zip(parts), "zipped.docx")
    with pytest.raises(AttachmentRefused, match="embedded file or object"):
        prepare(h.odf("", {"Object 3": archive}), "zipped.odt")


def test_a_phones_multi_picture_jpeg_is_accepted_and_keeps_only_its_photo():
    """Phones write MPO files (the photo, then a depth or HDR gain map); Pillow opens them as MPO, not JPEG."""
    mark = marker("mpo")
    exif = Image.Exif()
    exif[0x013B] = mark
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.34), 3: "E", 4: (13.0, 24.0, 56.78)}
    photo, gain_map = Image.new("RGB", (40, 30), (200, 40, 40)), Image.new("L", (20, 15), 128)
    out = io.BytesIO()
    photo.save(out, format="MPO", save_all=True, append_images=[gain_map], exif=exif)
    original = out.getvalue()
    with Image.open(io.BytesIO(original)) as opened:
        assert opened.format == "MPO" and opened.n_frames == 2
    kind, _name, cleaned = prepare(original, "IMG_2041.jpg")
    assert kind.name == "jpeg"
    assert_gone(cleaned, mark)
    assert_clean_image(cleaned, (40, 30))
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == "JPEG" and getattr(result, "n_frames", 1) == 1


def test_a_document_whose_parts_cannot_be_read_is_refused_as_damaged_not_crashed():
    """An encrypted or oddly compressed member makes zipfile raise; that is a broken file, said as such."""
    data = bytearray(h.odf(kind="odt"))
    # Set the "encrypted" flag bit on every local and central header: zipfile then refuses to read the members.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + flag_offset] |= 0x01
            start = found + 4
    with pytest.raises(AttachmentRefused) as refused:
        prepare(bytes(data), "memo.odt")
    assert "took too much time or memory" not in str(refused.value)
