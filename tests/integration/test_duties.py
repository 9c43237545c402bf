"""Duties to the reporter end to end: dates on the reporter's pages (en, es), marked feedback, the one
extension, the queue, the dashboard and the e-mail warning. Clocks frozen at FIXED_DAY (28 Nov 2026, noon)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.auth import StaffUser
from incidents.models import Message, Report
from incidents.triage import notifications
from incidents.triage import service as triage
from incidents.triage.workflow import TriageAction
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.reports import submit
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)


def open_thread(client, receipt: str, lang: str = "en") -> str:
    page = client.get(f"/followup?lang={lang}")
    response = client.post(
        f"/followup?lang={lang}", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def staff_post(client, report_id: int, path: str, data: dict):
    """Post a staff form on a report's page; a redirect must lead back to the report, not to the login."""
    page = client.get(f"/staff/reports/{report_id}")
    assert page.status_code == 200
    response = client.post(
        f"/staff/reports/{report_id}{path}", data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data}
    )
    if response.status_code == 302:
        assert response.headers["Location"].endswith(f"/staff/reports/{report_id}")
    return response


def near(actual: datetime, expected: datetime) -> bool:
    """The clock ticks on from where a test put it: a moment set by a request is a few seconds later."""
    return timedelta(0) <= actual - expected < timedelta(minutes=1)


def events(session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_a_whistleblower_sees_the_dates_in_english_and_is_acknowledged_automatically(client, session, make_staff):
    make_staff("recipient")
    response, receipt, _ = submit(client, "/whistleblow")
    page = response.get_data(as_text=True)
    assert "We will acknowledge your report by 5 December 2026." in page
    # No acknowledgement yet: feedback is due three months after the end of the seven days.
    assert "We will tell you what we are doing about your report by 5 March 2027." in page
    report = session.exec(select(Report)).one()
    assert report.auto_ack_at is not None and report.acknowledged_at is None  # it does not count by default
    assert (report.duty_kind, report.duty_due_at) == ("acknowledge", report.created_at + timedelta(days=7))
    assert report.first_response_at is None  # an automatic message is nobody's response
    thread = open_thread(client, receipt)
    assert "This is an automatic message." in thread
    assert "We will acknowledge your report by 5 December 2026." in thread
    assert [e.details for e in events(session, "duty.auto_acknowledged")] == [
        {"channel": "whistleblower", "meets_duty": False}
    ]


def test_the_dates_in_spanish_and_the_automatic_message_in_the_reporters_language(client, session, make_staff):
    make_staff("recipient")
    response, receipt, _ = submit(client, "/whistleblow?lang=es")
    page = response.get_data(as_text=True)
    assert "Acusaremos recibo de su denuncia a más tardar el 5 de diciembre de 2026." in page
    assert "a más tardar el 5 de marzo de 2027." in page
    thread = open_thread(client, receipt, lang="es")
    assert "Este es un mensaje automático." in thread
    assert "Nuestras fechas" in thread


def test_acknowledging_moves_feedback_and_only_a_marked_message_is_feedback(
    app, client, session, make_staff, time_machine
):
    recipient = make_staff("recipient")
    _, receipt, _ = submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    staff = signed_in_client(app, recipient)  # after the move: staff sessions end when idle
    assert staff_post(staff, report.id, "/actions/acknowledge", {"version": report.version}).status_code == 302
    thread = open_thread(client, receipt)
    assert "We acknowledged your report on 2 December 2026." in thread
    assert "We will tell you what we are doing about your report by 2 March 2027." in thread
    session.refresh(report)
    assert report.duty_kind == "feedback" and near(report.duty_due_at, datetime(2027, 3, 2, 9, 0, tzinfo=UTC))

    # An ordinary reply is not the feedback.
    assert staff_post(staff, report.id, "/reply", {"body": "We are looking into it."}).status_code == 302
    session.refresh(report)
    assert report.feedback_at is None and report.duty_kind == "feedback"

    time_machine.move_to(datetime(2027, 1, 15, 10, 0, tzinfo=UTC))
    staff = signed_in_client(app, recipient)
    marked = {"body": "We have opened an investigation and informed the board.", "marks": "feedback"}
    assert staff_post(staff, report.id, "/reply", marked).status_code == 302
    session.refresh(report)
    assert report.feedback_at is not None and report.duty_due_at is None  # an internal channel owes no more
    assert "We gave you feedback on 15 January 2027." in open_thread(client, receipt)
    met = [e.details for e in events(session, "duty.met")]
    assert [(d["duty"], d["on_time"]) for d in met] == [("acknowledge", True), ("feedback", True)]
    # An internal channel owes no final outcome: that mark is refused, and nothing is sent.
    messages = len(session.exec(select(Message)).all())
    refused = staff_post(staff, report.id, "/reply", {"body": "Closed.", "marks": "outcome"})
    assert refused.status_code == 400
    assert len(session.exec(select(Message)).all()) == messages


def test_an_internal_channel_cannot_extend(app, client, session, make_staff):
    recipient = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, recipient)
    assert "Extend the feedback period" not in staff.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    response = staff_post(staff, report.id, "/feedback-extension", {"justification": "A complex cross-border case."})
    assert response.status_code == 400
    session.refresh(report)
    assert report.feedback_extended_at is None and events(session, "duty.extended") == []


def test_an_external_channel_extends_feedback_once_with_a_justification(app_config, app, client, session, make_staff):
    app.config["WHISTLEBLOWER_CHANNEL_KIND"] = "external"
    recipient = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, recipient)
    assert "Extend the feedback period" in staff.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert staff_post(staff, report.id, "/feedback-extension", {"justification": ""}).status_code == 400
    why = "Evidence held by a foreign authority; waiting for its answer."
    assert staff_post(staff, report.id, "/feedback-extension", {"justification": why}).status_code == 302
    session.refresh(report)
    # The justification is sealed for the report's staff readers: nothing of it is stored or logged in clear.
    assert report.feedback_extension_reason is None
    assert report.feedback_extension_sealed is not None and why.encode() not in report.feedback_extension_sealed
    assert set(report.feedback_extension_keys) == {r for r in report.wrapped_keys if r != "reporter"}
    (event,) = events(session, "duty.extended")
    assert set(event.details) == {"duty", "due_at", "justification_length"}  # the words themselves never
    assert (event.details["duty"], event.details["justification_length"]) == ("feedback", len(why))
    # Not acknowledged: six months from the end of the seven days (5 December 2026, noon).
    assert event.details["due_at"].startswith("2027-06-05T12:00")
    again = staff_post(staff, report.id, "/feedback-extension", {"justification": "Once more, please, for reasons."})
    assert again.status_code == 400
    assert len(events(session, "duty.extended")) == 1
    page = staff.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert why in page and "Extend once" not in page


def test_an_extension_must_come_before_the_three_months_end(app, client, session, make_staff, time_machine):
    app.config["WHISTLEBLOWER_CHANNEL_KIND"] = "external"
    recipient = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    # Not acknowledged: feedback was due on 5 March 2027, noon (three months after the seven days).
    time_machine.move_to(datetime(2027, 3, 5, 13, 0, tzinfo=UTC))
    staff = signed_in_client(app, recipient)
    assert "Extend the feedback period" not in staff.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    late = staff_post(staff, report.id, "/feedback-extension", {"justification": "Evidence abroad, still awaited."})
    assert late.status_code == 400
    assert "already run out" in late.get_data(as_text=True)
    session.refresh(report)
    assert report.feedback_extended_at is None and events(session, "duty.extended") == []


def test_a_marked_message_moves_the_version_so_a_stale_triage_form_is_refused(app, client, session, make_staff):
    recipient = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, recipient)
    stale = report.version
    marked = {"body": "We have opened an investigation.", "marks": "feedback"}
    assert staff_post(staff, report.id, "/reply", marked).status_code == 302
    session.refresh(report)
    assert report.version == stale + 1 and report.feedback_at is not None
    # A form opened before the message carries the old version: refused, so it cannot write stale duty columns.
    refused = staff_post(staff, report.id, "/actions/acknowledge", {"version": stale})
    assert refused.status_code == 409
    session.refresh(report)
    assert report.acknowledged_at is None and report.duty_kind == "acknowledge"


def test_the_receipt_is_a_duty_met_at_submission(client, session, make_staff):
    make_staff("recipient")
    submit(client, "/report")
    submit(client, "/whistleblow")
    public, whistleblower = session.exec(select(Report).order_by(Report.id)).all()
    # Recorded in the submission's own event, at the same moment (one append to the chain, not two).
    received = {e.target_id: e.details for e in events(session, "report.received")}
    assert received[str(public.id)] == {"channel": "public", "attachments": 0, "duties_met": ["receipt"]}
    assert received[str(whistleblower.id)] == {"channel": "whistleblower", "attachments": 0}  # owes no receipt duty
    assert events(session, "duty.met") == []


def test_the_public_channel_shows_a_service_level_not_a_deadline(client, session):
    response, receipt, _ = submit(client, "/report")
    page = response.get_data(as_text=True)
    assert "We confirmed receipt of your report on 28 November 2026." in page
    assert "We aim to decide on your report by 12 December 2026. This is our own service level" in page
    assert "automatic message" not in open_thread(client, receipt)  # AUTO_ACK_PUBLIC is off by default
    es = submit(client, "/report?lang=es")[0].get_data(as_text=True)
    assert "a más tardar el 12 de diciembre de 2026. Es un nivel de servicio propio, no un plazo legal." in es


def test_an_overdue_duty_shows_in_the_queue_and_dashboard_and_is_mailed_once(
    app, session, make_staff, smtp_sink, time_machine
):
    triager = make_staff("triager")
    overdue = stored_report(app, session)  # public: a decision aimed for by 12 December 2026, noon
    decided = stored_report(app, session)
    decided = triage.apply(
        session,
        decided,
        TriageAction.DISMISS,
        actor=session.get(StaffUser, triager.id),
        data={"version": decided.version, "reason": "spam"},
    )
    assert decided.duty_due_at is None
    assert [(e.target_id, e.details["duty"]) for e in events(session, "duty.met")] == [(str(decided.id), "decision")]
    # A day and six hours past the target: the reports were stored a few seconds after noon.
    time_machine.move_to(datetime(2026, 12, 13, 18, 0, tzinfo=UTC))
    staff = signed_in_client(app, triager)
    queue = staff.get("/staff/queue?duty_overdue=1").get_data(as_text=True)
    assert f'href="/staff/reports/{overdue.id}"' in queue
    assert f'href="/staff/reports/{decided.id}"' not in queue
    assert "Decide overdue by 1 d" in queue
    board = staff.get("/staff/dashboard").get_data(as_text=True)
    assert "Duties to reporters at risk" in board and f'href="/staff/reports/{overdue.id}"' in board

    sink, port = smtp_sink
    mailer = notifications.Mailer(server="127.0.0.1", port=port, sender="i@example.org", base_url="https://x.example")
    later = datetime(2026, 12, 13, 12, 0, tzinfo=UTC)
    assert notifications.notify_duties(session, mailer, now=later) == 1
    assert notifications.notify_duties(session, mailer, now=later + timedelta(hours=1)) == 0
    ((recipients, message),) = sink.messages
    assert recipients == [triager.email]
    assert f"#{overdue.id}" in message["Subject"] and "overdue" in message["Subject"]
    assert "medical" not in message.get_payload() and "insulin" not in message.get_payload()


def test_an_external_channel_owes_the_final_outcome_by_a_marked_message(app, client, session, make_staff):
    app.config["WHISTLEBLOWER_CHANNEL_KIND"] = "external"
    recipient = make_staff("recipient")
    _, receipt, _ = submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, recipient)
    assert "When the case closes, we will tell you its final outcome here." in open_thread(client, receipt)
    assert staff_post(staff, report.id, "/actions/acknowledge", {"version": report.version}).status_code == 302
    session.refresh(report)
    assert staff_post(staff, report.id, "/actions/resolve", {"version": report.version}).status_code == 302
    session.refresh(report)
    # Closing starts the outcome clock, due a week later, before the feedback still owed.
    assert (report.duty_kind, report.duty_due_at) == ("outcome", report.closed_at + timedelta(days=7))
    assert "The case is closed; we will tell you its final outcome here." in open_thread(client, receipt)
    outcome = {"body": "The investigation confirmed the breach; the model was withdrawn.", "marks": "outcome"}
    assert staff_post(staff, report.id, "/reply", outcome).status_code == 302
    session.refresh(report)
    # The final outcome is feedback too: nothing is owed any more.
    assert report.outcome_sent_at is not None and report.feedback_at == report.outcome_sent_at
    assert report.duty_kind is None and report.duty_due_at is None
    assert "We told you the final outcome on 28 November 2026." in open_thread(client, receipt)


def test_a_counted_automatic_acknowledgement_meets_the_duty(app, client, session, make_staff):
    app.config["AUTO_ACK_MEETS_DUTY"] = True
    make_staff("recipient")
    response, receipt, _ = submit(client, "/whistleblow")
    assert "We acknowledged your report on 28 November 2026." in response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    # Feedback runs from the acknowledgement: 28 February 2027 (three months after 28 November).
    assert report.duty_kind == "feedback" and near(report.duty_due_at, datetime(2027, 2, 28, 12, 0, tzinfo=UTC))
    assert [e.details for e in events(session, "duty.auto_acknowledged")] == [
        {"channel": "whistleblower", "meets_duty": True}
    ]
    (met,) = events(session, "duty.met")
    assert (met.details["duty"], met.details["on_time"], set(met.details)) == (
        "acknowledge",
        True,
        {"duty", "due_at", "on_time"},
    )
    assert met.details["due_at"].startswith("2026-12-05T12:00")  # seven days after it arrived


def test_a_reopened_notice_gets_a_fresh_decision_target(app, session, make_staff, time_machine):
    triager = session.get(StaffUser, make_staff("triager").id)
    report = stored_report(app, session)
    report = triage.apply(
        session, report, TriageAction.DISMISS, actor=triager, data={"version": report.version, "reason": "spam"}
    )
    time_machine.move_to(datetime(2027, 1, 20, 9, 0, tzinfo=UTC))
    report = triage.apply(session, report, TriageAction.REOPEN, actor=triager, data={"version": report.version})
    # Not the original target (12 December 2026), long past, but fourteen days from the reopening.
    assert near(report.reopened_at, datetime(2027, 1, 20, 9, 0, tzinfo=UTC))
    assert (report.duty_kind, near(report.duty_due_at, datetime(2027, 2, 3, 9, 0, tzinfo=UTC))) == ("decision", True)


@pytest.mark.time_machine(FIXED_DAY)
def test_refresh_duties_stores_the_next_duty_on_reports_that_predate_the_clocks(app, session, runner):
    old = stored_report(app, session)
    # As migration 0010 left a report stored before it: no duty recorded.
    session.execute(Report.__table__.update().where(Report.id == old.id).values(duty_due_at=None, duty_kind=None))
    session.commit()
    result = runner.invoke(args=["triage", "refresh-duties"])
    assert result.exit_code == 0 and "Next duty stored afresh on 1 report(s)." in result.output
    session.expire_all()
    report = session.get(Report, old.id)
    # A public notice not yet decided: the decision target is 14 days after it arrived.
    assert report.duty_kind == "decision" and near(report.duty_due_at, report.created_at + timedelta(days=14))
    again = runner.invoke(args=["triage", "refresh-duties"])
    assert "Next duty stored afresh on 0 report(s)." in again.output


def test_a_recipient_granted_later_reads_the_extensions_justification(app, client, session, make_staff):
    app.config["WHISTLEBLOWER_CHANNEL_KIND"] = "external"
    first = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, first)
    why = "Evidence held by a foreign authority; waiting for its answer."
    assert staff_post(staff, report.id, "/feedback-extension", {"justification": why}).status_code == 302
    late = make_staff("recipient")  # joined after the report and the extension
    page = staff.get("/staff/recipients")
    granted = staff.post(
        "/staff/recipients", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "grantee_id": late.id}
    )
    assert granted.status_code == 302
    assert why in signed_in_client(app, late).get(f"/staff/reports/{report.id}").get_data(as_text=True)


def test_an_appeal_decision_at_risk_shows_on_the_dashboard_and_is_mailed_to_others_once(
    app, session, make_staff, smtp_sink, time_machine
):
    from core import clock
    from incidents.enforcement import appeals, statement
    from incidents.enforcement.service import record_enforcement
    from incidents.intake.service import platform_keys
    from incidents.models import Incident, ModelRecord

    author = session.get(StaffUser, make_staff("triager").id)
    other = make_staff("triager")
    model = ModelRecord(name="Aurora", version="13B", status="suspended")
    incident = Incident(title="Aurora leaks a held-out benchmark")
    session.add_all([model, incident])
    session.commit()
    data = {
        "action_type": "suspension",
        "target_kind": "model",
        "target": "Aurora 13B",
        "model_id": model.id,
        "ground_type": "policy",
        "ground_reference": "Acceptable use policy, clause 4.2",
        "explanation": "The model reproduced a held-out benchmark verbatim.",
        "detection": "manual",
        "decision": "manual",
        "territorial_scope": ["DE"],
        "decided_on": clock.today(),
    }
    action = record_enforcement(session, actor=author, data=data, incident=incident)
    keys = platform_keys(app)
    token = statement.issue_statement(session, actor=author, action=action, keys=keys)
    filed = appeals.file_action_appeal(session, token=token, arguments="Never leaked.", uploads=[], keys=keys, days=30)
    # Filed on 28 November 2026 at noon: the decision is due on 28 December 2026 at noon.
    assert near(filed.due_at, datetime(2026, 12, 28, 12, 0, tzinfo=UTC))
    sink, port = smtp_sink
    mailer = notifications.Mailer(server="127.0.0.1", port=port, sender="i@example.org", base_url="https://x.example")
    assert notifications.notify_appeals(session, mailer, now=datetime(2026, 12, 20, tzinfo=UTC)) == 0  # not yet
    soon = datetime(2026, 12, 27, 9, 0, tzinfo=UTC)
    assert notifications.notify_appeals(session, mailer, now=soon) == 1
    assert notifications.notify_appeals(session, mailer, now=soon + timedelta(hours=1)) == 0
    ((recipients, message),) = sink.messages
    # Only the colleague who may decide it: the author of the contested suspension is left out.
    assert recipients == [other.email]
    assert message["Subject"] == f"Appeal #{filed.appeal_id}: decision at risk"
    assert "Never leaked" not in message.get_payload()
    late = datetime(2026, 12, 29, 9, 0, tzinfo=UTC)
    assert notifications.notify_appeals(session, mailer, now=late) == 1
    assert sink.messages[-1][1]["Subject"] == f"Appeal #{filed.appeal_id}: decision overdue"

    time_machine.move_to(datetime(2026, 12, 29, 18, 0, tzinfo=UTC))  # a day and six hours late
    board = signed_in_client(app, other).get("/staff/dashboard").get_data(as_text=True)
    assert "Appeal decisions at risk" in board
    assert f'href="/staff/appeals/{filed.appeal_id}"' in board and "overdue by 1 d" in board


def test_an_appeal_tied_to_a_whistleblower_report_is_mailed_only_to_its_recipients(
    app, client, session, make_staff, smtp_sink, time_machine
):
    from incidents.enforcement import statement
    from incidents.intake.service import platform_keys
    from tests.integration.test_appeals import act_on_report, file_appeal

    author, reader = make_staff("recipient"), make_staff("recipient")
    triager, admin = make_staff("triager"), make_staff("admin")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    action = act_on_report(session, session.get(StaffUser, author.id), report)
    token = statement.issue_statement(
        session, actor=session.get(StaffUser, author.id), action=action, keys=platform_keys(app)
    )
    assert file_appeal(client, token).status_code == 200
    sink, port = smtp_sink
    mailer = notifications.Mailer(server="127.0.0.1", port=port, sender="i@example.org", base_url="https://x.example")
    assert notifications.notify_appeals(session, mailer, now=datetime(2026, 12, 29, 9, 0, tzinfo=UTC)) == 1
    ((recipients, _message),) = sink.messages
    # Not the author of the action (they decided it), not the triager or the admin (they may not see the report).
    assert recipients == [reader.email] and triager.email not in recipients and admin.email not in recipients
    time_machine.move_to(datetime(2026, 12, 29, 18, 0, tzinfo=UTC))
    for person, listed in ((reader, True), (triager, False), (admin, False)):
        board = signed_in_client(app, person).get("/staff/dashboard").get_data(as_text=True)
        assert ('href="/staff/appeals/' in board) == listed, person.role
