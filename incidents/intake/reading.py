"""Opening sealed reports: the reporter with their receipt, staff with their key, and attachments."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from nacl.public import PrivateKey
from sqlmodel import Session, col, select

from core import sealing
from core.audit import append_event
from core.auth import Role, StaffUser
from incidents.access import may_see, reader_of
from incidents.enforcement.models import Appeal, AppealFile
from incidents.intake import receipts
from incidents.intake.service import PlatformKeys, open_sealed_file
from incidents.models import Attachment, Channel, EnforcementAction, Message, Report


@dataclass
class ThreadMessage:
    id: int
    author: str
    created_at: datetime
    body: str
    attachments: list[dict] = field(default_factory=list)


@dataclass
class ReporterView:
    report: Report
    content: dict
    messages: list[ThreadMessage]
    attachments: list[dict]
    found: bool = True


@functools.cache
def _decoy() -> tuple[Report, PrivateKey]:
    """A report-shaped decoy that a wrong receipt opens, so both paths do the same work."""
    key = PrivateKey(sealing.hkdf(b"decoy", salt=None, info=b"decoy-report/v1"))
    sealed = sealing.seal_json(
        {
            "title": "x" * 40,
            "description": "x" * 400,
            "affected": None,
            "steps": None,
            "evidence_links": [],
            "contact": None,
        },
        {sealing.REPORTER: key.public_key},
    )
    report = Report(
        id=0,
        channel=Channel.PUBLIC.value,
        category="other",
        severity="incident",
        sealed=sealed.ciphertext,
        wrapped_keys=sealed.wrapped_keys,
        reporter_salt=sealing.b64(b"\0" * 16),
    )
    return report, key


def open_for_reporter(*, session: Session, receipt: str, keys: PlatformKeys) -> ReporterView:
    """Return the report and thread a receipt opens; a wrong receipt gets a decoy with found=False.

    Both paths run the same queries, key derivation and decryption, and the caller renders
    the decoy too, so the response time does not tell whether a receipt exists.
    """
    canonical = receipts.normalise(receipt) or "0" * receipts.LENGTH
    report = session.exec(
        select(Report).where(Report.receipt_mac == receipts.receipt_mac(keys.receipt_key, canonical))
    ).first()
    found = report is not None
    if not found:
        report, decoy_key = _decoy()
    private_key = sealing.reporter_private_key(canonical, sealing.unb64(report.reporter_salt))
    if not found:
        private_key = decoy_key
    content = _content(report, sealing.REPORTER, private_key)
    messages = _thread(session, report, sealing.REPORTER, private_key)
    return ReporterView(
        report=report,
        content=content,
        messages=messages,
        attachments=_attachment_list(session, report, message_id=None),
        found=found,
    )


def _content(report: Report, reader: str, private_key: PrivateKey) -> dict:
    """Unseal a report's body; a report purged by retention has none left."""
    if report.sealed is None:
        return {}
    return sealing.unseal_json(report.sealed, report.wrapped_keys, reader, private_key)


def _thread(session: Session, report: Report, reader: str, private_key: PrivateKey) -> list[ThreadMessage]:
    rows = session.exec(select(Message).where(Message.report_id == report.id).order_by(Message.id)).all()
    files: dict[int | None, list[dict]] = {}
    for att in session.exec(
        select(Attachment).where(Attachment.report_id == report.id, Attachment.message_id.is_not(None))
    ):
        files.setdefault(att.message_id, []).append(
            {
                "id": att.id,
                "size": att.size,
                "media_type": att.media_type,
                "name": attachment_name(att, reader, private_key),
            }
        )
    thread = []
    for row in rows:
        body = sealing.unseal_json(row.sealed, row.wrapped_keys, reader, private_key)["body"]
        thread.append(
            ThreadMessage(
                id=row.id, author=row.author, created_at=row.created_at, body=body, attachments=files.get(row.id, [])
            )
        )
    return thread


def _attachment_list(session: Session, report: Report, message_id: int | None) -> list[dict]:
    rows = session.exec(
        select(Attachment)
        .where(Attachment.report_id == report.id, Attachment.message_id == message_id)
        .order_by(Attachment.id)
    )
    return [{"id": a.id, "size": a.size, "media_type": a.media_type, "row": a} for a in rows]


def attachment_name(attachment: Attachment, reader: str, private_key: PrivateKey) -> str:
    """Return an attachment's file name (it is sealed with the file)."""
    return open_sealed_file(attachment.sealed, attachment.wrapped_keys, reader, private_key)[0]


def open_attachment(attachment: Attachment, reader: str, private_key: PrivateKey) -> tuple[str, bytes]:
    """Return an attachment's file name and bytes."""
    return open_sealed_file(attachment.sealed, attachment.wrapped_keys, reader, private_key)


class NoAccess(Exception):
    """This staff member may not open this report's content."""


def staff_reader_key(
    report: Report, user: StaffUser, keys: PlatformKeys, private_key: PrivateKey | None
) -> tuple[str, PrivateKey]:
    """Decide which key opens a report for this staff member, or refuse."""
    if report.channel == Channel.PUBLIC:
        if not may_see(user, report):
            raise NoAccess("public-channel reports are for triage staff")
        return sealing.PLATFORM, keys.private
    reader = reader_of(user)
    if reader is None or not may_see(user, report):
        raise NoAccess(
            "this whistleblower report is readable only by its designated recipients; "
            "after a password reset another recipient must grant access again"
        )
    if private_key is None:
        raise NoAccess("sign in again to unlock your key")
    return reader, private_key


@dataclass
class StaffView:
    report: Report
    content: dict
    messages: list[ThreadMessage]
    attachments: list[dict]
    reader: str


def open_for_staff(
    *, session: Session, report: Report, user: StaffUser, keys: PlatformKeys, private_key: PrivateKey | None
) -> StaffView:
    """Unseal a report for a staff member and record that they saw it."""
    reader, key = staff_reader_key(report, user, keys, private_key)
    content = _content(report, reader, key)
    messages = _thread(session, report, reader, key)
    attachments = [
        {**a, "name": attachment_name(a["row"], reader, key)}
        for a in _attachment_list(session, report, message_id=None)
    ]
    append_event(
        session,
        action="report.opened",
        actor_id=user.id,
        target_type="report",
        target_id=str(report.id),
        details={"reader": reader},
    )
    session.commit()
    return StaffView(report=report, content=content, messages=messages, attachments=attachments, reader=reader)


def record_download(*, session: Session, attachment: Attachment, user: StaffUser) -> None:
    """Record that a staff member downloaded an attachment."""
    append_event(
        session,
        action="attachment.downloaded",
        actor_id=user.id,
        target_type="attachment",
        target_id=str(attachment.id),
        details={"report": attachment.report_id},
    )
    session.commit()


def grant_recipient(*, session: Session, granter: StaffUser, granter_key: PrivateKey, grantee: StaffUser) -> int:
    """Wrap every whistleblower record the granter can open for another recipient; return how many."""
    if Role(grantee.role) is not Role.RECIPIENT or not grantee.public_key or not grantee.active:
        raise NoAccess("only an active recipient with a key can be granted access")
    source = sealing.staff_reader(granter.id, granter.public_key)
    target = sealing.staff_reader(grantee.id, grantee.public_key)
    new_public = sealing.decode_public(grantee.public_key)
    count = 0
    for model in (Report, Message, Attachment):
        query = select(model)
        if model is Report:
            query = query.where(Report.channel == Channel.WHISTLEBLOWER.value)
        else:
            query = query.join(Report, Report.id == model.report_id).where(
                Report.channel == Channel.WHISTLEBLOWER.value
            )
        for row in session.exec(query):
            if source in row.wrapped_keys and target not in row.wrapped_keys:
                row.wrapped_keys = sealing.rewrap(
                    row.wrapped_keys, reader=source, private_key=granter_key, new_reader=target, new_public=new_public
                )
                session.add(row)
                count += 1
            extension_keys = row.feedback_extension_keys if model is Report else None
            if extension_keys and source in extension_keys and target not in extension_keys:
                row.feedback_extension_keys = sealing.rewrap(
                    extension_keys, reader=source, private_key=granter_key, new_reader=target, new_public=new_public
                )
                session.add(row)
    count += _grant_appeals(session, source=source, granter_key=granter_key, target=target, new_public=new_public)
    session.flush()  # the rewrapped rows before the audit head, as every writer does (no circle of waits)
    append_event(
        session,
        action="recipient.granted",
        actor_id=granter.id,
        target_type="staff_user",
        target_id=str(grantee.id),
        details={"records": count},
    )
    session.commit()
    return count


def _grant_appeals(session: Session, *, source: str, granter_key: PrivateKey, target: str, new_public) -> int:
    """Wrap the appeals tied to whistleblower reports (arguments, reasons, files) for the grantee too."""
    tied = (
        select(Appeal.id)
        .join(EnforcementAction, col(EnforcementAction.id) == Appeal.action_id)
        .join(Report, col(Report.id) == EnforcementAction.report_id)
        .where(Report.channel == Channel.WHISTLEBLOWER.value)
    )
    appeals = session.exec(select(Appeal).where(col(Appeal.id).in_(tied)))
    files = session.exec(select(AppealFile).where(col(AppealFile.appeal_id).in_(tied)))
    sealed: list[tuple[Appeal | AppealFile, str]] = [
        *((appeal, column) for appeal in appeals for column in ("wrapped_keys", "decision_keys")),
        *((appeal_file, "wrapped_keys") for appeal_file in files),
    ]
    count = 0
    for row, column in sealed:
        wrapped = getattr(row, column)
        if source in wrapped and target not in wrapped:
            setattr(
                row,
                column,
                sealing.rewrap(
                    wrapped, reader=source, private_key=granter_key, new_reader=target, new_public=new_public
                ),
            )
            session.add(row)
            count += 1
    return count
