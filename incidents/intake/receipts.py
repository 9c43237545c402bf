"""Receipts: 80 random bits, written as 16 Crockford base-32 characters in groups of four.

The alphabet has no I, L, O or U, and reading is forgiving: lower case, spaces and
dashes are fine, and I/L read as 1 and O as 0. Only a keyed hash is ever stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core.sealing import hkdf

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 16 x 5 bits = 80 bits
GROUP = 4
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_receipt() -> str:
    """Return a fresh receipt like 'K7QM-3XDA-99TR-B2WP'."""
    number = int.from_bytes(secrets.token_bytes(LENGTH * 5 // 8), "big")  # exactly 80 random bits
    return format_receipt(_encode(number))


def _encode(number: int) -> str:
    return "".join(ALPHABET[(number >> shift) & 31] for shift in range(5 * (LENGTH - 1), -1, -5))


def receipt_for_key(key: bytes, idempotency_key: str, body_digest: str) -> str:
    """Return the receipt a client's Idempotency-Key and report stand for: the same pair gives the same receipt.

    80 bits of HMAC-SHA256 under the receipt key over the key and the report's digest, so the
    receipt cannot be worked out without the server, and only someone who sends the same key with
    the same whole report again gets it back. A key reused with another report makes another report.
    """
    message = b"idempotency:" + idempotency_key.encode() + b":" + body_digest.encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return format_receipt(_encode(int.from_bytes(digest[: LENGTH * 5 // 8], "big")))


def format_receipt(raw: str) -> str:
    """Group a normalised receipt in fours."""
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(typed: str) -> str | None:
    """Return the canonical 16 characters of a typed receipt, or None if it cannot be one."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum()).translate(_READ_AS)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_key(platform_secret: str) -> bytes:
    """Derive the HMAC key for receipt lookups from the platform secret."""
    return hkdf(platform_secret.encode(), salt=None, info=b"receipt-lookup/v1")


def receipt_mac(key: bytes, receipt: str) -> str:
    """Return the lookup value stored for a receipt (HMAC-SHA256, hex)."""
    canonical = normalise(receipt) or ""
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def token_mac(key: bytes, token: str) -> str:
    """Return a keyed hash of a one-time form token (for spotting a form sent twice)."""
    return hmac.new(key, b"token:" + token.encode(), hashlib.sha256).hexdigest()
