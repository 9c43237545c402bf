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
    assert response.status_code == 422
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
    # A JSON object whose fields have the wrong types is a report with field errors: 422.
    response = client.post("/api/v1/reports", json=api_payload(title=123, evidence_links="not-a-list-url"))
    assert response.status_code == 422 and "title" in response.get_json()["errors"]


def test_api_refuses_bad_attachments(client, session):
    for item, message in (
        ({"filename": "a.txt", "content_base64": "%%%"}, "not valid base64"),
        ({"filename": "page.pdf", "content_base64": base64.b64encode(files.HTML).decode()}, "active code"),
    ):
        response = client.post("/api/v1/reports", json=api_payload(attachments=[item]))
        assert response.status_code == 422
        assert any(message in m for m in response.get_json()["errors"]["attachments"])
    assert session.exec(select(Report)).first() is None


def test_api_whistleblower_without_recipients_is_503(client):
    response = client.post("/api/v1/reports", json=api_payload(channel="whistleblower"))
    assert response.status_code == 503 and "channel" in response.get_json()["errors"]


def test_openapi_describes_the_intake_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    post = spec["paths"]["/api/v1/reports"]["post"]
    assert set(post["responses"]) >= {"201", "400", "422"}
    report = spec["components"]["schemas"]["Report"]
    # Category and severity are the general kind's questions (the default kind's, as before); other kinds imply them.
    assert {"title", "description"} == set(report["required"])
    assert "general kind" in report["properties"]["category"]["description"]
    assert report["properties"]["category"]["enum"][0] == "child_safety"


KEY = "retry-key-made-of-32-random-bytes_b64url-0123456789"


def test_a_retry_with_the_same_idempotency_key_gets_the_same_receipt_and_stores_one_report(client, session):
    first = client.post("/api/v1/reports", json=api_payload(), headers={"Idempotency-Key": KEY})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The client timed out before the answer came; it sends the same report again with the same key.
    again = client.post("/api/v1/reports", json=api_payload(), headers={"Idempotency-Key": KEY})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["receipt"] == first.get_json()["receipt"]
    assert len(session.exec(select(Report)).all()) == 1
    # Another key is another report, with its own receipt; no key at all, likewise.
    other = client.post("/api/v1/reports", json=api_payload(), headers={"Idempotency-Key": KEY[::-1]})
    plain = client.post("/api/v1/reports", json=api_payload())
    receipts = {r.get_json()["receipt"] for r in (first, other, plain)}
    assert len(receipts) == 3 and len(session.exec(select(Report)).all()) == 3
    # The receipt opens the report like any other.
    page = client.get("/followup")
    thread = client.post(
        "/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": first.get_json()["receipt"]}
    )
    assert thread.status_code == 200


def test_an_idempotency_key_gives_the_receipt_back_only_with_the_same_report(client, session):
    """Whoever guesses or reuses a key gets nothing of another report: the receipt is bound to the key and the body."""
    first = client.post("/api/v1/reports", json=api_payload(), headers={"Idempotency-Key": KEY})
    # The same report with its fields in another order is the same report.
    reordered = dict(reversed(list(api_payload().items())))
    again = client.post("/api/v1/reports", json=reordered, headers={"Idempotency-Key": KEY})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["receipt"] == first.get_json()["receipt"]
    # The same key with another report stores that report, under its own receipt.
    other = client.post(
        "/api/v1/reports", json=api_payload(title="A different report entirely"), headers={"Idempotency-Key": KEY}
    )
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.get_json()["receipt"] != first.get_json()["receipt"]
    assert len(session.exec(select(Report)).all()) == 2


def test_a_guessable_idempotency_key_is_refused_and_stores_nothing(client, session):
    for key in ("1", "short-key", "x" * 31, "a key with spaces that is long enough to pass", "é" * 40, "k" * 201):
        response = client.post("/api/v1/reports", json=api_payload(), headers={"Idempotency-Key": key})
        assert response.status_code == 400, key
        assert "Idempotency-Key" in response.get_json()["errors"]
    assert session.exec(select(Report)).all() == []


def test_the_idempotency_key_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/reports"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"]
