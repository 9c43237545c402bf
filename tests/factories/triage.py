"""Reports stored through the real intake pipeline, for triage tests."""

from __future__ import annotations

from incidents.intake import receipts
from incidents.intake import service as intake
from incidents.models import Report

BASE = {
    "title": "Chatbot gave dangerous medical advice",
    "description": "The assistant told a patient to double an insulin dose, twice in one chat.",
    "category": "safety_failure",
    "severity": "incident",
    "model_name": "Aurora",
    "serious_flags": [],
    "share_consent": True,
}


def stored_report(app, session, *, channel: str = "public", receipt: str | None = None, **fields) -> Report:
    """Submit a report through intake.submit_report and return the stored row."""
    data = {**BASE, **fields}
    result = intake.submit_report(
        session=session,
        data=data,
        uploads=[],
        channel=channel,
        receipt=receipt or receipts.new_receipt(),
        keys=intake.platform_keys(app),
        fresh_receipt=True,
    )
    return session.get(Report, result.report_id)
