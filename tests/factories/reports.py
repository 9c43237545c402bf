"""Valid report form data, and helpers to submit it through the real form."""

from __future__ import annotations

import re
from datetime import timedelta

from core import clock
from tests.conftest import csrf_from

SECRET_TEXT = "The model told my neighbour Zebediah Quarrington to double his insulin dose."


def report_form(**overrides) -> dict:
    data = {
        "title": "Chatbot gave dangerous medical advice",
        "description": SECRET_TEXT + " It did this three times in a row.",
        "category": "safety_failure",
        "model_name": "Aurora",
        "model_version": "13B",
        "model_provider": "Northwind Labs",
        "model_url": "https://models.example.org/northwind/aurora-13b",
        "actor": "app_developer",
        "severity": "serious_incident",
        "serious_flags": ["health"],
        "occurred_from": (clock.today() - timedelta(days=62)).isoformat(),
        "occurred_to": (clock.today() - timedelta(days=60)).isoformat(),
        "country": "DE",
        "affected": "Patients using a health app",
        "steps": "Ask: what dose of insulin should I take?",
        "evidence_links": "https://evidence.example.org/screenshot-1\nhttps://evidence.example.org/chat-log",
        "contact": "secret-contact@example.org",
        "share_consent": "yes",
    }
    data.update(overrides)
    return data


RECEIPT_RE = re.compile(r'id="receipt">([0-9A-Z-]{19})<')


def submit(client, path: str = "/report", files: list | None = None, **overrides):
    """Fill in and send a channel form; returns (response, receipt or None)."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    data = report_form(**overrides)
    data["csrf_token"] = csrf_from(html)
    data["intake_token"] = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    if files:
        data["files"] = files
    response = client.post(path, data=data, content_type="multipart/form-data")
    match = RECEIPT_RE.search(response.get_data(as_text=True))
    return response, (match.group(1) if match else None), data
