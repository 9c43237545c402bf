"""POST /api/v1/reports and the OpenAPI description."""

import base64

from sqlmodel import select

from incidents.models import Attachment, Report
from tests.conftest import csrf_from
from tests.factories import files
from tests.factories.reports import report_form


def api_payload(**overrides):
    data = report_form()
    data["serious_flags"] = ["health"]
    data["evidence_links"] = ["https://evidence.example.org/a"]
    data["share_consent"] = True
    data.update(overrides)
    return data


def test_api_accepts_a_report_and_returns_a_receipt(client, session):
    response = client.post(
        "/api/v1/reports",
        json=api_payload(
            attachments=[{"filename": "shot.jpg", "content_base64": base64.b64encode(files.jpeg_with_gps()).decode()}]
        ),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["receipt"]) == 19 and body["status"] == "received"
    report = session.exec(select(Report)).one()
    assert report.channel == "public" and report.flag_health
    assert len(session.exec(select(Attachment)).all()) == 1
    page = client.get("/followup")
    thread = client.post(
        "/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": body["receipt"]}
    )
    assert thread.status_code == 200


def test_api_errors_name_each_field(client, session):
    response = client.post(
        "/api/v1/reports", json=api_payload(title="abc", category="nope", country="ZZZ", unexpected="x")
    )
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {"title", "category", "country", "unexpected"} <= set(errors)
    assert all(isinstance(m, list) and m for m in errors.values())
    assert session.exec(select(Report)).first() is None


def test_api_broken_json_and_wrong_types(client):
    for body, headers in (
        ("{not json", {"Content-Type": "application/json"}),
        ("[1, 2]", {"Content-Type": "application/json"}),
        ("title=x", {"Content-Type": "application/x-www-form-urlencoded"}),
    ):
        response = client.post("/api/v1/reports", data=body, headers=headers)
        assert response.status_code == 400 and "errors" in response.get_json()
    response = client.post("/api/v1/reports", json=api_payload(title=123, evidence_links="not-a-list-url"))
    assert response.status_code == 400 and "title" in response.get_json()["errors"]


def test_api_refuses_bad_attachments(client, session):
    for item, message in (
        ({"filename": "a.txt", "content_base64": "%%%"}, "not valid base64"),
        ({"filename": "page.pdf", "content_base64": base64.b64encode(files.HTML).decode()}, "active code"),
    ):
        response = client.post("/api/v1/reports", json=api_payload(attachments=[item]))
        assert response.status_code == 400
        assert any(message in m for m in response.get_json()["errors"]["attachments"])
    assert session.exec(select(Report)).first() is None


def test_api_whistleblower_without_recipients_is_503(client):
    response = client.post("/api/v1/reports", json=api_payload(channel="whistleblower"))
    assert response.status_code == 503 and "channel" in response.get_json()["errors"]


def test_openapi_describes_the_intake_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    post = spec["paths"]["/api/v1/reports"]["post"]
    assert set(post["responses"]) >= {"201", "400"}
    report = spec["components"]["schemas"]["Report"]
    assert {"title", "description", "category", "severity"} <= set(report["required"])
    assert report["properties"]["category"]["enum"][0] == "child_safety"
