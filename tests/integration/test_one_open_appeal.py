"""One open appeal at a time: per action (a filing spends the action's other links) and per dismissed report.

Run on SQLite and on PostgreSQL (DATABASE_URL): the partial unique indexes of migration 0013 decide between
two filings sent at once, and a refusal is a page that says so and gives back what was written, never a 500.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import clock
from core.audit import AuditEvent
from core.auth import StaffUser
from core.db import get_engine
from incidents.enforcement import appeal_decisions, appeals
from incidents.enforcement.models import Appeal, AppealOutcome, AppealToken
from incidents.intake.service import platform_keys
from incidents.models import Message, Report
from tests.conftest import csrf_from
from tests.integration.test_appeals import ARGUMENTS, dismissed_thread, file_appeal, suspend, token_for

WAITING = "This decision already has an appeal waiting"


def author_of(session, make_staff) -> StaffUser:
    return session.get(StaffUser, make_staff("triager").id)


def open_appeal_row(**fields) -> Appeal:
    now = clock.now()
    return Appeal(**{"received_at": now, "due_at": now, "status": "open", **fields})


def test_the_indexes_allow_one_open_appeal_per_action_and_per_report(app, session, make_staff):
    action = suspend(session, author_of(session, make_staff))
    session.add(open_appeal_row(kind="action", action_id=action.id))
    session.add(open_appeal_row(kind="action", action_id=action.id, status="decided", outcome="upheld"))
    session.commit()
    session.add(open_appeal_row(kind="action", action_id=action.id))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    from tests.factories.triage import stored_report

    report = stored_report(app, session)
    session.add(open_appeal_row(kind="dismissal", report_id=report.id))
    session.add(open_appeal_row(kind="action"))  # no action (deleted): NULLs never collide
    session.add(open_appeal_row(kind="action"))
    session.commit()
    session.add(open_appeal_row(kind="dismissal", report_id=report.id))
    with pytest.raises(IntegrityError):
        session.commit()


def test_filing_spends_the_actions_other_links(app, client, session, make_staff):
    author = author_of(session, make_staff)
    action = suspend(session, author)
    first, second, third = (token_for(app, session, author, action) for _ in range(3))
    form_page = client.get(f"/appeal/{third}").get_data(as_text=True)  # shown before the appeal is filed
    assert file_appeal(client, second).status_code == 200
    session.expire_all()
    assert all(t.used_at is not None for t in session.exec(select(AppealToken)))
    assert client.get(f"/appeal/{first}").status_code == 404
    sent = client.post(f"/appeal/{third}", data={"csrf_token": csrf_from(form_page), "arguments": "Mine, too: " * 3})
    assert sent.status_code == 409
    assert WAITING in sent.get_data(as_text=True) and "Mine, too: Mine, too:" in sent.get_data(as_text=True)
    assert len(session.exec(select(Appeal)).all()) == 1
    filed = session.exec(select(AuditEvent).where(AuditEvent.action == "appeal.filed")).one()
    assert filed.details["other_links_spent"] == 2


def test_a_link_issued_while_an_appeal_is_open_files_nothing_until_it_is_decided(app, client, session, make_staff):
    author = author_of(session, make_staff)
    action = suspend(session, author)
    assert file_appeal(client, token_for(app, session, author, action)).status_code == 200
    later = token_for(app, session, author, action)  # the statement downloaded again while the appeal waits
    shown = client.get(f"/appeal/{later}")
    assert shown.status_code == 409 and WAITING in shown.get_data(as_text=True)
    csrf = csrf_from(client.get("/appeal/status").get_data(as_text=True))
    # Posted anyway: the one-open-appeal index refuses the second appeal, and the refusal is this page, not a 500.
    sent = client.post(f"/appeal/{later}", data={"csrf_token": csrf, "arguments": ARGUMENTS})
    assert (
        sent.status_code == 409 and WAITING in sent.get_data(as_text=True) and ARGUMENTS in sent.get_data(as_text=True)
    )
    keys = platform_keys(app)
    with pytest.raises(appeals.AppealWaiting):
        appeals.file_action_appeal(session, token=later, arguments=ARGUMENTS, uploads=[], keys=keys, days=30)
    session.rollback()
    assert len(session.exec(select(Appeal)).all()) == 1
    assert session.exec(select(AppealToken.used_at).where(AppealToken.id == 2)).one() is None  # nothing spent
    appeal = session.exec(select(Appeal)).one()
    colleague = session.get(StaffUser, make_staff("admin").id)
    appeal_decisions.decide_appeal(
        session, appeal, actor=colleague, outcome=AppealOutcome.UPHELD, reasons="It stands, for reasons.", keys=keys
    )
    assert file_appeal(client, later).status_code == 200
    assert [a.status for a in session.exec(select(Appeal).order_by(Appeal.id))] == ["decided", "open"]


def test_two_links_of_one_action_filed_at_once_file_one_appeal(app, session, make_staff):
    engine = get_engine(app)
    keys = platform_keys(app)
    author = author_of(session, make_staff)
    for _round in range(3):
        action = suspend(session, author)
        tokens = [token_for(app, session, author, action) for _ in range(2)]
        start = threading.Barrier(2)

        def file(token: str, start: threading.Barrier = start) -> str:
            with Session(engine, expire_on_commit=False) as db:
                start.wait()
                try:
                    appeals.file_action_appeal(db, token=token, arguments=ARGUMENTS, uploads=[], keys=keys, days=30)
                    return "filed"
                except appeals.AppealWaiting:
                    return "waiting"

        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(file, tokens))
        assert outcomes == ["filed", "waiting"]
        session.expire_all()
        assert len(session.exec(select(Appeal).where(Appeal.action_id == action.id)).all()) == 1
        used = session.exec(select(AppealToken.used_at).where(AppealToken.action_id == action.id)).all()
        assert len(used) == 2 and None not in used


def dedupe_token_of(html: str) -> str:
    return re.search(r'name="dedupe_token" value="([^"]+)"', html).group(1)


def test_a_dismissal_appeal_sent_twice_files_once(app, client, session, make_staff):
    thread, receipt, report = dismissed_thread(client, session, author_of(session, make_staff))
    form = {
        "csrf_token": csrf_from(thread),
        "receipt": receipt,
        "dedupe_token": dedupe_token_of(thread),
        "arguments": "This is not spam: it is a real incident.",
    }
    first, second = client.post("/followup/appeal", data=form), client.post("/followup/appeal", data=form)
    assert first.status_code == second.status_code == 200
    assert first.get_data(as_text=True) == second.get_data(as_text=True)  # the same receipt page, the same date
    assert len(session.exec(select(Appeal)).all()) == 1
    assert (
        len(session.exec(select(Message).where(Message.report_id == report.id, Message.author == "reporter")).all())
        == 1
    )
    # Another tab's form (its own token) is refused while the appeal waits, and gets its words back.
    other = {**form, "dedupe_token": "another-tab-token", "arguments": "A second go at the same appeal."}
    refused = client.post("/followup/appeal", data=other)
    assert refused.status_code == 409 and "A second go at the same appeal." in refused.get_data(as_text=True)


def test_a_dismissal_appeal_form_with_errors_keeps_what_was_written_and_its_token(app, client, session, make_staff):
    thread, receipt, _report = dismissed_thread(client, session, author_of(session, make_staff))
    token = dedupe_token_of(thread)
    form = {"csrf_token": csrf_from(thread), "receipt": receipt, "dedupe_token": token, "arguments": "Too short"}
    page = client.post("/followup/appeal", data=form)
    assert page.status_code == 400
    assert (
        ">Too short</textarea>" in page.get_data(as_text=True) and dedupe_token_of(page.get_data(as_text=True)) == token
    )


def test_the_same_dismissal_appeal_sent_twice_at_once_files_once(app, client, session, make_staff):
    _thread, _receipt, report = dismissed_thread(client, session, author_of(session, make_staff))
    engine, keys = get_engine(app), platform_keys(app)
    start = threading.Barrier(2)

    def file(n: int) -> int:
        with Session(engine, expire_on_commit=False) as db:
            mine = db.get(Report, report.id)
            start.wait()
            filed = appeals.file_dismissal_appeal(
                db, report=mine, arguments=ARGUMENTS, uploads=[], keys=keys, days=30, dedupe_token="one-form"
            )
            return filed.appeal_id

    with ThreadPoolExecutor(2) as pool:
        ids = list(pool.map(file, range(2)))
    appeal = session.exec(select(Appeal)).one()
    assert ids == [appeal.id, appeal.id]
    assert (
        len(session.exec(select(Message).where(Message.report_id == report.id, Message.author == "reporter")).all())
        == 1
    )


def test_a_copy_that_looked_before_the_other_committed_still_gets_the_first_appeal(
    app, client, session, make_staff, monkeypatch
):
    """The window the test above can miss: the second copy looked for its form's appeal just before the first
    copy committed it, then found an open appeal. It is its own form's, so it is returned, not refused."""
    _thread, _receipt, report = dismissed_thread(client, session, author_of(session, make_staff))
    keys = platform_keys(app)
    first = appeals.file_dismissal_appeal(
        session, report=report, arguments=ARGUMENTS, uploads=[], keys=keys, days=30, dedupe_token="one-form"
    )
    looks = []
    real = appeals.appeal_of_form

    def looked_too_early(*args, **kwargs):
        looks.append(1)
        return None if len(looks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(appeals, "appeal_of_form", looked_too_early)
    again = appeals.file_dismissal_appeal(
        session, report=report, arguments=ARGUMENTS, uploads=[], keys=keys, days=30, dedupe_token="one-form"
    )
    assert again.appeal_id == first.appeal_id and len(looks) == 2
    with pytest.raises(appeals.AppealWaiting):  # another form is still refused while that appeal is open
        appeals.file_dismissal_appeal(
            session, report=report, arguments=ARGUMENTS, uploads=[], keys=keys, days=30, dedupe_token="other-form"
        )
