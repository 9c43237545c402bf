"""Where to send a staff member after sign-in: a path on this site, never another host."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from flask import url_for

# Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash (the WHATWG URL
# parser), so "/\t/evil.example" and "/\\evil.example" both lead to //evil.example, another host.
_DROPPED = re.compile(r"[\t\n\r]")
# They also trim C0 controls and spaces at either end; any other control character is refused.
_EDGES = "".join(chr(c) for c in range(0x21))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _local_path(target: str) -> str | None:
    """Return `target` as a browser would read it if that is a path on this site, else None."""
    cleaned = _DROPPED.sub("", target).replace("\\", "/").strip(_EDGES)
    if _CONTROL.search(cleaned) or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def safe_next(target: str | None) -> str:
    """Return the local path to go to after sign-in, or the staff home when `target` could lead elsewhere.

    The path is checked as sent and once more percent-decoded, so an encoded "/%2F/evil.example" or
    "/%5Cevil.example" is refused too, whatever a proxy or browser later makes of it.
    """
    path = _local_path(target or "")
    if path is None or _local_path(unquote(path)) is None:
        return url_for("core.staff_home")
    return path
