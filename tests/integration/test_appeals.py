"""Statements of reasons and appeals (issue 15): links that work once, a second person decides, reversals reinstate."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core import clock
from core.audit import AuditEvent
from core.auth import StaffUser
from incidents.enforcement import appeal_decisions, statement
from incidents.enforcement.appeals import open_file
from incidents.enforcement.models import Appeal, AppealFile, AppealOutcome, AppealToken
from incidents.enforcement.service import record_enforcement
from incidents.errors import Forbidden
from incidents.intake.service import platform_keys
from incidents.models import EnforcementAction, Incident, ModelRecord, Report
from incidents.triage import service as triage
from incidents.triage.notifications import Mailer
from incidents.triage.workflow import TriageAction
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.hostile import jpeg_with_exif, marker
from tests.factories.reports import submit

RECEIPT_RE = re.compile(r'id="receipt">([0-9A-Z-]{19})<')
ARGUMENTS = "The model was suspended for a test set leak it never had; see the attached log."


def staff(session, make_staff, role="triager") -> StaffUser:
    return session.get(StaffUser, make_staff(role).id)


def suspend(session, actor, model=None, **fields) -> EnforcementAction:
    data = {
        "action_type": "suspension",
        "target_kind": "model",
        "target": "Aurora 13B",
        "model_id": model.id if model else None,
        "ground_type": "policy",
        "ground_reference": "Acceptable use policy, clause 4.2",
        "explanation": "The model reproduced a held-out benchmark verbatim.",
        "detection": "manual",
        "decision": "manual",
        "territorial_scope": ["DE", "FR"],
        "decided_on": clock.today(),
        **fields,
    }
    incident = session.exec(select(Incident)).first()
    if incident is None:
        incident = Incident(title="Aurora leaks a held-out benchmark")
        session.add(incident)
        session.commit()
    return record_enforcement(session, actor=actor, data=data, incident=incident)


def token_for(app, session, actor, action) -> str:
    return statement.issue_statement(session, actor=actor, action=action, keys=platform_keys(app))


def file_appeal(client, token, files=None):
    page = client.get(f"/appeal/{token}")
    assert page.status_code == 200, page.status_code
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "arguments": ARGUMENTS}
    if files:
        data["files"] = files
    return client.post(f"/appeal/{token}", data=data, content_type="multipart/form-data")


@pytest.fixture
def suspended_model(app, session, make_staff):
    """A model suspended by one staff member's enforcement action, and a statement's appeal link."""
    model = ModelRecord(name="Aurora", version="13B", status="suspended")
    session.add(model)
    session.commit()
    author = staff(session, make_staff)
    action = suspend(session, author, model)
    return model, action, author, token_for(app, session, author, action)


def test_whoever_decided_the_action_cannot_decide_its_appeal_and_a_colleague_reverses_it(
    app, client, session, make_staff, suspended_model
):
    model, action, author, token = suspended_model
    response = file_appeal(client, token)
    assert response.status_code == 200 and RECEIPT_RE.search(response.get_data(as_text=True))
    appeal = session.exec(select(Appeal)).one()
    assert appeal.action_id == action.id and appeal.status == "open"
    keys = platform_keys(app)
    with pytest.raises(Forbidden):
        appeal_decisions.decide_appeal(
            session, appeal, actor=author, outcome=AppealOutcome.REVERSED, reasons="I stand by it, really.", keys=keys
        )
    session.rollback()
    colleague = staff(session, make_staff, "admin")
    appeal_decisions.decide_appeal(
        session, appeal, actor=colleague, outcome=AppealOutcome.REVERSED, reasons="The log shows no leak.", keys=keys
    )
    session.expire_all()
    decided = session.get(Appeal, appeal.id)
    assert (decided.status, decided.outcome, decided.decided_by) == ("decided", "reversed", colleague.id)
    reinstatement = session.get(EnforcementAction, decided.reinstatement_id)
    assert (reinstatement.action_type, reinstatement.model_id, reinstatement.created_by) == (
        "reinstatement",
        model.id,
        colleague.id,
    )
    assert session.get(ModelRecord, model.id).status == "active"
    steps = {"statement.downloaded", "appeal.filed", "appeal.decided", "enforcement.recorded", "model.reinstate"}
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq)) if e.action in steps]
    assert actions == [
        "enforcement.recorded",  # the suspension
        "statement.downloaded",
        "appeal.filed",
        "appeal.decided",
        "enforcement.recorded",  # the reinstatement
        "model.reinstate",
    ]


def test_a_partial_reversal_eases_a_suspension_to_a_restriction(app, client, session, make_staff, suspended_model):
    model, _action, _author, token = suspended_model
    file_appeal(client, token)
    appeal = session.exec(select(Appeal)).one()
    appeal_decisions.decide_appeal(
        session,
        appeal,
        actor=staff(session, make_staff),
        outcome=AppealOutcome.PARTLY_REVERSED,
        reasons="Suspension was too much.",
        keys=platform_keys(app),
    )
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "restricted"


def test_the_staff_pages_refuse_the_original_decider_and_let_a_colleague_decide(
    app, client, session, make_staff, suspended_model
):
    _model, action, author, token = suspended_model
    file_appeal(client, token)
    appeal = session.exec(select(Appeal)).one()
    author_login = make_staff("triager")
    # The fixture's author has no password we know: make a signed-in author by recording as this one.
    second = suspend(session, session.get(StaffUser, author_login.id))
    second_token = token_for(app, session, session.get(StaffUser, author_login.id), second)
    file_appeal(client, second_token)
    own = session.exec(select(Appeal).where(Appeal.action_id == second.id)).one()
    browser = signed_in_client(app, author_login)
    page = browser.get(f"/staff/appeals/{own.id}").get_data(as_text=True)
    assert 'id="not-decider"' in page and ARGUMENTS in page
    listing = browser.get("/staff/appeals").get_data(as_text=True)
    assert f"/staff/appeals/{appeal.id}" in listing and f"/staff/appeals/{own.id}" in listing
    form = {"csrf_token": csrf_from(page), "outcome": "upheld", "reasons": "Nothing wrong with my decision."}
    assert browser.post(f"/staff/appeals/{own.id}/decision", data=form).status_code == 403
    assert browser.post(f"/staff/appeals/{appeal.id}/decision", data=form).status_code == 302
    session.expire_all()
    assert session.get(Appeal, own.id).status == "open" and session.get(Appeal, appeal.id).outcome == "upheld"


@pytest.mark.parametrize(
    "odd", ["x", "A" * 31, "A" * 33, "A" * 32, "%00" * 11, "ab%2Fcd" * 5, "é" * 32, "A" * 5000, "' OR 1=1 --"]
)
def test_odd_or_forged_tokens_get_a_clear_404(client, odd):
    response = client.get(f"/appeal/{odd}")
    assert response.status_code == 404
    if "%2F" not in odd:  # a slash is another path, which the app's own 404 answers
        assert "This appeal link does not work" in response.get_data(as_text=True)


def test_a_token_works_once_and_only_for_its_own_action(app, client, session, make_staff, suspended_model):
    _model, action, author, token = suspended_model
    other = suspend(session, author, target="Another model")
    other_token = token_for(app, session, author, other)
    page = client.get(f"/appeal/{token}")
    assert file_appeal(client, token).status_code == 200
    # The same link again, shown afresh: refused, and says nothing more. Posted from the old page (the form sent
    # twice): refused, with the page that says an appeal of this decision waits and what was written, once more.
    again = client.get(f"/appeal/{token}")
    assert again.status_code == 404
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "arguments": ARGUMENTS}
    twice = client.post(f"/appeal/{token}", data=form)
    assert twice.status_code == 409 and "This decision already has an appeal waiting" in twice.get_data(as_text=True)
    assert ARGUMENTS in twice.get_data(as_text=True) and len(session.exec(select(Appeal)).all()) == 1
    unknown = client.get("/appeal/" + "B" * 32).get_data(as_text=True)
    assert again.get_data(as_text=True).replace(token, "T") == unknown.replace("B" * 32, "T")
    assert session.exec(select(Appeal)).one().action_id == action.id
    assert file_appeal(client, other_token).status_code == 200
    assert sorted(a.action_id for a in session.exec(select(Appeal))) == sorted([action.id, other.id])
    # Only keyed hashes of the tokens are stored.
    stored = [t.token_mac for t in session.exec(select(AppealToken))]
    assert token not in stored and other_token not in stored and all(len(mac) == 64 for mac in stored)


def test_files_attached_to_an_appeal_are_cleaned(app, client, session, suspended_model):
    _model, _action, _author, token = suspended_model
    mark = marker("appeal-exif")
    response = file_appeal(client, token, files=[(io.BytesIO(jpeg_with_exif(mark)), "photo.jpg")])
    assert response.status_code == 200
    stored = session.exec(select(AppealFile)).one()
    assert stored.media_type == "image/jpeg"
    assert mark.encode() not in stored.sealed
    _name, data = open_file(stored, reader="platform", private_key=platform_keys(app).private)
    assert data[:2] == b"\xff\xd8" and mark.encode() not in data and b"PhoneMaker" not in data


def test_the_appellant_reads_the_decision_with_their_receipt(app, client, session, make_staff, suspended_model):
    _model, _action, _author, token = suspended_model
    receipt = RECEIPT_RE.search(file_appeal(client, token).get_data(as_text=True)).group(1)
    status_page = client.get("/appeal/status")
    csrf = csrf_from(status_page.get_data(as_text=True))
    waiting = client.post("/appeal/status", data={"csrf_token": csrf, "receipt": receipt}).get_data(as_text=True)
    assert "Not decided yet" in waiting and ARGUMENTS in waiting
    appeal = session.exec(select(Appeal)).one()
    assert ARGUMENTS.encode() not in appeal.sealed
    appeal_decisions.decide_appeal(
        session,
        appeal,
        actor=staff(session, make_staff),
        outcome=AppealOutcome.UPHELD,
        reasons="The benchmark text is in the outputs.",
        keys=platform_keys(app),
    )
    decided = client.post("/appeal/status", data={"csrf_token": csrf, "receipt": receipt.lower()})
    assert "The decision stands." in decided.get_data(as_text=True)
    assert "The benchmark text is in the outputs." in decided.get_data(as_text=True)
    wrong = client.post("/appeal/status", data={"csrf_token": csrf, "receipt": "ABCD-1234-EFGH-5678"})
    assert wrong.status_code == 403 and "The benchmark" not in wrong.get_data(as_text=True)


def test_the_statement_says_what_was_decided_and_leaves_no_address_in_clear(
    app, session, make_staff, suspended_model, monkeypatch
):
    _model, action, _author, _token = suspended_model
    login = make_staff("admin")
    browser = signed_in_client(app, login)
    page = browser.get(f"/staff/enforcement/{action.id}/statement").get_data(as_text=True)
    response = browser.post(
        f"/staff/enforcement/{action.id}/statement", data={"csrf_token": csrf_from(page), "format": "txt"}
    )
    text = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment")
    for expected in (
        "Suspension of access",
        "Acceptable use policy, clause 4.2",
        "The model reproduced a held-out benchmark verbatim.",
        "DE, FR",
        "Automated means used to take the decision: Manual",
        "within 30 days",
    ):
        assert expected in text, expected
    assert re.search(r"/appeal/[A-Za-z0-9_-]{32}\n", text)
    sent = []
    monkeypatch.setattr(Mailer, "send", lambda self, to, subject, body: sent.append((to, body)) or True)
    app.config.update(MAIL_SERVER="127.0.0.1")
    address = "provider-legal@example.org"
    reply = browser.post(
        f"/staff/enforcement/{action.id}/statement/send", data={"csrf_token": csrf_from(page), "address": address}
    )
    assert reply.status_code == 302 and sent[0][0] == [address] and "clause 4.2" in sent[0][1]
    rows = list(session.exec(select(AppealToken).where(AppealToken.action_id == action.id)))
    assert len(rows) == 3 and sum(1 for r in rows if r.sent_to_sealed) == 1
    assert all(address.encode() not in (r.sent_to_sealed or b"") for r in rows)
    events = list(session.exec(select(AuditEvent).where(AuditEvent.action.like("statement.%"))))
    assert [e.action for e in events] == ["statement.downloaded", "statement.downloaded", "statement.sent"]
    assert all(address not in str(e.details) for e in events)
    warning = suspend(session, session.get(StaffUser, login.id), action_type="warning")
    assert "owes no statement" in browser.get(f"/staff/enforcement/{warning.id}/statement").get_data(as_text=True)


def test_a_reporter_appeals_a_dismissal_and_a_colleague_reopens_the_report(app, client, session, make_staff):
    _response, receipt, _data = submit(client)
    report = session.exec(select(Report)).one()
    dismisser = staff(session, make_staff)
    triage.apply(
        session, report, TriageAction.DISMISS, actor=dismisser, data={"version": report.version, "reason": "spam"}
    )
    page = client.get("/followup")
    thread = client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt})
    html = thread.get_data(as_text=True)
    assert "Appeal the dismissal" in html
    form = {"csrf_token": csrf_from(html), "receipt": receipt, "arguments": "This is not spam: it is a real incident."}
    filed = client.post("/followup/appeal", data=form)
    assert filed.status_code == 200 and "A decision is due by" in filed.get_data(as_text=True)
    assert client.post("/followup/appeal", data=form).status_code == 409  # one appeal waits at a time
    appeal = session.exec(select(Appeal)).one()
    assert (appeal.kind, appeal.report_id, appeal.receipt_mac) == ("dismissal", report.id, None)
    keys = platform_keys(app)
    with pytest.raises(Forbidden):
        appeal_decisions.decide_appeal(
            session, appeal, actor=dismisser, outcome=AppealOutcome.REVERSED, reasons="Reopening my own.", keys=keys
        )
    session.rollback()
    appeal_decisions.decide_appeal(
        session,
        appeal,
        actor=staff(session, make_staff),
        outcome=AppealOutcome.REVERSED,
        reasons="We read it again: it is a real incident.",
        keys=keys,
    )
    session.expire_all()
    assert session.get(Report, report.id).status == "acknowledged"
    thread = client.post("/followup", data={"csrf_token": csrf_from(html), "receipt": receipt}).get_data(as_text=True)
    assert "We read it again: it is a real incident." in thread and "This is not spam" in thread
    assert "Appeal the dismissal" not in thread


@pytest.mark.time_machine(FIXED_DAY)
def test_counts_for_a_period_from_plain_columns(app, session, make_staff):
    day = FIXED_DAY
    decider = staff(session, make_staff)

    def appeal(received_days_ago: int, decided_days_ago: int | None = None, outcome: str | None = None) -> None:
        received = day - timedelta(days=received_days_ago)
        decided = day - timedelta(days=decided_days_ago) if decided_days_ago is not None else None
        session.add(
            Appeal(
                kind="action",
                received_at=received,
                due_at=received + timedelta(days=30),
                status="decided" if decided else "open",
                decided_at=decided,
                decided_by=decider.id if decided else None,
                outcome=outcome,
            )
        )

    appeal(20, 10, "upheld")  # 10 days
    appeal(18, 14, "reversed")  # 4 days
    appeal(15, 1, "partly_reversed")  # 14 days
    appeal(5)  # still open
    appeal(60, 40, "reversed")  # decided before the period
    appeal(50, 25, "upheld")  # received before the period, decided in it: 25 days
    session.commit()
    start, end = day - timedelta(days=30), day
    counts = appeal_decisions.appeal_counts(session, start, end)
    assert counts == appeal_decisions.AppealCounts(received=4, decided=4, reversed=2, median_days_to_decide=12.0)
    empty = appeal_decisions.appeal_counts(session, datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 4, 1, tzinfo=UTC))
    assert empty == appeal_decisions.AppealCounts(received=0, decided=0, reversed=0, median_days_to_decide=None)


def test_of_two_decisions_sent_at_once_one_wins_and_the_other_is_a_conflict(
    app, client, session, make_staff, suspended_model
):
    from sqlmodel import Session as DbSession

    from core.db import get_engine
    from incidents.errors import Conflict

    model, action, author, token = suspended_model
    file_appeal(client, token)
    first_view = session.exec(select(Appeal)).one()
    keys = platform_keys(app)
    one, two = staff(session, make_staff, "admin"), staff(session, make_staff, "triager")
    with DbSession(get_engine(app)) as other:
        second_view = other.get(Appeal, first_view.id)  # read while still open, as a second browser tab would
        appeal_decisions.decide_appeal(
            session, first_view, actor=one, outcome=AppealOutcome.REVERSED, reasons="Reversed: no leak.", keys=keys
        )
        with pytest.raises(Conflict):
            appeal_decisions.decide_appeal(
                other, second_view, actor=other.get(type(two), two.id), outcome=AppealOutcome.REVERSED,
                reasons="Reversed again.", keys=keys,
            )  # fmt: skip
        other.rollback()
    reinstatements = session.exec(select(EnforcementAction).where(EnforcementAction.action_type == "reinstatement"))
    assert len(reinstatements.all()) == 1
    session.expire_all()
    assert session.get(Appeal, first_view.id).decided_by == one.id


def dismissed_thread(client, session, dismisser, path: str = "/report") -> tuple[str, str, Report]:
    """Submit a report through `path`, dismiss it as `dismisser`, open its follow-up page: (page, receipt, report)."""
    _response, receipt, _data = submit(client, path)
    report = session.exec(select(Report).order_by(Report.id.desc())).first()
    data = {"version": report.version, "reason": "spam"}
    triage.apply(session, report, TriageAction.DISMISS, actor=dismisser, data=data)
    page = client.get("/followup").get_data(as_text=True)
    thread = client.post("/followup", data={"csrf_token": csrf_from(page), "receipt": receipt}).get_data(as_text=True)
    return thread, receipt, report


def act_on_report(session, actor, report, **fields) -> EnforcementAction:
    """Record a suspension of an account because of a report (the report page's enforcement form)."""
    data = {
        "action_type": "suspension", "target_kind": "account", "target": "Account 4411",
        "ground_type": "policy", "ground_reference": "Terms, clause 9", "explanation": "Spam, twice.",
        "detection": "manual", "decision": "manual", "decided_on": clock.today(), **fields,
    }  # fmt: skip
    return record_enforcement(session, actor=actor, data=data, report=report)


def test_an_appeal_of_an_action_on_a_whistleblower_report_is_sealed_for_its_recipients_not_the_platform(
    app, client, session, make_staff
):
    from core import sealing
    from core.sealing import SealError

    reader, second = make_staff("recipient"), make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    author = session.get(StaffUser, second.id)
    action = act_on_report(session, author, report)
    response = file_appeal(client, token_for(app, session, author, action), files=[(io.BytesIO(b"a log\n"), "l.txt")])
    receipt = RECEIPT_RE.search(response.get_data(as_text=True)).group(1)
    appeal = session.exec(select(Appeal)).one()
    recipients = [session.get(StaffUser, person.id) for person in (reader, second)]
    expected = {sealing.staff_reader(u.id, u.public_key) for u in recipients} | {"appellant"}
    assert set(appeal.wrapped_keys) == expected and "platform" not in expected
    assert set(session.exec(select(AppealFile)).one().wrapped_keys) == expected
    keys = platform_keys(app)
    with pytest.raises(SealError):
        sealing.unseal_json(appeal.sealed, appeal.wrapped_keys, sealing.PLATFORM, keys.private)
    browser = signed_in_client(app, reader)
    page = browser.get(f"/staff/appeals/{appeal.id}").get_data(as_text=True)
    assert ARGUMENTS in page and 'id="not-decider"' not in page
    form = {"csrf_token": csrf_from(page), "outcome": "upheld", "reasons": "Clause 9 covers this, as written."}
    assert browser.post(f"/staff/appeals/{appeal.id}/decision", data=form).status_code == 302
    session.expire_all()
    assert set(session.get(Appeal, appeal.id).decision_keys) == expected
    opened = session.exec(select(AuditEvent).where(AuditEvent.action == "appeal.opened")).first()
    assert opened.actor_id == reader.id and opened.details == {
        "reader": sealing.staff_reader(reader.id, recipients[0].public_key)
    }
    csrf = csrf_from(client.get("/appeal/status").get_data(as_text=True))
    status = client.post("/appeal/status", data={"csrf_token": csrf, "receipt": receipt}).get_data(as_text=True)
    assert "Clause 9 covers this, as written." in status and ARGUMENTS in status


def test_an_appeal_is_never_sealed_for_recipients_the_report_was_not_given_to(app, client, session, make_staff):
    from nacl.public import PrivateKey
    from sqlalchemy import update

    from core import sealing

    reader = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    author = session.get(StaffUser, reader.id)
    token = token_for(app, session, author, act_on_report(session, author, report))
    # The only reader's key is replaced (a password reset), and a new recipient joins who was never granted it.
    fresh = sealing.encode_public(PrivateKey.generate().public_key)
    session.execute(update(StaffUser).where(StaffUser.id == reader.id).values(public_key=fresh))
    session.commit()
    make_staff("recipient")
    refused = file_appeal(client, token)
    assert refused.status_code == 503
    assert "We cannot receive this appeal right now" in refused.get_data(as_text=True)
    assert ARGUMENTS in refused.get_data(as_text=True)  # what was written is kept
    assert session.exec(select(Appeal)).all() == []
    assert session.exec(select(AppealToken)).one().used_at is None  # the link still works later


def test_whoever_moved_the_model_for_the_action_cannot_decide_its_appeal(app, client, session, make_staff):
    from incidents.registry import service as registry
    from incidents.triage.workflow import ModelAction

    def move(model, action, actor, reason="Held-out benchmark reproduced."):
        model = session.get(ModelRecord, model.id)
        return registry.transition_model(
            session, model, action, actor=actor, row_version=model.row_version, public_reason=reason
        )

    people = {name: staff(session, make_staff) for name in ("early", "first_author", "mover", "author", "later")}
    model = ModelRecord(name="Aurora", version="13B")
    session.add(model)
    session.commit()
    move(model, ModelAction.REVIEW, people["early"])
    move(model, ModelAction.RESTRICT, people["early"])  # before the model's first action: that one's move
    suspend(session, people["first_author"], model, action_type="licence_change")
    move(model, ModelAction.SUSPEND, people["mover"])  # the move the appealed action applies, recorded first
    appealed = suspend(session, people["author"], model)
    suspend(session, people["later"], model, action_type="warning")
    move(model, ModelAction.RESTRICT, people["later"])  # after the next action: that one's
    file_appeal(client, token_for(app, session, people["author"], appealed))
    appeal = session.exec(select(Appeal)).one()
    assert appeal_decisions.original_deciders(session, appeal) == {people["author"].id, people["mover"].id}
    with pytest.raises(Forbidden):
        appeal_decisions.decide_appeal(
            session, appeal, actor=people["mover"], outcome=AppealOutcome.UPHELD, reasons="I moved it; it stands.",
            keys=platform_keys(app),
        )  # fmt: skip
    session.rollback()
    appeal_decisions.decide_appeal(
        session, appeal, actor=people["early"], outcome=AppealOutcome.UPHELD, reasons="It stands, on the log.",
        keys=platform_keys(app),
    )  # fmt: skip
    assert session.get(Appeal, appeal.id).decided_by == people["early"].id


def test_a_reversal_leaves_the_model_while_an_earlier_restriction_stands(
    app, client, session, make_staff, suspended_model
):
    model, first, author, _token = suspended_model  # the suspension stands: nobody appeals it
    later = suspend(session, staff(session, make_staff), model, action_type="takedown", target="Aurora 13B weights")
    file_appeal(client, token_for(app, session, author, later))
    appeal = session.exec(select(Appeal)).one()
    page = decide_on_the_page(app, make_staff, appeal.id, "reversed", "The weights were never published.")
    assert "the model&#39;s status is unchanged: an earlier action still restricts it" in page
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "suspended"
    assert decided_details(session, appeal.id) == {
        "kind": "action", "outcome": "reversed", "action": later.id, "report": None,
        "lifted": False, "why": "an earlier action still restricts the model",
    }  # fmt: skip


def test_a_restriction_whose_last_day_has_passed_no_longer_stands(
    app, client, session, make_staff, suspended_model, time_machine
):
    from sqlalchemy import update

    model, first, author, _token = suspended_model
    session.execute(update(EnforcementAction).where(EnforcementAction.id == first.id).values(ends_on=clock.today()))
    session.commit()
    later = suspend(session, staff(session, make_staff), model, action_type="takedown", target="Aurora 13B weights")
    file_appeal(client, token_for(app, session, author, later))
    appeal = session.exec(select(Appeal)).one()
    time_machine.move_to(clock.now() + timedelta(days=2))  # the first suspension's last day is past
    page = decide_on_the_page(app, make_staff, appeal.id, "reversed", "The weights were never published.")
    assert "The appeal is decided." in page and "unchanged" not in page
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "active"


def decide_on_the_page(app, make_staff, appeal_id: int, outcome: str, reasons: str) -> str:
    """Decide an appeal through its page as a new colleague; return the page shown after, with its flash."""
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/appeals/{appeal_id}").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "outcome": outcome, "reasons": reasons}
    response = browser.post(f"/staff/appeals/{appeal_id}/decision", data=form, follow_redirects=True)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def decided_details(session, appeal_id: int) -> dict:
    query = select(AuditEvent).where(AuditEvent.action == "appeal.decided", AuditEvent.target_id == str(appeal_id))
    return session.exec(query).one().details


def test_a_reversal_lifts_only_the_models_latest_restriction(app, client, session, make_staff, suspended_model):
    model, first, author, token = suspended_model
    later = suspend(session, staff(session, make_staff), model, action_type="takedown", target="Aurora 13B weights")
    file_appeal(client, token)
    appeal = session.exec(select(Appeal)).one()
    page = decide_on_the_page(app, make_staff, appeal.id, "reversed", "No leak: the overlap is a public text.")
    assert "the model&#39;s status is unchanged: a later action restricts it" in page
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "suspended"
    reinstatement = session.get(EnforcementAction, session.get(Appeal, appeal.id).reinstatement_id)
    assert (reinstatement.action_type, reinstatement.model_id) == ("reinstatement", model.id)
    assert decided_details(session, appeal.id) == {
        "kind": "action", "outcome": "reversed", "action": first.id, "report": None,
        "lifted": False, "why": "a later action restricts the model",
    }  # fmt: skip
    # The later action is the latest restriction: its reversal lifts it.
    file_appeal(client, token_for(app, session, author, later))
    second = session.exec(select(Appeal).where(Appeal.action_id == later.id)).one()
    page = decide_on_the_page(app, make_staff, second.id, "reversed", "The weights were never published.")
    assert "The appeal is decided." in page and "unchanged" not in page
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "active"
    assert decided_details(session, second.id)["lifted"] is True


def test_a_dismissal_reversed_after_staff_reopened_the_report_by_hand(app, client, session, make_staff):
    dismisser = staff(session, make_staff)
    page, receipt, report = dismissed_thread(client, session, dismisser)
    form = {"csrf_token": csrf_from(page), "receipt": receipt, "arguments": "This is not spam: it is a real incident."}
    assert client.post("/followup/appeal", data=form).status_code == 200
    session.refresh(report)
    triage.apply(session, report, TriageAction.REOPEN, actor=dismisser, data={"version": report.version})
    session.refresh(report)
    reopened = (report.status, report.version)
    appeal = session.exec(select(Appeal)).one()
    shown = decide_on_the_page(app, make_staff, appeal.id, "reversed", "We read it again: a real incident.")
    assert "The report was not reopened: it is no longer dismissed." in shown
    session.expire_all()
    assert (session.get(Report, report.id).status, session.get(Report, report.id).version) == reopened
    assert session.get(Appeal, appeal.id).outcome == "reversed"
    assert decided_details(session, appeal.id) == {
        "kind": "dismissal", "outcome": "reversed", "action": None, "report": report.id,
        "reopened": False, "why": "the report is no longer dismissed",
    }  # fmt: skip
    thread = client.post("/followup", data={"csrf_token": csrf_from(page), "receipt": receipt}).get_data(as_text=True)
    assert "We read it again: a real incident." in thread


@pytest.mark.time_machine(FIXED_DAY)
def test_the_staff_list_says_which_appeals_are_overdue_or_due_soon(app, session, make_staff):
    author = staff(session, make_staff)
    hours = timedelta(hours=1)
    due = {"overdue": FIXED_DAY - 36 * hours, "soon": FIXED_DAY + 36 * hours, "later": FIXED_DAY + 252 * hours}
    ids = {}
    for name, due_at in due.items():
        action = suspend(session, author, target=f"Model {name}")
        appeal = Appeal(kind="action", action_id=action.id, received_at=FIXED_DAY - 30 * 24 * hours, due_at=due_at)
        session.add(appeal)
        session.commit()
        ids[name] = appeal.id
    browser = signed_in_client(app, make_staff("admin"))
    rows = browser.get("/staff/appeals").get_data(as_text=True).split("<tbody>", 1)[1].split("</tr>")
    cells = [re.sub(r"<[^>]+>", "", row.split("<td>")[-1]).strip() for row in rows if "<td>" in row]
    assert cells == ["2026-11-27: overdue by 1 d", "2026-11-30: due soon, in 1 d", "2026-12-09: due in 10 d"]
    page = browser.get(f"/staff/appeals/{ids['soon']}").get_data(as_text=True)
    assert "2026-11-30: due soon, in 1 d" in page
