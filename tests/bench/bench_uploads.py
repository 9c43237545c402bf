"""Cleaning uploads: a hostile file must not swell the web worker, and ordinary files must stay cheap.

Run: .venv/bin/python -m tests.bench.bench_uploads [--rounds 5]
Goal: (a) the worker's peak resident memory while it cleans the worst file of the hostile set is at
most 1.5x its idle resident memory. Printed too: (b) the time per MB of ordinary files (a photo, a
PDF, a DOCX), cleaned through `prepare` (in a limited child) against the same cleaning in the
worker's own process, measured in the same run, so the ratio is the price of the child.

(a) runs in a fresh process shaped like a gunicorn worker: the app is built (wsgi.create_app on
SQLite) and one small file has been cleaned, so the fork server is up; that is the idle size. Before
each hostile file the peak (VmHWM) is reset through /proc/self/clear_refs; after it, the peak is
read. The same files are then cleaned in-process (strip_metadata, no child) as the baseline. The
hostile set: a 140 KB PNG claiming 144 megapixels, a 36-megapixel PNG and JPEG (just under the
pixel limit), a DOCX and a PDF each holding that JPEG, and a DOCX with a member compressed 1000:1.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import ROOT, cleanup

GOAL = 1.5
MB = 1024 * 1024


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _big_image(size: int):
    from PIL import Image

    gradient = Image.radial_gradient("L").resize((size, size))
    return Image.merge("RGB", (gradient, gradient.rotate(90), gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))


def hostile_set(folder: Path) -> dict[str, Path]:
    """Write the hostile files; return their paths by name."""
    sys.path.insert(0, str(ROOT))
    from tests.factories import hostile as h

    big = _big_image(6000)
    files: dict[str, bytes] = {"png-bomb-144MP": h.png_header_only(12_000, 12_000)}
    out = io.BytesIO()
    big.save(out, format="PNG", compress_level=1)
    files["png-36MP"] = out.getvalue()
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=85)
    jpeg = files["jpeg-36MP"] = out.getvalue()
    parts = h.ooxml("docx")
    parts["word/media/image1.jpeg"] = jpeg
    files["docx-with-36MP-jpeg"] = h.to_zip(parts)
    files["pdf-with-36MP-jpeg"] = h.pdf(lambda pdf, page: h.place_jpeg(pdf, page, jpeg, 6000, 6000))
    parts = h.ooxml("docx")
    parts["word/media/padding.bin"] = b" " * (150 * MB)
    files["docx-zip-ratio-1000"] = h.to_zip(parts)
    return _write(folder, files)


def ordinary_set(folder: Path) -> dict[str, Path]:
    """A 12-megapixel photo, a 20-page PDF with a photo on each page, a DOCX with text and four photos."""
    sys.path.insert(0, str(ROOT))
    import docx
    import pikepdf
    from PIL import Image

    noise = Image.effect_noise((4000, 3000), 40).convert("RGB")
    photo = Image.blend(_big_image(4000).crop((0, 0, 4000, 3000)), noise, 0.3)
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=90)
    files = {"photo.jpg": out.getvalue()}
    small = io.BytesIO()
    photo.resize((1600, 1200)).save(small, format="JPEG", quality=85)
    pdf = pikepdf.new()
    for n in range(20):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        image = pikepdf.Stream(pdf, small.getvalue())
        image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1600, 1200
        image.ColorSpace, image.BitsPerComponent, image.Filter = pikepdf.Name.DeviceRGB, 8, pikepdf.Name.DCTDecode
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=image))
        text = f"BT /F1 11 Tf 50 800 Td (Page {n + 1}: minutes of the evaluation meeting) Tj ET "
        page.obj.Contents = pdf.make_stream((text + "q 480 0 0 360 50 300 cm /Im1 Do Q").encode())
    out = io.BytesIO()
    pdf.save(out)
    files["report.pdf"] = out.getvalue()
    document = docx.Document()
    for _ in range(4):
        document.add_paragraph("The evaluation was cut short before release. " * 40)
        document.add_picture(io.BytesIO(small.getvalue()))
    out = io.BytesIO()
    document.save(out)
    files["memo.docx"] = out.getvalue()
    return _write(folder, files)


def _write(folder: Path, files: dict[str, bytes]) -> dict[str, Path]:
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name.replace("/", "_")
        paths[name].write_bytes(data)
    return paths


def worker(folder: str, names: list[str], mode: str) -> None:
    """Inside a fresh process: build the app, go idle, clean each file; print the memory figures as JSON."""
    from anonymize.attachments import AttachmentRefused, prepare, strip_metadata
    from anonymize.attachments.detect import detect
    from tests.bench.common import fresh_sqlite
    from wsgi import create_app

    url = fresh_sqlite(Path(folder))
    create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PLATFORM_SECRET": "bench", "INSTANCE_PATH": folder})
    prepare(b"warm up", "a.txt")  # the fork server is up, as in a worker that has served a file
    idle = _status("VmRSS")
    peaks = {}
    for name in names:
        data = (Path(folder) / name).read_bytes()
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
        try:
            if mode == "child":
                prepare(data, name)
            else:
                strip_metadata(detect(data), data)
            outcome = "cleaned"
        except AttachmentRefused as err:
            outcome = "refused: " + str(err)[:48]
        except MemoryError:
            outcome = "MemoryError"
        del data
        peaks[name] = {"peak_mb": _status("VmHWM"), "outcome": outcome}
    print(json.dumps({"idle_mb": idle, "files": peaks}))


def measure_memory(folder: Path, names: list[str], mode: str) -> dict:
    command = [sys.executable, "-m", "tests.bench.bench_uploads", "--worker", str(folder), mode, *names]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_per_mb(paths: dict[str, Path], rounds: int) -> dict[str, dict[str, float]]:
    from anonymize.attachments import Limits, prepare
    from anonymize.attachments.clean import detect_and_clean

    figures = {}
    for name, path in paths.items():
        data, size = path.read_bytes(), path.stat().st_size / MB
        prepare(data, name)
        child, here = [], []
        for _ in range(rounds):  # alternate, so drift on the shared machine hits both alike
            started = time.perf_counter()
            prepare(data, name)
            child.append(time.perf_counter() - started)
            started = time.perf_counter()
            detect_and_clean(data, Limits())
            here.append(time.perf_counter() - started)
        figures[name] = {
            "mb": size,
            "child_s_per_mb": statistics.median(child) / size,
            "in_process_s_per_mb": statistics.median(here) / size,
        }
    return figures


def report_memory(child: dict, baseline: dict) -> None:
    print(f"(a) worker idle RSS: {child['idle_mb']:.0f} MB (app built, fork server up)")
    print(f"    {'hostile file':<22} {'child: peak':>12} {'ratio':>6}   {'in-process: peak':>17} {'ratio':>6}  outcome")
    for name, figure in child["files"].items():
        base = baseline["files"][name]
        print(
            f"    {name:<22} {figure['peak_mb']:>9.0f} MB {figure['peak_mb'] / child['idle_mb']:>6.2f}"
            f"   {base['peak_mb']:>14.0f} MB {base['peak_mb'] / baseline['idle_mb']:>6.2f}  {figure['outcome']}"
        )
    worst = max(child["files"], key=lambda n: child["files"][n]["peak_mb"])
    ratio = child["files"][worst]["peak_mb"] / child["idle_mb"]
    verdict = "meets" if ratio <= GOAL else "MISSES"
    print(f"    worst file {worst}: peak/idle = {ratio:.2f} ({verdict} the goal of at most {GOAL})")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[4:], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds per ordinary file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    try:
        hostile = hostile_set(folder)
        names = [path.name for path in hostile.values()]
        child = measure_memory(folder, names, "child")
        baseline = measure_memory(folder, names, "in-process")
        report_memory(child, baseline)
        figures = time_per_mb(ordinary_set(folder), args.rounds)
    finally:
        cleanup(folder)
    print(f"(b) ordinary files, median of {args.rounds} rounds:")
    for name, figure in figures.items():
        ratio = figure["child_s_per_mb"] / figure["in_process_s_per_mb"]
        print(
            f"    {name:<11} {figure['mb']:5.1f} MB: {figure['child_s_per_mb'] * 1000:6.1f} ms/MB in a child, "
            f"{figure['in_process_s_per_mb'] * 1000:6.1f} ms/MB in-process (ratio {ratio:.2f})"
        )


if __name__ == "__main__":
    main()
