"""A model's details and card: edit them, import a card, review its documentation item by item.

An import stores the card's text and what was read from it, copies its licence and base models
into the record (staff may correct them afterwards in the details form), and writes each checklist
item's automatic result afresh, clearing the reviewers' results: they judged another text. A
reviewer then confirms or overrides each item; their result wins. Every step is an audit event, and
every step evaluates the model's listing (`listing_service.evaluate_listing`), which never lists it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, update
from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.errors import DomainError, conflict
from incidents.models import ModelRecord
from incidents.registry.card_models import CardReviewItem
from incidents.registry.cards import ParsedCard
from incidents.registry.checklist import Result, check_card
from incidents.registry.documentation import Documentation, ItemState, documentation
from incidents.registry.listing_service import evaluate_listing

__all__ = ["Documentation", "ItemState", "documentation", "import_card", "review_item", "update_details"]

DETAIL_FIELDS = ("provider", "url", "hub_url", "licence", "release_type", "base_models", "owner_contact")


def _write(session: Session, model: ModelRecord, row_version: int, values: dict) -> None:
    """Change the record only if nobody else changed it since the form was shown."""
    result = session.execute(
        update(ModelRecord)
        .where(ModelRecord.id == model.id, ModelRecord.row_version == row_version)
        .values(row_version=ModelRecord.row_version + 1, **values)
    )
    if result.rowcount != 1:
        raise conflict()


def _audit(session: Session, action: str, actor: StaffUser, model: ModelRecord, details: dict) -> None:
    append_event(
        session, action=action, actor_id=actor.id, target_type="model", target_id=str(model.id), details=details
    )


def update_details(session: Session, model: ModelRecord, *, actor: StaffUser, data: dict) -> ModelRecord:
    values = {name: data.get(name) for name in DETAIL_FIELDS}
    values["provider"] = values["provider"] or ""
    values["licence"] = (values["licence"] or "").strip()
    values["base_models"] = list(values["base_models"] or [])
    values["owner_contact"] = (values["owner_contact"] or "").strip() or None
    changed = sorted(name for name, value in values.items() if getattr(model, name) != value)
    _write(session, model, data["row_version"], values)
    evaluation = evaluate_listing(session, model, why="details")
    _audit(session, "model.details_changed", actor, model, {"fields": changed})
    evaluation.audit(session, actor)
    session.commit()
    session.refresh(model)
    return model


def import_card(
    session: Session,
    model: ModelRecord,
    *,
    actor: StaffUser,
    card: ParsedCard,
    text: str,
    source: str,
    row_version: int,
) -> list[Result]:
    """Store a parsed card and its automatic check; return the check's results."""
    results = check_card(card)
    values = {
        "card_markdown": text,
        "card_data": card.as_data(),
        "card_imported_at": clock.now(),
        "licence": card.licence or model.licence,
        "base_models": list(card.base_models) or list(model.base_models or []),
    }
    _write(session, model, row_version, values)
    session.execute(delete(CardReviewItem).where(CardReviewItem.model_id == model.id))
    for result in results:
        session.add(
            CardReviewItem(
                model_id=model.id or 0,
                item_id=result.item.id,
                automatic_result=result.result,
                automatic_reason=result.reason.value,
            )
        )
    raw = text.encode()
    details = {
        "source": source,
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),  # which text the reviews that follow judged
        "failed": [r.item.id for r in results if not r.passed],
    }
    evaluation = evaluate_listing(session, model, why="card")
    _audit(session, "model.card_imported", actor, model, details)
    evaluation.audit(session, actor)
    session.commit()
    session.refresh(model)
    return results


def review_item(
    session: Session, model: ModelRecord, *, actor: StaffUser, item_id: str, result: str, note: str, row_version: int
) -> CardReviewItem:
    """A reviewer's result for one item of the card last imported (the form names the record's version)."""
    # The record's version as stored now (locked on PostgreSQL): an import committed since the form was drawn wins.
    stored = session.exec(select(ModelRecord.row_version).where(ModelRecord.id == model.id).with_for_update()).one()
    if stored != row_version:
        raise conflict()
    row = session.exec(
        select(CardReviewItem).where(CardReviewItem.model_id == model.id, CardReviewItem.item_id == item_id)
    ).first()
    if row is None:
        raise DomainError(N_("Import a model card before reviewing it."))
    if result != row.automatic_result and len(note.strip()) < 5:  # the form checks too, against what it showed
        raise DomainError(N_("Say in a note why you override the automatic check."))
    row.reviewer_result = result
    row.note = note.strip()
    row.reviewer_id = actor.id
    row.reviewed_at = clock.now()
    session.add(row)
    # The result decides the `card_incomplete` criterion: evaluate, which may send a listed model back to review
    # and supersedes a proposal still waiting, but never lists a model (only a confirmed approval does).
    evaluation = evaluate_listing(session, model, why="card_review")
    # The note is the reviewer's reason (staff's words about a public card, never reporter content): the audit
    # log keeps it, since a new import clears the review rows.
    details: dict[str, object] = {"item": item_id, "automatic": row.automatic_result, "result": result}
    details.update(note=row.note[:2000], overridden=result != row.automatic_result)
    _audit(session, "model.card_reviewed", actor, model, details)
    evaluation.audit(session, actor)
    session.commit()
    session.refresh(row)
    return row
