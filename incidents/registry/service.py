"""The model registry: models, their lifecycle, four-eyes decommissioning, the public list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, update
from sqlmodel import Session, select

from core import clock
from core.audit import AuditEvent, append_event, history
from core.auth import StaffUser
from core.schemas import N_
from incidents.enforcement.service import actions_on
from incidents.errors import DomainError, Forbidden, IllegalTransition, conflict
from incidents.models import (
    DecommissionProposal,
    EnforcementAction,
    Listing,
    ModelRecord,
    ModelStatus,
    ProposalStatus,
)
from incidents.registry import chain
from incidents.registry.documentation import Documentation, documentation
from incidents.registry.lineage import Base, lineage
from incidents.registry.listing import UPSTREAM_ACTIONS
from incidents.registry.listing_service import ListingPanel, evaluate_listing, listing_panel
from incidents.triage.notifications import Mailer
from incidents.triage.workflow import (
    MODEL_TRANSITIONS,
    PROPOSAL_ONLY,
    ModelAction,
    can_propose_decommission,
)


def create_model(session: Session, *, actor: StaffUser, data: dict) -> ModelRecord:
    existing = session.exec(
        select(ModelRecord).where(
            func.lower(ModelRecord.name) == data["name"].lower(), ModelRecord.version == (data.get("version") or "")
        )
    ).first()
    if existing:
        raise DomainError(N_("That model and version are already in the registry."))
    model = ModelRecord(
        name=data["name"], version=data.get("version") or "", provider=data.get("provider") or "", url=data.get("url")
    )
    session.add(model)
    session.flush()
    evaluation = evaluate_listing(session, model, why="registered")
    append_event(
        session, action="model.registered", actor_id=actor.id, target_type="model", target_id=str(model.id), details={}
    )
    evaluation.audit(session, actor)
    session.commit()
    return model


def _move_model(
    session: Session, model: ModelRecord, action: ModelAction, *, actor: StaffUser, row_version: int, extra: dict
) -> ModelRecord:
    current = ModelStatus(model.status)
    target = MODEL_TRANSITIONS.get((current, action))
    if target is None:
        raise IllegalTransition(f"A model that is '{current.value.replace('_', ' ')}' cannot be '{action.value}'ed.")
    now = clock.now()
    result = session.execute(
        update(ModelRecord)
        .where(ModelRecord.id == model.id, ModelRecord.row_version == row_version)
        .values(status=target.value, status_changed_at=now, row_version=ModelRecord.row_version + 1, **extra)
    )
    if result.rowcount != 1:
        raise conflict()
    # The value chain: every model derived from this one is flagged, in the same transaction as the move.
    flags = chain.flag_derived(session, model, target, at=now) if target in UPSTREAM_ACTIONS else []
    append_event(
        session,
        action=f"model.{action.value}",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"from": current.value, "to": target.value},
    )
    chain.audit_flags(session, flags, actor=actor)
    return model


def transition_model(
    session: Session,
    model: ModelRecord,
    action: ModelAction,
    *,
    actor: StaffUser,
    row_version: int,
    public_reason: str = "",
    mailer: Mailer | None = None,
) -> ModelRecord:
    """Move a model along its lifecycle (not to decommissioned: that takes an approved proposal).

    With a mailer, the owner contacts of the models flagged down its lineage are told after the commit.
    """
    if action in PROPOSAL_ONLY:
        raise IllegalTransition(N_("Decommissioning needs a proposal approved by a second staff member."))
    extra: dict = {}
    if action in (ModelAction.SUSPEND, ModelAction.RESTRICT):
        if len(public_reason.strip()) < 10:
            raise DomainError(
                N_("Give a short public reason (at least 10 characters): it is shown on the public list.")
            )
        extra["public_reason"] = public_reason.strip()
        extra["effective_on"] = clock.now().date()
    _move_model(session, model, action, actor=actor, row_version=row_version, extra=extra)
    session.commit()
    if mailer is not None:
        chain.notify_owners(session, mailer, upstream_id=model.id, limit=chain.IN_REQUEST)
    session.refresh(model)
    return model


def propose_decommission(session: Session, model: ModelRecord, *, actor: StaffUser, data: dict) -> DecommissionProposal:
    if not can_propose_decommission(model.status):
        raise IllegalTransition(
            N_("Only a model under review, restricted or suspended can be proposed for decommissioning.")
        )
    pending = session.exec(
        select(DecommissionProposal).where(
            DecommissionProposal.model_id == model.id, DecommissionProposal.status == ProposalStatus.PENDING.value
        )
    ).first()
    if pending:
        raise DomainError(N_("A decommissioning proposal for this model is already waiting for approval."))
    criteria = dict(data["criteria"])
    if data.get("criteria_notes"):
        criteria["notes"] = data["criteria_notes"]
    proposal = DecommissionProposal(
        model_id=model.id,
        criteria=criteria,
        effective_on=data["effective_on"],
        notice=data["notice"],
        public_reason=data["public_reason"],
        proposed_by=actor.id,
    )
    session.add(proposal)
    session.flush()
    append_event(
        session,
        action="decommission.proposed",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"proposal": proposal.id},
    )
    session.commit()
    return proposal


def decide_proposal(
    session: Session,
    proposal: DecommissionProposal,
    *,
    actor: StaffUser,
    approve: bool,
    note: str = "",
    mailer: Mailer | None = None,
) -> DecommissionProposal:
    """Approve or reject a decommissioning proposal: never by its proposer (four eyes); tell owners as on a move."""
    if proposal.status != ProposalStatus.PENDING.value:
        raise IllegalTransition(N_("This proposal has already been decided."))
    if proposal.proposed_by == actor.id:
        raise Forbidden(N_("A second staff member must decide: you proposed this decommissioning yourself."))
    model = session.get(ModelRecord, proposal.model_id)
    now = clock.now()
    claimed = session.execute(
        update(DecommissionProposal)
        .where(DecommissionProposal.id == proposal.id, DecommissionProposal.status == ProposalStatus.PENDING.value)
        .values(
            status=(ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED).value,
            decided_by=actor.id,
            decided_at=now,
            decision_note=note,
        )
    )
    if claimed.rowcount != 1:
        raise conflict()
    if approve:
        _move_model(
            session,
            model,
            ModelAction.DECOMMISSION,
            actor=actor,
            row_version=model.row_version,
            extra={
                "public_reason": proposal.public_reason,
                "effective_on": proposal.effective_on,
                "notice": proposal.notice,
            },
        )
    append_event(
        session,
        action="decommission.approved" if approve else "decommission.rejected",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"proposal": proposal.id},
    )
    session.commit()
    if approve and mailer is not None:
        chain.notify_owners(session, mailer, upstream_id=proposal.model_id, limit=chain.IN_REQUEST)
    session.refresh(proposal)
    return proposal


def withdraw_proposal(session: Session, proposal: DecommissionProposal, *, actor: StaffUser) -> None:
    if proposal.status != ProposalStatus.PENDING.value:
        raise IllegalTransition(N_("This proposal has already been decided."))
    if proposal.proposed_by != actor.id:
        raise Forbidden(N_("Only the proposer can withdraw a proposal; others approve or reject it."))
    proposal.status = ProposalStatus.WITHDRAWN.value
    proposal.decided_at = clock.now()
    session.add(proposal)
    append_event(
        session,
        action="decommission.withdrawn",
        actor_id=actor.id,
        target_type="model",
        target_id=str(proposal.model_id),
        details={"proposal": proposal.id},
    )
    session.commit()


@dataclass
class PublicModel:
    id: int
    name: str
    version: str
    provider: str
    status: str
    effective_on: date | None
    reason: str
    notice: str


def public_model_list(session: Session) -> list[PublicModel]:
    """The decommissioned and suspended models, as the public site lists them (listed models only)."""
    rows = session.exec(
        select(ModelRecord)
        .where(
            ModelRecord.status.in_([ModelStatus.SUSPENDED.value, ModelStatus.DECOMMISSIONED.value]),
            ModelRecord.listing == Listing.LISTED.value,
        )
        .order_by(ModelRecord.status_changed_at.desc(), ModelRecord.id.desc())
    )
    return [
        PublicModel(m.id or 0, m.name, m.version, m.provider, m.status, m.effective_on, m.public_reason, m.notice)
        for m in rows
    ]


@dataclass
class RegistryPage:
    models: list[ModelRecord]
    pending: list[DecommissionProposal]


def registry_page(session: Session) -> RegistryPage:
    """Load what the registry list shows: every model, and the proposals waiting for a decision."""
    models = session.exec(select(ModelRecord).order_by(ModelRecord.name, ModelRecord.version)).all()
    pending = session.exec(
        select(DecommissionProposal).where(DecommissionProposal.status == ProposalStatus.PENDING.value)
    ).all()
    return RegistryPage(models=list(models), pending=list(pending))


def all_models(session: Session) -> list[ModelRecord]:
    """Return every registered model by name (the choices of the enforcement forms)."""
    return list(session.exec(select(ModelRecord).order_by(ModelRecord.name)))


@dataclass
class ModelPage:
    proposals: list[DecommissionProposal]
    history: list[AuditEvent]
    enforcement: list[EnforcementAction]
    documentation: Documentation
    bases: list[Base]
    derived: list[ModelRecord]
    listing: ListingPanel
    flags: list[chain.FlagRow]

    @property
    def proposal_pending(self) -> bool:
        return any(p.status == ProposalStatus.PENDING.value for p in self.proposals)


def model_page(session: Session, model: ModelRecord) -> ModelPage:
    """Load what a model's page shows: proposals (newest first), history, actions, documentation, lineage, review."""
    proposals = session.exec(
        select(DecommissionProposal)
        .where(DecommissionProposal.model_id == model.id)
        .order_by(DecommissionProposal.id.desc())
    ).all()
    links = lineage(session)
    return ModelPage(
        proposals=list(proposals),
        history=history(session, "model", model.id),
        enforcement=actions_on(session, model_id=model.id),
        documentation=documentation(session, model),
        bases=links.bases(model),
        derived=links.derived(model),
        listing=listing_panel(session, model),
        flags=chain.flags_of(session, model),
    )


@dataclass
class PublicModelPage:
    model: ModelRecord
    documentation: Documentation
    bases: list[Base]
    derived: list[ModelRecord]
    upstream: list[chain.UpstreamAction]


def public_model_page(session: Session, model: ModelRecord) -> PublicModelPage:
    """What a listed model's public page shows: details, lineage (listed models linked), documentation, upstream."""
    links = lineage(session)
    listed = Listing.LISTED.value
    bases = [b if b.record is None or b.record.listing == listed else Base(b.name, None) for b in links.bases(model)]
    derived = [d for d in links.derived(model) if d.listing == listed]
    return PublicModelPage(model, documentation(session, model), bases, derived, chain.upstream_actions(session, model))
