"""The pre-upload review: evaluate a model against the criteria, propose and decide with four eyes, resubmit.

`evaluate_listing` runs inside the services that register a model or change its details, its card or a
checklist item, before they commit; it writes its rows, then its audit events. It may take a model off the
list, never put one on it (`listing.next_listing`): one person can change every fact behind the criteria.
A reviewer proposes to approve a model in review or to return it with reasons; a second staff member
confirms or rejects the proposal, never its proposer, and only a confirmed approval lists a model in review.
The approval covers the criteria it judged, stored with the model. Any such change supersedes a proposal
still waiting: it judged another record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.errors import DomainError, Forbidden, IllegalTransition, conflict
from incidents.models import Listing, ModelRecord
from incidents.registry import chain
from incidents.registry.documentation import documentation
from incidents.registry.lineage import lineage
from incidents.registry.listing import CRITERIA_BY_ID, Criterion, Facts, matched_criteria, next_listing
from incidents.registry.review_models import (
    ONE_WAITING_INDEX,
    ListingOutcome,
    ListingProposal,
    ListingProposalStatus,
)

PENDING = ListingProposalStatus.PENDING.value
MIN_REASONS = 10
ONE_WAITING = "A proposal for this model already waits for a second staff member."
NOT_RETURNED = "Only a model that was returned can be resubmitted."
NO_APPROVAL: dict[str, object] = {"listing_approved_at": None, "listing_approved_criteria": []}
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
    """Evaluate the criteria, move the model's listing and supersede a waiting proposal; the caller audits, commits.

    The move is never onto the list: a model in review or returned is listed only by `decide_listing`.
    """
    session.flush()
    session.refresh(model)
    matched = matched_criteria(facts_for(session, model))
    current = Listing(model.listing)
    if resubmitted and current != Listing.RETURNED:  # read again here: another resubmission may have won meanwhile
        raise IllegalTransition(NOT_RETURNED)
    covered = list(model.listing_approved_criteria or []) if model.listing_approved_at is not None else []
    target = next_listing(current, matched=matched, covered=covered, resubmitted=resubmitted)
    now = clock.now()
    values: dict[str, object] = {"listing_criteria": matched}
    if target != current:
        values.update(listing=target.value, listing_changed_at=now)
    if target != Listing.LISTED:
        # Off the list, the approval no longer stands: it judged a record that has since met a criterion it
        # did not cover. Only a new confirmed approval lists the model again.
        values.update(NO_APPROVAL)
    # Compare and set: a writer that evaluated the same listing meanwhile (two resubmissions at once on SQLite,
    # which takes no row lock) leaves this one nothing to move.
    moved = session.execute(
        update(ModelRecord)
        .where(col(ModelRecord.id) == model.id, ModelRecord.listing == current.value)
        .values(**values)
    )
    if moved.rowcount != 1:
        raise conflict()
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
    """Send a returned model back into review, with the criteria it meets now; a second person still decides."""
    _lock_model(session, model.id)
    session.refresh(model)
    if model.listing != Listing.RETURNED.value:
        raise IllegalTransition(NOT_RETURNED)
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


def _one_waiting_refused(err: IntegrityError) -> bool:
    """Whether the one-waiting-proposal index refused the row (PostgreSQL names it, SQLite names its column)."""
    message = str(err.orig)
    return ONE_WAITING_INDEX in message or "listing_proposal.model_id" in message


def propose_listing(
    session: Session, model: ModelRecord, *, actor: StaffUser, outcome: str, reasons: str = ""
) -> ListingProposal:
    """Propose to approve a model in review, or to return it with reasons; a second staff member decides."""
    _lock_model(session, model.id)
    session.refresh(model)
    if model.listing != Listing.IN_REVIEW.value:
        raise IllegalTransition(N_("Only a model in review can be approved or returned."))
    if _pending(session, model.id) is not None:
        raise DomainError(ONE_WAITING)
    if outcome == ListingOutcome.RETURN and len(reasons.strip()) < MIN_REASONS:
        raise DomainError(N_("Give the reasons for returning it (at least 10 characters)."))
    # The criteria as they stand now: a model up its lineage may have been restricted since the last evaluation.
    matched = matched_criteria(facts_for(session, model))
    if matched != list(model.listing_criteria or []):
        session.execute(update(ModelRecord).where(col(ModelRecord.id) == model.id).values(listing_criteria=matched))
    proposal = ListingProposal(
        model_id=model.id or 0,
        outcome=ListingOutcome(outcome).value,
        reasons=reasons.strip(),
        criteria=matched,
        proposed_by=actor.id,
    )
    session.add(proposal)
    try:
        session.flush()
    except IntegrityError as err:
        # Another proposal was committed since `_pending` looked (SQLite takes no row lock): the partial unique
        # index `ix_listing_proposal_one_waiting` refused this one. The error handler ends the transaction.
        if _one_waiting_refused(err):
            raise DomainError(ONE_WAITING) from None
        raise
    _audit(session, "listing.proposed", actor, model.id, {"proposal": proposal.id, "outcome": proposal.outcome})
    session.commit()
    return proposal


def _decided_listing(session: Session, proposal: ListingProposal, now: datetime) -> dict[str, object]:
    """The model's listing columns once `proposal` is confirmed: listed with the criteria it judged, or returned.

    A change of the record supersedes a waiting proposal, but a model up its lineage may have been restricted
    since (that changes no row of this model): an approval that did not judge a criterion it meets now is refused.
    """
    if proposal.outcome != ListingOutcome.APPROVE.value:
        return {"listing": Listing.RETURNED.value, "listing_changed_at": now} | NO_APPROVAL
    model = session.get(ModelRecord, proposal.model_id)
    if model is None:
        raise conflict()
    session.refresh(model)
    matched = matched_criteria(facts_for(session, model))
    unjudged = [c for c in matched if c not in (proposal.criteria or [])]
    if unjudged:
        labels = "; ".join(CRITERIA_BY_ID[c].label for c in unjudged)
        raise DomainError(
            f"The model now meets a criterion this proposal did not judge ({labels}): reject it and propose again."
        )
    return {
        "listing": Listing.LISTED.value,
        "listing_changed_at": now,
        "listing_criteria": matched,
        "listing_approved_at": now,
        "listing_approved_criteria": list(proposal.criteria or []),
    }


def decide_listing(
    session: Session, proposal: ListingProposal, *, actor: StaffUser, confirm: bool, note: str = ""
) -> ListingProposal:
    """Confirm or reject a listing proposal: never by its proposer (four eyes). Confirming lists or returns.

    This is the only way onto the list for a model in review: an evaluation never lists one.
    """
    if proposal.status != PENDING:
        raise IllegalTransition(N_("This proposal has already been decided."))
    if proposal.proposed_by == actor.id:
        raise Forbidden(N_("A second staff member must decide: you made this proposal yourself."))
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
        moved = session.execute(
            update(ModelRecord)
            .where(col(ModelRecord.id) == proposal.model_id, ModelRecord.listing == Listing.IN_REVIEW.value)
            .values(**_decided_listing(session, proposal, now))
        )
        if moved.rowcount != 1:
            raise IllegalTransition(N_("The model is no longer in review."))
        action = "listing.approved" if proposal.outcome == ListingOutcome.APPROVE.value else "listing.returned"
    _audit(session, action, actor, proposal.model_id, {"proposal": proposal.id})
    session.commit()
    session.refresh(proposal)
    return proposal


def withdraw_listing(session: Session, proposal: ListingProposal, *, actor: StaffUser) -> None:
    """The proposer takes back a proposal that still waits."""
    if proposal.status != PENDING:
        raise IllegalTransition(N_("This proposal has already been decided."))
    if proposal.proposed_by != actor.id:
        raise Forbidden(N_("Only the proposer can withdraw a proposal; others confirm or reject it."))
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
    covered: list[Criterion] = field(default_factory=list)  # what the standing approval judged

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
    covered = criteria_of(model.listing_approved_criteria) if model.listing_approved_at is not None else []
    return ListingPanel(criteria_of(model.listing_criteria), list(proposals), covered)


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
