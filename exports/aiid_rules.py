"""The AI Incident Database's submission rules, as data and pure checks.

Taken from responsible-ai-collaborative/aiid at 638678f2a065b264df21b5003a9bdd6c04b11f56 (2026-05-14):
- site/gatsby-site/src/components/submissions/schemas.js, `incidentSchema`: what "add as a new
  incident" requires of a submission. It runs on yup 0.29.3 (site/gatsby-site/package-lock.json),
  where `array().required()` refuses an empty array and `string().min/max` count UTF-16 code units;
- site/gatsby-site/src/utils/date.js, `isPastDate`: a published or downloaded date cannot be after today;
- site/gatsby-site/src/utils/entities.js, `getEntityId`: an entity's id is its name's slug (exports.slug);
- site/gatsby-site/server/types/submission.ts: the fields a submission document has.
An empty list of problems means AIID's form would accept the submission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from exports.slug import slugify

# (low, high) in UTF-16 code units, as JavaScript's String.length counts them.
TITLE_LENGTH = (6, 500)  # title and incident_title
TEXT_LENGTH = (80, 50_000)
DESCRIPTION_LENGTH = (3, 500)
NAME_LENGTH = (3, 200)  # each author, submitter and entity name
# Our own rule on top of AIID's: an entity whose id is shorter than this is a fragment, not a name
# (an id of '' or 'u' would merge unrelated entities in AIID's entities collection).
SLUG_MIN = 3
# incidentSchema requires at least one of each; implicated_systems may be empty.
REQUIRED_ENTITIES = ("deployers", "developers", "harmed_parties")
ENTITY_FIELDS = (*REQUIRED_ENTITIES, "implicated_systems")
ENTITY_LABELS = {
    "deployers": "Alleged deployer of AI system",
    "developers": "Alleged developer of AI system",
    "harmed_parties": "Alleged harmed or nearly harmed parties",
    "implicated_systems": "Implicated AI systems",
}
ANONYMOUS = "Anonymous"  # what AIID's form asks for when an article names no author
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# What yup's string().url() accepts, narrowed to what we send: http(s), an ASCII host name with a dot
# (or an IPv4 address), an optional port, and RFC 3986 characters after it. Stricter than yup, never
# looser; tests/e2e/test_aiid_conformance.py checks that against yup 0.29.3 itself.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?\.?"
_IPV4 = r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_PCHAR = r"(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})"
URL = re.compile(
    rf"^https?://(?:{_HOST}|{_IPV4})(?::\d*)?(?:/(?:{_PCHAR}|/)*)?(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str


def js_length(value: str) -> int:
    """The length JavaScript gives a string: UTF-16 code units, so an emoji counts 2."""
    return len(value.encode("utf-16-le")) // 2


def length(field: str, value: str | None, bounds: tuple[int, int]) -> list[Problem]:
    low, high = bounds
    size = js_length(value or "")
    if size < low or size > high:
        return [Problem(field, f"must be {low}-{high:,} characters, is {size:,}")]
    return []


def valid_url(url: str) -> bool:
    """Whether AIID's form takes the address (see URL)."""
    return bool(URL.match(url or ""))


def source_domain(url: str) -> str:
    """The URL's host name without a leading 'www.' or 'm.', as AIID derives it."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def past_date(field: str, value: str | None, today: date, *, what: str) -> list[Problem]:
    """A required YYYY-MM-DD date that is not after today (dateRegExp and isPastDate)."""
    if not value:
        return [Problem(field, f"is required: record {what}")]
    if not ISO_DATE.match(value):
        return [Problem(field, "must be a date written YYYY-MM-DD")]
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return [Problem(field, "is not a real date")]
    if parsed > today:
        return [Problem(field, "cannot be after today")]
    return []


def names(field: str, values: list[str], *, required: bool) -> list[Problem]:
    """A list of names: present when required, each 3-200 characters."""
    if required and not values:
        return [Problem(field, "at least one is required")]
    return [
        Problem(field, f"{value!r} {problem.reason}")
        for value in values
        for problem in length(field, value, NAME_LENGTH)
    ]


def entity_problems(entities: dict[str, list[str]]) -> list[Problem]:
    """incidentSchema's entity rules, and an id for every name (a name that slugifies to nothing is held back)."""
    problems: list[Problem] = []
    for field in ENTITY_FIELDS:
        values = entities.get(field) or []
        if field in REQUIRED_ENTITIES and not values:
            problems.append(Problem(field, "at least one is required"))
        for value in values:
            slug = slugify(value)
            if size := length(field, value, NAME_LENGTH):
                problems += [Problem(field, f"{value!r} {problem.reason}") for problem in size]
            elif not slug:
                problems.append(Problem(field, f"{value!r} has no letters AIID's entity ids can write (empty id)"))
            elif len(slug) < SLUG_MIN:
                problems.append(Problem(field, f"{value!r} becomes the entity id {slug!r}, under {SLUG_MIN} letters"))
    return problems


def incident_problems(submission: dict, entities: dict[str, list[str]], today: date) -> list[Problem]:
    """The rules on the incident's fields, the same in each of its submissions."""
    problems = [
        *length("incident_title", submission.get("incident_title"), TITLE_LENGTH),
        *length("description", submission.get("description"), DESCRIPTION_LENGTH),
        *names("submitters", submission.get("submitters") or [], required=False),
        *entity_problems(entities),
    ]
    incident_date = submission.get("incident_date")
    if not incident_date:
        problems.append(Problem("incident_date", "is required: record when the incident happened"))
    elif not ISO_DATE.match(incident_date):
        problems.append(Problem("incident_date", "must be a date written YYYY-MM-DD"))
    return problems


def source_problems(submission: dict, today: date) -> list[Problem]:
    """The rules on one source's fields: its article, its address, its dates."""
    problems = [
        *length("title", submission.get("title"), TITLE_LENGTH),
        *length("text", submission.get("text"), TEXT_LENGTH),
        *names("authors", submission.get("authors") or [], required=True),
        *past_date("date_published", submission.get("date_published"), today, what="the source's publication date"),
        *past_date("date_downloaded", submission.get("date_downloaded"), today, what="when the source was read"),
    ]
    url = submission.get("url") or ""
    if not valid_url(url):
        problems.append(Problem("url", "must be an http(s) address with an ASCII host name and no spaces"))
    elif submission.get("source_domain") != source_domain(url):
        problems.append(Problem("source_domain", "must be the URL's host without www. or m."))
    return problems
