"""The qualitative parts of a quarter's report: written before publishing, frozen into its files after."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest
from sqlalchemy import update
from sqlmodel import select

from core.audit import AuditEvent
from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import PeriodStatement
from reporting.verify import verify
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)
PERIOD = Period.parse("2026Q3")
TEXT = {
    "automated_means": "A hash match flags known abuse images.\n\nA person decides every case.",
    "staff_and_training": "Four moderators, trained <quarterly>.",
    "safeguards": "",
}


def write_text(browser, period: str = "2026Q3", **form):
    page = browser.get(f"/staff/transparency/{period}/text").get_data(as_text=True)
    return browser.post(
        f"/staff/transparency/{period}/text", data={"csrf_token": csrf_from(page), **form}, follow_redirects=True
    )


def test_an_admin_writes_the_text_and_publishing_freezes_it_into_the_files(app, client, session, make_staff):
    admin = make_staff("admin")
    browser = signed_in_client(app, admin)
    assert 'href="/staff/transparency/2026Q4/text"' in browser.get("/staff/transparency").get_data(as_text=True)
    saved = write_text(browser, **TEXT)
    assert "The text of 2026Q3 is saved; it is published with the quarter." in saved.get_data(as_text=True)
    statement = session.get(PeriodStatement, "2026Q3")
    assert statement.updated_by == admin.id and statement.safeguards == ""
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "transparency.statement_saved")).one()
    assert event.target_id == "2026Q3" and event.details == {"fields": ["automated_means", "staff_and_training"]}

    ids = [stored_report(app, session).id for _ in range(2)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=PERIOD.starts_at + timedelta(days=3)))
    session.commit()
    publishing.publish(app, session, "2026Q3")

    document = json.loads(client.get("/transparency/2026Q3.json").data)
    assert document["qualitative"] == TEXT
    jsonschema.validate(document, client.get("/transparency/schema.json").get_json())
    html = client.get("/transparency/2026Q3").get_data(as_text=True)
    assert "<p>A hash match flags known abuse images.</p><p>A person decides every case.</p>" in html
    assert "Four moderators, trained &lt;quarterly&gt;." in html
    assert "Nothing was stated for this quarter." in html  # the safeguards were left blank

    # Once published, the text is frozen: saving again is refused and the files keep the first text.
    refused = write_text(browser, automated_means="Something else.")
    assert "2026Q3 is already published: its text is frozen with its files." in refused.get_data(as_text=True)
    assert session.get(PeriodStatement, "2026Q3").automated_means == TEXT["automated_means"]
    form = browser.get("/staff/transparency/2026Q3/text").get_data(as_text=True)
    assert "2026Q3 is already published: its text is frozen with its files." in form
    assert json.loads(client.get("/transparency/2026Q3.json").data)["qualitative"] == TEXT
    assert verify(app, session).ok


def test_too_long_a_text_is_refused_and_kept(app, session, make_staff):
    browser = signed_in_client(app, make_staff("publisher"))
    response = write_text(browser, automated_means="a" * 5001, safeguards="Kept as typed.")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Too long: write at most 5000 characters (you wrote 5001)." in html and "Kept as typed." in html
    assert session.get(PeriodStatement, "2026Q3") is None


def test_the_text_form_speaks_spanish(app, make_staff):
    browser = signed_in_client(app, make_staff("admin"))
    html = browser.get("/staff/transparency/2026Q3/text?lang=es").get_data(as_text=True)
    assert "Medios automatizados utilizados en la moderación" in html and "Guardar el texto" in html
