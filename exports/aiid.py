"""The AI Incident Database's conventions, as pure functions: entity ids, source domains, submission rules.

These follow what AIID's own code does: entity ids come from the npm `slugify(name, {lower: true})`
(spaces become '-', dots, apostrophes and underscores stay, other symbols go), the source domain
is the URL's host without a leading 'www.' or 'm.', and the submit form's length and date rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

# What npm slugify keeps by default (JavaScript's \w is ASCII only).
_SLUG_REMOVE = re.compile(r"""[^A-Za-z0-9_\s$*+~.()'"!\-:@]+""")
# A few letters NFKD does not take apart, as slugify's character map writes them.
_SLUG_MAP = {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D",
             "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "&": "and", "€": "euro", "$": "dollar", "%": "percent",
             "<": "less", ">": "greater", "|": "or", "©": "(c)", "®": "(r)", "™": "tm"}

TITLE_LENGTH = (6, 500)
TEXT_LENGTH = (80, 50_000)
DESCRIPTION_LENGTH = (3, 500)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def entity_id(name: str) -> str:
    """An AIID entity id: the lower-case slug of a name, as slugify(name, {lower: true}) makes it."""
    out = []
    for ch in unicodedata.normalize("NFC", name):
        mapped = _SLUG_MAP.get(ch)
        if mapped is None:
            mapped = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if mapped == "-":
            mapped = " "  # the replacement character itself becomes a space, so runs collapse
        out.append(_SLUG_REMOVE.sub("", mapped))
    slug = "".join(out).strip()
    return re.sub(r"\s+", "-", slug).lower()


def source_domain(url: str) -> str:
    """The URL's host name without a leading 'www.' or 'm.', as AIID derives it."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def valid_url(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str


def _length(field: str, value: str | None, bounds: tuple[int, int]) -> list[Problem]:
    low, high = bounds
    size = len(value or "")
    if size < low or size > high:
        return [Problem(field, f"must be {low}-{high:,} characters, is {size:,}")]
    return []


def _date(field: str, value: str | None, today: date) -> list[Problem]:
    if not value or not ISO_DATE.match(value):
        return [Problem(field, "must be a date written YYYY-MM-DD")]
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return [Problem(field, "is not a real date")]
    if parsed > today:
        return [Problem(field, "cannot be in the future")]
    return []


def check_submission(record: dict, today: date) -> list[Problem]:
    """Apply the rules of AIID's submit form; an empty list means the record may be written."""
    problems = [*_length("title", record.get("title"), TITLE_LENGTH),
                *_length("text", record.get("text"), TEXT_LENGTH),
                *_length("description", record.get("description"), DESCRIPTION_LENGTH)]
    if not valid_url(record.get("url", "")):
        problems.append(Problem("url", "must be an http(s) address with a host name"))
    elif record.get("source_domain") != source_domain(record["url"]):
        problems.append(Problem("source_domain", "must be the URL's host without www. or m."))
    for field in ("date_published", "date_downloaded", "date_submitted", "date_modified", "incident_date"):
        if field in record:
            problems += _date(field, record[field], today)
    return problems
