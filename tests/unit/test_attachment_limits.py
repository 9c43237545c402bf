"""Uploads must not exhaust the server: pixel and zip limits before decoding, and a limited child process."""

from __future__ import annotations

import os
import time

import pytest

from anonymize.attachments import AttachmentRefused, Limits, prepare
from anonymize.attachments.sandbox import run_limited
from tests.factories import files
from tests.factories import hostile as h

PIXELS = "too many pixels"


def test_a_small_png_claiming_144_megapixels_is_refused_before_decoding():
    bomb = h.png_header_only(12_000, 12_000)
    assert len(bomb) < 200_000
    started = time.perf_counter()
    # Even a child allowed only 300 MB refuses it for its pixels, not for running out of memory.
    with pytest.raises(AttachmentRefused, match=PIXELS):
        prepare(bomb, "bomb.png", limits=Limits(memory_bytes=300 * 1024 * 1024))
    assert time.perf_counter() - started < 15  # decoding it would take seconds; the header check takes none


def test_the_pixel_limit_is_a_parameter():
    photo = files.jpeg_with_gps()  # 64 x 48
    with pytest.raises(AttachmentRefused, match=PIXELS):
        prepare(photo, "photo.jpg", limits=Limits(max_pixels=64 * 48 - 1))
    assert prepare(photo, "photo.jpg", limits=Limits(max_pixels=64 * 48))[0].name == "jpeg"


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_a_huge_image_inside_an_office_document_is_refused(kind):
    parts = h.ooxml(kind)
    parts[f"{ {'docx': 'word', 'xlsx': 'xl', 'pptx': 'ppt'}[kind] }/media/image1.jpeg"] = h.jpeg_claiming(
        10_000, 10_000
    )
    with pytest.raises(AttachmentRefused, match=PIXELS):
        prepare(h.to_zip(parts), f"big.{kind}")


def test_a_huge_image_inside_an_opendocument_is_refused():
    original = h.odf("", {"Pictures/1.png": h.png_header_only(9_000, 9_000)})
    with pytest.raises(AttachmentRefused, match=PIXELS):
        prepare(original, "big.odt")


def test_a_huge_image_inside_a_pdf_is_refused_from_its_dictionary():
    def plant(pdf, page):
        image = h.place_jpeg(pdf, page, h.jpeg_with_exif("x"))
        image["/Width"], image["/Height"] = 20_000, 20_000

    with pytest.raises(AttachmentRefused, match=PIXELS):
        prepare(h.pdf(plant), "big.pdf")


def test_a_zip_member_compressed_more_than_100_to_1_is_refused():
    parts = h.ooxml("docx")
    parts["word/media/padding.bin"] = b" " * (20 * 1024 * 1024)
    original = h.to_zip(parts)
    assert len(original) < 200_000
    with pytest.raises(AttachmentRefused, match="unpacks to far more"):
        prepare(original, "padded.docx")


def test_a_zip_that_lies_about_its_sizes_is_refused():
    parts = h.ooxml("docx")
    parts["word/media/padding.bin"] = b"x" * 300_000
    data = bytearray(h.to_zip(parts))
    # Shrink the declared size in the central directory: inflating stops there and the CRC check fails.
    start = data.index(b"word/media/padding.bin", data.index(b"PK\x01\x02")) - 46
    assert data[start : start + 4] == b"PK\x01\x02"
    data[start + 24 : start + 28] = (1000).to_bytes(4, "little")
    with pytest.raises(AttachmentRefused, match="damaged"):
        prepare(bytes(data), "liar.docx")


def test_a_normal_pdf_photo_and_document_pass_the_limits():
    assert prepare(files.pdf_with_author(), "a.pdf")[0].name == "pdf"
    assert prepare(files.docx_with_author(), "a.docx")[0].name == "docx"
    assert prepare(files.png_with_text(), "a.png")[0].name == "png"


# --- the child process: a hostile file fails alone --------------------------------------------


def spin(data: bytes, limits: Limits) -> tuple[str, bytes]:
    while True:
        pass


def hog(data: bytes, limits: Limits) -> tuple[str, bytes]:
    chunks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
    return "text", bytes(len(chunks))


def crash(data: bytes, limits: Limits) -> tuple[str, bytes]:
    os.abort()


def test_a_child_that_runs_out_of_cpu_time_is_ended_and_the_file_refused():
    started = time.perf_counter()
    with pytest.raises(AttachmentRefused, match="too much time or memory"):
        run_limited(spin, b"x", Limits(cpu_seconds=1))
    # RLIMIT_CPU ends it after 1 s of CPU; the watchdog would only kill it at 2 x 1 + 5 = 7 s of wall time.
    assert time.perf_counter() - started < 6.5


def test_a_child_that_runs_out_of_memory_is_ended_and_the_file_refused():
    with pytest.raises(AttachmentRefused, match="too much time or memory"):
        run_limited(hog, b"x", Limits(memory_bytes=512 * 1024 * 1024))


def test_a_child_that_crashes_refuses_the_file_and_the_caller_carries_on():
    with pytest.raises(AttachmentRefused, match="too much time or memory"):
        run_limited(crash, b"x", Limits())
    kind, _name, clean = prepare(files.TEXT, "notes.txt")
    assert kind.name == "text" and clean == files.TEXT


def test_limits_fit_within_the_time_left():
    limits = Limits(cpu_seconds=10)
    assert limits.within(60) == limits and limits.wall_seconds() == 25
    assert limits.within(15).cpu_seconds == 5 and limits.within(15).wall_seconds() <= 15
    assert limits.within(6) is None and limits.within(-3) is None
