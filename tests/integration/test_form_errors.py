"""Form errors say one clear thing per rule, link from the summary to their field, and lose nothing typed;
the receipt page asks the reporter to confirm they saved it; a decommissioning shows from its effective date."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from core import clock
from core.schemas import load_form
from incidents.enforcement.schemas import EnforcementSchema
from incidents.models import ModelRecord
from incidents.registry.schemas import DecommissionProposalSchema
from tests.conftest import csrf_from
from tests.factories import files
from tests.factories.reports import receipt_shown, submit

REQUIRED_TEXT = "Enter an answer: this field is required."
REQUIRED_DATE = "Enter a date: this field is required."
REQUIRED_CHOICE = "Choose an answer: this field is required."


class Probe(Schema):
    name = fields.String(required=True, validate=validate.Length(min=5, max=10))
    note = fields.String(load_default=None, validate=validate.Length(max=8))
    when = fields.Date(required=True, error_messages={"invalid": "Enter a date like 2026-03-31."})
    mail = fields.Email(required=True)
    colour = fields.String(required=True, validate=validate.OneOf(["red", "blue"]))
    count = fields.Integer(required=True)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({}, {"name": [REQUIRED_TEXT], "when": [REQUIRED_DATE], "colour": [REQUIRED_CHOICE]}),
        ({"name": "   ", "when": "", "mail": " "}, {"name": [REQUIRED_TEXT], "when": [REQUIRED_DATE]}),
        ({"name": "abc"}, {"name": ["Too short: write at least 5 characters (you wrote 3)."]}),
        ({"name": "abcdefghijkl"}, {"name": ["Too long: write at most 10 characters (you wrote 12)."]}),
        ({"note": "123456789"}, {"note": ["Too long: write at most 8 characters (you wrote 9)."]}),
        ({"when": "31/03/2026"}, {"when": ["Enter a date like 2026-03-31."]}),
        ({"mail": "nobody"}, {"mail": ["Not a valid email address."]}),
    ],
)
def test_one_clear_message_per_rule(app, form, expected):
    with app.test_request_context("/"):
        _data, errors = load_form(Probe(), MultiDict(form))
    assert "Enter an email address: this field is required." in errors["mail"] or "mail" in form
    assert "Enter a number: this field is required." in errors["count"]
    for name, messages in expected.items():
        assert errors[name] == messages, name
    everything = " ".join(m for ms in errors.values() for m in ms)
    assert "Missing data" not in everything and "hint" not in everything and "Longer than" not in everything


def test_an_empty_date_on_a_staff_form_says_it_is_required(app):
    with app.test_request_context("/"):
        _d, proposal = load_form(DecommissionProposalSchema(), MultiDict({"effective_on": "", "notice": "short"}))
        _d, action = load_form(EnforcementSchema(), MultiDict({"decided_on": ""}))
        _d, badly = load_form(DecommissionProposalSchema(), MultiDict({"effective_on": "next week"}))
    assert proposal["effective_on"] == [REQUIRED_DATE] and action["decided_on"] == [REQUIRED_DATE]
    assert proposal["notice"] == ["Too short: write at least 20 characters (you wrote 5)."]
    assert badly["effective_on"] == ["Enter a date like 2026-03-31."]


def test_the_messages_in_spanish(app):
    with app.test_request_context("/?lang=es"):
        _data, errors = load_form(Probe(), MultiDict({"name": "abc"}))
    assert errors["name"] == ["Demasiado corto: escriba al menos 5 caracteres (ha escrito 3)."]
    assert errors["when"] == ["Indique una fecha: este campo es obligatorio."]
    assert errors["colour"] == ["Elija una respuesta: este campo es obligatorio."]


def test_report_form_errors_link_to_marked_fields(client):
    response, receipt, _ = submit(client, title="", description="too short", model_url="ftp://bad")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]
    assert f'<a href="#f-title">A short title: {REQUIRED_TEXT}</a>' in summary
    assert (
        '<a href="#f-description">Describe what happened: '
        "Too short: write at least 20 characters (you wrote 9).</a>" in summary
    )
    assert '<a href="#f-model_url">A link to the model: Enter a web address starting with https://</a>' in summary
    title = re.search(r"<input id=\"f-title\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in title and 'aria-describedby="f-title-hint f-title-error"' in title
    assert f'<p class="error-message" id="f-title-error">{REQUIRED_TEXT} </p>' in html
    description = re.search(r"<textarea id=\"f-description\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in description and "f-description-error" in description
    assert re.search(r'<input id="f-model_version"[^>]*>', html).group(0).count("aria-invalid") == 0
    assert "Missing data" not in html and "Check the limit" not in html


def test_the_stylesheet_for_forms_is_linked_and_marks_invalid_fields(client):
    html = client.get("/report").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/css/forms.css">' in html
    css = client.get("/static/css/forms.css").get_data(as_text=True)
    assert ".field-error" in css and "border" in css and ".receipt-group { white-space: nowrap; }" in css


def _thread(client, receipt):
    page = client.get("/followup")
    return client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt})


def test_a_refused_file_keeps_the_typed_followup_message(client):
    _response, receipt, _ = submit(client)
    thread = _thread(client, receipt).get_data(as_text=True)
    typed = "The app did it again on Tuesday; <b>see</b> the log."
    response = client.post(
        "/followup/message",
        data={
            "csrf_token": csrf_from(thread),
            "receipt": receipt,
            "body": typed,
            "message_token": "m-refused",
            "files": [(io.BytesIO(files.EXE), "log.jpg")],
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ">The app did it again on Tuesday; &lt;b&gt;see&lt;/b&gt; the log.</textarea>" in html
    assert "log.jpg" in html and "Please choose them again." in html
    assert '<a href="#f-files">Files: ' in html
    assert re.search(r'<input id="f-files"[^>]*aria-invalid="true"', html)
    assert "Your message was added." not in _thread(client, receipt).get_data(as_text=True)


def test_an_empty_followup_message_is_required_and_keeps_nothing_wrong(client):
    _response, receipt, _ = submit(client)
    thread = _thread(client, receipt).get_data(as_text=True)
    response = client.post(
        "/followup/message",
        data={"csrf_token": csrf_from(thread), "receipt": receipt, "body": "  ", "message_token": "m-empty"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<a href="#f-body">Your message: {REQUIRED_TEXT}</a>' in html


def test_the_receipt_is_grouped_and_the_saved_step_comes_before_going_on(client):
    response, receipt, _ = submit(client)
    html = response.get_data(as_text=True)
    groups = receipt.split("-")
    shown = "-<wbr>".join(f'<span class="receipt-group">{g}</span>' for g in groups)
    assert f'<p class="receipt" id="receipt" aria-describedby="receipt-label">{shown}</p>' in html
    assert '<div class="receipt-actions" data-receipt-actions hidden>' in html  # shown only by the script
    assert '<script src="/static/js/receipt.js" defer></script>' in html and "<script>" not in html
    assert 'action="/report/saved"' in html and 'name="saved" value="yes" required' in html
    assert "Go to the follow-up page" not in html  # the saved step comes first
    assert response.headers["Cache-Control"] == "no-store"

    confirmed = client.post("/report/saved", data={"csrf_token": csrf_from(html), "receipt": receipt, "saved": "yes"})
    page = confirmed.get_data(as_text=True)
    assert confirmed.status_code == 200 and "Your receipt is saved" in page
    assert 'href="/followup"' in page and receipt not in page
    assert confirmed.headers["Cache-Control"] == "no-store"


def test_going_on_without_ticking_shows_the_receipt_again(client):
    response, receipt, _ = submit(client)
    token = csrf_from(response.get_data(as_text=True))
    unticked = client.post("/report/saved", data={"csrf_token": token, "receipt": receipt})
    html = unticked.get_data(as_text=True)
    assert unticked.status_code == 400 and receipt_shown(html) == receipt
    message = "Tick the box once you have saved your receipt. We cannot show it again later."
    assert f'<a href="#f-saved">I have saved my receipt: {message}</a>' in html
    assert re.search(
        r'<input type="checkbox" id="f-saved"[^>]*aria-invalid="true" aria-describedby="f-saved-error"', html
    )
    assert client.post("/report/saved", data={"csrf_token": token, "receipt": "not one"}).status_code == 400


def test_the_saved_step_in_spanish(client):
    response, receipt, _ = submit(client, "/report?lang=es")
    html = response.get_data(as_text=True)
    assert "He guardado mi recibo" in html and "Copiar el recibo" in html and "Imprimir esta página" in html


@pytest.fixture
def decommissioned(session):
    model = ModelRecord(
        name="Aurora",
        version="13B",
        status="decommissioned",
        effective_on=clock.today() + timedelta(days=14),
        public_reason="Unsafe medical advice",
    )
    session.add(model)
    session.commit()
    return model


def test_a_decommissioning_shows_only_from_its_effective_date(client, session, decommissioned):
    day = decommissioned.effective_on.isoformat()
    page = client.get(f"/models/{decommissioned.id}").get_data(as_text=True)
    listing = client.get("/models/withdrawn").get_data(as_text=True)
    for html in (page, listing):
        assert f"To be decommissioned on {day}" in html and "Decommissioned" not in html.replace(
            "decommissioned models", ""
        )
    decommissioned.effective_on = clock.today()
    session.add(decommissioned)
    session.commit()
    page = client.get(f"/models/{decommissioned.id}").get_data(as_text=True)
    assert "To be decommissioned" not in page and f"Decommissioned · {clock.today().isoformat()}" in page
    assert "<td>Decommissioned</td>" in client.get("/models/withdrawn").get_data(as_text=True)


def test_a_receipt_that_opens_nothing_comes_back_to_be_corrected(client):
    page = client.get("/followup").get_data(as_text=True)
    response = client.post("/followup", data={"csrf_token": csrf_from(page), "receipt": "abcd-1234-efgh-567"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert re.search(r'<input id="f-receipt" name="receipt" type="text" value="abcd-1234-efgh-567"', html)
    assert '<a href="#f-receipt">Receipt: We could not open a report with that receipt.' in html
