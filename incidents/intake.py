"""Intake services: seal and store a report, let the reporter back in with the receipt, exchange messages."""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from nacl.public import PrivateKey, PublicKey
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import clock, sealing
from core.audit import append_event
from core.auth import Role, StaffUser
from incidents import receipts
from incidents.models import Attachment, Author, Channel, Message, Report, ReportStatus, model_key

SEALED_FIELDS = ("title", "description", "affected", "steps", "evidence_links", "contact")
PLAIN_FIELDS = (
    "category",
    "actor",
    "severity",
    "model_name",
    "model_version",
    "model_provider",
    "model_url",
    "country",
    "occurred_from",
    "occurred_to",
    "share_consent",
)
FLAG_COLUMNS = {
    flag: f"flag_{flag}"
    for flag in (
        "death",
        "health",
        "critical_infrastructure",
        "fundamental_rights",
        "property_environment",
        "cybersecurity",
    )
}


class ChannelClosed(Exception):
    """The whistleblower channel has no recipient who could read a report."""


@dataclass(frozen=True)
class PlatformKeys:
    private: PrivateKey
    receipt_key: bytes

    @property
    def public(self) -> PublicKey:
        return self.private.public_key


def platform_keys(app: Flask) -> PlatformKeys:
    """Return the app's platform sealing key and receipt lookup key (derived once per app)."""
    keys = app.extensions.get("incidents.keys")
    if keys is None:
        secret = app.config["PLATFORM_SECRET"]
        keys = PlatformKeys(private=sealing.platform_private_key(secret), receipt_key=receipts.receipt_key(secret))
        app.extensions["incidents.keys"] = keys
    return keys


@dataclass(frozen=True)
class Upload:
    """A file that passed detection and metadata stripping."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class IntakeResult:
    report_id: int
    status: str
    receipt: str
    duplicate: bool


def recipients(session: Session) -> list[StaffUser]:
    """Return the active whistleblower recipients who have a key."""
    return list(
        session.exec(
            select(StaffUser)
            .where(
                StaffUser.role == Role.RECIPIENT.value,
                StaffUser.active == True,  # noqa: E712
                StaffUser.public_key.is_not(None),
            )
            .order_by(StaffUser.id)
        )
    )


def channel_readers(session: Session, channel: str, keys: PlatformKeys) -> dict[str, PublicKey]:
    """Return who may read a channel's content: the platform key, or each designated recipient."""
    if channel == Channel.PUBLIC:
        return {sealing.PLATFORM: keys.public}
    readers = {
        sealing.staff_reader(u.id, u.public_key): sealing.decode_public(u.public_key) for u in recipients(session)
    }
    if not readers:
        raise ChannelClosed("no whistleblower recipient is set up")
    return readers


def _pack_file(filename: str, data: bytes) -> bytes:
    name = filename.encode("utf-8")
    return struct.pack(">H", len(name)) + name + data


def _unpack_file(blob: bytes) -> tuple[str, bytes]:
    (length,) = struct.unpack(">H", blob[:2])
    return blob[2 : 2 + length].decode("utf-8"), blob[2 + length :]


def _attach(
    session: Session,
    report_id: int,
    uploads: list[Upload],
    readers: dict[str, PublicKey],
    message_id: int | None = None,
) -> None:
    for upload in uploads:
        sealed = sealing.seal(_pack_file(upload.filename, upload.data), readers)
        session.add(
            Attachment(
                report_id=report_id,
                message_id=message_id,
                media_type=upload.media_type,
                size=len(upload.data),
                sealed=sealed.ciphertext,
                wrapped_keys=sealed.wrapped_keys,
            )
        )


def _existing(session: Session, mac: str, canonical: str) -> IntakeResult | None:
    row = session.execute(select(Report.id, Report.status).where(Report.receipt_mac == mac)).first()
    if row is None:
        return None
    return IntakeResult(report_id=row.id, status=row.status, receipt=receipts.format_receipt(canonical), duplicate=True)


@functools.cache
def _report_insert():
    """Return the compiled-once INSERT ... RETURNING id for reports."""
    table = Report.__table__
    return table.insert().returning(table.c.id)


def submit_report(
    *,
    session: Session,
    data: dict,
    uploads: list[Upload],
    channel: str,
    receipt: str,
    keys: PlatformKeys,
    language: str = "en",
    fresh_receipt: bool = False,
) -> IntakeResult:
    """Seal and store a report; a second submission with the same receipt returns the first one.

    `fresh_receipt` says the receipt was just made for this request, so no earlier report can hold it.
    """
    canonical = receipts.normalise(receipt)
    if canonical is None:
        raise ValueError("not a receipt")
    mac = receipts.receipt_mac(keys.receipt_key, canonical)
    if not fresh_receipt and (existing := _existing(session, mac, canonical)):
        return existing
    readers = channel_readers(session, channel, keys)
    salt = sealing.random_salt()
    reporter_public = sealing.reporter_private_key(canonical, salt).public_key
    readers = {**readers, sealing.REPORTER: reporter_public}
    sealed = sealing.seal_json({name: data.get(name) for name in SEALED_FIELDS}, readers)
    now = clock.now()
    # A Core insert: intake is the hot path, and the ORM's unit of work is not needed for one row.
    values = {
        **{name: data.get(name) for name in PLAIN_FIELDS},
        **{column: flag in data.get("serious_flags", []) for flag, column in FLAG_COLUMNS.items()},
        "model_key": model_key(data.get("model_name")),
        "channel": channel,
        "language": language,
        "status": ReportStatus.RECEIVED.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "sealed": sealed.ciphertext,
        "wrapped_keys": sealed.wrapped_keys,
        "receipt_mac": mac,
        "reporter_salt": sealing.b64(salt),
        "reporter_public_key": sealing.encode_public(reporter_public),
    }
    try:
        report_id = session.connection().execute(_report_insert(), values).scalar_one()
        _attach(session, report_id, uploads, readers)
        append_event(
            session,
            action="report.received",
            target_type="report",
            target_id=str(report_id),
            details={"channel": channel, "attachments": len(uploads)},
        )
        session.commit()
    except IntegrityError:
        # The same form arrived twice at once: the other request stored it.
        session.rollback()
        existing = _existing(session, mac, canonical)
        if existing is None:
            raise  # not this receipt's unique key: a real failure, not a resend
        return existing
    return IntakeResult(
        report_id=report_id, status=values["status"], receipt=receipts.format_receipt(canonical), duplicate=False
    )


# --- the reporter's side -----------------------------------------------------------------


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
    return _unpack_file(sealing.unseal(attachment.sealed, attachment.wrapped_keys, reader, private_key))[0]


def open_attachment(attachment: Attachment, reader: str, private_key: PrivateKey) -> tuple[str, bytes]:
    """Return an attachment's file name and bytes."""
    return _unpack_file(sealing.unseal(attachment.sealed, attachment.wrapped_keys, reader, private_key))


def readers_of(session: Session, report: Report, keys: PlatformKeys) -> dict[str, PublicKey]:
    """Return the public keys of everyone the report is sealed for, so follow-ups reach the same people."""
    readers: dict[str, PublicKey] = {}
    staff_ids = []
    for reader in report.wrapped_keys:
        if reader == sealing.PLATFORM:
            readers[reader] = keys.public
        elif reader == sealing.REPORTER:
            readers[reader] = sealing.decode_public(report.reporter_public_key)
        elif (staff_id := sealing.staff_id_of(reader)) is not None:
            staff_ids.append(staff_id)
    if staff_ids:
        for user in session.exec(select(StaffUser).where(StaffUser.id.in_(staff_ids))):
            reader = sealing.staff_reader(user.id, user.public_key) if user.public_key else None
            # Only a current key that already reads the report; a replaced key waits for a grant.
            if reader is not None and reader in report.wrapped_keys and user.active:
                readers[reader] = sealing.decode_public(user.public_key)
    return readers


def add_message(
    *,
    session: Session,
    report: Report,
    author: Author,
    body: str,
    uploads: list[Upload],
    keys: PlatformKeys,
    staff_id: int | None = None,
    dedupe_token: str | None = None,
    commit: bool = True,
) -> Message | None:
    """Seal a message (and its files) for everyone who reads the report; None if this form was already sent.

    With commit=False the message joins the caller's transaction, and the caller commits.
    """
    dedupe_mac = receipts.token_mac(keys.receipt_key, f"{report.id}:{dedupe_token}") if dedupe_token else None
    if dedupe_mac and session.exec(select(Message).where(Message.dedupe_mac == dedupe_mac)).first():
        return None
    readers = readers_of(session, report, keys)
    sealed = sealing.seal_json({"body": body}, readers)
    message = Message(
        report_id=report.id,
        author=author.value,
        staff_id=staff_id,
        sealed=sealed.ciphertext,
        wrapped_keys=sealed.wrapped_keys,
        dedupe_mac=dedupe_mac,
    )
    session.add(message)
    now = clock.now()
    if author is Author.STAFF:
        report.last_staff_message_at = now
        report.first_response_at = report.first_response_at or now
    else:
        report.last_reporter_message_at = now
    report.updated_at = now
    session.add(report)
    try:
        session.flush()
        _attach(session, report.id, uploads, readers, message_id=message.id)
        append_event(
            session,
            action=f"message.{author.value}",
            actor_id=staff_id,
            target_type="report",
            target_id=str(report.id),
            details={"attachments": len(uploads)},
        )
        if commit:
            session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return message


# --- the staff side ------------------------------------------------------------------------


class NoAccess(Exception):
    """This staff member may not open this report's content."""


def staff_reader_key(
    report: Report, user: StaffUser, keys: PlatformKeys, private_key: PrivateKey | None
) -> tuple[str, PrivateKey]:
    """Decide which key opens a report for this staff member, or refuse."""
    role = Role(user.role)
    if report.channel == Channel.PUBLIC:
        if role not in (Role.ADMIN, Role.TRIAGER):
            raise NoAccess("public-channel reports are for triage staff")
        return sealing.PLATFORM, keys.private
    reader = sealing.staff_reader(user.id, user.public_key) if user.public_key else None
    if role is not Role.RECIPIENT or reader is None or reader not in report.wrapped_keys:
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
