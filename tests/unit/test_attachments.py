import io
import zipfile

import pikepdf
import pytest
from PIL import Image

from anonymize.attachments import AttachmentRefused, detect, prepare, safe_filename, strip_metadata
from tests.factories import files


def test_jpeg_loses_exif_and_gps_but_keeps_orientation():
    original = files.jpeg_with_gps()
    assert files.AUTHOR.encode() in original
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the fixture must really carry GPS"
    kind, name, clean = prepare(original, "IMG_2041.JPG")
    assert kind.name == "jpeg" and name == "IMG_2041.jpg"
    assert files.AUTHOR.encode() not in clean and b"PhoneMaker" not in clean
    with Image.open(io.BytesIO(clean)) as after:
        assert not after.getexif()
        assert not after.getexif().get_ifd(0x8825)
        assert after.size == (48, 64), "orientation is applied to the pixels before the tag goes"


def test_png_loses_text_chunks():
    clean = strip_metadata(detect(files.png_with_text()), files.png_with_text())
    assert files.AUTHOR.encode() not in clean and b"Elm Street" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (20, 10) and not image.text


def test_docx_loses_author_and_properties():
    original = files.docx_with_author()
    kind, name, clean = prepare(original, "memo.docx")
    assert kind.name == "docx"
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
        assert b"skipped before release" in archive.read("word/document.xml")
    assert files.AUTHOR.encode() not in everything and b"draft by Jane" not in everything
    import docx

    document = docx.Document(io.BytesIO(clean))
    assert document.core_properties.author == "" or document.core_properties.author is None
    assert "safety evaluation" in document.paragraphs[0].text


def test_pdf_loses_info_and_xmp():
    original = files.pdf_with_author()
    assert files.AUTHOR.encode() in original
    kind, _name, clean = prepare(original, "evidence.pdf")
    assert kind.name == "pdf"
    assert files.AUTHOR.encode() not in clean
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert "/Info" not in pdf.trailer or not dict(pdf.docinfo)
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_plain_text_is_kept_as_is():
    kind, name, clean = prepare(files.TEXT, "notes")
    assert kind.name == "text" and name == "notes.txt" and clean == files.TEXT


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (files.HTML, "report.pdf", "active code"),
        (files.SVG, "chart.png", "active code"),
        (files.EXE, "photo.jpg", "none of those"),
        (files.OLE_DOC, "old.doc", "old .doc"),
        (b"", "empty.txt", "empty"),
        (b"\x89PNG\r\n\x1a\nnot really a png", "x.png", "damaged"),
        (b"PK\x03\x04garbage", "x.docx", "damaged"),
    ],
)
def test_refused_files_say_why(data, name, reason):
    with pytest.raises(AttachmentRefused, match=reason):
        prepare(data, name)


def test_false_extension_takes_the_detected_type():
    _kind, name, _clean = prepare(files.pdf_with_author(), "holiday.jpg")
    assert name == "holiday.pdf"


def test_zip_bomb_like_office_file_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (201 * 1024 * 1024))
    with pytest.raises(AttachmentRefused, match="200 MB"):
        prepare(out.getvalue(), "bomb.docx")


def test_safe_filename():
    from anonymize.attachments import KINDS

    assert safe_filename("../../etc/passwd", KINDS["text"], 1) == "passwd.txt"
    assert safe_filename("<script>.pdf", KINDS["pdf"], 2) == "script.pdf"
    assert safe_filename(None, KINDS["png"], 3) == "attachment-3.png"
