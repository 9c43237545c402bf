"""Errata: a publisher appends corrections to a published report; the files never change; each is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.audit import AuditEvent
from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import Erratum, PublicationFile
from reporting.verify import verify
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)
PERIOD = Period.parse("2026Q3")


def published(app, session):
    ids = [stored_report(app, session).id for _ in range(3)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=PERIOD.starts_at + timedelta(days=3)))
    session.commit()
    return publishing.publish(app, session, str(PERIOD)).publication


def file_hashes(session, publication):
    rows = session.exec(select(PublicationFile).where(PublicationFile.publication_id == publication.id))
    return {row.name: row.sha256 for row in rows}


def test_a_publisher_adds_an_erratum_shown_apart_from_the_unchanged_files(app, client, session, make_staff):
    publication = published(app, session)
    before = file_hashes(session, publication)
    publisher = make_staff("publisher")
    browser = signed_in_client(app, publisher)
    page = browser.get(f"/staff/transparency/{publication.id}/errata")
    assert page.status_code == 200 and "No corrections." in page.get_data(as_text=True)
    response = browser.post(
        f"/staff/transparency/{publication.id}/errata",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "wrong": "The methodology named the wrong epsilon <b>for medians</b>.",
            "corrected": "Each median time spent 0.111111.",
        },
        follow_redirects=True,
    )
    assert "The erratum is added to 2026Q3." in response.get_data(as_text=True)

    erratum = session.exec(select(Erratum)).one()
    assert (erratum.publication_id, erratum.created_by) == (publication.id, publisher.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "publication.erratum_added")).one()
    assert event.actor_id == publisher.id and event.details["erratum"] == erratum.id

    public = client.get("/transparency/2026Q3/errata").get_data(as_text=True)
    assert "The methodology named the wrong epsilon &lt;b&gt;for medians&lt;/b&gt;." in public
    assert "Each median time spent 0.111111." in public
    document = client.get("/transparency/2026Q3/errata.json").get_json()
    assert document["period"] == "2026Q3" and len(document["errata"]) == 1
    assert document["errata"][0]["revision"] == 1 and document["errata"][0]["corrected"].startswith("Each median")
    # The report page links to its errata; the published files did not change and still verify.
    assert 'href="/transparency/2026Q3/errata"' in client.get("/transparency/2026Q3").get_data(as_text=True)
    assert file_hashes(session, publication) == before
    assert verify(app, session).ok


def test_a_blank_erratum_is_refused_and_keeps_what_was_typed(app, session, make_staff):
    publication = published(app, session)
    browser = signed_in_client(app, make_staff("publisher"))
    page = browser.get(f"/staff/transparency/{publication.id}/errata").get_data(as_text=True)
    response = browser.post(
        f"/staff/transparency/{publication.id}/errata",
        data={"csrf_token": csrf_from(page), "wrong": "A typo in the lead.", "corrected": "  "},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A typo in the lead." in html and "Enter an answer: this field is required." in html
    assert session.exec(select(Erratum)).all() == []


def test_a_draft_takes_no_erratum(app, session, make_staff):
    app.config["TRANSPARENCY_MODE"] = "draft"
    draft = published(app, session)
    assert draft.status == "draft"
    browser = signed_in_client(app, make_staff("publisher"))
    page = browser.get(f"/staff/transparency/{draft.id}/errata").get_data(as_text=True)
    assert "Only a published report takes errata." in page
    response = browser.post(
        f"/staff/transparency/{draft.id}/errata",
        data={"csrf_token": csrf_from(page), "wrong": "x", "corrected": "y"},
        follow_redirects=True,
    )
    assert "Only a published report takes errata; correct a draft before approving it." in response.get_data(
        as_text=True
    )
    assert session.exec(select(Erratum)).all() == []
    assert browser.get("/transparency/2026Q3/errata").status_code == 404  # not published
