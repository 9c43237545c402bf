"""Appeals: filing one (with a statement's link, or from a dismissed report's follow-up page) and reading it back.

An action appeal's arguments and files are sealed for its staff readers and for a key derived from the
appellant's receipt, as a report is for its reporter; a reporter's appeal is a message in their own thread.

The staff readers follow the report the appeal is tied to (`contested_report`): the report a dismissal appeal
contests, or the report the appealed action was taken on (`action.report_id`). For a whistleblower report they
are that report's recipients, each with their own key, never the platform key; otherwise the platform key. An
action recorded on an incident rather than a report is tied to no report, whatever the incident's reports: the
incident, its actions and their statements are every report worker's to see, and the incident's whistleblower
reports stay sealed on their own. Who may see an appeal is who may see its report (`access.may_see`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nacl.public import PrivateKey, PublicKey
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import clock, sealing
from core.audit import append_event
from core.auth import StaffUser
from incidents.access import may_see
from incidents.enforcement.models import Appeal, AppealFile, AppealKind, AppealStatus, AppealToken
from incidents.enforcement.statement import appeal_token_mac, is_token_shaped
from incidents.intake import receipts
from incidents.intake.service import (
    ChannelClosed,
    PlatformKeys,
    Upload,
    add_message,
    message_for_token,
    open_sealed_file,
    readers_of,
    sealed_file,
)
from incidents.models import Author, Channel, EnforcementAction, Report, ReportStatus

APPELLANT = "appellant"  # the reader id of the appellant's receipt-derived key


class AppealRefused(Exception):
    """The link is unknown or used, or the report cannot be appealed; the page says so without saying which."""


class AppealWaiting(AppealRefused):
    """An appeal of the same action or dismissal is open: one waits for a decision at a time."""


@dataclass(frozen=True)
class AppealFiled:
    appeal_id: int
    receipt: str | None
    due_at: datetime


def contested_report(session: Session, appeal: Appeal) -> Report | None:
    """Return the report an appeal is tied to: the dismissed report, or the one the appealed action was taken on."""
    if appeal.kind == AppealKind.DISMISSAL:
        return session.get(Report, appeal.report_id) if appeal.report_id else None
    action = session.get(EnforcementAction, appeal.action_id) if appeal.action_id else None
    return session.get(Report, action.report_id) if action and action.report_id else None


def may_see_appeal(session: Session, user: StaffUser, appeal: Appeal) -> bool:
    """Tell whether a staff member may see an appeal: whoever may see its report (any report worker when none)."""
    report = contested_report(session, appeal)
    return report is None or may_see(user, report)


def staff_readers(session: Session, report: Report | None, keys: PlatformKeys) -> dict[str, PublicKey]:
    """Return the staff keys an action appeal's content is sealed for, by the report it is tied to.

    A whistleblower report's: the recipients who read that report now (its reporter is not among them).
    Never the channel's other recipients: they were not given the report, and an appeal's decision may draw
    on it. Should none of the report's readers still hold their key, no one could read the appeal either, so
    ChannelClosed is raised (the form then keeps what was written, and the link stays unspent). Otherwise the
    platform key.
    """
    if report is None or report.channel != Channel.WHISTLEBLOWER:
        return {sealing.PLATFORM: keys.public}
    readers = readers_of(session, report, keys)
    staff = {reader: key for reader, key in readers.items() if reader not in (sealing.PLATFORM, sealing.REPORTER)}
    if not staff:
        raise ChannelClosed("no reader of the report holds a key")
    return staff


def appeal_readers(session: Session, appeal: Appeal, keys: PlatformKeys) -> dict[str, PublicKey]:
    """Return everyone an action appeal's decision is sealed for: its staff readers and the appellant."""
    appellant = sealing.decode_public(appeal.appellant_public_key or "")
    return {**staff_readers(session, contested_report(session, appeal), keys), APPELLANT: appellant}


def _token_row(session: Session, token: str, keys: PlatformKeys) -> AppealToken | None:
    if not is_token_shaped(token):
        return None
    return session.exec(select(AppealToken).where(AppealToken.token_mac == appeal_token_mac(keys, token))).first()


def action_for_token(session: Session, *, token: str, keys: PlatformKeys) -> EnforcementAction | None:
    """Return the action an unused appeal token opens, or None (an odd, unknown or used token alike)."""
    row = _token_row(session, token, keys)
    return session.get(EnforcementAction, row.action_id) if row and row.used_at is None else None


def open_action_appeal(session: Session, action_id: int) -> Appeal | None:
    """Return an action's undecided appeal, if there is one (there is at most one: a unique index holds it)."""
    return session.exec(
        select(Appeal).where(Appeal.action_id == action_id, Appeal.status == AppealStatus.OPEN.value)
    ).first()


def refusal(session: Session, *, token: str, keys: PlatformKeys) -> AppealRefused:
    """Say why a link files nothing: an appeal of its action waits (this link's, or another's), or it is no link."""
    row = _token_row(session, token, keys)
    if row is not None and open_action_appeal(session, row.action_id) is not None:
        return AppealWaiting("an appeal of this action is open")
    return AppealRefused("unknown or used token")


def _spend_tokens(session: Session, token: str, action_id: int, keys: PlatformKeys) -> int:
    """Mark this token used, once, then the action's other unused ones; return how many others.

    Of two forms sent at once with one link, only one finds it unused. The caller holds the action's row lock,
    so two links of one action are spent one filing after the other.
    """
    now = clock.now()
    mine = session.execute(
        update(AppealToken)
        .where(col(AppealToken.token_mac) == appeal_token_mac(keys, token), col(AppealToken.used_at).is_(None))
        .values(used_at=now)
    )
    if mine.rowcount != 1:
        raise refusal(session, token=token, keys=keys)
    others = session.execute(
        update(AppealToken)
        .where(col(AppealToken.action_id) == action_id, col(AppealToken.used_at).is_(None))
        .values(used_at=now)
    )
    return others.rowcount


def file_action_appeal(
    session: Session, *, token: str, arguments: str, uploads: list[Upload], keys: PlatformKeys, days: int
) -> AppealFiled:
    """Spend the link and the action's other links, seal the arguments and files, store the appeal, and commit.

    Raises AppealWaiting while an appeal of the action is open (the unique index on open appeals decides, so two
    links sent at once file one appeal), AppealRefused for an unknown or used link, ChannelClosed when the
    whistleblower report it is tied to has no recipient left to read it.
    """
    action = action_for_token(session, token=token, keys=keys)
    if action is None:
        raise refusal(session, token=token, keys=keys)
    report = session.get(Report, action.report_id) if action.report_id else None
    staff = staff_readers(session, report, keys)  # before any write: a closed channel refuses with nothing to undo
    # Two filings on one action wait for each other here on PostgreSQL (SQLite has one writer at a time anyway).
    session.exec(select(EnforcementAction.id).where(EnforcementAction.id == action.id).with_for_update()).first()
    others = _spend_tokens(session, token, action.id, keys)
    receipt = receipts.new_receipt()
    canonical = receipts.normalise(receipt) or ""
    salt = sealing.random_salt()
    appellant = sealing.reporter_private_key(canonical, salt).public_key
    readers = {**staff, APPELLANT: appellant}
    sealed = sealing.seal_json({"arguments": arguments}, readers)
    now = clock.now()
    appeal = Appeal(
        kind=AppealKind.ACTION.value,
        action_id=action.id,
        received_at=now,
        due_at=now + timedelta(days=days),
        sealed=sealed.ciphertext,
        wrapped_keys=sealed.wrapped_keys,
        receipt_mac=receipts.receipt_mac(keys.receipt_key, canonical),
        appellant_salt=sealing.b64(salt),
        appellant_public_key=sealing.encode_public(appellant),
    )
    _insert_open(session, appeal, waiting=lambda: open_action_appeal(session, action.id))
    for upload in uploads:
        session.add(AppealFile(appeal_id=appeal.id, **sealed_file(upload, readers)))
    _log_filed(session, appeal, files=len(uploads), other_links=others)
    session.commit()
    return AppealFiled(appeal_id=appeal.id, receipt=receipt, due_at=appeal.due_at)


def _insert_open(session: Session, appeal: Appeal, *, waiting: Callable[[], Appeal | None]) -> None:
    """Insert an open appeal; when the one-open-appeal index refuses it, undo the transaction and say so."""
    session.add(appeal)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        if waiting() is not None:
            raise AppealWaiting("an appeal is already open") from None
        raise


def _log_filed(session: Session, appeal: Appeal, *, files: int, other_links: int = 0) -> None:
    details = {"kind": appeal.kind, "action": appeal.action_id, "report": appeal.report_id, "files": files}
    if appeal.kind == AppealKind.ACTION:
        details["other_links_spent"] = other_links
    append_event(session, action="appeal.filed", target_type="appeal", target_id=str(appeal.id), details=details)


def open_dismissal_appeal(session: Session, report_id: int) -> Appeal | None:
    """Return a report's undecided appeal against its dismissal, if there is one."""
    return session.exec(
        select(Appeal).where(Appeal.report_id == report_id, Appeal.status == AppealStatus.OPEN.value)
    ).first()


def may_appeal_dismissal(session: Session, report: Report) -> bool:
    """Tell whether a reporter may appeal now: their report is dismissed and no appeal of it is waiting."""
    return report.status == ReportStatus.DISMISSED and open_dismissal_appeal(session, report.id) is None


def appeal_of_form(
    session: Session, report: Report, dedupe_token: str | None, keys: PlatformKeys
) -> AppealFiled | None:
    """Return the appeal a dismissal appeal form already filed (its dedupe token's message), if it was sent before."""
    message = message_for_token(session, report, dedupe_token, keys)
    appeal = session.exec(select(Appeal).where(Appeal.message_id == message.id)).first() if message else None
    return AppealFiled(appeal_id=appeal.id, receipt=None, due_at=appeal.due_at) if appeal and appeal.id else None


def file_dismissal_appeal(
    session: Session,
    *,
    report: Report,
    arguments: str,
    uploads: list[Upload],
    keys: PlatformKeys,
    days: int,
    dedupe_token: str | None = None,
) -> AppealFiled:
    """Add the reporter's arguments to their thread, sealed as it is, store the appeal, and commit.

    A form sent twice (the same dedupe token) files once: the second gets the first's appeal. Raises AppealWaiting
    while an appeal of the report is open, AppealRefused when the report is not dismissed.
    """
    if (earlier := appeal_of_form(session, report, dedupe_token, keys)) is not None:
        return earlier
    if report.status != ReportStatus.DISMISSED:
        raise AppealRefused("not dismissed")
    if open_dismissal_appeal(session, report.id) is not None:
        # the open appeal may be this very form's, filed by the other copy since the first look
        if (earlier := appeal_of_form(session, report, dedupe_token, keys)) is not None:
            return earlier
        raise AppealWaiting("an appeal of this report is open")
    message = add_message(
        session=session, report=report, author=Author.REPORTER, body=arguments, uploads=uploads, keys=keys,
        dedupe_token=dedupe_token, commit=False,
    )  # fmt: skip
    if message is None:  # the same form, sent twice at once: the other request stored it
        if (earlier := appeal_of_form(session, report, dedupe_token, keys)) is not None:
            return earlier
        raise AppealWaiting("the same form is being filed")
    now = clock.now()
    appeal = Appeal(
        kind=AppealKind.DISMISSAL.value,
        report_id=report.id,
        message_id=message.id,
        received_at=now,
        due_at=now + timedelta(days=days),
    )
    _insert_open(session, appeal, waiting=lambda: open_dismissal_appeal(session, report.id))
    _log_filed(session, appeal, files=len(uploads))
    session.commit()
    return AppealFiled(appeal_id=appeal.id, receipt=None, due_at=appeal.due_at)


@dataclass
class AppealView:
    appeal: Appeal
    arguments: str
    reasons: str | None
    files: list[dict] = field(default_factory=list)
    found: bool = True
    purged: bool = False  # its arguments, files and reasons were deleted after the retention period


@functools.cache
def _decoy() -> tuple[Appeal, PrivateKey]:
    """An appeal-shaped decoy that a wrong receipt opens, so a miss does the work a hit does."""
    key = PrivateKey(sealing.hkdf(b"decoy", salt=None, info=b"decoy-appeal/v1"))
    sealed = sealing.seal_json({"arguments": "x" * 400}, {APPELLANT: key.public_key})
    appeal = Appeal(
        id=0,
        kind=AppealKind.ACTION.value,
        due_at=clock.now(),
        sealed=sealed.ciphertext,
        wrapped_keys=sealed.wrapped_keys,
        appellant_salt=sealing.b64(b"\0" * 16),
    )
    return appeal, key


def open_for_appellant(session: Session, *, receipt: str, keys: PlatformKeys) -> AppealView:
    """Return the appeal a receipt opens, with the decision's reasons once decided; a miss gets a decoy.

    An appeal purged after the retention period opens with its dates and outcome only (`purged`). A miss and a
    purged appeal open the decoy instead, so each path derives a key and decrypts as a hit does.
    """
    canonical = receipts.normalise(receipt) or "0" * receipts.LENGTH
    mac = receipts.receipt_mac(keys.receipt_key, canonical)
    appeal = session.exec(select(Appeal).where(Appeal.receipt_mac == mac)).first()
    decoy, decoy_key = _decoy()
    private_key = sealing.reporter_private_key(canonical, sealing.unb64((appeal or decoy).appellant_salt or ""))
    sealed = appeal if appeal is not None and appeal.sealed is not None else None
    opened_from, key = (sealed, private_key) if sealed is not None else (decoy, decoy_key)
    opened = sealing.unseal_json(opened_from.sealed, opened_from.wrapped_keys, APPELLANT, key)
    if appeal is None:
        return AppealView(appeal=decoy, arguments=opened["arguments"], reasons=None, found=False)
    if sealed is None:
        return AppealView(appeal=appeal, arguments="", reasons=None, purged=True)
    reasons = None
    if appeal.decision_sealed is not None:
        reasons = sealing.unseal_json(appeal.decision_sealed, appeal.decision_keys, APPELLANT, private_key)["reasons"]
    return AppealView(appeal=appeal, arguments=opened["arguments"], reasons=reasons)


def open_for_staff(
    session: Session, appeal: Appeal, *, user: StaffUser, reader: str, private_key: PrivateKey
) -> AppealView:
    """Open an action appeal with a staff key: arguments, reasons and the files' sizes; record the opening.

    A key the appeal is not sealed for (a recipient not yet granted it) opens nothing: `found` is False.
    """
    if appeal.sealed is None:
        return AppealView(appeal=appeal, arguments="", reasons=None, purged=True)
    if reader not in appeal.wrapped_keys:
        return AppealView(appeal=appeal, arguments="", reasons=None, found=False)
    opened = sealing.unseal_json(appeal.sealed, appeal.wrapped_keys, reader, private_key)
    reasons = None
    if appeal.decision_sealed is not None and reader in appeal.decision_keys:
        reasons = sealing.unseal_json(appeal.decision_sealed, appeal.decision_keys, reader, private_key)["reasons"]
    files = [
        {"id": f.id, "media_type": f.media_type, "size": f.size}
        for f in session.exec(select(AppealFile).where(AppealFile.appeal_id == appeal.id).order_by(col(AppealFile.id)))
    ]
    append_event(
        session,
        action="appeal.opened",
        actor_id=user.id,
        target_type="appeal",
        target_id=str(appeal.id),
        details={"reader": reader},
    )
    session.commit()
    return AppealView(appeal=appeal, arguments=opened["arguments"], reasons=reasons, files=files)


def open_file(appeal_file: AppealFile, *, reader: str, private_key: PrivateKey) -> tuple[str, bytes]:
    """Return an appeal file's cleaned name and bytes, opened with a staff key it is sealed for."""
    return open_sealed_file(appeal_file.sealed, appeal_file.wrapped_keys, reader, private_key)
