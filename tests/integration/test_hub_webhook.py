"""POST /api/v1/hub/webhook/<partner_id>: Hugging Face-style discussion events filed as reports."""

from __future__ import annotations

import copy
import json

import pytest
from sqlmodel import select

from core import sealing
from incidents.intake.service import platform_keys
from incidents.models import ModelRecord, Report
from tests.integration.test_partners import SECRET, add_partner

# The shape of Hugging Face's payload for a new discussion (https://huggingface.co/docs/hub/webhooks), trimmed.
EVENT = {
    "event": {"action": "create", "scope": "discussion"},
    "repo": {"type": "model", "name": "Acme/Aurora-7B", "id": "6475...", "private": False},
    "discussion": {
        "id": "6476...",
        "title": "The model writes working exploit code on request",
        "url": {
            "web": "https://huggingface.co/Acme/Aurora-7B/discussions/12",
            "api": "https://huggingface.co/api/models/Acme/Aurora-7B/discussions/12",
        },
        "status": "open",
        "author": {"id": "61d2..."},
        "num": 12,
        "isPullRequest": False,
    },
    "webhook": {"id": "6390...", "version": 3},
}


@pytest.fixture
def hub(runner, session):
    result = runner.invoke(args=["partners", "add", "Hugging Face", "--kind", "hub"])
    assert result.exit_code == 0, result.output
    return {"id": 1, "secret": SECRET.search(result.output).group(1)}


def deliver(client, hub, event=EVENT, secret=None, partner_id=None, **kwargs):
    headers = {"X-Webhook-Secret": secret if secret is not None else hub["secret"]}
    path = f"/api/v1/hub/webhook/{partner_id or hub['id']}"
    if "data" in kwargs:
        return client.post(path, headers={**headers, "Content-Type": "application/json"}, **kwargs)
    return client.post(path, json=event, headers=headers)


def sealed_content(app, report: Report) -> dict:
    keys = platform_keys(app)
    return sealing.unseal_json(report.sealed, report.wrapped_keys, sealing.PLATFORM, keys.private)


def test_a_new_discussion_files_one_report_linked_to_the_registry(app, client, session, hub):
    session.add(
        ModelRecord(name="Aurora", version="7B", provider="Acme", hub_url="https://huggingface.co/acme/aurora-7b")
    )
    session.add(ModelRecord(name="Other", hub_url="https://huggingface.co/acme/other"))
    session.commit()
    response = deliver(client, hub)
    assert response.status_code == 201 and response.get_json() == {"status": "received"}
    again = deliver(client, hub)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    report = session.exec(select(Report)).one()
    assert (report.channel, report.source_type, report.partner_id) == ("public", "hub", 1)
    assert (report.category, report.severity) == ("other", "hazard")
    assert (report.model_name, report.model_key, report.model_version, report.model_provider) == (
        "Aurora",
        "aurora",
        "7B",
        "Acme",
    )
    assert report.model_url == "https://huggingface.co/acme/aurora-7b"
    content = sealed_content(app, report)
    assert content["title"] == "The model writes working exploit code on request"
    assert content["evidence_links"] == ["https://huggingface.co/Acme/Aurora-7B/discussions/12"]
    assert "https://huggingface.co/Acme/Aurora-7B/discussions/12" in content["description"]


def test_a_repo_the_registry_does_not_know_keeps_its_hub_name(client, session, hub):
    assert deliver(client, hub).status_code == 201
    report = session.exec(select(Report)).one()
    assert (report.model_name, report.model_key, report.model_url) == (
        "Acme/Aurora-7B",
        "acme/aurora-7b",
        "https://huggingface.co/Acme/Aurora-7B",
    )


def test_another_discussion_files_another_report(client, session, hub):
    other = copy.deepcopy(EVENT)
    other["discussion"]["url"]["web"] = "https://huggingface.co/Acme/Aurora-7B/discussions/13"
    assert [deliver(client, hub).status_code, deliver(client, hub, other).status_code] == [201, 201]
    assert len(session.exec(select(Report)).all()) == 2


@pytest.mark.parametrize("secret", ["", "whs_wrong", "x" * 5000])
def test_a_missing_or_wrong_secret_is_401(client, session, hub, secret):
    response = deliver(client, hub, secret=secret)
    assert response.status_code == 401 and list(response.get_json()["errors"]) == ["X-Webhook-Secret"]
    assert session.exec(select(Report)).first() is None


def test_no_secret_header_at_all_is_401(client, session, hub):
    response = client.post("/api/v1/hub/webhook/1", json=EVENT)
    assert response.status_code == 401
    assert session.exec(select(Report)).first() is None


def test_a_revoked_hub_is_401_at_once(runner, client, session, hub):
    assert runner.invoke(args=["partners", "revoke", "Hugging Face"]).exit_code == 0
    assert deliver(client, hub).status_code == 401
    assert session.exec(select(Report)).first() is None


def test_an_unknown_partner_or_one_that_is_no_hub_gets_the_wrong_secrets_answer(runner, client, session, hub):
    token = add_partner(runner, "Flaggers", "trusted_flagger")
    wrong = deliver(client, hub, secret="x" * 43)
    # The same 401 for all three: the answer does not tell which ids are hubs.
    for response in (deliver(client, hub, partner_id=99), deliver(client, hub, partner_id=2, secret=token), wrong):
        assert response.status_code == 401 and list(response.get_json()["errors"]) == ["X-Webhook-Secret"]
    assert client.post("/api/v1/hub/webhook/abc", json=EVENT).status_code == 404  # not an id at all
    assert session.exec(select(Report)).first() is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "_schema"),
        ("[1, 2]", "_schema"),
        (json.dumps({"repo": {}}), "event"),
        (json.dumps({**EVENT, "discussion": {**EVENT["discussion"], "title": ""}}), "discussion.title"),
        (json.dumps({**EVENT, "discussion": {**EVENT["discussion"], "title": "x" * 201}}), "discussion.title"),
        (json.dumps({**EVENT, "discussion": {**EVENT["discussion"], "url": "https://x"}}), "discussion.url.web"),
        (json.dumps({**EVENT, "discussion": {**EVENT["discussion"], "url": {"web": "ftp://x"}}}), "discussion.url.web"),
        (json.dumps({**EVENT, "repo": {"type": "model", "name": 5}}), "repo.name"),
    ],
)
def test_broken_events_are_400_naming_the_field(client, session, hub, body, field):
    response = deliver(client, hub, data=body)
    assert response.status_code == 400 and list(response.get_json()["errors"]) == [field]
    assert session.exec(select(Report)).first() is None


def test_a_body_over_the_cap_is_413(app, client, session, hub):
    app.config["API_JSON_MAX_BYTES"] = 1000
    big = copy.deepcopy(EVENT)
    big["discussion"]["padding"] = "x" * 2000
    assert deliver(client, hub, big).status_code == 413
    assert session.exec(select(Report)).first() is None


@pytest.mark.parametrize(
    "change",
    [
        {"event": {"action": "create", "scope": "discussion.comment"}},
        {"event": {"action": "update", "scope": "discussion"}},
        {"event": {"action": "update", "scope": "repo.content"}},
        {"repo": {"type": "dataset", "name": "Acme/data"}},
        {"discussion": {**EVENT["discussion"], "isPullRequest": True}},
    ],
)
def test_events_other_than_a_new_discussion_on_a_model_are_ignored_with_200(client, session, hub, change):
    response = deliver(client, hub, {**EVENT, **change})
    assert response.status_code == 200 and response.get_json()["status"] == "ignored"
    assert session.exec(select(Report)).first() is None


def test_the_webhook_has_its_partners_own_limit(app_config, session):
    from wsgi import create_app

    app_config.update({"PARTNER_LIMIT": "2 per hour"})
    app = create_app(app_config)
    result = app.test_cli_runner().invoke(args=["partners", "add", "Hub", "--kind", "hub"])
    hub = {"id": 1, "secret": SECRET.search(result.output).group(1)}
    client = app.test_client()
    events = [copy.deepcopy(EVENT) for _ in range(3)]
    for n, event in enumerate(events):
        event["discussion"]["url"]["web"] += f"{n}"
    assert [deliver(client, hub, event).status_code for event in events] == [201, 201, 429]


def test_ignored_events_do_not_spend_the_hubs_limit(app_config, session):
    from wsgi import create_app

    app_config.update({"PARTNER_LIMIT": "2 per hour"})
    app = create_app(app_config)
    result = app.test_cli_runner().invoke(args=["partners", "add", "Hub", "--kind", "hub"])
    hub = {"id": 1, "secret": SECRET.search(result.output).group(1)}
    client = app.test_client()
    comment = {**EVENT, "event": {"action": "create", "scope": "discussion.comment"}}
    assert [deliver(client, hub, comment).status_code for _ in range(5)] == [200] * 5
    events = [copy.deepcopy(EVENT) for _ in range(2)]
    for n, event in enumerate(events):
        event["discussion"]["url"]["web"] += f"{n}"
    assert [deliver(client, hub, event).status_code for event in events] == [201, 201]
