"""Write the exports: streamed from the database, one row at a time, into deterministic files.

Rows are read with a server-side cursor (yield_per) and written as they come, so memory does
not grow with the number of incidents. The same data gives byte-identical files: rows are in id
order, nothing in a file depends on the clock, held-back.csv is RFC 4180 (CRLF line ends) in UTF-8,
and the AIID snapshot files are written as AIID writes its own (exports.snapshot).
A record that breaks a rule is not written; it goes to held-back.csv with its reason.
This module writes the AI Incident Database files; exports.dsa_files writes the DSA statements with the same helpers.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from core.db import lean_reads
from exports import aiid, snapshot
from exports.aiid_classifications import build_classifications
from incidents.cases import public
from incidents.cases.classify import classifications_for
from incidents.models import Incident

HELD_BACK = "held-back.csv"
# The columns AIID's backup writes (site/db-backup/bin/backup.sh, aiid at 638678f2), in its order.
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
HELD_BACK_COLUMNS = ("record", "id", "field", "reason")
KEEP_PROBLEMS = 200  # stored with the run for the staff page; held-back.csv has all of them
BATCH = 500


class HashingWriter:
    """A text sink that writes UTF-8 to a file and keeps its SHA-256 and size as it goes."""

    def __init__(self, path: Path):
        self._file = open(path, "wb")  # noqa: SIM115 (closed by close())
        self._hash = hashlib.sha256()
        self.size = 0
        self.rows = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._hash.update(data)
        self.size += len(data)
        self._file.write(data)
        return len(text)

    def close(self) -> dict:
        self._file.close()
        return {"sha256": self._hash.hexdigest(), "size": self.size, "rows": self.rows}


class CsvFile:
    def __init__(self, path: Path, columns):
        self.sink = HashingWriter(path)
        self._columns = columns
        self._writer = csv.writer(self.sink, lineterminator="\r\n")  # RFC 4180
        self._writer.writerow(columns)

    def row(self, values: dict) -> None:
        self._writer.writerow([values[name] for name in self._columns])
        self.sink.rows += 1


class JsonArrayFile:
    """A JSON array written one element at a time."""

    def __init__(self, path: Path):
        self.sink = HashingWriter(path)
        self.sink.write("[")

    def item(self, value: dict) -> None:
        self.sink.write(("\n" if self.sink.rows == 0 else ",\n") + json_text(value))
        self.sink.rows += 1

    def close(self) -> dict:
        self.sink.write("\n]\n" if self.sink.rows else "]\n")
        return self.sink.close()


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Written:
    files: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)
    problem_total: int = 0

    def hold_back(self, held: CsvFile, record: str, record_id: int, problems) -> None:
        """Write a record's failed rules to held-back.csv (and keep the first few for the staff page)."""
        self.counts["held_back"] += 1
        for problem in problems:
            entry = {"record": record, "id": record_id, "field": problem.field, "reason": problem.reason}
            held.row(entry)
            self.problem_total += 1
            if len(self.problems) < KEEP_PROBLEMS:
                self.problems.append(entry)


def export_settings(app: Flask) -> dict:
    """The settings that shape export content (so a run is reproducible from them and the data)."""
    return {
        "namespace": app.config["EXPORT_NAMESPACE"] or app.config.get("PUBLIC_BASE_URL") or "local",
        "submitter": app.config["EXPORT_SUBMITTER"],
        "language": app.config["EXPORT_LANGUAGE"],
        "puid_prefix": app.config["EXPORT_PUID_PREFIX"],
    }


# --- AI Incident Database ----------------------------------------------------------------------


def shared_incidents_query():
    """Approved incidents in id order, with how many reports they have and how many refused consent."""
    return (
        select(
            Incident.id,
            Incident.title,
            Incident.description,
            Incident.occurred_on,
            Incident.deployers,
            Incident.developers,
            Incident.harmed_parties,
            Incident.implicated_systems,
            Incident.public_summary,
            Incident.shared_at,
            public.linked_reports().label("linked"),
            public.refusing_reports().label("refused"),
        )
        .where(Incident.shared_at.is_not(None))
        .order_by(Incident.id)
    )


def count_shared(session: Session) -> int:
    """Count the approved incidents, for the CLI's progress bar."""
    return session.execute(select(func.count()).where(Incident.shared_at.is_not(None))).scalar_one()


# Sequential reads need neither the app's page cache nor its memory map (core.db.lean_reads).
streaming_reads = lean_reads


class _SnapshotReports:
    """reports.csv as AIID's convert_json_to_csv.py writes it from relaxed JSON."""

    def __init__(self, path: Path, columns):
        self.sink = HashingWriter(path)
        self._columns = columns
        self._writer = snapshot.convert_json_writer(self.sink)
        self._writer.writerow(columns)

    def row(self, document: dict) -> None:
        self._writer.writerow([snapshot.relaxed_cell(document.get(name, "")) for name in self._columns])
        self.sink.rows += 1


class _SnapshotIncidents:
    """incidents.csv as mongoexport --type=csv writes it."""

    def __init__(self, path: Path, columns):
        self.sink = HashingWriter(path)
        self._columns = columns
        self.sink.write(snapshot.mongoexport_line(list(columns)))

    def row(self, document: dict) -> None:
        self.sink.write(snapshot.mongoexport_line([snapshot.mongoexport_cell(document.get(n)) for n in self._columns]))
        self.sink.rows += 1


def _summary(session: Session, row) -> dict:
    """The stored public summary, or, for an incident approved before summaries were stored, one made now."""
    if row.public_summary:
        return row.public_summary
    return public.public_summary(SimpleNamespace(**row._mapping), public.incident_sources(session, row.id))


def _write_entities(path: Path, entities: dict[str, str]) -> dict:
    """entities.json: each entity the submissions name, once, as AIID's entities collection holds it."""
    out = JsonArrayFile(path)
    for entity_id in sorted(entities):
        out.item({"entity_id": entity_id, "name": entities[entity_id]})
    return out.close()


@functools.lru_cache(maxsize=4096)  # labels repeat across incidents
def scrub_label(text: str) -> str:
    """anonymize.scrub, loaded only when a free label is there to check (Presidio and spaCy are slow to load)."""
    from anonymize.scrub import scrub

    return scrub(text)


class _Classifications:
    """classifications.json: the exported incidents' published classifications, fetched a batch at a time."""

    def __init__(self, path: Path, session: Session, namespace: str):
        self.out = JsonArrayFile(path)
        self._session = session
        self._namespace = namespace
        self._pending: list[int] = []

    def add(self, incident_id: int, written: Written, held: CsvFile) -> None:
        self._pending.append(incident_id)
        if len(self._pending) >= BATCH:
            self.flush(written, held)

    def flush(self, written: Written, held: CsvFile) -> None:
        found = classifications_for(self._session, self._pending)
        for incident_id in self._pending:
            tag = aiid.incident_tag(self._namespace, incident_id)
            documents, problems = build_classifications(found[incident_id], identifier=tag, scrub=scrub_label)
            for document in documents:
                self.out.item(document)
            if problems:
                written.hold_back(held, "classification", incident_id, problems)
        self._pending.clear()


def write_aiid(
    session: Session, out: Path, *, settings: dict, today: date, progress: Callable[[int], None] | None = None
) -> Written:
    """Write the AIID files for approved incidents: submissions, entities, classifications, snapshot CSVs, held back."""
    out.mkdir(parents=True, exist_ok=True)
    written = Written()
    incidents = _SnapshotIncidents(out / "incidents.csv", INCIDENT_COLUMNS)
    reports = _SnapshotReports(out / "reports.csv", REPORT_COLUMNS)
    submissions = JsonArrayFile(out / "submissions.json")
    held = CsvFile(out / HELD_BACK, HELD_BACK_COLUMNS)
    entities: dict[str, str] = {}
    classifications = _Classifications(out / "classifications.json", session, settings["namespace"])
    with streaming_reads(session):
        rows = session.execute(shared_incidents_query().execution_options(yield_per=BATCH))
        for row in rows:
            written.counts["approved"] += 1
            if row.linked == 0 or row.refused:
                # Approval needs every reporter's consent; a report linked since then may lack it.
                reason = "a linked reporter did not consent to sharing" if row.linked else "no report is linked"
                written.hold_back(held, "incident", row.id, [aiid.Problem("consent", reason)])
            else:
                record = aiid.build_record(
                    aiid.SharedIncident(row.id, _summary(session, row), row.shared_at.date()),
                    namespace=settings["namespace"],
                    submitter=settings["submitter"],
                    language=settings["language"],
                    today=today,
                )
                if record.problems:
                    written.hold_back(held, "incident", row.id, record.problems)
                elif not record.submissions:
                    written.counts["without_public_source"] += 1  # counted in transparency reports only
                else:
                    incidents.row(record.incident_row)
                    for report_row in record.report_rows:
                        reports.row(report_row)
                    for submission in record.submissions:
                        submissions.item(submission)
                    for entity in record.entities:
                        entities.setdefault(entity["entity_id"], entity["name"])
                    written.counts["exported"] += 1
                    written.counts["submissions"] += len(record.submissions)
                    classifications.add(row.id, written, held)
            if progress:
                progress(1)
        classifications.flush(written, held)
    written.files = {
        "submissions.json": submissions.close(),
        "entities.json": _write_entities(out / "entities.json", entities),
        "classifications.json": classifications.out.close(),
        "incidents.csv": incidents.sink.close(),
        "reports.csv": reports.sink.close(),
        HELD_BACK: held.sink.close(),
    }
    return written
