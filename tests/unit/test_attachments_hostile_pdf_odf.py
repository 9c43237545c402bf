"""Hostile PDFs, OpenDocument files and markup posing as text (see test_attachments_hostile.py for the method)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from anonymize.attachments import AttachmentRefused, prepare
from tests.factories import hostile as h
from tests.factories.hostile import VISIBLE, marker
from tests.unit.test_attachments_hostile import assert_clean_image, assert_gone, clean, everything

# --- PDF ------------------------------------------------------------------------------------


def _exif_jpeg(pdf, page, mark):
    h.place_jpeg(pdf, page, h.jpeg_with_exif(mark))


def _page_xmp(pdf, page, mark):
    page.obj["/Metadata"] = h.metadata_stream(pdf, mark)


def _object_xmp(pdf, page, mark):
    page.obj.Resources.Font.F1["/Metadata"] = h.metadata_stream(pdf, mark)
    pdf.Root["/Metadata"] = h.metadata_stream(pdf, mark)
    pdf.docinfo["/Author"] = mark


def _embedded_file(pdf, page, mark):
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, f"written by {mark}".encode(), description=mark)


def _file_attachment_annotation(pdf, page, mark):
    spec = pikepdf.AttachedFileSpec(pdf, f"written by {mark}".encode(), filename="notes.txt")
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.FileAttachment, FS=spec.obj, Contents=String(mark)))


def _javascript(pdf, page, mark):
    pdf.Root["/Names"] = Dictionary(
        JavaScript=Dictionary(Names=Array([String("go"), pdf.make_indirect(h.js_action(mark))]))
    )


def _open_action(pdf, page, mark):
    pdf.Root["/OpenAction"] = pdf.make_indirect(h.js_action(mark))


def _uri(pdf, page, mark):
    action = Dictionary(S=Name.URI, URI=String(f"https://{mark}.example.org/track"))
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.Link, A=action))
    pdf.Root["/URI"] = Dictionary(Base=String(f"https://{mark}.example.org/"))


def _launch(pdf, page, mark):
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.Link, A=Dictionary(S=Name.Launch, F=String(f"{mark}.exe"))))


def _additional_actions(pdf, page, mark):
    page.obj["/AA"] = Dictionary(O=h.js_action(mark))
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.Link, AA=Dictionary(E=h.js_action(mark))))


def _chained_action(pdf, page, mark):
    go = Dictionary(S=Name.GoTo, D=Array([page.obj, Name.Fit]), Next=pdf.make_indirect(h.js_action(mark)))
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.Link, A=go))


def _comment_author(pdf, page, mark):
    h.add_annotation(pdf, page, Dictionary(Subtype=Name.Text, T=String(mark), Contents=String("Please check this")))


def _page_thumbnail(pdf, page, mark):
    # A page thumbnail is a JPEG stream without /Subtype /Image: it must not escape the image cleaning.
    thumb = pikepdf.Stream(pdf, h.jpeg_with_exif(mark))
    thumb["/Width"], thumb["/Height"], thumb["/BitsPerComponent"] = 40, 30, 8
    thumb["/ColorSpace"], thumb["/Filter"] = Name.DeviceRGB, Name.DCTDecode
    page.obj["/Thumb"] = thumb


PDF_PLACES = {
    "exif-jpeg": _exif_jpeg,
    "page-xmp": _page_xmp,
    "object-xmp": _object_xmp,
    "embedded-file": _embedded_file,
    "file-attachment": _file_attachment_annotation,
    "javascript": _javascript,
    "open-action": _open_action,
    "uri": _uri,
    "launch": _launch,
    "additional-actions": _additional_actions,
    "chained-action": _chained_action,
    "comment-author": _comment_author,
    "page-thumbnail": _page_thumbnail,
}


@pytest.mark.parametrize("place", PDF_PLACES)
def test_pdf_hiding_places_are_emptied(place):
    mark = marker(f"pdf-{place}")
    original = h.pdf(lambda pdf, page: PDF_PLACES[place](pdf, page, mark))
    assert mark.encode() in everything(original)

    cleaned = clean(original, "evidence.pdf")

    assert_gone(cleaned, mark)
    found = everything(cleaned)
    for active in (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/Launch", b"/URI", b"/EmbeddedFile", b"/Metadata"):
        assert active not in found
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert len(pdf.pages) == 1
        assert VISIBLE.encode() in pdf.pages[0].Contents.read_bytes()
        annotations = list(pdf.pages[0].obj.get("/Annots", []))
        if place == "comment-author":
            assert [str(a.Contents) for a in annotations] == ["Please check this"]
        if place == "chained-action":
            assert Name.GoTo == annotations[0].A.S, "an internal link stays"
        if place == "exif-jpeg":
            image = pdf.pages[0].Resources.XObject.Im1
            assert b"/Im1 Do" in pdf.pages[0].Contents.read_bytes()
            assert_clean_image(image.read_raw_bytes(), (40, 30))


# --- OpenDocument -----------------------------------------------------------------------------

ODF_PLACES = {
    "embedded-jpeg": (
        '<text:p><draw:frame><draw:image xlink:href="Pictures/1.jpg"/></draw:frame></text:p>',
        lambda m: {"Pictures/1.jpg": h.jpeg_with_exif(m)},
    ),
    "thumbnail": ("", lambda m: {"Thumbnails/thumbnail.png": h.png_with_text(m)}),
    "comment-author": (
        "<text:p><office:annotation><dc:creator>{m}</dc:creator><dc:date>2026-01-01T00:00:00</dc:date>"
        "<meta:creator-initials>{m}I</meta:creator-initials><text:p>Please check this</text:p></office:annotation>"
        "noted</text:p>",
        lambda m: {},
    ),
    "tracked-change-author": (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion><office:change-info>'
        "<dc:creator>{m}</dc:creator><dc:date>2026-01-01T00:00:00</dc:date></office:change-info></text:insertion>"
        '</text:changed-region></text:tracked-changes><text:p><text:change-start text:change-id="ct1"/>inserted'
        '<text:change-end text:change-id="ct1"/></text:p>',
        lambda m: {},
    ),
    "external-link": (
        '<text:p><draw:frame><draw:image xlink:href="https://{m}.example.org/pixel.png"/></draw:frame>'
        '<text:a xlink:href="https://{m}.example.org/">see the source</text:a></text:p>'
        '<text:section text:name="s"><text:section-source xlink:href="\\\\{m}\\share\\doc.odt"/></text:section>',
        lambda m: {},
    ),
    "event-listener": (
        '<office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" '
        'xlink:href="vnd.sun.star.script:{m}?language=Basic"/></office:event-listeners>',
        lambda m: {},
    ),
    "printer-name": (
        "",
        lambda m: {
            "settings.xml": '<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"><office:settings>'
            '<config:config-item-set config:name="ooo:configuration-settings"><config:config-item '
            f'config:name="PrinterName" config:type="string">{m} LaserJet</config:config-item></config:config-item-set>'
            "</office:settings></office:document-settings>".encode()
        },
    ),
    "embedded-object-meta": (
        "",
        lambda m: {
            "Object 1/meta.xml": f"<office:document-meta {h.ODF_NS}><office:meta><meta:initial-creator>{m}"
            "</meta:initial-creator></office:meta></office:document-meta>".encode()
        },
    ),
}


@pytest.mark.parametrize("place", ODF_PLACES)
def test_odf_hiding_places_are_emptied(place):
    mark = marker(f"odt-{place}")
    body, files = ODF_PLACES[place]
    original = h.odf(body.replace("{m}", mark), files(mark))
    assert mark.encode() in everything(original)

    cleaned = clean(original, "evidence.odt")

    assert_gone(cleaned, mark)
    parts = h.parts_of(cleaned)
    assert list(parts)[0] == "mimetype" and parts["mimetype"] == h.ODF_MIME["odt"].encode()
    assert VISIBLE.encode() in parts["content.xml"]
    assert b"Meta Creator" not in everything(cleaned)
    assert not any(n.startswith("Thumbnails/") for n in parts) and b"Thumbnails" not in parts["META-INF/manifest.xml"]
    if place == "embedded-jpeg":
        assert b'xlink:href="Pictures/1.jpg"' in parts["content.xml"], "a picture inside the package stays"
        assert_clean_image(parts["Pictures/1.jpg"], (40, 30))
    if place in ("comment-author", "external-link", "tracked-change-author"):
        assert {"comment-author": b"Please check this", "external-link": b"see the source"}.get(
            place, b"inserted"
        ) in parts["content.xml"]


def test_odf_with_macros_is_refused():
    original = h.odf("", {"Basic/Standard/Module1.xml": b'<script:module>Shell("calc")</script:module>'})
    with pytest.raises(AttachmentRefused, match="macros"):
        prepare(original, "macro.odt")


# --- markup posing as text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"\xef\xbb\xbf\n  <html><script>alert(1)</script></html>",
        b"\xef\xbb\xbf<div onmouseover=alert(1)>hover</div>",
        b"\xef\xbb\xbf\xef\xbb\xbf<svg onload=alert(1)>",
        "\ufeff<html><script>alert(1)</script></html>".encode("utf-16-le"),
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>',
        b'<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>',
        b"<!-- saved -->\n<!doctype html><p>hi</p>",
        b'<?xml version="1.0"?>\n<x:html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(1)</x:script></x:html>',
        b"\n\n  <HTML><BODY onload=alert(1)>",
    ],
)
def test_markup_posing_as_text_is_refused(data):
    with pytest.raises(AttachmentRefused, match="(active code|none of those)"):
        prepare(data, "notes.txt")


def test_text_that_only_mentions_markup_is_kept_as_is():
    text = b"The model answered with <script>alert(1)</script> when asked for HTML.\n<3 from the tester\n"
    kind, name, cleaned = prepare(text, "notes.txt")
    assert kind.name == "text" and cleaned == text


def test_a_pdf_image_keeps_its_pixel_order_whatever_its_exif_orientation_said():
    from PIL import Image

    photo = Image.new("RGB", (40, 30), (200, 0, 0))
    photo.paste((0, 0, 200), (0, 0, 10, 30))  # a blue band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90": PDF viewers ignore it, and so must we
    out = io.BytesIO()
    photo.save(out, format="JPEG", exif=exif)
    cleaned = clean(h.pdf(lambda pdf, page: h.place_jpeg(pdf, page, out.getvalue())), "photo.pdf")
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        data = pdf.pages[0].Resources.XObject.Im1.read_raw_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 30) and not image.getexif()
        red, green, blue = image.convert("RGB").getpixel((2, 15))
        assert blue > 150 and red < 80, "the blue band is still on the left"


def _inline_jpeg(mark: str) -> bytes:
    jpeg = h.jpeg_with_exif(mark)
    return b"\nq 40 0 0 30 300 20 cm BI /W 40 /H 30 /CS /RGB /BPC 8 /F /DCT ID " + jpeg + b"\nEI Q"


@pytest.mark.parametrize("where", ["page", "form"])
def test_an_inline_jpeg_in_a_content_stream_loses_its_exif(where):
    mark = marker(f"pdf-inline-{where}")

    def plant(pdf, page):
        if where == "page":
            page.obj["/Contents"] = pdf.make_stream(page.obj.Contents.read_bytes() + _inline_jpeg(mark))
            return
        form = pdf.make_stream(_inline_jpeg(mark))
        form["/Type"], form["/Subtype"], form["/BBox"] = Name.XObject, Name.Form, Array([0, 0, 400, 200])
        page.obj.Resources["/XObject"] = Dictionary(Fm1=form)
        page.obj["/Contents"] = pdf.make_stream(page.obj.Contents.read_bytes() + b"\n/Fm1 Do")

    original = h.pdf(plant)
    assert mark.encode() in everything(original)
    cleaned = clean(original, "inline.pdf")
    assert_gone(cleaned, mark)
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        page = pdf.pages[0]
        assert VISIBLE.encode() in page.Contents.read_bytes()
        target = page if where == "page" else page.Resources.XObject.Fm1
        images = [i for i in pikepdf.parse_content_stream(target) if isinstance(i, pikepdf.ContentStreamInlineImage)]
        assert len(images) == 1 and images[0].iimage.as_pil_image().size == (40, 30)
        assert_clean_image(images[0].iimage.read_raw_bytes(), (40, 30))


@pytest.mark.parametrize(
    "href",
    [
        "../{m}/x.png",
        "./../{m}/x.png",
        "Pictures/../../{m}/x.png",
        "%2e%2e/{m}/x.png",
        "%2E%2E%2F{m}/x.png",
        "./%2e%2e/{m}/x.png",
        "%2Fetc/{m}.png",
        "%5c%5c{m}%5cshare%5cx.png",
        "http%3A//{m}.example.org/x.png",
        " https://{m}.example.org/x.png",
    ],
)
def test_an_odf_link_that_climbs_out_of_the_package_in_disguise_is_removed(href):
    mark = marker("odf-href")
    body = f'<text:p><draw:frame><draw:image xlink:href="{href.format(m=mark)}"/></draw:frame></text:p>'
    cleaned = h.parts_of(clean(h.odf(body), "climb.odt"))
    assert_gone(h.to_zip(cleaned), mark)
    assert VISIBLE.encode() in cleaned["content.xml"]


def test_an_odf_link_inside_the_package_stays():
    body = '<text:p><draw:frame><draw:image xlink:href="./Pictures/1.png"/></draw:frame></text:p>'
    cleaned = h.parts_of(clean(h.odf(body), "inside.odt"))
    assert b'xlink:href="./Pictures/1.png"' in cleaned["content.xml"]


ODF_DDE = [
    '<text:dde-connection-decls><text:dde-connection-decl office:name="x" office:dde-application="cmd" '
    'office:dde-topic="/c calc" office:dde-item="A0"/></text:dde-connection-decls>',
    '<text:section text:name="s"><office:dde-source office:dde-application="cmd" office:dde-topic="/c calc" '
    'office:dde-item="A0"/></text:section>',
    '<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table-row><table:table-cell '
    'table:formula="of:=dde(&quot;cmd&quot;;&quot;/c calc&quot;;&quot;A0&quot;)"/></table:table-row></table:table>',
]


@pytest.mark.parametrize("body", ODF_DDE)
def test_an_odf_dde_link_or_formula_is_refused_with_a_way_out(body):
    with pytest.raises(AttachmentRefused, match="DDE.*PDF"):
        prepare(h.odf(body), "dde.odt")


def test_an_odf_formula_that_only_mentions_dde_in_a_string_is_kept():
    body = (
        '<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table-row>'
        '<table:table-cell table:formula="of:=CONCATENATE(&quot;DDE(&quot;;[.A1])"/></table:table-row></table:table>'
    )
    cleaned = h.parts_of(clean(h.odf(body), "ok.odt"))
    assert b"CONCATENATE" in cleaned["content.xml"] and VISIBLE.encode() in cleaned["content.xml"]
