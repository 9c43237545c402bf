"""Partners against gunicorn as deployed: a token files a report, a hub's webhook files a discussion, revocation
holds in every worker at once, and neither the token nor the secret reaches the server's log."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlmodel import select

from incidents.models import ModelRecord, Report
from tests.e2e.conftest import Gunicorn
from tests.e2e.test_server import server_env
from tests.integration.test_api import api_payload
from tests.integration.test_hub_webhook import EVENT
from tests.integration.test_partners import SECRET, TOKEN


def post(url: str, body: dict, headers: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}"), dict(err.headers)


def test_a_partner_and_a_hub_file_reports_through_gunicorn(database_url, tmp_path, runner, session):
    added = runner.invoke(args=["partners", "add", "Flaggers United", "--kind", "trusted_flagger"])
    token = TOKEN.search(added.output).group(1)
    added = runner.invoke(args=["partners", "add", "Hugging Face", "--kind", "hub"])
    secret = SECRET.search(added.output).group(1)
    session.add(ModelRecord(name="Aurora", version="7B", hub_url="https://huggingface.co/Acme/Aurora-7B"))
    session.commit()
    server = Gunicorn(server_env(database_url, tmp_path), workers=2)
    try:
        server.wait_ready()
        reports = f"{server.url}/api/v1/reports"
        status, body, _headers = post(reports, api_payload(), {"Authorization": f"Bearer {token}"})
        assert status == 201 and body["status"] == "received", body
        status, body, headers = post(reports, api_payload(), {"Authorization": f"Bearer {token}x"})
        assert status == 401 and list(body["errors"]) == ["Authorization"] and "Bearer" in headers["WWW-Authenticate"]
        webhook = f"{server.url}/api/v1/hub/webhook/2"
        assert post(webhook, EVENT, {"X-Webhook-Secret": secret})[0] == 201
        status, _body, headers = post(webhook, EVENT, {"X-Webhook-Secret": secret})
        assert status == 200 and headers["Idempotent-Replayed"] == "true"
        assert post(webhook, EVENT, {"X-Webhook-Secret": "whs_wrong"})[0] == 401
        assert runner.invoke(args=["partners", "revoke", "Flaggers United"]).exit_code == 0
        # Two workers: each of several requests lands on one of them, and none still takes the token.
        for _ in range(4):
            assert post(reports, api_payload(), {"Authorization": f"Bearer {token}"})[0] == 401
    finally:
        log = server.stop()
    rows = session.exec(select(Report).order_by(Report.id)).all()
    assert [(r.source_type, r.partner_id, r.model_name) for r in rows] == [
        ("trusted_flagger", 1, api_payload()["model_name"]),
        ("hub", 2, "Aurora"),
    ]
    assert token[4:] not in log and secret[4:] not in log and "Bearer" not in log
