"""A hub's webhook as a report: which events file one, what the report says, and the registry record it names.

Hugging Face sends every event a webhook watches as JSON with `event.action` and `event.scope`
(https://huggingface.co/docs/hub/webhooks). A report is a new discussion on a model repo:
`scope` "discussion" with `action` "create" and `discussion.isPullRequest` false. Comments
("discussion.comment"), edits, status changes, pull requests, repo events and datasets or Spaces are
answered 200 with `"status": "ignored"`, so the hub does not count them as failed deliveries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import load_only
from sqlmodel import Session, select

from core.schemas import schema, validate_data
from incidents.intake import receipts
from incidents.intake import service as intake
from incidents.intake.schemas import ReportSchema
from incidents.models import Category, Channel, ModelRecord, Severity
from incidents.partners.models import Partner
from incidents.registry.lineage import repo_id
from incidents.vocabulary import ReportKind, SourceType

TITLE_MAX = 200
URL_MAX = 500
REPO_MAX = 200


class BadPayload(ValueError):
    """A discussion event with a field missing or malformed; `field` names it (dotted)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Discussion:
    repo: str  # `org/name` as the hub writes it
    title: str
    url: str


def _text(payload: dict, path: str, limit: int) -> str:
    value: object = payload
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise BadPayload(path, f"{path} is missing or not text.")
    if len(value) > limit:
        raise BadPayload(path, f"{path} is longer than {limit} characters.")
    return value.strip()


def ignored_because(payload: dict) -> str | None:
    """Say why an event files no report, or None when it is a new discussion on a model."""
    event = payload.get("event")
    if not isinstance(event, dict):
        raise BadPayload("event", "event is missing or not an object.")
    if event.get("scope") != "discussion" or event.get("action") != "create":
        return "only a new discussion (event.scope 'discussion', event.action 'create') files a report"
    repo, discussion = payload.get("repo"), payload.get("discussion")
    if not isinstance(repo, dict) or repo.get("type") != "model":
        return "only discussions on model repos file a report"
    if isinstance(discussion, dict) and discussion.get("isPullRequest") is True:
        return "pull requests file no report"
    return None


def read_discussion(payload: dict) -> Discussion:
    """Return the discussion a create event names, or raise BadPayload naming the field."""
    url = _text(payload, "discussion.url.web", URL_MAX)
    if not url.startswith("https://"):
        raise BadPayload("discussion.url.web", "discussion.url.web must be an https URL.")
    return Discussion(
        repo=_text(payload, "repo.name", REPO_MAX),
        title=_text(payload, "discussion.title", TITLE_MAX),
        url=url,
    )


def registry_record(session: Session, repo: str) -> ModelRecord | None:
    """Return the newest registry record whose hub URL names this repo id (case ignored), if any."""
    # Only the columns a report takes: each delivery reads the records with a hub URL, never their cards.
    columns = (ModelRecord.id, ModelRecord.name, ModelRecord.version, ModelRecord.provider, ModelRecord.hub_url)
    query = select(ModelRecord).options(load_only(*columns)).where(ModelRecord.hub_url.is_not(None))
    rows = session.exec(query.order_by(ModelRecord.id.desc()))
    return next((r for r in rows if repo_id(r.hub_url) == repo.lower()), None)


# The event's field each report field is made from, to name in a refusal.
SOURCE_FIELDS = {
    "title": "discussion.title",
    "description": "discussion.title",
    "evidence_links": "discussion.url.web",
    "model_name": "repo.name",
    "model_url": "repo.name",
}


def report_data(discussion: Discussion, record: ModelRecord | None) -> dict:
    """The report a discussion files: a general report, of the lowest severity and category `other` until
    triage says otherwise."""
    title = discussion.title if len(discussion.title) >= 5 else f"Hub discussion: {discussion.title}"
    return {
        "kind": ReportKind.GENERAL.value,
        "title": title[:TITLE_MAX],
        "description": f"A discussion was opened on the hub repo {discussion.repo}: {discussion.title}\n"
        f"{discussion.url}",
        "evidence_links": [discussion.url],
        "category": Category.OTHER.value,
        "severity": Severity.HAZARD.value,
        "share_consent": False,
        "model_name": record.name if record else discussion.repo,
        "model_version": record.version or None if record else None,
        "model_provider": record.provider or None if record else None,
        "model_url": (record.hub_url if record else None) or f"https://huggingface.co/{discussion.repo}",
    }


def checked_report(discussion: Discussion, record: ModelRecord | None, partner: Partner) -> dict:
    """The discussion's report as the report schema loads it, so it meets the rules every report meets, filed as
    the hub's; BadPayload names the event's field a refused value came from."""
    data, errors = validate_data(schema(ReportSchema), report_data(discussion, record))
    if errors:
        name, messages = next(iter(errors.items()))
        raise BadPayload(SOURCE_FIELDS.get(name, f"report.{name}"), " ".join(messages))
    return {**data, "source_type": SourceType.HUB.value, "partner_id": partner.id}


def file_discussion(
    session: Session, partner: Partner, discussion: Discussion, keys: intake.PlatformKeys
) -> intake.IntakeResult:
    """File the discussion as a public report from the hub; the same discussion URL files once.

    The receipt is derived from the partner and the URL under the receipt key, so a redelivery finds the
    stored report through its receipt hash, as an Idempotency-Key does on the API.
    """
    digest = hashlib.sha256(discussion.url.encode()).hexdigest()
    receipt = receipts.receipt_for_key(keys.receipt_key, f"hub-webhook-{partner.id}", digest)
    data = checked_report(discussion, registry_record(session, discussion.repo), partner)
    return intake.submit_report(
        session=session,
        data=data,
        uploads=[],
        channel=Channel.PUBLIC.value,
        receipt=receipt,
        keys=keys,
        language="en",
    )
