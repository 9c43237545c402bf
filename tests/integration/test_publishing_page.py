"""Publishing from /staff/transparency: a publisher queues a quarter or a draft; the page shows jobs and budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.audit import AuditEvent
from core.tasks import Job, work_off
from exports.models import ExportRun
from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import PrivacyRelease, Publication
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)  # 2026-11-28: 2026Q3 has ended, 2026Q4 has not
PERIOD = Period.parse("2026Q3")


def reports_in(app, session, period: Period, n: int) -> None:
    ids = [stored_report(app, session).id for _ in range(n)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=period.starts_at + timedelta(days=3)))
    session.commit()


def post(client, path: str, **form):
    token = csrf_from(client.get("/staff/transparency").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **form})


def test_a_publisher_publishes_a_quarter_from_the_page_and_the_exports_follow_on_the_queue(app, session, make_staff):
    reports_in(app, session, PERIOD, 12)
    publisher = make_staff("publisher")
    browser = signed_in_client(app, publisher)
    html = browser.get("/staff/transparency").get_data(as_text=True)
    # The waiting quarters, newest first, each with what its release spends and what it leaves.
    assert "<td>2026Q3</td><td>1.0</td><td>0</td><td>1.0</td><td>0.0</td>" in html
    assert "<td>2024Q4</td>" in html and "<td>2024Q3</td>" not in html and "<td>2026Q4</td>" not in html
    assert html.index("<td>2026Q3</td>") < html.index("<td>2026Q2</td>")
    assert "No job yet." in html and "data-refresh-seconds" not in html

    queued = browser.post(
        "/staff/transparency/publish", data={"csrf_token": csrf_from(html), "period": "2026Q3"}, follow_redirects=True
    )
    html = queued.get_data(as_text=True)
    assert "Publishing 2026Q3 is queued as job 1; this page shows its progress." in html
    assert 'data-refresh-seconds="5"' in html and "js/refresh.js" in html
    assert '<tr id="job-1"><td>#1</td><td>Publish 2026Q3</td>' in html and "Waiting for the task worker." in html
    assert session.exec(select(Publication)).all() == []  # nothing was published inside the request

    assert work_off(app, limit=1) == 1  # the publication job alone
    publication = session.exec(select(Publication)).one()
    assert (publication.period, publication.status) == ("2026Q3", "published")
    created = session.exec(select(AuditEvent).where(AuditEvent.action == "publication.created")).one()
    assert created.actor_id == publisher.id
    job = session.get(Job, 1)
    assert (job.state, job.message, job.created_by) == ("done", "2026Q3 revision 1 is published.", publisher.id)
    # Its last progress report: the third of three steps under way.
    assert (job.step, job.done, job.total) == (publishing.STORING, 2, 3)
    # The exports were not written by the publication: their refresh is the next job, queued after the commit.
    assert session.exec(select(ExportRun)).all() == []
    refresh = session.get(Job, 2)
    assert (refresh.kind, refresh.params, refresh.state) == ("export-refresh", {"period": "2026Q3"}, "queued")

    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert "<td>2026Q3</td><td>1.0</td>" not in html  # no longer waiting
    assert "2026Q3 revision 1 is published." in html
    assert work_off(app) == 1
    runs = session.exec(select(ExportRun).order_by(ExportRun.id)).all()
    assert [(r.kind, r.period, r.trigger) for r in runs] == [
        ("aiid", None, "publication"),
        ("dsa", "2026Q3", "publication"),
    ]


def test_a_running_job_shows_its_step_and_progress(app, session, make_staff):
    session.add(
        Job(
            kind="publish-period",
            params={"period": "2026Q3"},
            state="running",
            step=publishing.COUNTING,
            done=1,
            total=3,
        )
    )
    session.commit()
    html = signed_in_client(app, make_staff("admin")).get("/staff/transparency").get_data(as_text=True)
    assert '<span class="job-state job-running">running</span>' in html
    assert '<td>Counting the period\'s reports and actions\n<progress max="3" value="1">33%</progress> 1 of 3' in html
    assert 'data-refresh-seconds="5"' in html and "js/refresh.js" in html
    es = signed_in_client(app, make_staff("publisher")).get("/staff/transparency?lang=es").get_data(as_text=True)
    assert "Contando los informes y las acciones del periodo" in es and "1 de 3" in es


def test_only_closed_unpublished_quarters_are_queued_and_once(app, session, make_staff):
    browser = signed_in_client(app, make_staff("publisher"))
    not_ended = post(browser, "/staff/transparency/publish", period="2026Q4")
    assert not_ended.status_code == 302
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert "2026Q4 is not a closed quarter waiting to be published." in html
    assert post(browser, "/staff/transparency/publish", period="nonsense").status_code == 400
    assert post(browser, "/staff/transparency/publish").status_code == 400
    assert post(browser, "/staff/transparency/publish", period="2026Q3").status_code == 302
    post(browser, "/staff/transparency/publish", period="2026q3")
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert "2026Q3 is already being published; its job is below." in html
    assert len(session.exec(select(Job)).all()) == 1
    # An admin sees the page and the budgets, but publishing is the publisher's.
    admin = signed_in_client(app, make_staff("admin"))
    html = admin.get("/staff/transparency").get_data(as_text=True)
    assert "a publisher publishes it" in html and "Publish 2026Q2</button>" not in html
    assert post(admin, "/staff/transparency/publish", period="2026Q2").status_code == 403


def test_a_failed_publication_job_says_why_and_shows_no_traceback(app, session, make_staff):
    reports_in(app, session, PERIOD, 3)
    browser = signed_in_client(app, make_staff("publisher"))
    assert post(browser, "/staff/transparency/publish", period="2026Q3").status_code == 302
    # Meanwhile the budget is spent: the ledger holds a whole release whose publication was deleted.
    session.add(PrivacyRelease(period="2026Q3", publication_id=None, statistic="received_by_channel", epsilon="1.0"))
    session.commit()
    assert work_off(app, limit=1) == 1
    job = session.get(Job, 1)
    assert job.state == "failed"
    assert job.message == (
        "2026Q3 was not published: the privacy budget of 2026Q3 is spent: this release needs epsilon 1.0, "
        "but only 0.0 of the period's 1.0 is left."
    )
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert '<span class="job-state job-failed">failed</span>' in html
    assert "2026Q3 was not published: the privacy budget of 2026Q3 is spent" in html
    assert "Traceback" not in html
    # The page itself now says so before anyone tries again.
    assert "the release needs epsilon 1.0, but only 0.0 of 1.0 is left" in html


def test_an_unexpected_error_fails_the_job_naming_only_its_kind(app, session, make_staff, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a message that could quote a report")

    monkeypatch.setattr(publishing, "render_files", broken)
    browser = signed_in_client(app, make_staff("publisher"))
    post(browser, "/staff/transparency/publish", period="2026Q3")
    assert work_off(app) == 1
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert (
        "The job stopped on an unexpected error (RuntimeError). The server log names where; nothing was retried."
        in html
    )
    assert "could quote a report" not in html and "could quote a report" not in caplog.text
    assert "job 1 (publish-period) failed: RuntimeError" in caplog.text
    assert session.exec(select(Publication)).all() == []


def test_a_publisher_approves_a_draft_through_the_queue(app, session, make_staff):
    app.config["TRANSPARENCY_MODE"] = "draft"
    reports_in(app, session, PERIOD, 3)
    draft = publishing.publish(app, session, "2026Q3").publication
    assert session.exec(select(Job)).all() == []  # a draft is not published: no exports are queued
    publisher = make_staff("publisher")
    browser = signed_in_client(app, publisher)
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert " of 1.0 left in 2026Q3; approving spends nothing more" in html
    assert "<td>2026Q3</td><td>1.0</td>" not in html  # a drafted quarter is not waiting to be published
    response = post(browser, "/staff/transparency", publication_id=str(draft.id))
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/transparency#job-1")
    assert post(browser, "/staff/transparency", publication_id=str(draft.id)).status_code == 302
    html = browser.get("/staff/transparency").get_data(as_text=True)
    assert "The approval of 2026Q3 is already queued; its job is below." in html
    assert "Approve the draft of 2026Q3" in html
    assert work_off(app) == 2  # the approval, then the exports' refresh it queued
    session.refresh(draft)
    assert (draft.status, draft.approved_by) == ("published", publisher.id)
    approved = session.exec(select(AuditEvent).where(AuditEvent.action == "publication.approved")).one()
    assert approved.actor_id == publisher.id
    assert [job.state for job in session.exec(select(Job).order_by(Job.id))] == ["done", "done"]
    assert post(browser, "/staff/transparency", publication_id=str(draft.id)).status_code == 302
    assert "2026Q3 revision 1 is not a draft." in browser.get("/staff/transparency").get_data(as_text=True)
