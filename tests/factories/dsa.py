"""Enforcement actions in bulk, for the DSA export and submission tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from incidents.models import EnforcementAction


def bulk_actions(session, count: int, **fields) -> None:
    """Insert `count` takedowns of 2026Q3 directly (the service would add an audit event each)."""
    at = datetime(2026, 8, 20, 12, tzinfo=UTC)
    row = {
        "action_type": "takedown",
        "target_kind": "content",
        "target": "a file",
        "ground_type": "policy",
        "ground_reference": "Terms 4.1",
        "explanation": "The file gave step-by-step instructions for a weapon.",
        "detection": "manual",
        "decision": "manual",
        "territorial_scope": [],
        "decided_at": at,
        "applied_at": at,
        "created_at": at,
        **fields,
    }
    session.execute(insert(EnforcementAction), [row] * count)
    session.commit()
