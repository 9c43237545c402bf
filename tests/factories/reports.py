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


# The receipt as the receipt page shows it: four groups of four, each in its own span (kept on one line).
RECEIPT_RE = re.compile(r'id="receipt"[^>]*>((?:<span class="receipt-group">[0-9A-Z]{4}</span>-?(?:<wbr>)?){4})</p>')


def receipt_shown(html: str) -> str | None:
    """Return the receipt a receipt page shows, as the reporter reads it (ABCD-1234-EFGH-5678), or None."""
    match = RECEIPT_RE.search(html)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else None


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
    return response, receipt_shown(response.get_data(as_text=True)), data


# Each kind's answers in a form; the free-text ones are made-up words that must appear in no plain column.
WORK_TEXT = "The novel Marrowfield Nights by Ottoline Quarrie, at https://books.example.org/marrowfield"
HOLDER_TEXT = "Quarrie Literary Estate"
RISK_TEXT = "Anyone could find Zebediah Quarrington at home and follow him."
RULE_TEXT = "Rule 7.3 of the Thistlewood policy"
KIND_ANSWERS = {
    "general": {},
    "abuse": {"abuse_type": "harassment"},
    "private_information": {"information_type": "location", "reporter_role": "representative", "risk": RISK_TEXT},
    "intellectual_property": {
        "work": WORK_TEXT,
        "rights_holder": HOLDER_TEXT,
        "reporter_role": "representative",
        "notice_type": "DMCA",
        "good_faith": "yes",
    },
    "licence_violation": {"licence": "llama2", "licence_clause": "aup-3"},
    "acceptable_use": {"use_rule": "deception", "rule_reference": RULE_TEXT},
}


def kind_form(report_kind: str, **overrides) -> dict:
    """A valid form of one kind: the shared answers it asks, and its own."""
    from incidents.intake.kinds import KINDS, OPTIONAL_SHARED

    data = {key: value for key, value in report_form().items() if key not in OPTIONAL_SHARED}
    data.update({key: value for key, value in report_form().items() if key in KINDS[report_kind].asks})
    data.update(kind=report_kind, **KIND_ANSWERS[report_kind])
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit_kind(client, report_kind: str, lang: str | None = None, **overrides):
    """Open a kind's form as a browser would (no JavaScript) and send it; returns (response, receipt or None, data)."""
    path = f"/report?kind={report_kind}" + (f"&lang={lang}" if lang else "")
    html = client.get(path).get_data(as_text=True)
    data = kind_form(report_kind, **overrides)
    data["csrf_token"] = csrf_from(html)
    data["intake_token"] = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    response = client.post(path, data=data, content_type="multipart/form-data")
    return response, receipt_shown(response.get_data(as_text=True)), data
