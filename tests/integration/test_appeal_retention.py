"""Retention for appeals, against a fixed clock: an appeal's sealed content goes RETENTION_DAYS after its decision,
a statement's sealed address RETENTION_DAYS after its link was made; the counted columns and the audit trail stay."""

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from incidents.enforcement import appeal_decisions, statement
from incidents.enforcement.models import Appeal, AppealFile, AppealOutcome, AppealToken
from incidents.intake import retention
from incidents.intake.service import platform_keys
from incidents.models import Message, Report
from incidents.triage import service as triage
from incidents.triage.workflow import TriageAction
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.integration.test_appeals import ARGUMENTS, RECEIPT_RE, dismissed_thread, file_appeal, suspend, token_for

DAY = timedelta(days=1)


def decide(app, session, appeal_id: int, decider, outcome=AppealOutcome.UPHELD):
    appeal = session.get(Appeal, appeal_id)
    reasons = "The log shows the benchmark text verbatim."
    return appeal_decisions.decide_appeal(
        session, appeal, actor=decider, outcome=outcome, reasons=reasons, keys=platform_keys(app)
    )


def appeal_a_dismissal(client, session, dismisser, arguments: str) -> tuple[Report, int]:
    """Submit a report, dismiss it, appeal the dismissal as its reporter; return the report and the appeal's id."""
    thread, receipt, report = dismissed_thread(client, session, dismisser)
    form = {"csrf_token": csrf_from(thread), "receipt": receipt, "arguments": arguments}
    assert client.post("/followup/appeal", data=form).status_code == 200
    return report, session.exec(select(Appeal.id).where(Appeal.report_id == report.id)).one()


@pytest.mark.time_machine(FIXED_DAY)
def test_appeals_and_statement_addresses_are_purged_after_the_retention_period(
    app, client, session, make_staff, runner, time_machine
):
    author, decider = (session.get(StaffUser, make_staff("triager").id) for _ in range(2))
    keys = platform_keys(app)
    # Day 0: an action appeal with a file, decided; a statement e-mailed (its address sealed); an open appeal.
    old = suspend(session, author)
    statement.issue_statement(session, actor=author, action=old, keys=keys, address="legal@example.org")
    filed = file_appeal(
        client, token_for(app, session, author, old), files=[(io.BytesIO(b"plain notes\n"), "notes.txt")]
    )
    receipt = RECEIPT_RE.search(filed.get_data(as_text=True)).group(1)
    purged_id = session.exec(select(Appeal.id).where(Appeal.action_id == old.id)).one()
    decided = decide(app, session, purged_id, decider).appeal
    dates = (decided.received_at, decided.decided_at, decided.due_at)
    waiting = suspend(session, author, target="Another model")
    file_appeal(client, token_for(app, session, author, waiting))
    # Two dismissal appeals, both reversed: one report dismissed again on day 10, the other still open.
    closed_again, closed_appeal = appeal_a_dismissal(client, session, author, "Not spam: a real incident, day 0.")
    still_open, open_appeal = appeal_a_dismissal(client, session, author, "Not spam either: still being worked.")
    for appeal_id in (closed_appeal, open_appeal):
        decide(app, session, appeal_id, decider, outcome=AppealOutcome.REVERSED)
    time_machine.move_to(FIXED_DAY + 10 * DAY)
    session.refresh(closed_again)
    data = {"version": closed_again.version, "reason": "duplicate_content"}
    triage.apply(session, closed_again, TriageAction.DISMISS, actor=author, data=data)
    # Day 200: another action appeal, decided: not yet due for the purge on day 366.
    time_machine.move_to(FIXED_DAY + 200 * DAY)
    recent = suspend(session, author, target="A third model")
    file_appeal(client, token_for(app, session, author, recent))
    recent_id = session.exec(select(Appeal.id).where(Appeal.action_id == recent.id)).one()
    decide(app, session, recent_id, decider)

    time_machine.move_to(FIXED_DAY + 366 * DAY)
    job = runner.invoke(args=["scheduler", "run-job", "purge-expired-content"])
    assert job.exit_code == 0, job.output
    assert "purged 0 reports (0 messages, 0 attachments), 1 appeals (1 files) and 1 statement addresses" in job.output
    session.expire_all()
    purged = session.get(Appeal, purged_id)
    assert (purged.sealed, purged.wrapped_keys, purged.decision_sealed, purged.decision_keys) == (None, {}, None, {})
    assert (purged.kind, purged.status, purged.outcome) == ("action", "decided", "upheld")
    assert (purged.received_at, purged.decided_at, purged.due_at) == dates
    assert purged.received_at.date() == FIXED_DAY.date() and purged.due_at - purged.received_at == 30 * DAY
    assert session.exec(select(AppealFile).where(AppealFile.appeal_id == purged_id)).all() == []
    tokens = session.exec(select(AppealToken).where(AppealToken.action_id == old.id).order_by(AppealToken.id)).all()
    assert [(t.sent_to_sealed, t.sent_to_keys) for t in tokens] == [(None, {}), (None, {})]
    for kept in (
        session.get(Appeal, recent_id),
        session.exec(select(Appeal).where(Appeal.action_id == waiting.id)).one(),
    ):
        assert kept.sealed is not None
    # A dismissal appeal goes with its case: the report closed again on day 10 keeps it until its own purge.
    assert session.get(Appeal, closed_appeal).message_id is not None
    bodies = session.exec(select(Message).where(Message.report_id == closed_again.id, Message.author == "reporter"))
    assert len(bodies.all()) == 1 and session.get(Report, closed_again.id).sealed is not None
    assert session.get(Appeal, open_appeal).message_id is not None
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action.in_(["appeal.purged", "statement.address_purged"]))
    )
    assert sorted((e.action, e.target_id, e.details.get("kind")) for e in events) == [
        ("appeal.purged", str(purged_id), "action"),
        ("statement.address_purged", str(tokens[0].id), None),
    ]
    assert verify_chain(session).ok
    # Idempotent: nothing more to do until the next appeal's time comes.
    again = retention.purge_expired(session, retention_days=365)
    assert (again.appeals, again.appeal_files, again.statement_addresses) == (0, 0, 0)

    # Day 376: the report closed on day 10 has been closed a year. Its purge takes its whole thread, the
    # dismissal appeal's arguments with it (a message of that thread), so no appeal is left to purge on its own.
    time_machine.move_to(FIXED_DAY + 376 * DAY)
    later = retention.purge_expired(session, retention_days=365)
    assert (later.reports, later.appeals) == (1, 0)
    session.expire_all()
    assert session.get(Appeal, closed_appeal).message_id is None and session.get(Report, closed_again.id).sealed is None
    assert session.get(Appeal, open_appeal).message_id is not None  # its report is still open

    # The appellant reads what is left, and staff see it was purged.
    csrf = csrf_from(client.get("/appeal/status").get_data(as_text=True))
    page = client.post("/appeal/status", data={"csrf_token": csrf, "receipt": receipt})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The decision stands." in html
    assert "were deleted at the end of our retention period" in html and ARGUMENTS not in html
    staff_page = signed_in_client(app, make_staff("admin")).get(f"/staff/appeals/{purged_id}")
    assert staff_page.status_code == 200 and 'id="purged"' in staff_page.get_data(as_text=True)


def test_appeal_purge_works_in_batches_and_can_be_interrupted(app, client, session, make_staff):
    from core import clock

    author, decider = (session.get(StaffUser, make_staff("triager").id) for _ in range(2))
    ids = []
    for n in range(5):
        action = suspend(session, author, target=f"Model {n}")
        file_appeal(client, token_for(app, session, author, action))
        ids.append(session.exec(select(Appeal.id).where(Appeal.action_id == action.id)).one())
        decide(app, session, ids[-1], decider)
    later = clock.now() + 400 * DAY
    assert retention.purge_expired(session, retention_days=365, now=later, batch=2, limit=3).appeals == 3
    assert retention.purge_expired(session, retention_days=365, now=later, batch=2).appeals == 2
    session.expire_all()
    assert all(session.get(Appeal, i).sealed is None for i in ids)
