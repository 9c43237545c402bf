"""The privacy ledger kept honest against the operator: budgets fixed at first release, releases in the audit log.

Each release of a period is an audit event (`privacy.released`) that carries the epsilon it spent
and the budget in force when the period was first released. The audit log is hash-chained, and each
publication carries the audit head it was published at (its checkpoint), so the record of what was
spent outlives the ledger rows an operator could delete:
- the budget of a period is the one its first release recorded; a changed setting is refused;
- what a period has spent is the larger of the ledger's sum and the audit log's, so deleting a
  publication and its ledger rows buys no fresh draw;
- `reports verify` and `audit verify` cross-check the three records (`cross_check`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import Flask
from sqlmodel import Session, col, select

from anonymize import privacy
from core.audit import AuditEvent, append_event
from core.audit import checkpoint_problems as audit_checkpoint_problems
from reporting.models import PrivacyRelease, Publication

RELEASE = "privacy.released"
TARGET = "privacy_period"


class BudgetChanged(Exception):
    """The configured budget differs from the one fixed at the period's first release."""


def releases(session: Session, period: str | None = None) -> list[AuditEvent]:
    """Return the audit log's release events (of one period, or all), oldest first."""
    query = select(AuditEvent).where(AuditEvent.action == RELEASE, AuditEvent.target_type == TARGET)
    if period is not None:
        query = query.where(AuditEvent.target_id == period)
    return list(session.exec(query.order_by(col(AuditEvent.seq))))


def release_epsilon(app: Flask) -> tuple[Decimal, Decimal]:
    """Return the period's total privacy budget and what one release spends of it."""
    total = privacy.as_epsilon(app.config["TRANSPARENCY_EPSILON"])
    return total, privacy.as_epsilon(app.config.get("TRANSPARENCY_RELEASE_EPSILON") or total)


def ledger_spent(session: Session, period: str) -> Decimal:
    rows = session.exec(select(PrivacyRelease.epsilon).where(PrivacyRelease.period == period))
    return sum((Decimal(epsilon) for epsilon in rows), Decimal(0))


def budget_of(session: Session, period: str, configured: Decimal) -> privacy.Budget:
    """Return the period's budget: fixed at its first release, spent by the larger of the two records.

    Raise BudgetChanged when the setting no longer matches the budget the first release fixed.
    """
    events = releases(session, period)
    fixed = Decimal(events[0].details["budget"]) if events else None
    if fixed is not None and fixed != configured:
        raise BudgetChanged(
            f"the privacy budget of {period} was fixed at epsilon {fixed} by its first release, and "
            f"TRANSPARENCY_EPSILON is now {configured}; a period's budget never changes, so set it back to {fixed}"
        )
    audited = sum((Decimal(event.details["spent"]) for event in events), Decimal(0))
    return privacy.Budget(total=fixed or configured, spent=max(audited, ledger_spent(session, period)))


def record_release(session: Session, publication: Publication, *, spent: Decimal, budget: Decimal) -> None:
    """Append the release's audit event, in the caller's transaction.

    It names the publication, the release's epsilon, what its ledger rows add up to (`spent`), and
    the period's budget, which the first release fixes.
    """
    append_event(
        session,
        action=RELEASE,
        target_type=TARGET,
        target_id=publication.period,
        details={
            "publication": publication.id,
            "revision": publication.revision,
            "epsilon": publication.epsilon,
            "spent": str(spent),
            "budget": str(budget),
        },
    )


def cross_check(session: Session) -> list[str]:
    """Compare publications, ledger rows and release events; name every record missing or changed."""
    problems: list[str] = []
    publications = {p.id: p for p in session.exec(select(Publication))}
    ledger: dict[int | None, Decimal] = defaultdict(Decimal)
    for row in session.exec(select(PrivacyRelease)):
        ledger[row.publication_id] += Decimal(row.epsilon)
    seen: set[int] = set()
    for event in releases(session):
        name = f"release event {event.seq} ({event.target_id} revision {event.details.get('revision')})"
        publication = publications.get(event.details.get("publication"))
        if publication is None or publication.period != event.target_id:
            problems.append(f"{name}: its publication is missing")
            continue
        seen.add(publication.id or 0)
        if Decimal(publication.epsilon) != Decimal(event.details["epsilon"]):
            problems.append(f"{name}: the publication's epsilon was changed")
        if ledger.get(publication.id, Decimal(0)) != Decimal(event.details["spent"]):
            problems.append(f"{name}: the ledger rows of its publication are missing or changed")
    for publication in publications.values():
        if publication.id not in seen and publication.audit_seq is not None:
            problems.append(f"{publication.period} revision {publication.revision}: its release event is missing")
    for publication_id in ledger:
        if publication_id not in publications:
            problems.append(f"ledger rows name publication {publication_id}, which is missing")
    return problems


def checkpoint_problems(session: Session) -> list[str]:
    """Check each publication's audit checkpoint against the chain: truncation before it is caught here."""
    problems = []
    for publication in session.exec(select(Publication).where(col(Publication.audit_seq).is_not(None))):
        assert publication.audit_seq is not None
        for problem in audit_checkpoint_problems(session, publication.audit_seq, publication.audit_hash or ""):
            problems.append(f"{publication.period} revision {publication.revision}'s checkpoint: {problem}")
    return problems
