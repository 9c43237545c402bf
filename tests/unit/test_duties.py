"""Duty clocks (Directive (EU) 2019/1937, DSA Art. 16) against hand-pinned dates."""

from datetime import UTC, datetime

import pytest

from incidents.triage import duties
from incidents.triage.duties import DutyKind, Policy

RECEIVED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
INTERNAL = Policy(channel_kind="internal")
EXTERNAL = Policy(channel_kind="external")


def values(channel="whistleblower", **stamps):
    base = dict.fromkeys(duties.STAMPS)
    base.update(channel=channel, created_at=RECEIVED, **stamps)
    return base


def by_kind(clocks):
    return {clock.kind: clock for clock in clocks}


@pytest.mark.parametrize("policy", [INTERNAL, EXTERNAL])
def test_acknowledge_within_seven_days_and_feedback_three_months_after_the_seven_days(policy):
    clocks = by_kind(duties.clocks(values(), policy))
    assert clocks[DutyKind.ACKNOWLEDGE].due_at == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    # No acknowledgement: three months from the end of the seven days.
    assert clocks[DutyKind.FEEDBACK].due_at == datetime(2027, 3, 8, 10, 0, tzinfo=UTC)
    assert duties.next_duty(values(), policy) == {
        "duty_due_at": datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
        "duty_kind": "acknowledge",
    }


def test_feedback_runs_from_the_acknowledgement():
    acked = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)
    clocks = by_kind(duties.clocks(values(acknowledged_at=acked), INTERNAL))
    assert clocks[DutyKind.ACKNOWLEDGE].met_at == acked
    assert clocks[DutyKind.FEEDBACK].due_at == datetime(2027, 3, 3, 15, 30, tzinfo=UTC)
    assert duties.next_duty(values(acknowledged_at=acked), INTERNAL)["duty_kind"] == "feedback"


def test_a_late_acknowledgement_does_not_move_the_feedback_deadline_back():
    # Acknowledged on 10 December, two days after the seven days ended on 8 December: feedback is
    # still due three months from 8 December (the earlier start), not from the late acknowledgement.
    acked = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    clocks = by_kind(duties.clocks(values(acknowledged_at=acked), INTERNAL))
    assert clocks[DutyKind.ACKNOWLEDGE].state(acked) == "met_late"
    assert clocks[DutyKind.FEEDBACK].due_at == datetime(2027, 3, 8, 10, 0, tzinfo=UTC)


def test_a_reopened_public_notice_is_decided_anew_from_the_reopening():
    closed = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    decided = by_kind(duties.clocks(values("public", closed_at=closed), INTERNAL))[DutyKind.DECISION]
    assert (decided.due_at, decided.met_at) == (datetime(2026, 12, 15, 10, 0, tzinfo=UTC), closed)
    reopened = datetime(2027, 1, 20, 8, 0, tzinfo=UTC)
    again = by_kind(duties.clocks(values("public", reopened_at=reopened), INTERNAL))[DutyKind.DECISION]
    # Fourteen days from the reopening, not the original target of 15 December, long past.
    assert (again.due_at, again.met_at) == (datetime(2027, 2, 3, 8, 0, tzinfo=UTC), None)
    assert again.state(datetime(2027, 1, 21, tzinfo=UTC)) == "due"


def test_the_automatic_acknowledgement_counts_only_when_configured():
    stamps = values(auto_ack_at=RECEIVED)
    assert by_kind(duties.clocks(stamps, INTERNAL))[DutyKind.ACKNOWLEDGE].met_at is None
    counting = Policy(auto_ack_meets_duty=True)
    clocks = by_kind(duties.clocks(stamps, counting))
    assert clocks[DutyKind.ACKNOWLEDGE].met_at == RECEIVED
    assert clocks[DutyKind.FEEDBACK].due_at == datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def test_an_external_channel_extends_feedback_to_six_months_once():
    acked = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    extended = values(acknowledged_at=acked, feedback_extended_at=datetime(2027, 1, 5, tzinfo=UTC))
    feedback = by_kind(duties.clocks(extended, EXTERNAL))[DutyKind.FEEDBACK]
    assert (feedback.due_at, feedback.extended) == (datetime(2027, 6, 2, 8, 0, tzinfo=UTC), True)
    # An internal channel cannot extend: a stray stamp changes nothing.
    assert by_kind(duties.clocks(extended, INTERNAL))[DutyKind.FEEDBACK].due_at == datetime(
        2027, 3, 2, 8, 0, tzinfo=UTC
    )
    assert EXTERNAL.may_extend("whistleblower", DutyKind.FEEDBACK)
    assert not INTERNAL.may_extend("whistleblower", DutyKind.FEEDBACK)
    assert not EXTERNAL.may_extend("public", DutyKind.DECISION)


def test_only_an_external_channel_owes_the_final_outcome_once_closed():
    assert DutyKind.OUTCOME not in by_kind(duties.clocks(values(), INTERNAL))
    open_case = by_kind(duties.clocks(values(), EXTERNAL))[DutyKind.OUTCOME]
    assert (open_case.due_at, open_case.state(RECEIVED)) == (None, "waiting")
    closed = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
    stamps = values(acknowledged_at=RECEIVED, feedback_at=RECEIVED, closed_at=closed)
    # Due a week after closing (the Directive sets no period; a close is not overdue the moment it happens).
    week_later = datetime(2027, 1, 27, 12, 0, tzinfo=UTC)
    assert duties.next_duty(stamps, EXTERNAL) == {"duty_due_at": week_later, "duty_kind": "outcome"}
    done = by_kind(duties.clocks({**stamps, "outcome_sent_at": closed}, EXTERNAL))[DutyKind.OUTCOME]
    assert done.state(closed) == "met"


def test_the_public_channel_confirms_receipt_at_once_and_aims_to_decide_in_fourteen_days():
    clocks = by_kind(duties.clocks(values("public"), INTERNAL))
    assert clocks[DutyKind.RECEIPT].met_at == RECEIVED
    decision = clocks[DutyKind.DECISION]
    assert decision.due_at == datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    assert decision.rule.legal is False  # a service level, not a legal deadline
    assert by_kind(duties.clocks(values("public"), Policy(public_decision_days=30)))[DutyKind.DECISION].due_at == (
        datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    )
    closed = values("public", closed_at=datetime(2026, 12, 20, tzinfo=UTC))
    assert by_kind(duties.clocks(closed, INTERNAL))[DutyKind.DECISION].state(RECEIVED) == "met_late"
    assert duties.next_duty(closed, INTERNAL) == {"duty_due_at": None, "duty_kind": None}


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (datetime(2026, 11, 30, tzinfo=UTC), 3, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2027, 11, 30, tzinfo=UTC), 3, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 8, 31, tzinfo=UTC), 6, datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2026, 12, 8, tzinfo=UTC), 3, datetime(2027, 3, 8, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(start, months, expected):
    assert duties.add_months(start, months) == expected


def test_policy_reads_the_settings():
    policy = Policy.from_config(
        {"WHISTLEBLOWER_CHANNEL_KIND": "External", "PUBLIC_DECISION_TARGET_DAYS": "21", "AUTO_ACK_PUBLIC": True}
    )
    assert (policy.channel_kind, policy.public_decision_days, dict(policy.auto_ack)) == (
        "external",
        21,
        {"whistleblower": True, "public": True},
    )
