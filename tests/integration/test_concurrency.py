"""Concurrent writers: the audit chain stays linear and a TOTP code is accepted once."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from core import auth, clock
from core.audit import append_event, verify_chain
from core.db import get_engine
from incidents.errors import Conflict
from tests.conftest import totp_now


def test_concurrent_audit_appends_keep_one_chain(app, session):
    engine = get_engine(app)
    start = threading.Barrier(6)

    def writer(n: int) -> None:
        start.wait()
        for i in range(10):
            with Session(engine) as db:
                append_event(db, action="test.concurrent", target_id=f"{n}-{i}")
                db.commit()

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(writer, range(6)))
    report = verify_chain(session)
    assert report.ok, report.problems
    assert report.checked == 60


def test_same_totp_code_accepted_once_under_concurrency(app, session, make_staff):
    staff = make_staff("admin")
    code = totp_now(staff.totp_secret)
    engine = get_engine(app)
    start = threading.Barrier(4)

    def attempt(_):
        with Session(engine) as db:
            user = db.get(auth.StaffUser, staff.id)
            start.wait()
            ok = auth.consume_totp(db, user, code, clock.now())
            db.commit()
            return ok

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert results.count(True) == 1


def test_two_staff_acting_on_one_report_at_once_lose_no_update(app, session, make_staff):
    """Both saw version 1; exactly one action lands, the other gets Conflict. Run on both databases."""
    from core.auth import StaffUser
    from incidents.models import Report
    from incidents.triage import service as triage
    from incidents.triage.workflow import TriageAction
    from tests.factories.triage import stored_report

    engine = get_engine(app)
    actors = [make_staff("triager").id, make_staff("triager").id]
    for _round in range(5):
        report_id = stored_report(app, session).id
        start = threading.Barrier(2)

        def act(n: int, report_id: int = report_id, start: threading.Barrier = start) -> str:
            with Session(engine, expire_on_commit=False) as db:
                report = db.get(Report, report_id)
                actor = db.get(StaffUser, actors[n])
                action, data = (
                    (TriageAction.DISMISS, {"version": report.version, "reason": "spam"})
                    if n == 0
                    else (TriageAction.ESCALATE, {"version": report.version})
                )
                start.wait()
                try:
                    triage.apply(db, report, action, actor=actor, data=data)
                    return "ok"
                except Conflict:
                    return "conflict"

        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(act, range(2)))
        assert outcomes == ["conflict", "ok"]
        session.expire_all()
        stored = session.get(Report, report_id)
        assert stored.version == 2 and stored.status in ("dismissed", "escalated")
    assert verify_chain(session).ok
