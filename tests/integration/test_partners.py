"""Partners: the CLI that issues tokens, token auth on POST /api/v1/reports, its limit per token, the staff label."""

from __future__ import annotations

import hashlib
import logging
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from incidents.models import Report
from incidents.partners.models import Partner
from incidents.partners.service import secret_hash
from tests.conftest import signed_in_client
from tests.integration.test_api import api_payload

TOKEN = re.compile(r"^  (ptk_[A-Za-z0-9_-]{43})$", re.M)
SECRET = re.compile(r"^  (whs_[A-Za-z0-9_-]{43})$", re.M)


def add_partner(runner, name: str, kind: str) -> str:
    result = runner.invoke(args=["partners", "add", name, "--kind", kind])
    assert result.exit_code == 0, result.output
    return TOKEN.search(result.output).group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_add_prints_the_token_once_and_stores_only_its_hash(runner, session):
    result = runner.invoke(args=["partners", "add", "Flaggers United", "--kind", "trusted_flagger"])
    assert result.exit_code == 0, result.output
    token = TOKEN.search(result.output).group(1)
    assert SECRET.search(result.output) is None  # only hubs get a webhook secret
    partner = session.exec(select(Partner)).one()
    assert (partner.name, partner.kind, partner.revoked_at) == ("Flaggers United", "trusted_flagger", None)
    # SHA-256 of the token, pinned by the standard library rather than by the code under test.
    assert partner.token_hash == hashlib.sha256(token.encode()).hexdigest() and partner.webhook_secret_hash is None
    row = session.connection().execute(text("SELECT * FROM partner")).mappings().one()
    assert not any(token in str(value) or token[4:] in str(value) for value in row.values())
    listing = runner.invoke(args=["partners", "list"])
    assert listing.exit_code == 0 and "Flaggers United\ttrusted_flagger\tactive" in listing.output
    assert token not in listing.output and partner.token_hash not in listing.output


def test_a_hub_gets_a_webhook_secret_stored_hashed(runner, session):
    result = runner.invoke(args=["partners", "add", "Hub", "--kind", "hub"])
    assert result.exit_code == 0, result.output
    secret = SECRET.search(result.output).group(1)
    assert "/api/v1/hub/webhook/1" in result.output
    partner = session.exec(select(Partner)).one()
    assert partner.webhook_secret_hash == secret_hash(secret)
    row = session.connection().execute(text("SELECT * FROM partner")).mappings().one()
    assert not any(secret[4:] in str(value) for value in row.values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "X", "--kind", "regulator"], "Unknown kind 'regulator'"),
        (["add", "X", "--kind", "hub", "--kind", "hub"], None),  # click takes the last one: fine
        (["add", "  ", "--kind", "hub"], "A partner's name is 1 to 100"),
        (["revoke", "Nobody"], "No partner named 'Nobody'"),
    ],
)
def test_bad_cli_input_exits_2_with_a_message(runner, args, message):
    result = runner.invoke(args=["partners", *args])
    if message is None:
        assert result.exit_code == 0
        return
    assert result.exit_code == 2 and message in result.output
    assert isinstance(result.exception, SystemExit)  # no traceback


def test_a_duplicate_name_exits_2(runner, session):
    add_partner(runner, "Agency", "authority")
    result = runner.invoke(args=["partners", "add", "Agency", "--kind", "hub"])
    assert result.exit_code == 2 and "A partner named 'Agency' exists already." in result.output
    assert isinstance(result.exception, SystemExit)
    assert len(session.exec(select(Partner)).all()) == 1


def test_a_token_files_the_report_as_its_partner(runner, client, session):
    token = add_partner(runner, "Flaggers United", "trusted_flagger")
    response = client.post("/api/v1/reports", json=api_payload(), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    anonymous = client.post("/api/v1/reports", json=api_payload())
    assert anonymous.status_code == 201
    partner = session.exec(select(Partner)).one()
    rows = session.exec(select(Report).order_by(Report.id)).all()
    assert [(r.source_type, r.partner_id, r.channel) for r in rows] == [
        ("trusted_flagger", partner.id, "public"),
        ("public", None, "public"),
    ]


def test_the_same_idempotency_key_from_two_partners_files_two_reports(runner, client, session):
    first, second = add_partner(runner, "A", "authority"), add_partner(runner, "B", "authority")
    key = {"Idempotency-Key": "k" * 40}
    one = client.post("/api/v1/reports", json=api_payload(), headers={**bearer(first), **key})
    again = client.post("/api/v1/reports", json=api_payload(), headers={**bearer(first), **key})
    other = client.post("/api/v1/reports", json=api_payload(), headers={**bearer(second), **key})
    assert one.get_json()["receipt"] == again.get_json()["receipt"] != other.get_json()["receipt"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in other.headers
    assert len(session.exec(select(Report)).all()) == 2


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ptk_" + "A" * 43,  # well formed, no such token
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer ptk_" + "\u00e9" * 40,
        "Bearer " + "x" * 5000,
        "bearer x;DROP TABLE partner",
    ],
)
def test_a_bad_token_gets_401_json_and_files_nothing(runner, client, session, header):
    add_partner(runner, "Flaggers United", "trusted_flagger")
    response = client.post("/api/v1/reports", json=api_payload(), headers={"Authorization": header})
    assert response.status_code == 401
    assert list(response.get_json()["errors"]) == ["Authorization"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert session.exec(select(Report)).first() is None


def test_a_revoked_token_stops_at_once(runner, client, session):
    token = add_partner(runner, "Flaggers United", "trusted_flagger")
    assert client.post("/api/v1/reports", json=api_payload(), headers=bearer(token)).status_code == 201
    result = runner.invoke(args=["partners", "revoke", "Flaggers United"])
    assert result.exit_code == 0 and "revoked" in result.output
    assert client.post("/api/v1/reports", json=api_payload(), headers=bearer(token)).status_code == 401
    assert len(session.exec(select(Report)).all()) == 1
    assert "\trevoked " in runner.invoke(args=["partners", "list"]).output


def test_partners_file_on_the_public_channel_only(runner, client, session):
    token = add_partner(runner, "Agency", "authority")
    response = client.post("/api/v1/reports", json=api_payload(channel="whistleblower"), headers=bearer(token))
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["channel"]
    assert session.exec(select(Report)).first() is None


def test_the_limit_is_per_token_not_per_address(app_config, session):
    from wsgi import create_app

    app_config.update({"PARTNER_LIMIT": "2 per hour", "INTAKE_LIMIT": "1 per hour"})
    app = create_app(app_config)
    runner, client = app.test_cli_runner(), app.test_client()
    first, second = add_partner(runner, "A", "trusted_flagger"), add_partner(runner, "B", "authority")
    codes = [client.post("/api/v1/reports", json=api_payload(), headers=bearer(first)).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    # The other partner, from the same address, has its own two; the public its own one.
    codes = [client.post("/api/v1/reports", json=api_payload(), headers=bearer(second)).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert [client.post("/api/v1/reports", json=api_payload()).status_code for _ in range(2)] == [201, 429]
    # A wrong token spends the anonymous budget (now spent): guessing costs what filing does.
    assert client.post("/api/v1/reports", json=api_payload(), headers=bearer("ptk_" + "A" * 43)).status_code == 429
    assert len(session.exec(select(Report)).all()) == 5


def test_tokens_never_reach_the_logs(runner, client, caplog):
    token = add_partner(runner, "Flaggers United", "trusted_flagger")
    with caplog.at_level(logging.DEBUG):
        client.post("/api/v1/reports", json=api_payload(), headers=bearer(token))
        client.post("/api/v1/reports", json=api_payload(), headers=bearer(token + "x"))
        client.post("/api/v1/reports", json={"title": 1}, headers=bearer(token))
    # Headers are never logged (core/logs.py); the e2e test reads gunicorn's access and error logs too.
    assert token[4:] not in caplog.text and "Bearer" not in caplog.text


def test_the_staff_pages_show_who_filed_it(runner, app, client, session, make_staff):
    token = add_partner(runner, "Flaggers United", "trusted_flagger")
    client.post("/api/v1/reports", json=api_payload(), headers=bearer(token))
    client.post("/api/v1/reports", json=api_payload())
    staff = signed_in_client(app, make_staff("triager"))
    queue = staff.get("/staff/queue").get_data(as_text=True)
    assert queue.count("Trusted flagger") == 1
    partner_report, public_report = session.exec(select(Report.id).order_by(Report.id)).all()
    page = staff.get(f"/staff/reports/{partner_report}").get_data(as_text=True)
    assert re.search(r"<dt>Filed by</dt><dd>Trusted flagger: Flaggers United</dd>", page)
    page = staff.get(f"/staff/reports/{public_report}").get_data(as_text=True)
    assert re.search(r"<dt>Filed by</dt><dd>The public</dd>", page)
    # A revoked partner's reports still name it, and say since when it may no longer file.
    assert runner.invoke(args=["partners", "revoke", "Flaggers United"]).exit_code == 0
    page = staff.get(f"/staff/reports/{partner_report}").get_data(as_text=True)
    revoked = session.exec(select(Partner)).one().revoked_at.strftime("%Y-%m-%d")
    assert f'Trusted flagger: Flaggers United <span class="muted">(access revoked on {revoked})</span>' in page


def test_the_openapi_document_describes_the_token_and_the_webhook(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"
    reports = spec["paths"]["/api/v1/reports"]["post"]
    assert reports["security"] == [{}, {"partnerToken": []}] and "401" in reports["responses"]
    webhook = spec["paths"]["/api/v1/hub/webhook/{partner_id}"]["post"]
    assert {"201", "200", "400", "401", "404", "413", "429"} == set(webhook["responses"])
    assert "X-Webhook-Secret" in [p["name"] for p in webhook["parameters"]]
