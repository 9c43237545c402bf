"""Clean a file in a child process with CPU-time and address-space limits, so a hostile file fails alone.

The children are forked from multiprocessing's fork server, started once per calling process on
first use, which has already imported the cleaning code (Pillow, pikepdf, lxml): a child costs a
fork, not a new interpreter. Each child sets its own limits (RLIMIT_CPU, RLIMIT_AS, no core
file), cleans one file, sends the result back through a pipe and exits. A child that runs out of
memory or time, crashes or hangs is ended and the file refused; the caller carries on.

As with any multiprocessing start method but fork, each child imports the caller's main module
under another name, so that module must do nothing when imported (gunicorn's, flask's and
pytest's do not; a script needs `if __name__ == "__main__":`).
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext

from PIL import Image

from anonymize.attachments.common import REFUSE_TOO_COSTLY, AttachmentRefused, Limits

Cleaner = Callable[[bytes, Limits], tuple[str, bytes]]
PRELOAD = ["anonymize.attachments.clean"]
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h


@functools.cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def run_limited(cleaner: Cleaner, data: bytes, limits: Limits) -> tuple[str, bytes]:
    """Run cleaner(data, limits) in a limited child; return its result or raise AttachmentRefused."""
    context = _context()
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, cleaner, data, limits), daemon=True)
    child.start()
    writer.close()  # the child holds the only writing end: its death reads as EOF here
    try:
        if not reader.poll(limits.wall_seconds()):  # stuck without using CPU (or the machine is swamped)
            raise AttachmentRefused(REFUSE_TOO_COSTLY)
        status, text, payload = reader.recv()
    except (EOFError, OSError) as err:  # killed by SIGXCPU or SIGKILL, or crashed
        raise AttachmentRefused(REFUSE_TOO_COSTLY) from err
    finally:
        reader.close()
        child.join(timeout=1)
        if child.is_alive():
            child.kill()
            child.join()
    if status != "ok":
        raise AttachmentRefused(text)
    return text, payload


def _keep_freed_memory() -> None:
    """Let glibc keep what the child frees instead of handing it back and faulting it in again.

    A fresh child starts with malloc's smallest thresholds, so every decoded image is mapped,
    zeroed and unmapped anew; that doubled the time to clean a 20-page PDF. The child is short-lived
    and RLIMIT_AS still bounds it. Elsewhere than glibc this does nothing.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # glibc's largest
        libc.mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024)
    except (OSError, AttributeError):
        pass


def _limit_memory(size: int) -> None:
    # Linux takes RLIMIT_AS; macOS refuses it (ValueError) but may take RLIMIT_DATA, for development.
    for limit in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
        try:
            resource.setrlimit(limit, (size, size))
            return
        except (ValueError, OSError):
            continue


def _child(writer: Connection, cleaner: Cleaner, data: bytes, limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    _limit_memory(limits.memory_bytes)
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    _keep_freed_memory()
    try:
        name, clean = cleaner(data, limits)
        writer.send(("ok", name, clean))
    except AttachmentRefused as err:
        writer.send(("refused", str(err), b""))
    except MemoryError:
        writer.send(("refused", REFUSE_TOO_COSTLY, b""))
    finally:
        writer.close()
