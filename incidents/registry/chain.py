"""The value chain: when a model is restricted, suspended or decommissioned, what follows down its lineage.

`flag_derived` runs inside the one place a model's status moves (`service._move_model`): every registry
model derived from it, transitively, gets a flag for review, one per upstream event. The derived models'
owner contacts get a content-free e-mail about each flag, once (`notify_owners`: claim the notice row,
send, commit), right after the move and from the hourly job for any not sent then. A derived model's
public page shows the action taken upstream while it stands (`upstream_actions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.errors import IllegalTransition, conflict
from incidents.models import Listing, ModelRecord, ModelStatus
from incidents.registry.lineage import lineage
from incidents.registry.review_models import UpstreamFlag, UpstreamNotice
from incidents.triage.notifications import Mailer, claim_and_send

# At most this many owner e-mails go out in the request that moved the model (each may wait on the mail
# server); the hourly job sends the rest.
IN_REQUEST = 20
OWNER_FOOTER = (
    "\nThis message carries no report content. You receive it as the contact for this model in our registry.\n"
)


def flag_derived(session: Session, upstream: ModelRecord, status: ModelStatus, *, at: datetime) -> list[UpstreamFlag]:
    """Flag every model derived from `upstream`, directly or through others (rows only: see `audit_flags`)."""
    derived = lineage(session).derived(upstream)
    flags = [
        UpstreamFlag(
            model_id=d.id or 0, upstream_id=upstream.id or 0, upstream_status=status.value, upstream_changed_at=at
        )
        for d in derived
    ]
    session.add_all(flags)
    session.flush()
    return flags


def audit_flags(session: Session, flags: list[UpstreamFlag], *, actor: StaffUser) -> None:
    """One audit event per flagged model, after every row is written."""
    for flag in flags:
        append_event(
            session,
            action="model.upstream_flagged",
            actor_id=actor.id,
            target_type="model",
            target_id=str(flag.model_id),
            details={"flag": flag.id, "upstream": flag.upstream_id, "status": flag.upstream_status},
        )


def clear_flag(session: Session, flag: UpstreamFlag, *, actor: StaffUser, note: str) -> UpstreamFlag:
    """A staff member has looked at the derived model and clears its flag, saying why in a note."""
    if flag.cleared_at is not None:
        raise IllegalTransition(N_("This flag is already cleared."))
    cleared = session.execute(
        update(UpstreamFlag)
        .where(col(UpstreamFlag.id) == flag.id, col(UpstreamFlag.cleared_at).is_(None))
        .values(cleared_by=actor.id, cleared_at=clock.now(), clear_note=note.strip())
    )
    if cleared.rowcount != 1:
        raise conflict()
    append_event(
        session,
        action="model.upstream_flag_cleared",
        actor_id=actor.id,
        target_type="model",
        target_id=str(flag.model_id),
        details={"flag": flag.id},
    )
    session.commit()
    session.refresh(flag)
    return flag


def _standing():
    """Flags whose upstream action still stands: the newest for their pair, and the upstream still in that status."""
    upstream = aliased(ModelRecord)
    later = aliased(UpstreamFlag)
    newer = exists().where(
        later.model_id == UpstreamFlag.model_id,
        later.upstream_id == UpstreamFlag.upstream_id,
        col(later.id) > UpstreamFlag.id,
    )
    return (
        select(UpstreamFlag, upstream)
        .join(upstream, col(upstream.id) == UpstreamFlag.upstream_id)
        .where(upstream.status == UpstreamFlag.upstream_status, ~newer)
    )


@dataclass(frozen=True)
class UpstreamAction:
    """An action taken on a model up the lineage, as a derived model's public page tells it."""

    upstream: ModelRecord
    status: str
    on: datetime

    @property
    def listed(self) -> bool:
        return self.upstream.listing == Listing.LISTED.value

    @property
    def name(self) -> str | None:
        """The upstream model's name when it is listed; else None: a model in review or returned is named nowhere
        in public, so the page says only that a model it derives from was acted on."""
        if self.listed:
            return f"{self.upstream.name} {self.upstream.version}".strip()
        return None


def upstream_actions(session: Session, model: ModelRecord) -> list[UpstreamAction]:
    """The actions still standing on the models `model` derives from, newest first."""
    rows = session.exec(
        _standing().where(UpstreamFlag.model_id == model.id).order_by(col(UpstreamFlag.upstream_changed_at).desc())
    )
    return [UpstreamAction(up, flag.upstream_status, flag.upstream_changed_at) for flag, up in rows]


@dataclass(frozen=True)
class FlagRow:
    flag: UpstreamFlag
    model: ModelRecord
    upstream: ModelRecord


def flags_of(session: Session, model: ModelRecord) -> list[FlagRow]:
    """Every flag of one model, newest first, for its staff page."""
    upstream = aliased(ModelRecord)
    rows = session.exec(
        select(UpstreamFlag, upstream)
        .join(upstream, col(upstream.id) == UpstreamFlag.upstream_id)
        .where(UpstreamFlag.model_id == model.id)
        .order_by(col(UpstreamFlag.id).desc())
    )
    return [FlagRow(flag, model, up) for flag, up in rows]


def open_flags(session: Session, *, limit: int = 500) -> list[FlagRow]:
    """The flags no one has cleared yet, oldest first, for the review queue."""
    derived, upstream = aliased(ModelRecord), aliased(ModelRecord)
    rows = session.exec(
        select(UpstreamFlag, derived, upstream)
        .join(derived, col(derived.id) == UpstreamFlag.model_id)
        .join(upstream, col(upstream.id) == UpstreamFlag.upstream_id)
        .where(col(UpstreamFlag.cleared_at).is_(None))
        .order_by(col(UpstreamFlag.id))
        .limit(limit)
    )
    return [FlagRow(flag, model, up) for flag, model, up in rows]


STATUS_WORDS = {
    ModelStatus.RESTRICTED.value: "restricted",
    ModelStatus.SUSPENDED.value: "suspended",
    ModelStatus.DECOMMISSIONED.value: "decommissioned",
}


def _link(mailer: Mailer, derived: ModelRecord, upstream: ModelRecord) -> str:
    """The public page that tells what happened: the derived model's, else the upstream's, else the index."""
    for record in (derived, upstream):
        if record.listing == Listing.LISTED.value:
            return f"{mailer.base_url}/models/{record.id}"
    return f"{mailer.base_url}/models"


def notify_owners(session: Session, mailer: Mailer, *, upstream_id: int | None = None, limit: int = 200) -> int:
    """E-mail each flagged model's owner contact once per upstream event still standing; return how many went."""
    if not mailer.enabled:
        return 0
    derived = aliased(ModelRecord)
    query = (
        _standing()
        .add_columns(derived)
        .join(derived, col(derived.id) == UpstreamFlag.model_id)
        .outerjoin(UpstreamNotice, col(UpstreamNotice.flag_id) == UpstreamFlag.id)
        .where(col(UpstreamNotice.id).is_(None), col(derived.owner_contact).is_not(None))
    )
    if upstream_id is not None:
        query = query.where(UpstreamFlag.upstream_id == upstream_id)
    rows = session.exec(query.order_by(col(UpstreamFlag.id)).limit(limit))
    pending = [(flag.id, model.id) for flag, _up, model in rows]
    sent = 0
    for flag_id, model_id in pending:  # by id: a rolled-back send expires the rows loaded before it
        flag, model = session.get(UpstreamFlag, flag_id), session.get(ModelRecord, model_id)
        up = session.get(ModelRecord, flag.upstream_id) if flag else None
        if flag is None or model is None or up is None or not model.owner_contact:
            continue
        word = STATUS_WORDS.get(flag.upstream_status, flag.upstream_status)
        title = f"{model.name} {model.version}".strip()
        sent += claim_and_send(
            session,
            mailer,
            UpstreamNotice(flag_id=flag_id, sent_at=clock.now()),
            [model.owner_contact],
            f"A model that {title} derives from was {word}",
            f"{title}, a model in our registry for which you are the contact, derives (directly or through "
            f"other models) from a model that was {word} on {flag.upstream_changed_at:%Y-%m-%d}.\n\n"
            f"Read more: {_link(mailer, model, up)}\n",
            footer=OWNER_FOOTER,
        )
    return sent
