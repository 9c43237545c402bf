"""Deciding appeals: by someone who took no part in the decision, within the period; and their counts.

A reversal records a reinstatement and lifts the restriction the same way staff would by hand: a model
moves along its lifecycle through the registry's service, a dismissed report is reopened through triage.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from core import clock, sealing
from core.audit import AuditEvent, append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.enforcement.appeals import appeal_readers, contested_report, may_see_appeal
from incidents.enforcement.models import REVERSALS, Appeal, AppealKind, AppealOutcome, AppealStatus
from incidents.enforcement.statement import RESTRICTING
from incidents.errors import DomainError, Forbidden, conflict
from incidents.intake.service import PlatformKeys, add_message
from incidents.models import Author, EnforcementAction, ModelRecord, ModelStatus, Report, ReportStatus
from incidents.registry import service as registry
from incidents.triage import service as triage
from incidents.triage.workflow import ModelAction, TriageAction
from incidents.vocabulary import ActionType, Automation

# How a reversal moves a restricted model, by outcome: a full reversal lifts it, a partial one eases a suspension
# to a restriction. A decommissioned model has no way back in the lifecycle table, so nothing moves it.
MODEL_LIFTS: dict[tuple[AppealOutcome, ModelStatus], ModelAction] = {
    (AppealOutcome.REVERSED, ModelStatus.RESTRICTED): ModelAction.REINSTATE,
    (AppealOutcome.REVERSED, ModelStatus.SUSPENDED): ModelAction.REINSTATE,
    (AppealOutcome.PARTLY_REVERSED, ModelStatus.SUSPENDED): ModelAction.RESTRICT,
}
PARTLY_LIFTED_REASON = "Partly reinstated after an appeal."


# The audit events that move a model into a restriction (registry.service: `model.<action>` on target "model"),
# and the four-eyes decommissioning's proposal and approval, recorded on the model too.
RESTRICTING_MODEL_EVENTS = frozenset(
    {f"model.{action.value}" for action in (ModelAction.RESTRICT, ModelAction.SUSPEND, ModelAction.DECOMMISSION)}
    | {"decommission.proposed", "decommission.approved"}
)


def original_deciders(session: Session, appeal: Appeal) -> set[int]:
    """Return who took part in the contested decision; none of them may decide its appeal.

    A dismissal: whoever dismissed the report. An action: its author, and whoever recorded the restricting move of
    its model that the action applied (`model_movers`).
    """
    if appeal.kind == AppealKind.ACTION:
        action = session.get(EnforcementAction, appeal.action_id) if appeal.action_id else None
        if action is None:
            return set()
        return ({action.created_by} if action.created_by else set()) | model_movers(session, action)
    query = select(AuditEvent.actor_id).where(
        AuditEvent.target_type == "report",
        AuditEvent.target_id == str(appeal.report_id),
        AuditEvent.action == f"report.{TriageAction.DISMISS.value}",
    )
    return {actor for actor in session.exec(query) if actor is not None}


def model_movers(session: Session, action: EnforcementAction) -> set[int]:
    """Return who recorded the move of the action's model into its restriction, which the action applied.

    The rule: the RESTRICTING_MODEL_EVENTS on the action's model (target "model", the model's id) that the audit
    log holds between the record of the model's previous enforcement action and that of its next one (by `seq`,
    the log's order). Staff record the action and move the model one after the other, in either order, and no
    other action on the model comes between them; a move before an earlier action, or after a later one, is that
    action's. An action without a model, or whose record is not in the log, has no movers.
    """
    if action.model_id is None:
        return set()
    on_model = [
        str(i) for i in session.exec(select(EnforcementAction.id).where(EnforcementAction.model_id == action.model_id))
    ]
    records = dict(
        session.exec(
            select(AuditEvent.target_id, AuditEvent.seq).where(
                AuditEvent.action == "enforcement.recorded",
                AuditEvent.target_type == "enforcement_action",
                col(AuditEvent.target_id).in_(on_model),
            )
        ).all()
    )
    own = records.get(str(action.id))
    if own is None:
        return set()
    after = max((seq for seq in records.values() if seq < own), default=0)
    before = min((seq for seq in records.values() if seq > own), default=None)
    query = select(AuditEvent.actor_id).where(
        AuditEvent.target_type == "model",
        AuditEvent.target_id == str(action.model_id),
        col(AuditEvent.action).in_(RESTRICTING_MODEL_EVENTS),
        col(AuditEvent.seq) > after,
    )
    if before is not None:
        query = query.where(col(AuditEvent.seq) < before)
    return {actor for actor in session.exec(query) if actor is not None}


def _check_decider(session: Session, appeal: Appeal, actor: StaffUser) -> None:
    if appeal.status != AppealStatus.OPEN:
        raise DomainError(N_("This appeal is already decided."))
    if actor.id in original_deciders(session, appeal):
        raise Forbidden(N_("You took part in the decision under appeal; another staff member must decide it."))
    if not may_see_appeal(session, actor, appeal):
        raise Forbidden(N_("You cannot see this report, so you cannot decide its appeal."))


# Why a reversal leaves things as they are, in the audit event's details (`why`); the decider is told in words.
LATER_RESTRICTION = "a later action restricts the model"
EARLIER_RESTRICTION = "an earlier action still restricts the model"
NO_LIFT = "the model's status has no way back for this outcome"
NOT_DISMISSED = "the report is no longer dismissed"


@dataclass(frozen=True)
class Decided:
    """A recorded decision, and what its reversal did besides: the audit event's details, e.g. {"lifted": False,
    "why": LATER_RESTRICTION} for a model left as it was, {"reopened": False, "why": NOT_DISMISSED}; {} otherwise."""

    appeal: Appeal
    effect: dict


def decide_appeal(
    session: Session, appeal: Appeal, *, actor: StaffUser, outcome: AppealOutcome, reasons: str, keys: PlatformKeys
) -> Decided:
    """Record the decision and its reasons for the appellant; on a reversal, reinstate; commit once."""
    _check_decider(session, appeal, actor)
    report = contested_report(session, appeal) if appeal.kind == AppealKind.DISMISSAL else None
    now = clock.now()
    # Claim the appeal with a conditional write: of two decisions sent at once, only one finds it open.
    claimed = session.execute(
        update(Appeal)
        .where(col(Appeal.id) == appeal.id, col(Appeal.status) == AppealStatus.OPEN.value)
        .values(status=AppealStatus.DECIDED.value)
    )
    if claimed.rowcount != 1:
        raise conflict()
    appeal.status, appeal.outcome = AppealStatus.DECIDED.value, outcome.value
    appeal.decided_at, appeal.decided_by = now, actor.id
    if appeal.kind == AppealKind.ACTION:
        sealed = sealing.seal_json({"reasons": reasons}, appeal_readers(session, appeal, keys))
        appeal.decision_sealed, appeal.decision_keys = sealed.ciphertext, sealed.wrapped_keys
    elif report is not None:
        add_message(
            session=session, report=report, author=Author.STAFF, body=reasons, uploads=[], keys=keys,
            staff_id=actor.id, commit=False,
        )  # fmt: skip
    session.add(appeal)
    action = session.get(EnforcementAction, appeal.action_id) if appeal.action_id else None
    lift, effect = _plan_reversal(session, action, report, outcome) if outcome in REVERSALS else (None, {})
    _lock_rows_before_the_audit(session, report=report, model_id=action.model_id if action and lift else None)
    details = {"kind": appeal.kind, "outcome": outcome.value, "action": appeal.action_id, "report": appeal.report_id}
    append_event(
        session,
        action="appeal.decided",
        actor_id=actor.id,
        target_type="appeal",
        target_id=str(appeal.id),
        details={**details, **effect},
    )
    if outcome in REVERSALS:
        _reverse(session, appeal, action=action, report=report, lift=lift, actor=actor, reopen=effect.get("reopened"))
    else:
        session.commit()
    session.refresh(appeal)
    return Decided(appeal=appeal, effect=effect)


def _lock_rows_before_the_audit(session: Session, *, report: Report | None, model_id: int | None) -> None:
    """Take the report's and the model's row locks before the audit head's, as every other writer does.

    A model move (registry) and a triage action write their row and then append to the audit log; taking the
    rows first here means the two never wait on each other in a circle (PostgreSQL; SQLite has one writer).
    """
    if report is not None:
        session.exec(select(Report.id).where(Report.id == report.id).with_for_update()).first()
    if model_id is not None:
        session.exec(select(ModelRecord.id).where(ModelRecord.id == model_id).with_for_update()).first()


def _plan_reversal(
    session: Session, action: EnforcementAction | None, report: Report | None, outcome: AppealOutcome
) -> tuple[ModelAction | None, dict]:
    """Decide what a reversal undoes: the move of the action's model (None: none), and what the audit says of it.

    A model moves only when the appealed action is its only restriction still standing; a dismissed report is
    reopened only while it is still dismissed (staff may have reopened it by hand meanwhile).
    """
    if report is not None:
        if report.status != ReportStatus.DISMISSED:
            return None, {"reopened": False, "why": NOT_DISMISSED}
        return None, {"reopened": True}
    model = session.get(ModelRecord, action.model_id) if action and action.model_id else None
    if action is None or model is None:
        return None, {}
    if (why := standing_restriction(session, action)) is not None:
        return None, {"lifted": False, "why": why}
    lift = MODEL_LIFTS.get((outcome, ModelStatus(model.status)))
    if lift is None:
        return None, {"lifted": False, "why": NO_LIFT, "status": model.status}
    return lift, {"lifted": True}


def standing_restriction(session: Session, action: EnforcementAction) -> str | None:
    """Tell why another restricting action on the same model still stands, if one does (LATER_ or EARLIER_RESTRICTION).

    Not standing: an action fully reversed on appeal, and a time-limited one whose last day has passed.
    """
    reversed_actions = select(Appeal.action_id).where(
        Appeal.outcome == AppealOutcome.REVERSED.value, col(Appeal.action_id).is_not(None)
    )
    later = or_(
        col(EnforcementAction.decided_at) > action.decided_at,
        and_(col(EnforcementAction.decided_at) == action.decided_at, col(EnforcementAction.id) > action.id),
    )
    query = select(EnforcementAction).where(
        EnforcementAction.model_id == action.model_id,
        EnforcementAction.id != action.id,
        col(EnforcementAction.action_type).in_([kind.value for kind in RESTRICTING]),
        col(EnforcementAction.id).not_in(reversed_actions),
        or_(col(EnforcementAction.ends_on).is_(None), col(EnforcementAction.ends_on) >= clock.today()),
    )
    if session.exec(query.where(later)).first() is not None:
        return LATER_RESTRICTION
    if session.exec(query.where(~later)).first() is not None:
        return EARLIER_RESTRICTION
    return None


def _reverse(
    session: Session,
    appeal: Appeal,
    *,
    action: EnforcementAction | None,
    report: Report | None,
    lift: ModelAction | None,
    actor: StaffUser,
    reopen: bool | None,
) -> None:
    """Undo what the appeal reverses, as `_plan_reversal` decided; the last step commits the whole decision."""
    if report is not None and reopen:
        triage.apply(session, report, TriageAction.REOPEN, actor=actor, data={"version": report.version})
        return
    if action is not None:
        appeal.reinstatement_id = _record_reinstatement(session, appeal, action, actor=actor).id
        session.add(appeal)
    model = session.get(ModelRecord, action.model_id) if action and action.model_id else None
    if model is None or lift is None:
        session.commit()
        return
    registry.transition_model(
        session, model, lift, actor=actor, row_version=model.row_version, public_reason=PARTLY_LIFTED_REASON
    )


def _record_reinstatement(
    session: Session, appeal: Appeal, action: EnforcementAction, *, actor: StaffUser
) -> EnforcementAction:
    now = clock.now()
    reinstatement = EnforcementAction(
        action_type=ActionType.REINSTATEMENT.value,
        report_id=action.report_id,
        incident_id=action.incident_id,
        model_id=action.model_id,
        target_kind=action.target_kind,
        target=action.target,
        ground_type=action.ground_type,
        ground_reference=action.ground_reference,
        licence_id=action.licence_id,
        licence_clause=action.licence_clause,
        explanation=f"Reversed on appeal #{appeal.id} of action #{action.id}.",
        detection=Automation.MANUAL.value,
        decision=Automation.MANUAL.value,
        territorial_scope=list(action.territorial_scope or []),
        decided_at=now,
        applied_at=now,
        created_at=now,
        created_by=actor.id,
    )
    session.add(reinstatement)
    session.flush()
    append_event(
        session,
        action="enforcement.recorded",
        actor_id=actor.id,
        target_type="enforcement_action",
        target_id=str(reinstatement.id),
        details={"type": reinstatement.action_type, "appeal": appeal.id, "reverses": action.id},
    )
    return reinstatement


def appeals_due(session: Session, by: datetime, *, limit: int = 500) -> list[Appeal]:
    """Return the undecided appeals due by this moment, the soonest first (the dashboard's and the warnings' clock)."""
    return list(
        session.exec(
            select(Appeal)
            .where(Appeal.status == AppealStatus.OPEN.value, col(Appeal.due_at) <= by)
            .order_by(col(Appeal.due_at), col(Appeal.id))
            .limit(limit)
        )
    )


def open_appeals(session: Session, *, viewer: StaffUser) -> list[Appeal]:
    """Return the undecided appeals this staff member may see (`may_see_appeal`), the soonest due first."""
    appeals = session.exec(
        select(Appeal).where(Appeal.status == AppealStatus.OPEN.value).order_by(col(Appeal.due_at), col(Appeal.id))
    )
    return [appeal for appeal in appeals if may_see_appeal(session, viewer, appeal)]


@dataclass(frozen=True)
class AppealCounts:
    received: int
    decided: int
    reversed: int  # fully or partly
    median_days_to_decide: float | None


def appeal_counts(session: Session, start: datetime, end: datetime) -> AppealCounts:
    """Count a period's appeals received, decided and reversed, and the median days to decide, from plain columns."""
    received = session.exec(
        select(Appeal.id).where(col(Appeal.received_at) >= start, col(Appeal.received_at) < end)
    ).all()
    decided = session.exec(
        select(Appeal.received_at, Appeal.decided_at, Appeal.outcome).where(
            col(Appeal.decided_at) >= start, col(Appeal.decided_at) < end
        )
    ).all()
    days = [(decided_at - received_at).total_seconds() / 86400 for received_at, decided_at, _ in decided]
    return AppealCounts(
        received=len(received),
        decided=len(decided),
        reversed=sum(1 for *_, outcome in decided if outcome in REVERSALS),
        median_days_to_decide=round(statistics.median(days), 1) if days else None,
    )
