"""An approved incident in the AI Incident Database's shapes: a submission per source, snapshot rows, entities.

The contribution path is submissions.json: one document per public source, in the shape of AIID's
`submissions` collection (site/gatsby-site/server/types/submission.ts and the form's initial values in
src/utils/submit.js, aiid at 638678f2). Each passes the rules in exports.aiid_rules or the incident is
held back with every reason. incidents.csv and reports.csv are in the shape of AIID's own snapshot
files, for readers who merge them with one; exports.snapshot writes their cells as AIID's scripts do.

Numbers stay AIID's: it gives an incident its incident_id and a report its report_number when an
editor accepts a submission. Ours go in `tags` (a field AIID does not own), so nothing here passes
one of our numbers off as one of AIID's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from exports.aiid_rules import (
    ANONYMOUS,
    DESCRIPTION_LENGTH,
    ENTITY_FIELDS,
    ENTITY_LABELS,
    NAME_LENGTH,
    Problem,
    incident_problems,
    js_length,
    length,
    source_domain,
    source_problems,
    valid_url,
)
from exports.slug import slugify
from incidents.cases import sources

__all__ = [
    "AiidRecord",
    "Problem",
    "SharedIncident",
    "build_record",
    "entity_id",
    "incident_tag",
    "object_id",
    "sources_of",
]

MAX_SOURCES = sources.MAX_SOURCES  # what staff may record; a stored summary with more is a fault, said so


def entity_id(name: str) -> str:
    """An AIID entity id: slugify(name, {lower: true}) of npm slugify 1.6.9."""
    return slugify(name)


@dataclass(frozen=True)
class SharedIncident:
    """An approved incident as exports see it: its id, its scrubbed public summary and the approval date."""

    id: int
    summary: dict
    shared_on: date


@dataclass
class AiidRecord:
    incident_id: int
    incident_row: dict  # incidents.csv, mongoexport's cells
    report_rows: list[dict]  # reports.csv, as relaxed extended JSON before convert_json_to_csv.py
    submissions: list[dict]
    entities: list[dict] = field(default_factory=list)  # {entity_id, name}, as AIID's entities collection
    problems: list[Problem] = field(default_factory=list)


def object_id(namespace: str, kind: str, key: str) -> str:
    """A stable 24-hex-digit id in the shape of AIID's MongoDB ObjectIds."""
    return hashlib.sha256(f"{namespace}:{kind}:{key}".encode()).hexdigest()[:24]


def incident_tag(namespace: str, incident_id: int) -> str:
    """Our incident's id, as a tag that says whose it is."""
    return f"{namespace}#incident-{incident_id}"


def source_tag(namespace: str, incident_id: int, key: object) -> str:
    return f"{namespace}#incident-{incident_id}-source-{key}"


def epoch(day: str) -> int:
    parsed = date.fromisoformat(day)
    return int(datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC).timestamp())


def mongo_date(day: str) -> dict:
    """A date as mongoexport's relaxed extended JSON writes it."""
    return {"$date": f"{day}T00:00:00Z"}


def short_description(text: str, limit: int = DESCRIPTION_LENGTH[1]) -> str:
    """The incident description within AIID's 500 characters, cut at a word with an ellipsis when longer."""
    text = " ".join(text.split())
    if js_length(text) <= limit:
        return text
    cut = text[: limit - 1]
    while js_length(cut) > limit - 1:
        cut = cut[:-1]
    return cut.rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def sources_of(summary: dict) -> list[dict]:
    """The summary's sources; a summary stored before sources had their details holds URLs only."""
    if "sources" in summary:
        return list(summary["sources"] or [])
    return [{"url": url} for url in summary.get("source_urls") or []]


def authors_of(source: dict) -> list[str]:
    """The article's authors, else its publication, else 'Anonymous', as AIID's form asks.

    A publication too short for an author's name ("AP") gives way to 'Anonymous', which AIID takes.
    """
    authors = [a for a in source.get("authors") or [] if a.strip()]
    if authors:
        return authors
    publication = (source.get("publication") or "").strip()
    return [publication] if publication and not length("authors", publication, NAME_LENGTH) else [ANONYMOUS]


@dataclass(frozen=True)
class Context:
    """What every document of one incident repeats."""

    incident: SharedIncident
    namespace: str
    submitter: str
    language: str
    entity_names: dict[str, list[str]]
    source_count: int
    description: str  # the incident's, cut to AIID's 500 characters once for all its documents

    @property
    def summary(self) -> dict:
        return self.incident.summary


def build_submission(ctx: Context, position: int, source: dict) -> dict:
    """The submissions document of one source, fields in the order of AIID's type."""
    s, shared = ctx.summary, ctx.incident.shared_on.isoformat()
    url = source.get("url") or ""
    excerpt = source.get("excerpt") or ""
    key = source.get("id", position)
    return {
        "url": url,
        "title": source.get("title") or "",
        "authors": authors_of(source),
        "submitters": [ctx.submitter],
        "text": excerpt,
        "plain_text": excerpt,
        "date_published": source.get("published_on") or "",
        "date_downloaded": source.get("retrieved_on") or "",
        "date_submitted": shared,
        "date_modified": shared,
        "source_domain": source_domain(url) if valid_url(url) else "",
        "language": source.get("language") or ctx.language,
        "tags": [incident_tag(ctx.namespace, ctx.incident.id), source_tag(ctx.namespace, ctx.incident.id, key)],
        "image_url": "",
        "cloudinary_id": "",
        "incident_ids": [],
        "incident_title": s.get("title") or "",
        "incident_date": s.get("occurred_on") or "",
        "description": ctx.description,
        **{name: [entity_id(v) for v in ctx.entity_names[name]] for name in ENTITY_FIELDS},
        "editor_notes": (
            f"From {ctx.submitter}: source {position} of {ctx.source_count} of one incident, tagged "
            f"{incident_tag(ctx.namespace, ctx.incident.id)}. Its sources belong to one AIID incident."
        ),
    }


def build_report_row(ctx: Context, submission: dict, key: object) -> dict:
    """The reports.csv document of one source: relaxed extended JSON, as mongoexport writes a report."""
    return {
        "_id": {"$oid": object_id(ctx.namespace, "report", f"{ctx.incident.id}-{key}")},
        "authors": submission["authors"],
        **{name: mongo_date(submission[name]) for name in ("date_downloaded", "date_modified", "date_published")},
        "date_submitted": mongo_date(submission["date_submitted"]),
        "description": submission["description"],
        **{
            f"epoch_{name}": epoch(submission[name])
            for name in ("date_downloaded", "date_modified", "date_published", "date_submitted")
        },
        "image_url": "",
        "language": submission["language"],
        "source_domain": submission["source_domain"],
        "submitters": submission["submitters"],
        "text": submission["text"],
        "title": submission["title"],
        "url": submission["url"],
        "tags": submission["tags"],
    }


def build_incident_row(ctx: Context) -> dict:
    """The incidents.csv document: no incident_id and no report numbers, which AIID gives."""
    s = ctx.summary
    return {
        "_id": {"$oid": object_id(ctx.namespace, "incident", str(ctx.incident.id))},
        "date": s.get("occurred_on") or "",
        **{ENTITY_LABELS[name]: [entity_id(v) for v in ctx.entity_names[name]] for name in ENTITY_FIELDS[:3]},
        "description": ctx.description,
        "title": s.get("title") or "",
    }


def numbered(position: int, problems: list[Problem]) -> list[Problem]:
    """Name the source in each rule it breaks, so the sources of one incident can be told apart."""
    return [Problem(f"{p.field} (source {position})", p.reason) for p in problems]


def build_record(incident: SharedIncident, *, namespace: str, submitter: str, language: str, today: date) -> AiidRecord:
    """Build an approved incident's submissions and snapshot rows, with every AIID rule it breaks."""
    summary = incident.summary
    sources = sources_of(summary)
    ctx = Context(
        incident=incident,
        namespace=namespace,
        submitter=submitter,
        language=language,
        entity_names={name: [v for v in summary.get(name) or [] if v.strip()] for name in ENTITY_FIELDS},
        source_count=len(sources),
        description=short_description(summary.get("description") or ""),
    )
    record = AiidRecord(incident.id, build_incident_row(ctx), [], [])
    if len(sources) > MAX_SOURCES:
        record.problems.append(Problem("url", f"has {len(sources)} sources; at most {MAX_SOURCES} are exported"))
    for position, source in enumerate(sources[:MAX_SOURCES], start=1):
        submission = build_submission(ctx, position, source)
        if position == 1:
            record.problems += incident_problems(submission, ctx.entity_names, today)
        record.problems += numbered(position, source_problems(submission, today))
        record.submissions.append(submission)
        if not record.problems:
            record.report_rows.append(build_report_row(ctx, submission, source.get("id", position)))
    record.entities = [
        {"entity_id": entity_id(name), "name": name} for field in ENTITY_FIELDS for name in ctx.entity_names[field]
    ]
    return record
