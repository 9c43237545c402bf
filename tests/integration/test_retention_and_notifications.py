"""Retention purge against a fixed clock; staff e-mail through a real SMTP sink (aiosmtpd); the job CLI."""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from incidents.intake import retention
from incidents.intake import service as intake
from incidents.models import Attachment, Message, Report
from incidents.triage import notifications
from incidents.triage import service as triage
from incidents.triage.workflow import TriageAction
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report

SECRET = "The insulin dose advice came from the Aurora assistant"


def closed_report(app, session, closed_days_ago: float, now):
    report = stored_report(app, session, description=SECRET + " in the clinic app.")
    intake.add_message(
        session=session,
        report=report,
        author=intake.Author.REPORTER,
        body=SECRET,
        uploads=[],
        keys=intake.platform_keys(app),
    )
    session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(status="resolved", closed_at=now - timedelta(days=closed_days_ago))
    )
    session.commit()
    return report.id


def test_purge_removes_sealed_content_after_the_retention_period(app, session):
    now = clock.now()
    old = closed_report(app, session, 366, now)
    recent = closed_report(app, session, 364, now)
    still_open = stored_report(app, session).id
    result = retention.purge_expired(session, retention_days=365, now=now)
    assert (result.reports, result.messages) == (1, 1)
    session.expire_all()
    purged = session.get(Report, old)
    assert purged.sealed is None and purged.purged_at == now
    assert (purged.category, purged.severity, purged.status) == ("safety_failure", "incident", "resolved")
    assert session.exec(select(Message).where(Message.report_id == old)).all() == []
    assert session.get(Report, recent).sealed is not None and session.get(Report, still_open).sealed is not None
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "report.purged")).all()
    assert [e.target_id for e in events] == [str(old)]
    assert verify_chain(session).ok
    # Idempotent: a second run finds nothing more to do.
    assert retention.purge_expired(session, retention_days=365, now=now).reports == 0
    # A year later the other one goes too.
    assert retention.purge_expired(session, retention_days=365, now=now + timedelta(days=2)).reports == 1


def test_purge_is_safe_to_interrupt(app, session):
    now = clock.now()
    ids = [closed_report(app, session, 400, now) for _ in range(5)]
    assert retention.purge_expired(session, retention_days=365, now=now, batch=2, limit=3).reports == 3
    assert retention.purge_expired(session, retention_days=365, now=now, batch=2).reports == 2
    session.expire_all()
    assert all(session.get(Report, i).purged_at is not None for i in ids)


def test_purged_reports_still_open_for_reporter_and_staff(app, client, session, make_staff):
    from tests.factories.reports import submit

    _response, receipt, _data = submit(client)
    report = session.exec(select(Report)).one()
    session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(status="dismissed", closed_at=clock.now() - timedelta(days=500))
    )
    session.commit()
    retention.purge_expired(session, retention_days=365)
    page = client.post(
        "/followup", data={"csrf_token": csrf_from(client.get("/followup").get_data(as_text=True)), "receipt": receipt}
    )
    assert page.status_code == 200 and "deleted at the end of our retention period" in page.get_data(as_text=True)
    staff_page = signed_in_client(app, make_staff("triager")).get(f"/staff/reports/{report.id}")
    assert staff_page.status_code == 200 and "was purged" in staff_page.get_data(as_text=True)


def test_deadline_warnings_go_once_and_carry_no_content(app, session, make_staff, smtp_sink):
    sink, port = smtp_sink
    triager = session.get(StaffUser, make_staff("triager").id)
    mailer = notifications.Mailer(
        server="127.0.0.1", port=port, sender="incidents@example.org", base_url="https://incidents.example.org"
    )
    report = stored_report(app, session, description=SECRET + " again.")
    report = triage.apply(
        session,
        report,
        TriageAction.CLASSIFY,
        actor=triager,
        data={
            "version": report.version,
            "category": "safety_failure",
            "severity": "serious_incident",
            "actor": None,
            "flags": ["critical_infrastructure"],
        },
    )
    triage.apply(
        session, report, TriageAction.ASSIGN, actor=triager, data={"version": report.version, "assignee_id": triager.id}
    )
    # Two days ahead is "at risk", a day after the deadline is "overdue": two warnings, each sent once.
    assert notifications.notify_deadlines(session, mailer, now=report.due_at - timedelta(hours=12)) == 1
    assert notifications.notify_deadlines(session, mailer, now=report.due_at - timedelta(hours=11)) == 0
    assert notifications.notify_deadlines(session, mailer, now=report.due_at + timedelta(days=1)) == 1
    assert len(sink.messages) == 2
    for recipients, message in sink.messages:
        assert recipients == [triager.email]
        body = message.get_payload()
        assert f"https://incidents.example.org/staff/reports/{report.id}" in body
        assert SECRET not in body and "insulin" not in body.lower()
    assert "overdue" in sink.messages[1][1]["Subject"]


def assign_to_a_colleague(app, session, make_staff):
    """Assign a new report to a colleague through the real form; return (response, report, colleague)."""
    client = signed_in_client(app, make_staff("triager"))
    colleague = make_staff("triager")
    report = stored_report(app, session)
    path = f"/staff/reports/{report.id}"
    response = client.post(
        f"{path}/actions/assign",
        data={
            "csrf_token": csrf_from(client.get(path).get_data(as_text=True)),
            "version": str(report.version),
            "assignee_id": str(colleague.id),
        },
    )
    return response, report, colleague


def test_assignment_sends_an_email_through_the_real_form(app, session, make_staff, smtp_sink):
    sink, port = smtp_sink
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    response, report, colleague = assign_to_a_colleague(app, session, make_staff)
    assert response.status_code == 302
    assert [rcpt for rcpt, _m in sink.messages] == [[colleague.email]]
    assert f"Report #{report.id} is assigned to you" == sink.messages[0][1]["Subject"]


def test_a_failing_mail_server_does_not_break_the_action(app, session, make_staff):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens on the discard port
    response, report, colleague = assign_to_a_colleague(app, session, make_staff)
    assert response.status_code == 302
    session.refresh(report)
    assert report.assignee_id == colleague.id


def test_scheduler_cli_lists_and_runs_jobs(app, session, runner):
    listing = runner.invoke(args=["scheduler", "list"])
    assert "purge-expired-content" in listing.output and "warn-about-deadlines" in listing.output
    now = clock.now()
    closed_report(app, session, 400, now)
    result = runner.invoke(args=["scheduler", "run-job", "purge-expired-content"])
    assert result.exit_code == 0 and "purged 1 reports" in result.output
    assert runner.invoke(args=["scheduler", "run-job", "nope"]).exit_code != 0
    assert "sent 0" in runner.invoke(args=["scheduler", "run-job", "warn-about-deadlines"]).output
    assert session.exec(select(Attachment)).all() == []
