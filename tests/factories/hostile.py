"""Hostile documents built on the fly: each hides one marker in one place, beside visible text that must survive.

Every builder returns (file bytes, marker). The packages are written by hand, part by part, so a
test knows exactly where each marker sits: an OOXML or OpenDocument package is a dict of parts
until `to_zip`; a PDF is built with pikepdf.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image, PngImagePlugin

VISIBLE = "Visible evidence: the model leaked the held-out test set"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def marker(place: str) -> str:
    return f"PLANTED-{place}-q7z"


# --- images ---------------------------------------------------------------------------------


def jpeg_with_exif(mark: str, size: tuple[int, int] = (40, 30)) -> bytes:
    """A JPEG whose EXIF names the marker as artist, with a camera and a GPS position."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X200"
    exif[0x013B] = mark
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.34), 3: "E", 4: (13.0, 24.0, 56.78)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=mark.encode())
    return out.getvalue()


def png_with_text(mark: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", mark)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 200, 0)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels, with a tiny zlib stream of zeros behind it (a pixel bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width * 3 + 1) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is rewritten to claim width x height."""
    data = bytearray(jpeg_with_exif("size"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


# --- OOXML ----------------------------------------------------------------------------------

MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml(kind: str, extra_body: str = "") -> dict[str, bytes]:
    """A minimal package of the kind, with VISIBLE in its text and room for planted content."""
    main, main_type = MAIN[kind]
    parts = {
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="{CT}"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="png" ContentType="image/png"/>'
            f'<Override PartName="/{main}" ContentType="{main_type}"/></Types>'
        ),
        "_rels/.rels": rels([("rId1", f"{REL}/officeDocument", main, False)]),
        "docProps/core.xml": (
            f'{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Core Creator</dc:creator>'
            "</cp:coreProperties>"
        ),
    }
    if kind == "docx":
        parts[main] = (
            f'{XML}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body><w:p><w:r><w:t>{VISIBLE}</w:t></w:r></w:p>'
            f"{extra_body}</w:body></w:document>"
        )
    elif kind == "xlsx":
        parts[main] = (
            f'{XML}<workbook xmlns="{S}" xmlns:r="{R}"><sheets><sheet name="Evidence" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        )
        parts["xl/_rels/workbook.xml.rels"] = rels([("rId1", f"{REL}/worksheet", "worksheets/sheet1.xml", False)])
        parts["xl/worksheets/sheet1.xml"] = (
            f'{XML}<worksheet xmlns="{S}" xmlns:r="{R}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            f"{VISIBLE}</t></is></c></row></sheetData>{extra_body}</worksheet>"
        )
    else:
        parts[main] = (
            f'{XML}<p:presentation xmlns:p="{P}" xmlns:r="{R}"><p:sldIdLst><p:sldId id="256" r:id="rId1"/>'
            "</p:sldIdLst></p:presentation>"
        )
        parts["ppt/_rels/presentation.xml.rels"] = rels([("rId1", f"{REL}/slide", "slides/slide1.xml", False)])
        parts["ppt/slides/slide1.xml"] = (
            f'{XML}<p:sld xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r>'
            f"<a:t>{VISIBLE}</a:t></a:r></a:p></p:txBody></p:sp>{extra_body}</p:spTree></p:cSld></p:sld>"
        )
    return {name: text.encode() for name, text in parts.items()}


def rels(items: list[tuple[str, str, str, bool]]) -> str:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"' + (' TargetMode="External"' if ext else "") + "/>"
        for rid, rtype, target, ext in items
    )
    return f'{XML}<Relationships xmlns="{PKG_R}">{body}</Relationships>'


def add_rel(parts: dict[str, bytes], rels_name: str, rid: str, rtype: str, target: str, external: bool = False) -> None:
    """Add one relationship to a .rels part, creating the part if needed."""
    line = (
        f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
    )
    current = parts.get(rels_name, rels([]).encode()).decode()
    parts[rels_name] = current.replace("</Relationships>", line + "</Relationships>").encode()


def add_override(parts: dict[str, bytes], part: str, content_type: str) -> None:
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    ).encode()


def main_rels(kind: str) -> str:
    main = MAIN[kind][0]
    folder, name = main.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def to_zip(parts: dict[str, bytes], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, parts[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != stored_first:
                archive.writestr(name, data)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- OpenDocument -------------------------------------------------------------------------

ODF_MIME = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def odf(body: str = "", files: dict[str, bytes] | None = None, kind: str = "odt") -> bytes:
    """An OpenDocument text with VISIBLE in it, `body` after it, and extra files listed in the manifest."""
    files = dict(files or {})
    entries = "".join(f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type=""/>' for n in files)
    parts = {
        "mimetype": ODF_MIME[kind].encode(),
        "META-INF/manifest.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {ODF_NS} manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODF_MIME[kind]}"/>'
            f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>{entries}'
            "</manifest:manifest>"
        ).encode(),
        "content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.2">'
            f"<office:body><office:text><text:p>{VISIBLE}</text:p>{body}</office:text></office:body>"
            "</office:document-content>"
        ).encode(),
        "meta.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
            "<meta:initial-creator>Meta Creator</meta:initial-creator></office:meta></office:document-meta>"
        ).encode(),
        **files,
    }
    return to_zip(parts, stored_first="mimetype")


# --- PDF ----------------------------------------------------------------------------------


def pdf(plant=None) -> bytes:
    """A one-page PDF that shows VISIBLE in Helvetica; `plant(pdf, page)` hides something first."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(400, 200))
    page = document.pages[0]
    font = document.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )
    page.obj["/Resources"] = Dictionary(Font=Dictionary(F1=font))
    page.obj["/Contents"] = document.make_stream(f"BT /F1 12 Tf 20 100 Td ({VISIBLE}) Tj ET".encode())
    if plant is not None:
        plant(document, page)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xmp(mark: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{mark}</dc:creator></rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def metadata_stream(document: pikepdf.Pdf, mark: str) -> pikepdf.Stream:
    stream = document.make_stream(xmp(mark))
    stream["/Type"], stream["/Subtype"] = Name.Metadata, Name.XML
    return stream


def js_action(mark: str) -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(f"app.alert('{mark}');"))


def add_annotation(document: pikepdf.Pdf, page, annotation: Dictionary) -> None:
    annotation["/Type"] = Name.Annot
    annotation["/Rect"] = Array([10, 10, 100, 40])
    page.obj["/Annots"] = Array([*page.obj.get("/Annots", Array()), document.make_indirect(annotation)])


def place_jpeg(document: pikepdf.Pdf, page, jpeg: bytes, width: int = 40, height: int = 30) -> pikepdf.Stream:
    image = pikepdf.Stream(document, jpeg)
    image["/Type"], image["/Subtype"] = Name.XObject, Name.Image
    image["/Width"], image["/Height"] = width, height
    image["/ColorSpace"], image["/BitsPerComponent"], image["/Filter"] = Name.DeviceRGB, 8, Name.DCTDecode
    page.obj.Resources["/XObject"] = Dictionary(Im1=image)
    contents = page.obj.Contents.read_bytes() + b"\nq 40 0 0 30 300 20 cm /Im1 Do Q"
    page.obj["/Contents"] = document.make_stream(contents)
    return image
