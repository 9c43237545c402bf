"""The AI Incident Database's conventions, as pure functions: entity ids, source domains, submission rules.

These follow what AIID's own code does: entity ids come from the npm `slugify(name, {lower: true})`
(spaces become '-', dots, apostrophes and underscores stay, other symbols go), the source domain
is the URL's host without a leading 'www.' or 'm.', and the submit form's length and date rules.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

# What npm slugify keeps by default (JavaScript's \w is ASCII only).
_SLUG_REMOVE = re.compile(r"""[^A-Za-z0-9_\s$*+~.()'"!\-:@]+""")
# A few letters NFKD does not take apart, as slugify's character map writes them.
_SLUG_MAP = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "ø": "o",
    "Ø": "O",
    "œ": "oe",
    "Œ": "OE",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
    "þ": "th",
    "Þ": "TH",
    "&": "and",
    "€": "euro",
    "$": "dollar",
    "%": "percent",
    "<": "less",
    ">": "greater",
    "|": "or",
    "©": "(c)",
    "®": "(r)",
    "™": "tm",
}

TITLE_LENGTH = (6, 500)
TEXT_LENGTH = (80, 50_000)
DESCRIPTION_LENGTH = (3, 500)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@functools.lru_cache(maxsize=8192)  # entity names repeat across incidents; the slug is pure
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
            return host[len(prefix) :]
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
    problems = [
        *_length("title", record.get("title"), TITLE_LENGTH),
        *_length("text", record.get("text"), TEXT_LENGTH),
        *_length("description", record.get("description"), DESCRIPTION_LENGTH),
    ]
    if not valid_url(record.get("url", "")):
        problems.append(Problem("url", "must be an http(s) address with a host name"))
    elif record.get("source_domain") != source_domain(record["url"]):
        problems.append(Problem("source_domain", "must be the URL's host without www. or m."))
    for field in ("date_published", "date_downloaded", "date_submitted", "date_modified", "incident_date"):
        if field in record:
            problems += _date(field, record[field], today)
    return problems


# --- rows in AIID's shapes -------------------------------------------------------------------------

INCIDENT_COLUMNS = (
    "_id",
    "incident_id",
    "date",
    "reports",
    "Alleged deployer of AI system",
    "Alleged developer of AI system",
    "Alleged harmed or nearly harmed parties",
    "description",
    "title",
)
REPORT_COLUMNS = (
    "_id",
    "authors",
    "date_downloaded",
    "date_modified",
    "date_published",
    "date_submitted",
    "description",
    "epoch_date_downloaded",
    "epoch_date_modified",
    "epoch_date_published",
    "epoch_date_submitted",
    "image_url",
    "language",
    "ref_number",
    "report_number",
    "source_domain",
    "submitters",
    "text",
    "title",
    "url",
    "tags",
)
SUBMISSION_FIELDS = (
    "url",
    "title",
    "authors",
    "submitters",
    "text",
    "plain_text",
    "date_published",
    "date_downloaded",
    "date_submitted",
    "date_modified",
    "source_domain",
    "language",
    "tags",
    "image_url",
    "incident_title",
    "incident_date",
    "description",
    "deployers",
    "developers",
    "harmed_parties",
    "implicated_systems",
)
# Report numbers are incident id * 1000 + the source's position, so they stay put when other
# incidents are shared or withdrawn later.
MAX_SOURCES = 999


@dataclass(frozen=True)
class SharedIncident:
    """An approved incident as exports see it: its id, its scrubbed public summary and the approval date."""

    id: int
    summary: dict
    shared_on: date


@dataclass
class AiidRecord:
    incident_id: int
    incident_row: dict
    report_rows: list[dict]
    submissions: list[dict]
    problems: list[Problem]


def object_id(namespace: str, kind: str, key: str) -> str:
    """A stable 24-hex-digit id in the shape of AIID's MongoDB ObjectIds."""
    return hashlib.sha256(f"{namespace}:{kind}:{key}".encode()).hexdigest()[:24]


def json_list(values) -> str:
    """A list written the way AIID's CSV snapshots write one: a compact JSON array."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def short_description(text: str, limit: int = DESCRIPTION_LENGTH[1]) -> str:
    """The incident description within AIID's 500 characters, cut at a word with an ellipsis when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


ENTITY_FIELDS = ("deployers", "developers", "harmed_parties", "implicated_systems")
REPORT_DATES = ("date_downloaded", "date_modified", "date_published", "date_submitted")
# A failed URL rule names its source, so the sources of one incident can be told apart.
PER_SOURCE_FIELDS = ("url", "source_domain")


@dataclass(frozen=True)
class RecordContext:
    """What every row of one incident's record repeats: its texts, its dates, its entities, the settings."""

    incident_id: int
    title: str
    text: str
    description: str
    day: str
    epoch: int
    occurred_on: str | None
    entities: dict[str, list[str]]
    namespace: str
    submitter: str
    language: str


def record_context(incident: SharedIncident, *, namespace: str, submitter: str, language: str) -> RecordContext:
    """Gather what an incident's rows share, computed once for all its sources."""
    s = incident.summary
    return RecordContext(
        incident_id=incident.id,
        title=s.get("title") or "",
        text=s.get("description") or "",
        description=short_description(s.get("description") or ""),
        day=incident.shared_on.isoformat(),
        epoch=_epoch(incident.shared_on),
        occurred_on=s.get("occurred_on"),
        entities={name: [entity_id(v) for v in s.get(name) or [] if entity_id(v)] for name in ENTITY_FIELDS},
        namespace=namespace,
        submitter=submitter,
        language=language,
    )


def build_submission(ctx: RecordContext, url: str, domain: str) -> dict:
    """Build the submit-form record of one source URL."""
    return {
        "url": url,
        "title": ctx.title,
        "authors": [],
        "submitters": [ctx.submitter],
        "text": ctx.text,
        "plain_text": ctx.text,
        "date_published": ctx.day,
        "date_downloaded": ctx.day,
        "date_submitted": ctx.day,
        "date_modified": ctx.day,
        "source_domain": domain,
        "language": ctx.language,
        "tags": [],
        "image_url": "",
        "incident_title": ctx.title,
        "incident_date": ctx.occurred_on,
        "description": ctx.description,
        **ctx.entities,
    }


def build_report_row(ctx: RecordContext, ref: int, url: str, domain: str) -> dict:
    """Build the reports.csv row of one source URL, numbered by its position."""
    report_number = ctx.incident_id * 1000 + ref
    return {
        "_id": object_id(ctx.namespace, "report", str(report_number)),
        "authors": json_list([]),
        "date_downloaded": ctx.day,
        "date_modified": ctx.day,
        "date_published": ctx.day,
        "date_submitted": ctx.day,
        "description": ctx.description,
        **{f"epoch_{k}": ctx.epoch for k in REPORT_DATES},
        "image_url": "",
        "language": ctx.language,
        "ref_number": ref,
        "report_number": report_number,
        "source_domain": domain,
        "submitters": json_list([ctx.submitter]),
        "text": ctx.text,
        "title": ctx.title,
        "url": url,
        "tags": json_list([]),
    }


def build_incident_row(ctx: RecordContext, report_rows: list[dict]) -> dict:
    """Build the incidents.csv row, listing the incident's report numbers."""
    return {
        "_id": object_id(ctx.namespace, "incident", str(ctx.incident_id)),
        "incident_id": ctx.incident_id,
        "date": ctx.occurred_on or "",
        "reports": json_list(r["report_number"] for r in report_rows),
        "Alleged deployer of AI system": json_list(ctx.entities["deployers"]),
        "Alleged developer of AI system": json_list(ctx.entities["developers"]),
        "Alleged harmed or nearly harmed parties": json_list(ctx.entities["harmed_parties"]),
        "description": ctx.description,
        "title": ctx.title,
    }


def source_problems(submission: dict, ref: int, today: date) -> list[Problem]:
    """Check one source's submission, naming the source in the URL rules it breaks."""
    return [
        Problem(f"{p.field} (source {ref})" if p.field in PER_SOURCE_FIELDS else p.field, p.reason)
        for p in check_submission(submission, today)
    ]


def build_record(incident: SharedIncident, *, namespace: str, submitter: str, language: str, today: date) -> AiidRecord:
    """Build an approved incident's AIID rows and submissions, with every rule it breaks."""
    ctx = record_context(incident, namespace=namespace, submitter=submitter, language=language)
    urls = list(incident.summary.get("source_urls") or [])
    problems: list[Problem] = []
    if len(urls) > MAX_SOURCES:
        problems.append(Problem("url", f"has {len(urls)} source URLs; at most {MAX_SOURCES} are exported"))
    report_rows, submissions = [], []
    for ref, url in enumerate(urls[:MAX_SOURCES], start=1):
        domain = source_domain(url) if valid_url(url) else ""
        submission = build_submission(ctx, url, domain)
        problems += source_problems(submission, ref, today)
        submissions.append(submission)
        report_rows.append(build_report_row(ctx, ref, url, domain))
    # The same rule can fail once per source; say it once.
    problems = list(dict.fromkeys(problems))
    return AiidRecord(incident.id, build_incident_row(ctx, report_rows), report_rows, submissions, problems)
