"""What a reporting channel owes the reporter, and by when, kept as data beside the Art. 73 tiers.

Pure functions: they take the report's stamps, the channel's settings (`Policy`) and return one
`Clock` per duty. incidents.triage.duty_service stores the next unmet one on the report
(`duty_due_at`, `duty_kind`) so the queue can filter and sort on it with an index.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from core.schemas import N_
from incidents.triage.deadlines import AT_RISK_WITHIN


class DutyKind(StrEnum):
    RECEIPT = "receipt"
    ACKNOWLEDGE = "acknowledge"
    FEEDBACK = "feedback"
    OUTCOME = "outcome"
    DECISION = "decision"


class ChannelKind(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"


ANY_KIND = frozenset(ChannelKind)


@dataclass(frozen=True)
class DutyRule:
    kind: DutyKind
    label: str
    law: str
    days: int = 0
    months: int = 0
    # One extension, with a logged justification, to this many months (only on `extension_kinds`).
    extended_months: int = 0
    extension_kinds: frozenset[str] = frozenset()
    # False: a service level we set ourselves, not a legal deadline.
    legal: bool = True
    # Whistleblower channel kinds the duty applies to.
    kinds: frozenset[str] = ANY_KIND


WB = "whistleblower"
PUBLIC = "public"

# channel -> its duties, in the order they fall due. Periods are data; the public decision target
# is a setting (PUBLIC_DECISION_TARGET_DAYS), so its `days` here is only the default.
CHANNEL_DUTIES: dict[str, tuple[DutyRule, ...]] = {
    WB: (
        DutyRule(
            DutyKind.ACKNOWLEDGE,
            N_("Acknowledge receipt"),
            N_("Directive (EU) 2019/1937, Art. 9(1)(b)"),
            days=7,
        ),
        DutyRule(
            DutyKind.FEEDBACK,
            N_("Give feedback"),
            N_("Directive (EU) 2019/1937, Art. 9(1)(f) and 11(2)(d)"),
            months=3,
            extended_months=6,
            extension_kinds=frozenset({ChannelKind.EXTERNAL}),
        ),
        DutyRule(
            DutyKind.OUTCOME,
            N_("Tell the final outcome"),
            N_("Directive (EU) 2019/1937, Art. 11(2)(e)"),
            days=7,  # the Directive sets no period: a week from closing is ours, so a close is not overdue at once
            kinds=frozenset({ChannelKind.EXTERNAL}),
        ),
    ),
    PUBLIC: (
        DutyRule(DutyKind.RECEIPT, N_("Confirm receipt"), N_("Regulation (EU) 2022/2065, Art. 16(4)")),
        DutyRule(
            DutyKind.DECISION,
            N_("Decide"),
            N_("Regulation (EU) 2022/2065, Art. 16(6): in a timely manner"),
            days=14,
            legal=False,
        ),
    ),
}
RULES = {(channel, rule.kind): rule for channel, rules in CHANNEL_DUTIES.items() for rule in rules}
# The report columns the clocks read.
STAMPS = (
    "channel",
    "created_at",
    "acknowledged_at",
    "auto_ack_at",
    "feedback_at",
    "feedback_extended_at",
    "outcome_sent_at",
    "closed_at",
    "reopened_at",
)


@dataclass(frozen=True)
class Policy:
    """The settings the clocks depend on (core.settings holds their defaults)."""

    channel_kind: str = ChannelKind.INTERNAL
    public_decision_days: int = 14
    auto_ack: Mapping[str, bool] = field(default_factory=lambda: {WB: True, PUBLIC: False})
    auto_ack_meets_duty: bool = False

    @classmethod
    def from_config(cls, config: Mapping) -> Policy:
        kind = str(config.get("WHISTLEBLOWER_CHANNEL_KIND") or ChannelKind.INTERNAL).lower()
        return cls(
            channel_kind=ChannelKind(kind),
            public_decision_days=int(config.get("PUBLIC_DECISION_TARGET_DAYS", 14)),
            auto_ack={
                WB: bool(config.get("AUTO_ACK_WHISTLEBLOWER", True)),
                PUBLIC: bool(config.get("AUTO_ACK_PUBLIC")),
            },
            auto_ack_meets_duty=bool(config.get("AUTO_ACK_MEETS_DUTY")),
        )

    def rules(self, channel: str) -> tuple[DutyRule, ...]:
        """Return the duties a channel owes under these settings."""
        kind = self.channel_kind if channel == WB else ChannelKind.INTERNAL
        return tuple(rule for rule in CHANNEL_DUTIES.get(channel, ()) if kind in rule.kinds)

    def may_extend(self, channel: str, kind: DutyKind) -> bool:
        """Tell whether this channel may extend a duty's period once."""
        rule = RULES.get((channel, kind))
        return rule is not None and channel == WB and self.channel_kind in rule.extension_kinds


@dataclass(frozen=True)
class Clock:
    rule: DutyRule
    due_at: datetime | None  # None: not running yet (the outcome, before the case closes)
    met_at: datetime | None
    extended: bool = False

    @property
    def kind(self) -> DutyKind:
        return self.rule.kind

    def state(self, now: datetime) -> str:
        """Return "met", "met_late", "overdue", "at_risk", "due" or "waiting"."""
        if self.met_at is not None:
            return "met_late" if self.due_at is not None and self.met_at > self.due_at else "met"
        if self.due_at is None:
            return "waiting"
        if self.due_at < now:
            return "overdue"
        return "at_risk" if self.due_at - now <= AT_RISK_WITHIN else "due"


def add_months(moment: datetime, months: int) -> datetime:
    """Add calendar months, keeping the time; the 31st falls back to the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _period(rule: DutyRule, start: datetime, extended: bool = False) -> datetime:
    months = rule.extended_months if extended and rule.extended_months else rule.months
    return add_months(start, months) + timedelta(days=rule.days)


def acknowledged_at(values: Mapping, policy: Policy) -> datetime | None:
    """Return when the acknowledgement duty was met: the acknowledge action, or a counted automatic one."""
    if values.get("acknowledged_at") is not None:
        return values["acknowledged_at"]
    return values.get("auto_ack_at") if policy.auto_ack_meets_duty else None


def clocks(values: Mapping, policy: Policy) -> list[Clock]:
    """Return the clock of each duty a report's channel owes, from the report's stamps."""
    channel, created = values["channel"], values["created_at"]
    found = []
    for rule in policy.rules(channel):
        found.append(_CLOCKS[rule.kind](rule, created, values, policy))
    return found


def _receipt(rule: DutyRule, created: datetime, values: Mapping, policy: Policy) -> Clock:
    return Clock(rule, created, created)  # the receipt page confirms it at submission


def _acknowledge(rule: DutyRule, created: datetime, values: Mapping, policy: Policy) -> Clock:
    return Clock(rule, _period(rule, created), acknowledged_at(values, policy))


def feedback_start(values: Mapping, policy: Policy) -> datetime:
    """Return when the feedback period starts: the acknowledgement, or the end of the seven days (Art. 9(1)(f)).

    A late acknowledgement does not push the period back: the Directive counts "from the
    acknowledgement of receipt or, if no acknowledgement was sent to the reporting person, three
    months from the expiry of the seven-day period", and an acknowledgement sent after the seven
    days is one the reporter was owed at their end. We take the earlier of the two, the reading
    that never gives the channel more time than either count would.
    """
    seven_days = _period(RULES[(WB, DutyKind.ACKNOWLEDGE)], values["created_at"])
    ack = acknowledged_at(values, policy)
    return seven_days if ack is None else min(ack, seven_days)


def _feedback(rule: DutyRule, created: datetime, values: Mapping, policy: Policy) -> Clock:
    start = feedback_start(values, policy)
    extended = values.get("feedback_extended_at") is not None and policy.may_extend(values["channel"], rule.kind)
    return Clock(rule, _period(rule, start, extended), values.get("feedback_at"), extended)


def _outcome(rule: DutyRule, created: datetime, values: Mapping, policy: Policy) -> Clock:
    closed = values.get("closed_at")
    if closed is None:
        return Clock(rule, None, None)
    return Clock(rule, _period(rule, closed), values.get("outcome_sent_at"))


def _decision(rule: DutyRule, created: datetime, values: Mapping, policy: Policy) -> Clock:
    # A reopened notice is decided anew: its target runs from the reopening, not from the first receipt.
    start = values.get("reopened_at") or created
    return Clock(rule, start + timedelta(days=policy.public_decision_days), values.get("closed_at"))


_CLOCKS = {
    DutyKind.RECEIPT: _receipt,
    DutyKind.ACKNOWLEDGE: _acknowledge,
    DutyKind.FEEDBACK: _feedback,
    DutyKind.OUTCOME: _outcome,
    DutyKind.DECISION: _decision,
}


def met_details(clock: Clock) -> dict:
    """Return the details of a `duty.met` audit event for a clock that is met."""
    return {
        "duty": clock.kind.value,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "on_time": clock.due_at is None or (clock.met_at is not None and clock.met_at <= clock.due_at),
    }


def next_duty(values: Mapping, policy: Policy) -> dict:
    """Return the columns that carry the report's next unmet duty: `duty_due_at` and `duty_kind`."""
    owed = [c for c in clocks(values, policy) if c.met_at is None and c.due_at is not None]
    first = min(owed, key=lambda c: c.due_at, default=None)  # type: ignore[return-value]
    return {"duty_due_at": first.due_at if first else None, "duty_kind": first.kind.value if first else None}
