"""An optional proof of work on the report forms, as GlobaLeaks has: a small puzzle the page's own script solves.

Everyone who reports through Tor arrives from one address, so a per-address limit would close
intake for all of them at once. With `INTAKE_POW_BITS` set, a form that carries a solved puzzle
is limited per client bucket only loosely (`INTAKE_POW_LIMIT`): the work is the price of each
report. A form without one (no JavaScript, or an old browser) still works, under the usual
per-bucket limit and a stricter limit shared by every such form (`INTAKE_NOJS_LIMIT`).

The puzzle is the form's own intake token, which is signed, expires, and names the receipt the
report will get, so a solution is worth one report: sent again, it finds the same report.
"""

from __future__ import annotations

import hashlib
import re

NONCE = re.compile(r"[0-9]{1,20}")


def leading_zero_bits(digest: bytes) -> int:
    """Count the zero bits at the start of a digest."""
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solved(challenge: str | None, nonce: str | None, bits: int) -> bool:
    """Tell whether SHA-256 of "challenge:nonce" starts with at least `bits` zero bits."""
    if not challenge or not nonce or not NONCE.fullmatch(nonce):
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def solve(challenge: str, bits: int, limit: int = 1 << 32) -> str:
    """Find a nonce for a challenge (what the page's script does; for tests and API clients)."""
    for nonce in range(limit):
        if solved(challenge, str(nonce), bits):
            return str(nonce)
    raise ValueError("no nonce under the limit")
