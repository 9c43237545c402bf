"""Retention: purge sealed content a set time after a report is closed, or an appeal decided.

What goes: a report's sealed body (description, steps, contact details and the rest), its messages and its
attachments, RETENTION_DAYS after it closed. An action appeal's sealed arguments, its files and the decision's
sealed reasons, RETENTION_DAYS after the decision; a dismissal appeal's arguments (a message in the report's
thread, with its files) then too, unless the report is open again, when they stay part of the case until the
report's own purge (which also takes the decision's reasons, a message of the thread). The e-mail address a
statement of reasons went to (sealed on its appeal link), RETENTION_DAYS after the link was made. What stays:
the structured, non-identifying columns the statistics count (an appeal's kind, status, outcome and dates),
the status history, and an audit event for each record purged.

The purge works in small batches, each its own transaction, and picks only what is not yet purged, so it can be
interrupted at any point and run again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, or_, update
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from incidents.enforcement.models import Appeal, AppealFile, AppealKind, AppealStatus, AppealToken
from incidents.models import Attachment, Message, Report

BATCH = 200


@dataclass
class PurgeResult:
    reports: int = 0
    messages: int = 0
    attachments: int = 0
    appeals: int = 0
    appeal_files: int = 0  # an action appeal's files, or the attachments of a dismissal appeal's message
    statement_addresses: int = 0


@dataclass(frozen=True)
class _Run:
    stamp: datetime  # now
    cutoff: datetime  # what closed, was decided or was made before this is past its retention period
    retention_days: int
    batch: int
    limit: int | None  # at most this many records per query: reports, action appeals, dismissal appeals, addresses


def purge_expired(
    session: Session, *, retention_days: int, now: datetime | None = None, batch: int = BATCH, limit: int | None = None
) -> PurgeResult:
    """Purge the sealed content past its retention period; return what went. `limit` caps each query's records."""
    stamp = now or clock.now()
    run = _Run(stamp, stamp - timedelta(days=retention_days), retention_days, batch, limit)
    result = PurgeResult()
    _purge_reports(session, result, run)
    _purge_appeals(session, result, run)
    _purge_addresses(session, result, run)
    return result


def _batches(session: Session, query: Select, run: _Run) -> Iterator[list[int]]:
    """Yield the ids `query` finds, a batch at a time; the caller purges and commits each before the next."""
    done = 0
    while run.limit is None or done < run.limit:
        ids = list(session.exec(query.limit(run.batch if run.limit is None else min(run.batch, run.limit - done))))
        if not ids:
            return
        yield ids
        done += len(ids)


def _audit(session: Session, action: str, target_type: str, ids: list[int], details: dict) -> None:
    for target_id in ids:
        append_event(session, action=action, target_type=target_type, target_id=str(target_id), details=details)


def _purge_reports(session: Session, result: PurgeResult, run: _Run) -> None:
    query = (
        select(Report.id)
        .where(col(Report.closed_at) < run.cutoff, col(Report.purged_at).is_(None))
        .order_by(col(Report.id))
    )
    for ids in _batches(session, query, run):
        result.attachments += session.execute(delete(Attachment).where(col(Attachment.report_id).in_(ids))).rowcount
        result.messages += session.execute(delete(Message).where(col(Message.report_id).in_(ids))).rowcount
        session.execute(
            update(Report)
            .where(col(Report.id).in_(ids), col(Report.purged_at).is_(None))
            .values(sealed=None, purged_at=run.stamp)
        )
        _audit(session, "report.purged", "report", ids, {"retention_days": run.retention_days})
        session.commit()
        result.reports += len(ids)


def _purge_appeals(session: Session, result: PurgeResult, run: _Run) -> None:
    decided = (Appeal.status == AppealStatus.DECIDED.value, col(Appeal.decided_at) < run.cutoff)
    actions = select(Appeal.id).where(
        Appeal.kind == AppealKind.ACTION.value,
        *decided,
        or_(col(Appeal.sealed).is_not(None), col(Appeal.decision_sealed).is_not(None)),
    )
    for ids in _batches(session, actions.order_by(col(Appeal.id)), run):
        result.appeal_files += session.execute(delete(AppealFile).where(col(AppealFile.appeal_id).in_(ids))).rowcount
        session.execute(
            update(Appeal)
            .where(col(Appeal.id).in_(ids))
            .values(sealed=None, wrapped_keys={}, decision_sealed=None, decision_keys={})
        )
        _audit(
            session,
            "appeal.purged",
            "appeal",
            ids,
            {"kind": AppealKind.ACTION.value, "retention_days": run.retention_days},
        )
        session.commit()
        result.appeals += len(ids)
    dismissals = (
        select(Appeal.id)
        .join(Report, col(Report.id) == Appeal.report_id)
        .where(Appeal.kind == AppealKind.DISMISSAL.value, *decided, col(Appeal.message_id).is_not(None))
        .where(col(Report.closed_at) < run.cutoff)  # with its case: never before the report has been closed that long
    )
    for ids in _batches(session, dismissals.order_by(col(Appeal.id)), run):
        messages = [m for m in session.exec(select(Appeal.message_id).where(col(Appeal.id).in_(ids))) if m]
        result.appeal_files += session.execute(
            delete(Attachment).where(col(Attachment.message_id).in_(messages))
        ).rowcount
        session.execute(update(Appeal).where(col(Appeal.id).in_(ids)).values(message_id=None))
        session.execute(delete(Message).where(col(Message.id).in_(messages)))
        _audit(
            session,
            "appeal.purged",
            "appeal",
            ids,
            {"kind": AppealKind.DISMISSAL.value, "retention_days": run.retention_days},
        )
        session.commit()
        result.appeals += len(ids)


def _purge_addresses(session: Session, result: PurgeResult, run: _Run) -> None:
    query = (
        select(AppealToken.id)
        .where(col(AppealToken.created_at) < run.cutoff, col(AppealToken.sent_to_sealed).is_not(None))
        .order_by(col(AppealToken.id))
    )
    for ids in _batches(session, query, run):
        session.execute(
            update(AppealToken).where(col(AppealToken.id).in_(ids)).values(sent_to_sealed=None, sent_to_keys={})
        )
        _audit(session, "statement.address_purged", "appeal_token", ids, {"retention_days": run.retention_days})
        session.commit()
        result.statement_addresses += len(ids)
