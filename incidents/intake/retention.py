"""Retention: purge sealed content a set time after a report is closed.

What goes: the report's sealed body (description, steps, contact details and the rest), its
messages and its attachments. What stays: the structured, non-identifying columns the
statistics count, the status history, and an audit event saying the purge happened.

The purge works in small batches, each its own transaction, and picks only reports not yet
purged, so it can be interrupted at any point and run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from incidents.models import Attachment, Message, Report

BATCH = 200


@dataclass
class PurgeResult:
    reports: int = 0
    messages: int = 0
    attachments: int = 0


def purge_expired(
    session: Session, *, retention_days: int, now: datetime | None = None, batch: int = BATCH, limit: int | None = None
) -> PurgeResult:
    """Purge the sealed content of reports closed more than `retention_days` ago; return what went."""
    cutoff = (now or clock.now()) - timedelta(days=retention_days)
    result = PurgeResult()
    while limit is None or result.reports < limit:
        size = batch if limit is None else min(batch, limit - result.reports)
        ids = list(
            session.exec(
                select(Report.id)
                .where(Report.closed_at < cutoff, Report.purged_at.is_(None))
                .order_by(Report.id)
                .limit(size)
            )
        )
        if not ids:
            break
        stamp = now or clock.now()
        attachments = session.execute(delete(Attachment).where(Attachment.report_id.in_(ids))).rowcount
        messages = session.execute(delete(Message).where(Message.report_id.in_(ids))).rowcount
        session.execute(
            update(Report).where(Report.id.in_(ids), Report.purged_at.is_(None)).values(sealed=None, purged_at=stamp)
        )
        for report_id in ids:
            append_event(
                session,
                action="report.purged",
                target_type="report",
                target_id=str(report_id),
                details={"retention_days": retention_days},
            )
        session.commit()
        result.reports += len(ids)
        result.messages += messages
        result.attachments += attachments
    return result
