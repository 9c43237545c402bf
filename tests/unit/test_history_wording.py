"""The history view keeps one `report.opened` line per person per hour; every other event stays."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from incidents.triage.wording import thin_openings

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def event(action: str, actor: int | None, minutes: int):
    return SimpleNamespace(action=action, actor_id=actor, at=NOON + timedelta(minutes=minutes))


def test_one_opening_per_person_per_hour_and_every_other_event_kept():
    events = [
        event("report.received", None, 0),
        event("report.opened", 1, 1),
        event("report.opened", 1, 20),  # alice again within the hour: hidden
        event("report.opened", 2, 25),  # bob: his own first opening
        event("report.acknowledge", 1, 30),
        event("report.opened", 1, 59),  # still within an hour of alice's shown opening
        event("report.opened", 1, 61),  # an hour after it: shown
        event("report.opened", 2, 70),  # 45 minutes after bob's: hidden
    ]
    kept = [(e.action, e.actor_id, int((e.at - NOON).total_seconds() // 60)) for e in thin_openings(events)]
    assert kept == [
        ("report.received", None, 0),
        ("report.opened", 1, 1),
        ("report.opened", 2, 25),
        ("report.acknowledge", 1, 30),
        ("report.opened", 1, 61),
    ]
