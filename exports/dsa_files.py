"""Write a quarter's DSA statements of reasons: streamed from the database into deterministic files.

statements-PERIOD.jsonl holds one statement per line. Beside it, statements-PERIOD-batch-001.json, -002, ...
hold the same statements in the API's own envelope, {"statements": [...]}, at most BATCH_MAX to a file: each
is one request body for POST /api/v1/statements. A statement that breaks a rule goes to held-back.csv instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from core.periods import Period
from exports import dsa
from exports.dsa_rules import BATCH_MAX, LIMITS
from exports.writers import (
    BATCH,
    HELD_BACK,
    HELD_BACK_COLUMNS,
    CsvFile,
    HashingWriter,
    Written,
    json_text,
    streaming_reads,
)
from incidents.enforcement import licence_ground
from incidents.enforcement.statement import notice_of_action
from incidents.models import EnforcementAction, ModelRecord, Report


def statements_name(period: Period | str) -> str:
    """Name the JSON-lines file of a quarter's statements."""
    return f"statements-{period}.jsonl"


def batch_name(period: Period | str, number: int) -> str:
    """Name the envelope file of one batch (numbered from 1)."""
    return f"statements-{period}-batch-{number:03d}.json"


class EnvelopeFiles:
    """The statements in the API's batch envelope, a new file every `size` statements."""

    def __init__(self, out: Path, period: Period, size: int = BATCH_MAX):
        self.out, self.period, self.size = out, period, size
        self.files: dict[str, dict] = {}
        self._sink: HashingWriter | None = None
        self._name = ""

    def add(self, text: str) -> None:
        """Append one statement, already written as JSON, opening the next batch file when this one is full."""
        if self._sink is None or self._sink.rows == self.size:
            self._finish()
            self._name = batch_name(self.period, len(self.files) + 1)
            self._sink = HashingWriter(self.out / self._name)
            self._sink.write('{"statements":[\n')
        else:
            self._sink.write(",\n")
        self._sink.write(text)
        self._sink.rows += 1

    def _finish(self) -> None:
        if self._sink is not None:
            self._sink.write("\n]}\n")
            self.files[self._name] = self._sink.close()
            self._sink = None

    def close(self) -> dict[str, dict]:
        """Close the last batch; return every batch file's name, hash, size and row count, in order."""
        self._finish()
        return self.files


def actions_query(period: Period):
    """The period's enforcement actions in id order, with the notice's channel and category."""
    source = Report.__table__.alias("source")
    return (
        select(
            EnforcementAction.id,
            EnforcementAction.action_type,
            EnforcementAction.target_kind,
            EnforcementAction.ground_type,
            EnforcementAction.ground_reference,
            EnforcementAction.licence_id,
            EnforcementAction.licence_clause,
            EnforcementAction.explanation,
            EnforcementAction.detection,
            EnforcementAction.decision,
            EnforcementAction.territorial_scope,
            EnforcementAction.decided_at,
            EnforcementAction.applied_at,
            EnforcementAction.ends_on,
            ModelRecord.created_at.label("model_at"),
            source.c.channel,
            source.c.source_type,
            source.c.category,
            source.c.created_at.label("notice_at"),
        )
        .select_from(EnforcementAction)
        .outerjoin(source, source.c.id == notice_of_action())
        .outerjoin(ModelRecord, ModelRecord.id == EnforcementAction.model_id)
        .where(EnforcementAction.decided_at >= period.starts_at, EnforcementAction.decided_at < period.ends_at)
        .order_by(EnforcementAction.id)
    )


def count_actions(session: Session, period: Period) -> int:
    """Count the period's enforcement actions, for the CLI's progress bar."""
    return session.execute(
        select(func.count()).where(
            EnforcementAction.decided_at >= period.starts_at, EnforcementAction.decided_at < period.ends_at
        )
    ).scalar_one()


def ground_reference(written: str, cited: licence_ground.Citation | None) -> str:
    """The ground's reference: a licence clause as the registry words it, then what staff wrote if they wrote more."""
    if cited is None or written == cited.reference:
        return written
    both = f"{cited.reference} ({written})" if written else cited.reference
    return both if len(both) <= LIMITS["incompatible_content_ground"] else cited.reference


def action_facts(row, scrub: Callable[[str], str]) -> dsa.ActionFacts:
    """Read one row of actions_query as the facts a statement is built from, its free text scrubbed."""
    content_at = row.model_at or row.notice_at
    cited = licence_ground.citation(row.licence_id, row.licence_clause) if row.licence_id else None
    return dsa.ActionFacts(
        id=row.id,
        action_type=row.action_type,
        target_kind=row.target_kind,
        ground_type=row.ground_type,
        ground_reference=ground_reference(scrub(row.ground_reference or ""), cited),
        licence_summary=cited.clause.summary if cited else None,
        licence_url=cited.licence.url if cited else None,
        explanation=scrub(row.explanation or ""),
        detection=row.detection,
        decision=row.decision,
        territorial_scope=tuple(row.territorial_scope or ()),
        decided_on=row.decided_at.date(),
        applied_on=row.applied_at.date() if row.applied_at else None,
        content_on=content_at.date() if content_at else None,
        source_channel=row.channel,
        source_type=row.source_type,
        category=row.category,
        ends_on=row.ends_on,
    )


def write_dsa(
    session: Session, out: Path, *, period: Period, settings: dict, progress: Callable[[int], None] | None = None
) -> Written:
    """Write statements-PERIOD.jsonl, its batch envelopes statements-PERIOD-batch-NNN.json and held-back.csv."""
    from anonymize.scrub import scrub

    cached_scrub = functools.lru_cache(maxsize=4096)(scrub)  # staff reuse explanations and grounds
    out.mkdir(parents=True, exist_ok=True)
    written = Written()
    name = statements_name(period)
    statements = HashingWriter(out / name)
    batches = EnvelopeFiles(out, period)
    held = CsvFile(out / HELD_BACK, HELD_BACK_COLUMNS)
    with streaming_reads(session):
        for row in session.execute(actions_query(period).execution_options(yield_per=BATCH)):
            written.counts["actions"] += 1
            outcome = dsa.build_statement(action_facts(row, cached_scrub), puid_prefix=settings["puid_prefix"])
            if outcome.skipped:
                written.counts[f"no statement: {outcome.skipped}"] += 1
            elif outcome.problems:
                written.hold_back(held, "enforcement_action", row.id, outcome.problems)
            else:
                text = json_text(outcome.statement)  # once, for both files
                statements.write(text + "\n")
                statements.rows += 1
                batches.add(text)
                written.counts["statements"] += 1
            if progress:
                progress(1)
    written.files = {name: statements.close(), **batches.close(), HELD_BACK: held.sink.close()}
    return written
