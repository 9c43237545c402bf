"""The pre-upload review: evaluate a model against the criteria, propose and decide with four eyes, resubmit.

`evaluate_listing` runs inside the services that register a model or change its details or card, before
they commit; it writes its rows, then its audit events. A reviewer proposes to approve a model in review
or to return it with reasons; a second staff member confirms or rejects the proposal, never its proposer.
A change of the model's details or card supersedes a proposal still waiting: it judged another record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from incidents.errors import DomainError, Forbidden, IllegalTransition, conflict
from incidents.models import Listing, ModelRecord
from incidents.registry import chain
from incidents.registry.documentation import documentation
from incidents.registry.lineage import lineage
from incidents.registry.listing import CRITERIA_BY_ID, Criterion, Facts, matched_criteria, next_listing
from incidents.registry.review_models import ListingOutcome, ListingProposal, ListingProposalStatus

PENDING = ListingProposalStatus.PENDING.value
MIN_REASONS = 10
QUEUE_COLUMNS = (
    ModelRecord.id,
    ModelRecord.name,
    ModelRecord.version,
    ModelRecord.provider,
    ModelRecord.listing,
    ModelRecord.listing_criteria,
    ModelRecord.listing_changed_at,
)


def _audit(session: Session, action: str, actor: StaffUser | None, model_id: int | None, details: dict) -> None:
    append_event(
        session,
        action=action,
        actor_id=actor.id if actor else None,
        target_type="model",
        target_id=str(model_id),
        details=details,
    )


def facts_for(session: Session, model: ModelRecord) -> Facts:
    """What the criteria look at for one model, as stored in this transaction."""
    return Facts(model, lineage(session).ancestors(model), documentation(session, model))


@dataclass
class Evaluation:
    """An evaluation written to the rows; its audit events wait for `audit`, after the caller's own event."""

    model_id: int | None
    listing: Listing
    events: list[tuple[str, dict]] = field(default_factory=list)

    def audit(self, session: Session, actor: StaffUser) -> None:
        for action, details in self.events:
            _audit(session, action, actor, self.model_id, details)


def evaluate_listing(session: Session, model: ModelRecord, *, why: str, resubmitted: bool = False) -> Evaluation:
    """Evaluate the criteria, move the model's listing and supersede a waiting proposal; the caller audits, commits."""
    session.flush()
    session.refresh(model)
    matched = matched_criteria(facts_for(session, model))
    current = Listing(model.listing)
    approved = model.listing_approved_at is not None
    target = next_listing(current, approved=approved, matched=matched, resubmitted=resubmitted)
    now = clock.now()
    values: dict[str, object] = {"listing_criteria": matched}
    if target != current:
        values.update(listing=target.value, listing_changed_at=now)
    session.execute(update(ModelRecord).where(col(ModelRecord.id) == model.id).values(**values))
    evaluation = Evaluation(model.id, target)
    if target != current or resubmitted:
        details = {"from": current.value, "to": target.value, "criteria": matched, "why": why}
        evaluation.events.append(("model.listing_changed", details))
    if resubmitted:
        return evaluation
    # The record changed: a proposal still waiting judged the record as it was.
    waiting = select(ListingProposal.id).where(ListingProposal.model_id == model.id, ListingProposal.status == PENDING)
    superseded = list(session.exec(waiting))
    if superseded:
        session.execute(
            update(ListingProposal)
            .where(col(ListingProposal.id).in_(superseded))
            .values(status=ListingProposalStatus.SUPERSEDED.value, decided_at=now)
        )
    evaluation.events.extend(("listing.superseded", {"proposal": proposal_id}) for proposal_id in superseded)
    return evaluation


def resubmit_listing(session: Session, model: ModelRecord, *, actor: StaffUser) -> Listing:
    """Send a returned model through the criteria again: listed if it meets none, else back in review."""
    if model.listing != Listing.RETURNED.value:
        raise IllegalTransition("Only a model that was returned can be resubmitted.")
    evaluation = evaluate_listing(session, model, why="resubmitted", resubmitted=True)
    evaluation.audit(session, actor)
    session.commit()
    session.refresh(model)
    return evaluation.listing


def _lock_model(session: Session, model_id: int | None) -> None:
    """Take the model's row first, as a change of its details does before it supersedes a proposal.

    So two proposals cannot both be the one waiting, and a decision and a change of details never wait on
    each other in a circle (PostgreSQL; SQLite has one writer).
    """
    session.exec(select(ModelRecord.id).where(col(ModelRecord.id) == model_id).with_for_update()).first()


def _pending(session: Session, model_id: int | None) -> ListingProposal | None:
    query = select(ListingProposal).where(ListingProposal.model_id == model_id, ListingProposal.status == PENDING)
    return session.exec(query).first()


def propose_listing(
    session: Session, model: ModelRecord, *, actor: StaffUser, outcome: str, reasons: str = ""
) -> ListingProposal:
    """Propose to approve a model in review, or to return it with reasons; a second staff member decides."""
    _lock_model(session, model.id)
    session.refresh(model)
    if model.listing != Listing.IN_REVIEW.value:
        raise IllegalTransition("Only a model in review can be approved or returned.")
    if _pending(session, model.id) is not None:
        raise DomainError("A proposal for this model already waits for a second staff member.")
    if outcome == ListingOutcome.RETURN and len(reasons.strip()) < MIN_REASONS:
        raise DomainError("Give the reasons for returning it (at least 10 characters).")
    proposal = ListingProposal(
        model_id=model.id or 0,
        outcome=ListingOutcome(outcome).value,
        reasons=reasons.strip(),
        criteria=list(model.listing_criteria or []),
        proposed_by=actor.id,
    )
    session.add(proposal)
    session.flush()
    _audit(session, "listing.proposed", actor, model.id, {"proposal": proposal.id, "outcome": proposal.outcome})
    session.commit()
    return proposal


def decide_listing(
    session: Session, proposal: ListingProposal, *, actor: StaffUser, confirm: bool, note: str = ""
) -> ListingProposal:
    """Confirm or reject a listing proposal: never by its proposer (four eyes). Confirming lists or returns."""
    if proposal.status != PENDING:
        raise IllegalTransition("This proposal has already been decided.")
    if proposal.proposed_by == actor.id:
        raise Forbidden("A second staff member must decide: you made this proposal yourself.")
    _lock_model(session, proposal.model_id)
    now = clock.now()
    claimed = session.execute(
        update(ListingProposal)
        .where(col(ListingProposal.id) == proposal.id, ListingProposal.status == PENDING)
        .values(
            status=(ListingProposalStatus.CONFIRMED if confirm else ListingProposalStatus.REJECTED).value,
            decided_by=actor.id,
            decided_at=now,
            decision_note=note.strip(),
        )
    )
    if claimed.rowcount != 1:
        raise conflict()
    action = "listing.rejected"
    if confirm:
        approve = proposal.outcome == ListingOutcome.APPROVE.value
        values = {
            "listing": (Listing.LISTED if approve else Listing.RETURNED).value,
            "listing_approved_at": now if approve else None,
            "listing_changed_at": now,
        }
        moved = session.execute(
            update(ModelRecord)
            .where(col(ModelRecord.id) == proposal.model_id, ModelRecord.listing == Listing.IN_REVIEW.value)
            .values(**values)
        )
        if moved.rowcount != 1:
            raise IllegalTransition("The model is no longer in review.")
        action = "listing.approved" if approve else "listing.returned"
    _audit(session, action, actor, proposal.model_id, {"proposal": proposal.id})
    session.commit()
    session.refresh(proposal)
    return proposal


def withdraw_listing(session: Session, proposal: ListingProposal, *, actor: StaffUser) -> None:
    """The proposer takes back a proposal that still waits."""
    if proposal.status != PENDING:
        raise IllegalTransition("This proposal has already been decided.")
    if proposal.proposed_by != actor.id:
        raise Forbidden("Only the proposer can withdraw a proposal; others confirm or reject it.")
    claimed = session.execute(
        update(ListingProposal)
        .where(col(ListingProposal.id) == proposal.id, ListingProposal.status == PENDING)
        .values(status=ListingProposalStatus.WITHDRAWN.value, decided_at=clock.now())
    )
    if claimed.rowcount != 1:
        raise conflict()
    _audit(session, "listing.withdrawn", actor, proposal.model_id, {"proposal": proposal.id})
    session.commit()


@dataclass
class ListingPanel:
    """What a model's staff page shows of its review: the criteria it meets and the proposals, newest first."""

    criteria: list[Criterion]
    proposals: list[ListingProposal] = field(default_factory=list)

    @property
    def pending(self) -> ListingProposal | None:
        return next((p for p in self.proposals if p.status == PENDING), None)

    @property
    def returned_by(self) -> ListingProposal | None:
        """The confirmed proposal that returned the model last: its reasons are the provider's to-do list."""
        confirmed = ListingProposalStatus.CONFIRMED.value
        return next(
            (p for p in self.proposals if p.status == confirmed and p.outcome == ListingOutcome.RETURN.value), None
        )


def criteria_of(ids: list | None) -> list[Criterion]:
    """The criteria named by ids stored with a model or a proposal (ids no longer in the table are left out)."""
    return [CRITERIA_BY_ID[i] for i in ids or [] if i in CRITERIA_BY_ID]


def listing_panel(session: Session, model: ModelRecord) -> ListingPanel:
    proposals = session.exec(
        select(ListingProposal).where(ListingProposal.model_id == model.id).order_by(col(ListingProposal.id).desc())
    ).all()
    return ListingPanel(criteria_of(model.listing_criteria), list(proposals))


@dataclass
class QueueEntry:
    model: ModelRecord
    panel: ListingPanel


@dataclass
class ReviewQueue:
    """The staff review queue: models in review, models returned to their provider, and open upstream flags."""

    in_review: list[QueueEntry]
    returned: list[QueueEntry]
    flags: list[chain.FlagRow]


def review_queue(session: Session, *, limit: int = 500) -> ReviewQueue:
    """Load the review queue, the longest waiting first."""
    unlisted = [Listing.IN_REVIEW.value, Listing.RETURNED.value]
    models = session.exec(
        select(ModelRecord)
        .options(load_only(*QUEUE_COLUMNS))
        .where(col(ModelRecord.listing).in_(unlisted))
        .order_by(col(ModelRecord.listing_changed_at), col(ModelRecord.id))
        .limit(limit)
    ).all()
    proposals: dict[int, list[ListingProposal]] = {m.id or 0: [] for m in models}
    if proposals:
        for p in session.exec(
            select(ListingProposal)
            .where(col(ListingProposal.model_id).in_(list(proposals)))
            .order_by(col(ListingProposal.id).desc())
        ):
            proposals[p.model_id].append(p)
    entries = [QueueEntry(m, ListingPanel(criteria_of(m.listing_criteria), proposals[m.id or 0])) for m in models]
    return ReviewQueue(
        in_review=[e for e in entries if e.model.listing == Listing.IN_REVIEW.value],
        returned=[e for e in entries if e.model.listing == Listing.RETURNED.value],
        flags=chain.open_flags(session, limit=limit),
    )
