"""Real files with identifying metadata, made on the fly for the attachment tests."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image, PngImagePlugin

AUTHOR = "Jane Q. Whistleblower"
GPS_LAT = (52.0, 31.0, 12.34)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X200"  # Model
    exif[0x013B] = AUTHOR  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90
    gps = {1: "N", 2: GPS_LAT, 3: "E", 4: (13.0, 24.0, 56.78)}
    exif[0x8825] = gps  # GPSInfo IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    image = Image.new("RGBA", (20, 10), (0, 128, 255, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_text("Comment", "taken at home, 12 Elm Street")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def docx_with_author() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Internal memo: the safety evaluation was skipped before release.")
    props = document.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = "Memo"
    props.comments = "draft by Jane"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [AUTHOR]
        meta["dc:title"] = "Evidence"
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Producer"] = "ExampleWriter 1.0"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
TEXT = "Steps: ask the model for X; it answers Y.\nÜnïcødé is fine.\n".encode()
