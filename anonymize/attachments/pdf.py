"""PDF: document information, XMP anywhere, embedded files, comment authors, scripts and actions that call out.

Every object of the file is visited once. What identifies the writer goes (/Info, every /Metadata
stream, /PieceInfo, the authors of annotations); what runs or calls out goes (JavaScript, /OpenAction,
/AA, and every action but an internal /GoTo or a /Named page move); embedded files go with their name
tree and their annotations; every image is re-encoded from its pixels, as a top-level image is.
"""

from __future__ import annotations

import io
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from anonymize.attachments.common import N_, REFUSE_BROKEN, AttachmentRefused, Limits
from anonymize.attachments.images import check_pixels, clean_image

# Keys removed from every dictionary in the file (/AF: files associated with any object, PDF 2.0).
# /Thumb: a page's thumbnail image, which viewers draw again themselves; it need not say /Subtype /Image,
# so it would escape the image cleaning and keep its EXIF.
DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA", "/OpenAction", "/JS", "/LastModified", "/AF", "/Thumb")
# Keys removed from the catalog: the outline and pages stay, forms lose their XFA scripts below.
DROPPED_FROM_CATALOG = ("/URI", "/Collection", "/Threads", "/SpiderInfo", "/Perms")
DROPPED_NAME_TREES = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions", "/URLS")
# Actions that stay: moving inside the document. Every other kind runs, opens or fetches something.
SAFE_ACTIONS = ("/GoTo", "/Named")
# Annotations that carry a file or media, removed from their pages.
DROPPED_ANNOTATIONS = ("/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D")
MAX_DEPTH = 64


def clean_pdf(data: bytes, limits: Limits) -> bytes:
    """Return the PDF without identifying metadata, embedded files, scripts or outside references."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if not isinstance(pdf.Root, Dictionary):
                raise AttachmentRefused(REFUSE_BROKEN)
            _clean_catalog(pdf.Root)
            for page in pdf.pages:
                _clean_annotations(page.obj)
            for obj in pdf.objects:
                if isinstance(obj, Dictionary | Stream):
                    _clean_dictionary(obj, 0)
                if isinstance(obj, Stream) and obj.get("/Subtype") == Name.Image:
                    _clean_image_xobject(obj, limits)
            _clean_inline_images(pdf, limits)
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PasswordError as err:
        raise AttachmentRefused(N_("This PDF is password-protected. Remove the password and attach it again.")) from err
    except (pikepdf.PdfError, RecursionError) as err:
        raise AttachmentRefused(REFUSE_BROKEN) from err


def _clean_catalog(root: Dictionary) -> None:
    for key in DROPPED_FROM_CATALOG:
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in DROPPED_NAME_TREES:
            if key in names:
                del names[key]
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:
        del form["/XFA"]  # XFA forms carry their own scripts


def _clean_annotations(page: Dictionary) -> None:
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return
    kept = [a for a in annots if not (isinstance(a, Dictionary) and a.get("/Subtype") in DROPPED_ANNOTATIONS)]
    if len(kept) != len(annots):
        page["/Annots"] = Array(kept)
    for annot in kept:
        # Who wrote a comment: /T of a markup annotation (a form field's /T is its name, and stays).
        if isinstance(annot, Dictionary) and annot.get("/Subtype") != Name.Widget and "/T" in annot:
            del annot["/T"]


def _clean_dictionary(obj: Dictionary | Stream, depth: int) -> None:
    """Drop identifying and active keys from one object and the direct objects inside it."""
    if depth > MAX_DEPTH:
        raise AttachmentRefused(REFUSE_BROKEN)
    for key in DROPPED_KEYS:
        if key in obj:
            del obj[key]
    if "/S" in obj and obj.get("/Type", Name.Action) == Name.Action and obj.get("/S") not in SAFE_ACTIONS:
        _neuter_action(obj)
    for key in ("/A", "/Next"):
        action = obj.get(key)
        if isinstance(action, Dictionary) and action.get("/S") not in SAFE_ACTIONS:
            del obj[key]
    for key in list(obj.keys()):
        _visit(obj[key], depth + 1)


def _neuter_action(action: Dictionary | Stream) -> None:
    # An action of an unsafe kind, wherever it is referenced from: leave a husk that points nowhere.
    # (/S also names transparency groups, soft masks and page labels, which have none of these keys.)
    for key in ("/URI", "/F", "/Win", "/Mac", "/Unix", "/Next", "/Fields", "/Base"):
        if key in action:
            del action[key]


def _visit(value: object, depth: int) -> None:
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return  # visited on its own, as one of pdf.objects
    if isinstance(value, Dictionary):
        _clean_dictionary(value, depth)
    elif isinstance(value, Array):
        for item in value:
            _visit(item, depth + 1)


def _clean_image_xobject(image: Stream, limits: Limits) -> None:
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    check_pixels(width, height, 1, limits)  # from the dictionary, before any decoding
    filters = image.get("/Filter")
    names = list(filters) if isinstance(filters, Array) else [filters]
    if names == [Name.DCTDecode]:
        # The stream is a whole JPEG file, EXIF and all: decode it and write the pixels alone.
        image.write(clean_image(image.read_raw_bytes(), limits, upright=False), filter=Name.DCTDecode)
    elif names == [Name.JPXDecode]:
        _jpx_to_pixels(image, limits)
    elif Name.JPXDecode in names:
        raise AttachmentRefused(REFUSE_BROKEN)
    elif Name.DCTDecode in names:
        # A JPEG behind another filter: let qpdf decode the chain, and keep the samples alone.
        samples = image.read_bytes(decode_level=pikepdf.StreamDecodeLevel.all)
        image.write(zlib.compress(samples), filter=Name.FlateDecode)
        if "/DecodeParms" in image:
            del image["/DecodeParms"]


def _jpx_to_pixels(image: Stream, limits: Limits) -> None:
    """JPEG 2000 carries XML boxes of its own: decode it and store plain 8-bit samples."""
    from PIL import Image

    with Image.open(io.BytesIO(image.read_raw_bytes())) as jpx:
        check_pixels(jpx.width, jpx.height, 1, limits)
        pixels = jpx.convert("L" if jpx.mode in ("1", "L", "I", "I;16", "LA") else "RGB")
    image.write(zlib.compress(pixels.tobytes()), filter=Name.FlateDecode)
    for key in ("/DecodeParms", "/Decode", "/SMaskInData"):
        if key in image:
            del image[key]
    image["/ColorSpace"] = Name.DeviceGray if pixels.mode == "L" else Name.DeviceRGB
    image["/BitsPerComponent"] = 8
    image["/Width"], image["/Height"] = pixels.width, pixels.height


def _clean_inline_images(pdf: pikepdf.Pdf, limits: Limits) -> None:
    """A JPEG written inline in a content stream (BI ... ID ... EI) is a whole JPEG file too: clean it there."""
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, Array) else [contents]
        raw = b"\n".join(s.read_bytes() for s in streams if isinstance(s, Stream))
        if b"DCT" in raw and (cleaned := _cleaned_content(page, limits)) is not None:
            page.obj["/Contents"] = pdf.make_stream(cleaned)
    for obj in list(pdf.objects):
        if not isinstance(obj, Stream) or obj.get("/Subtype") != Name.Form or b"DCT" not in obj.read_bytes():
            continue
        if (cleaned := _cleaned_content(obj, limits)) is not None:
            obj.write(cleaned)


def _cleaned_content(target: pikepdf.Object | pikepdf.Page, limits: Limits) -> bytes | None:
    """The content stream with its inline JPEGs re-encoded from their pixels, or None if it has none."""
    chunks: list[bytes] = []
    pending: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in pikepdf.parse_content_stream(target):
        image = instruction.iimage if isinstance(instruction, pikepdf.ContentStreamInlineImage) else None
        if image is None or not set(image.filters) & {"/DCTDecode", "/DCT"}:
            pending.append(instruction)
            continue
        check_pixels(int(image.width), int(image.height), 1, limits)
        jpeg = clean_image(image.read_raw_bytes(), limits, upright=False)
        chunks += [
            pikepdf.unparse_content_stream(pending),
            b"BI " + image.obj.unparse()[2:-2] + b" ID " + jpeg + b"\nEI",
        ]
        pending = []
    if not chunks:
        return None
    return b"\n".join([*chunks, pikepdf.unparse_content_stream(pending)])
