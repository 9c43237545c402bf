"""Concurrent writers: the audit chain stays linear and a TOTP code is accepted once."""

import threading
from concurrent.futures import ThreadPoolExecutor


from tests.conftest import totp_now
from sqlmodel import Session

from core import auth
from core.audit import append_event, verify_chain
from core.db import get_engine, utcnow


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
            ok = auth.consume_totp(db, user, code, utcnow())
            db.commit()
            return ok

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert results.count(True) == 1
