"""The staff home shows each role its own counts and next steps."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from core import clock
from core.periods import Period
from incidents.models import Incident, Report
from tests.conftest import signed_in_client
from tests.factories.triage import stored_report


def figures(html: str) -> dict[str, str]:
    """Read the panels' figures as {label: value}."""
    found = re.findall(r"<strong>([^<]+)</strong>\s*([^<]+?)\s*(?:</a>)?</li>", html)
    return {label.strip(): value.strip() for value, label in found}


def home(app, make_staff, role: str) -> str:
    response = signed_in_client(app, make_staff(role)).get("/staff/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_triage_staff_see_the_queue_and_overdue_deadlines(app, session, make_staff):
    reports = [stored_report(app, session) for _ in range(3)]
    past = clock.now() - timedelta(days=1)
    session.execute(update(Report).where(Report.id == reports[0].id).values(due_at=past, due_kind="initial"))
    session.execute(update(Report).where(Report.id == reports[1].id).values(due_at=clock.now() + timedelta(hours=5)))
    session.commit()
    for role in ("triager", "admin"):
        seen = figures(home(app, make_staff, role))
        assert seen["new, not yet acknowledged"] == "3"
        assert seen["open in all"] == "3"
        assert seen["regulatory reports overdue"] == "1"
        assert seen["regulatory reports due within two days"] == "1"
        assert seen["assigned to you, open"] == "0"


def test_a_recipient_counts_only_the_whistleblower_reports_sealed_to_them(app, session, make_staff):
    first = make_staff("recipient")
    stored_report(app, session, channel="whistleblower")
    stored_report(app, session)  # a public report: not theirs
    html = signed_in_client(app, first).get("/staff/").get_data(as_text=True)
    assert "Whistleblower reports sealed for you" in html
    assert figures(html)["new, not yet acknowledged"] == "1"
    # A recipient set up after the report arrived has nothing sealed to them yet.
    late = figures(home(app, make_staff, "recipient"))
    assert late["new, not yet acknowledged"] == "0" and late["open in all"] == "0"


def test_the_publisher_sees_incidents_awaiting_sharing_and_the_next_period(app, session, make_staff):
    report = stored_report(app, session)
    session.add(Incident(title="Waiting incident"))
    session.add(Incident(title="An incident with no report"))
    session.commit()
    waiting = session.exec(select(Incident).where(Incident.title == "Waiting incident")).one()
    session.execute(update(Report).where(Report.id == report.id).values(incident_id=waiting.id))
    session.commit()
    html = home(app, make_staff, "publisher")
    seen = figures(html)
    assert seen["awaiting your sharing decision"] == "1" and seen["shared"] == "0"
    current = Period.containing(clock.now())
    last = current.previous()
    assert seen["not published yet"] == str(last)
    assert f"Next period: {current}, publishable from {current.ends_at.date().isoformat()}" in html
    assert "Public-channel reports" not in html and "Staff accounts" not in html.split("<main")[1].split("Your work")[0]


def test_the_admin_sees_accounts_and_partners(app, session, make_staff):
    make_staff("recipient")
    html = home(app, make_staff, "admin")
    seen = figures(html)
    assert seen["active"] == "2" and seen["setup pending"] == "0" and seen["disabled"] == "0"
    assert seen["whistleblower recipients with a key"] == "1"
    assert seen["with a live token"] == "0"
    assert "/staff/accounts" in html and "/staff/partners" in html
