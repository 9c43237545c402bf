"""Statements of reasons (DSA Art. 17): what a restricting action owes the affected party, and its appeal link.

The link carries a random token of 192 bits, shown once in the statement and kept only as a keyed hash,
like a receipt. It opens the appeal form of its own action, once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from core import sealing
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.enforcement.licence_ground import Citation, citation
from incidents.enforcement.models import AppealToken
from incidents.enforcement.schemas import ACTION_TYPES, AUTOMATION, GROUND_TYPES, TARGET_KINDS
from incidents.errors import DomainError
from incidents.intake.service import PlatformKeys
from incidents.models import EnforcementAction, Report
from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

# The actions that restrict something, so owe a statement of reasons: the ones exports.dsa_mapping.DECISIONS
# maps (tests/unit/test_appeals.py holds the two to each other). Warnings, referrals and reinstatements do not.
RESTRICTING = frozenset(
    {
        ActionType.TAKEDOWN,
        ActionType.SUSPENSION,
        ActionType.TERMINATION,
        ActionType.DELISTING,
        ActionType.LICENCE_CHANGE,
    }
)
TOKEN_BYTES = 24  # 192 bits, written as 32 URL-safe characters
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def notice_of_action():
    """The id of the report that prompted an action, for a join: its own report, else its incident's first report;
    NULL when no notice prompted it (own initiative). The DSA export and the transparency report read it alike."""
    first_of_incident = (
        select(Report.id)
        .where(Report.incident_id == EnforcementAction.incident_id)
        .order_by(Report.id)
        .limit(1)
        .correlate(EnforcementAction)
        .scalar_subquery()
    )
    return func.coalesce(EnforcementAction.report_id, first_of_incident)


def owes_statement(action: EnforcementAction) -> bool:
    """Tell whether an action restricts something, so owes the affected party a statement of reasons."""
    return action.action_type in RESTRICTING


def appeal_token_mac(keys: PlatformKeys, token: str) -> str:
    """Return the keyed hash stored for an appeal token (HMAC-SHA256 under the receipt lookup key, hex)."""
    return hmac.new(keys.receipt_key, b"appeal-token:" + token.encode(), hashlib.sha256).hexdigest()


def is_token_shaped(token: str) -> bool:
    """Tell whether a string could be an appeal token at all (so odd ones are refused before any lookup)."""
    return bool(TOKEN_RE.fullmatch(token or ""))


@dataclass(frozen=True)
class StatementFacts:
    """What the statement says, in the words of the enforcement vocabulary (translated when rendered)."""

    action: EnforcementAction
    decision: str
    target_kind: str
    ground_type: str
    detection: str
    automated_decision: str
    scope: list[str]
    citation: Citation | None = None  # the licence ground's licence and clause, as the registry words them


def statement_facts(action: EnforcementAction) -> StatementFacts:
    """Gather a restricting action's facts for its statement of reasons."""
    return StatementFacts(
        action=action,
        decision=ACTION_TYPES[ActionType(action.action_type)],
        target_kind=TARGET_KINDS[TargetKind(action.target_kind)],
        ground_type=GROUND_TYPES[GroundType(action.ground_type)],
        detection=AUTOMATION[Automation(action.detection)],
        automated_decision=AUTOMATION[Automation(action.decision)],
        scope=list(action.territorial_scope or []),
        citation=citation(action.licence_id, action.licence_clause) if action.licence_id else None,
    )


def issue_statement(
    session: Session, *, actor: StaffUser, action: EnforcementAction, keys: PlatformKeys, address: str | None = None
) -> str:
    """Mint the statement's one-time appeal token, log how the statement left, commit, and return the token.

    With an address (the statement is e-mailed), the address is kept sealed for the platform key only.
    """
    if not owes_statement(action):
        raise DomainError(N_("This action restricts nothing, so it owes no statement of reasons."))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    sealed = sealing.seal_json({"address": address}, {sealing.PLATFORM: keys.public}) if address else None
    session.add(
        AppealToken(
            action_id=action.id,
            token_mac=appeal_token_mac(keys, token),
            created_by=actor.id,
            sent_to_sealed=sealed.ciphertext if sealed else None,
            sent_to_keys=sealed.wrapped_keys if sealed else {},
        )
    )
    append_event(
        session,
        action="statement.sent" if address else "statement.downloaded",
        actor_id=actor.id,
        target_type="enforcement_action",
        target_id=str(action.id),
        details={},
    )
    session.commit()
    return token


def statements_issued(session: Session, action_id: int) -> int:
    """Count the statements issued for an action (each with its own appeal link)."""
    return len(list(session.exec(select(AppealToken.id).where(AppealToken.action_id == action_id))))
