"""Intake services: seal and store a report, and find which keys may read a channel's reports."""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from nacl.public import PrivateKey, PublicKey
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import clock, sealing
from core.audit import append_event
from core.auth import Role, StaffUser
from incidents.intake import acknowledgement, kind_rules, receipts
from incidents.models import Attachment, Author, Channel, Message, Report, ReportStatus, model_key
from incidents.triage import duties
from incidents.vocabulary import REPORTER_FLAGS, SourceType

SEALED_FIELDS = ("title", "description", "affected", "steps", "evidence_links", "contact")  # + the kind's own words

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


FLAG_COLUMNS = {flag.value: flag.column for flag in REPORTER_FLAGS}


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


def recipients_without_key(session: Session) -> list[StaffUser]:
    """Return the recipients who have not finished their setup, so hold no key yet and cannot be granted."""
    query = select(StaffUser).where(StaffUser.role == Role.RECIPIENT.value, StaffUser.public_key.is_(None))
    return list(session.exec(query.order_by(StaffUser.id)))


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


def unpack_file(blob: bytes) -> tuple[str, bytes]:
    (length,) = struct.unpack(">H", blob[:2])
    return blob[2 : 2 + length].decode("utf-8"), blob[2 + length :]


def sealed_file(upload: Upload, readers: dict[str, PublicKey]) -> dict:
    """Seal a cleaned file, its name and bytes together, for these readers; return its row's columns.

    Report attachments and appeal files alike are stored this way, and opened with `open_sealed_file`.
    """
    sealed = sealing.seal(_pack_file(upload.filename, upload.data), readers)
    return {
        "media_type": upload.media_type,
        "size": len(upload.data),
        "sealed": sealed.ciphertext,
        "wrapped_keys": sealed.wrapped_keys,
    }


def open_sealed_file(
    sealed: bytes, wrapped_keys: dict[str, str], reader: str, private_key: PrivateKey
) -> tuple[str, bytes]:
    """Return the name and bytes of a file that `sealed_file` sealed."""
    return unpack_file(sealing.unseal(sealed, wrapped_keys, reader, private_key))


def _attach(
    session: Session,
    report_id: int,
    uploads: list[Upload],
    readers: dict[str, PublicKey],
    message_id: int | None = None,
) -> None:
    for upload in uploads:
        session.add(Attachment(report_id=report_id, message_id=message_id, **sealed_file(upload, readers)))


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


def _report_row(
    data: dict,
    *,
    channel: str,
    language: str,
    sealed: sealing.Sealed,
    mac: str,
    salt: bytes,
    reporter_public: PublicKey,
) -> dict:
    """Build the report's row: plain countable columns, the sealed content and the reporter's way back."""
    now = clock.now()
    return {
        **{name: data.get(name) for name in PLAIN_FIELDS},
        **kind_rules.column_answers(data),
        "source_type": data.get("source_type") or SourceType.PUBLIC.value,  # a partner's kind when one filed it
        "partner_id": data.get("partner_id"),
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


def _policy() -> duties.Policy:
    """Return the app's duty settings; outside an app (a script, a factory), no automatic message."""
    return duties.Policy.from_config(current_app.config) if has_app_context() else duties.Policy(auto_ack={})


def _acknowledge_automatically(
    session: Session, report_id: int, *, keys: PlatformKeys, policy: duties.Policy, language: str
) -> None:
    """Seal the automatic acknowledgement in the reporter's thread, in their language, if the channel sends one."""
    report = session.get(Report, report_id)
    if report is None or not policy.auto_ack.get(report.channel):
        return
    report.auto_ack_at = report.created_at
    values = {column: getattr(report, column) for column in duties.STAMPS}
    with force_locale(language):
        body = acknowledgement.acknowledgement_text(duties.clocks(values, policy))
    add_message(
        session=session,
        report=report,
        author=Author.STAFF,
        body=body,
        uploads=[],
        keys=keys,
        commit=False,
        automatic=True,
    )
    for column, value in duties.next_duty(values, policy).items():
        setattr(report, column, value)
    session.flush()  # the report row before the audit head, as every writer does
    append_event(
        session,
        action="duty.auto_acknowledged",
        target_type="report",
        target_id=str(report_id),
        details={"channel": report.channel, "meets_duty": policy.auto_ack_meets_duty},
    )
    if policy.auto_ack_meets_duty:
        met = next(c for c in duties.clocks(values, policy) if c.kind is duties.DutyKind.ACKNOWLEDGE)
        append_event(
            session, action="duty.met", target_type="report", target_id=str(report_id), details=duties.met_details(met)
        )


def _met_on_receipt(channel: str, policy: duties.Policy) -> dict:
    """The duty the receipt page meets at submission (DSA Art. 16(4)), recorded in `report.received` itself: its
    own `duty.met` event would be a second audit append on intake's hot path (it cost 14% of intake's rate)."""
    if any(rule.kind is duties.DutyKind.RECEIPT for rule in policy.rules(channel)):
        return {"duties_met": [duties.DutyKind.RECEIPT.value]}
    return {}


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
    sealed = sealing.seal_json(kind_rules.sealed_content(data, SEALED_FIELDS), readers)
    values = _report_row(
        data, channel=channel, language=language, sealed=sealed, mac=mac, salt=salt, reporter_public=reporter_public
    )
    policy = _policy()
    values.update(duties.next_duty(values, policy))
    try:
        # A Core insert: intake is the hot path, and the ORM's unit of work is not needed for one row.
        report_id = session.connection().execute(_report_insert(), values).scalar_one()
        _attach(session, report_id, uploads, readers)
        append_event(
            session,
            action="report.received",
            target_type="report",
            target_id=str(report_id),
            details={"channel": channel, "attachments": len(uploads), **_met_on_receipt(channel, policy)},
        )
        _acknowledge_automatically(session, report_id, keys=keys, policy=policy, language=language)
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


def _dedupe_mac(report: Report, dedupe_token: str | None, keys: PlatformKeys) -> str | None:
    return receipts.token_mac(keys.receipt_key, f"{report.id}:{dedupe_token}") if dedupe_token else None


def message_for_token(session: Session, report: Report, dedupe_token: str | None, keys: PlatformKeys) -> Message | None:
    """Return the message a form with this dedupe token already added to the report's thread, if any."""
    dedupe_mac = _dedupe_mac(report, dedupe_token, keys)
    return session.exec(select(Message).where(Message.dedupe_mac == dedupe_mac)).first() if dedupe_mac else None


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
    automatic: bool = False,
) -> Message | None:
    """Seal a message (and its files) for everyone who reads the report; None if this form was already sent.

    With commit=False the message joins the caller's transaction, and the caller commits. An automatic
    message (the acknowledgement at submission) is no one's response, so it leaves first_response_at alone.
    """
    dedupe_mac = _dedupe_mac(report, dedupe_token, keys)
    if message_for_token(session, report, dedupe_token, keys) is not None:
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
        report.first_response_at = report.first_response_at or (None if automatic else now)
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
