"""The JSON intake API: a body over API_JSON_MAX_BYTES is refused (413) unread; deep nesting is a clear 400."""

from __future__ import annotations

import io
import json

import pytest
from sqlmodel import select

from core.jsonbody import MAX_DEPTH
from incidents.intake.schemas import ApiReportSchema
from incidents.models import Report
from tests.conftest import signed_in_client
from tests.factories.triage import stored_report
from tests.integration.test_api import api_payload

API = "/api/v1/reports"


class UnreadableBody(io.RawIOBase):
    """A request body of `size` bytes that fails the test if the app reads any of it."""

    def __init__(self, size: int):
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size + offset if whence == io.SEEK_END else offset
        return self.position

    def readinto(self, buffer) -> int:
        raise AssertionError("the app read a body it should have refused from its length")


def test_a_body_over_the_limit_is_413_before_it_is_read(app, client, session):
    limit = app.config["API_JSON_MAX_BYTES"]
    response = client.post(API, input_stream=UnreadableBody(limit + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == 413
    assert session.exec(select(Report)).first() is None


def test_a_real_body_one_byte_over_the_limit_is_413(app, client, session):
    app.config["API_JSON_MAX_BYTES"] = 64 * 1024
    body = json.dumps(api_payload(steps="x"))
    body = body[:-1] + " " * (64 * 1024 + 1 - len(body)) + "}"
    assert len(body.encode()) == 64 * 1024 + 1
    assert client.post(API, data=body, content_type="application/json").status_code == 413
    assert client.post(API, data=body[:-2] + "}", content_type="application/json").status_code == 201


def _longest_valid_report() -> dict:
    """Every text field at its schema maximum, in characters that \\u-escaping makes longest (12 bytes each)."""
    fields = ApiReportSchema().fields
    longest = {}
    for name in ("title", "description", "model_name", "model_version", "model_provider", "affected", "steps"):
        longest[name] = "\U0001f600" * _maximum(fields[name])
    longest["contact"] = "\U0001f600" * _maximum(fields["contact"])
    link = "https://evidence.example.org/" + "a" * (500 - len("https://evidence.example.org/"))
    longest["evidence_links"] = [link] * 20
    longest["model_url"] = link
    return api_payload(**longest)


def _maximum(field) -> int:
    validators = field.validators
    return max(v.max for v in validators if getattr(v, "max", None))


def test_the_longest_valid_report_fits_under_the_default_limit(app, client, session):
    body = json.dumps(_longest_valid_report())  # ensure_ascii: what Python's json and requests send
    assert len(body.encode()) <= app.config["API_JSON_MAX_BYTES"], len(body)
    response = client.post(API, data=body, content_type="application/json")
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_400_with_a_clear_message(client, session, depth):
    nested = "[" * depth + "]" * depth
    body = json.dumps(api_payload(steps="x"))[:-1] + f', "attachments": {nested}}}'
    response = client.post(API, data=body, content_type="application/json")
    assert response.status_code == 400
    message = response.get_json()["errors"]["_schema"][0]
    assert "nested too deeply" in message and str(MAX_DEPTH) in message
    assert session.exec(select(Report)).first() is None


def test_nesting_within_the_limit_reaches_the_schema(client):
    inner = MAX_DEPTH - 3  # the report object, its attachments list and one attachment hold the rest
    nested = "[" * inner + "]" * inner
    body = json.dumps(api_payload())[:-1] + f', "attachments": [{{"filename": {nested}}}]}}'
    response = client.post(API, data=body, content_type="application/json")
    assert response.status_code == 422  # read, then refused by the schema, field by field
    assert "attachments" in response.get_json()["errors"]


def test_deep_json_sent_to_a_staff_action_is_400_not_500(app, session, make_staff):
    staff = signed_in_client(app, make_staff("triager"))
    report = stored_report(app, session)
    page = staff.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = staff.post(
        f"/staff/reports/{report.id}/actions/acknowledge",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 400
