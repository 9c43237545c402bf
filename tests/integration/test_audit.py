"""The audit chain: appends link up, and any edit or deletion is caught."""

import itertools
import json

from sqlalchemy import text
from sqlmodel import select

from core.audit import AuditEvent, append_event, verify_chain


def write_events(session, n=5):
    for i in range(n):
        append_event(
            session,
            action="test.event",
            actor_id=1,
            target_type="thing",
            target_id=str(i),
            details={"i": i, "note": "ünïcode"},
        )
        session.commit()


def test_chain_links_and_verifies(session, runner):
    write_events(session)
    events = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert verify_chain(session).ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "5 events" in result.output


def test_edited_event_is_detected(session, runner):
    write_events(session)
    session.execute(text("UPDATE audit_event SET details = :d WHERE seq = 3"), {"d": '{"i": 99}'})
    session.commit()
    report = verify_chain(session)
    assert not report.ok and any("event 3" in p for p in report.problems)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BROKEN" in result.output


def test_deleted_event_is_detected(session):
    write_events(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    session.commit()
    assert not verify_chain(session).ok


def test_truncated_tail_is_detected(session):
    write_events(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = 5"))
    session.commit()
    report = verify_chain(session)
    assert not report.ok and any("removed" in p for p in report.problems)


def test_rolled_back_append_leaves_no_gap(session):
    write_events(session, 2)
    append_event(session, action="test.abandoned")
    session.rollback()
    write_events(session, 1)
    assert verify_chain(session).ok


def test_rebuilding_the_chain_without_the_key_is_detected(session):
    """A database-only attacker edits an event and rebuilds every link with a key of their own."""
    from core.audit import GENESIS, AuditEvent, event_digest

    write_events(session)
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all():
        details = {"i": 99} if event.seq == 3 else event.details
        forged = event_digest(
            key=b"attacker-guess",
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            details=details,
            prev_hash=prev,
        )
        session.execute(
            text("UPDATE audit_event SET details = :d, prev_hash = :p, hash = :h WHERE seq = :s"),
            {"d": json.dumps(details), "p": prev, "h": forged, "s": event.seq},
        )
        prev = forged
    session.commit()
    report = verify_chain(session)
    assert not report.ok and any("does not match" in p for p in report.problems)


def test_the_chain_only_verifies_with_its_own_key(app_config, session):
    from sqlmodel import Session

    from core.db import get_engine
    from wsgi import create_app

    write_events(session)
    other = create_app(dict(app_config, PLATFORM_SECRET="a-different-platform-secret"))
    with Session(get_engine(other)) as other_session:
        assert not verify_chain(other_session).ok
    assert verify_chain(session).ok


def test_reordered_events_are_detected_and_the_first_named(session, runner):
    write_events(session)
    rows = {r.seq: r for r in session.exec(select(AuditEvent)).all()}
    # Swap the content of events 2 and 3 in place, keeping each row's seq: a reordering.
    for seq, other in ((2, rows[3]), (3, rows[2])):
        session.execute(
            text("UPDATE audit_event SET target_id = :t, details = :d, hash = :h, prev_hash = :p WHERE seq = :s"),
            {"t": other.target_id, "d": json.dumps(other.details), "h": other.hash, "p": other.prev_hash, "s": seq},
        )
    session.commit()
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.first_bad == 2
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "first bad event is seq 2" in result.output


def test_cli_names_a_deleted_event(session, runner):
    write_events(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "first bad event is seq 3" in result.output
