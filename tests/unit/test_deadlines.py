"""Regulatory deadline tiers and the filing schedule, computed against a fixed clock."""

from datetime import UTC, datetime, timedelta

import pytest

from incidents.triage import deadlines
from incidents.triage.deadlines import FilingKind, next_due, tier_for

AWARE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "flags, tier, days",
    [
        ({"flag_critical_infrastructure": True}, "critical", 2),
        ({"flag_widespread_infringement": True}, "critical", 2),
        ({"flag_cybersecurity": True}, "cyber", 5),
        ({"flag_weight_exfiltration": True}, "cyber", 5),
        ({"flag_death": True}, "death", 10),
        ({"flag_health": True}, "serious_harm", 15),
        ({"flag_fundamental_rights": True}, "serious_harm", 15),
        ({"flag_property_environment": True}, "serious_harm", 15),
        ({}, "serious_harm", 15),
        # The shortest applicable tier wins.
        ({"flag_death": True, "flag_critical_infrastructure": True}, "critical", 2),
        ({"flag_death": True, "flag_cybersecurity": True}, "cyber", 5),
    ],
)
def test_serious_incident_tiers(flags, tier, days):
    found = tier_for("serious_incident", flags)
    assert (found.name, found.days) == (tier, days)
    due = next_due(
        tier=found, aware_at=AWARE, initial_filed_at=None, last_filed_at=None, resolved_at=None, final_filed_at=None
    )
    assert due == deadlines.Due(AWARE + timedelta(days=days), FilingKind.INITIAL)


@pytest.mark.parametrize("severity", ["hazard", "incident"])
def test_no_deadline_below_serious(severity):
    assert tier_for(severity, {"flag_death": True}) is None
    assert (
        next_due(
            tier=None, aware_at=AWARE, initial_filed_at=None, last_filed_at=None, resolved_at=None, final_filed_at=None
        )
        is None
    )


def test_schedule_after_the_initial_report():
    tier = tier_for("serious_incident", {"flag_death": True})
    filed = AWARE + timedelta(days=8)
    assert next_due(
        tier=tier, aware_at=AWARE, initial_filed_at=filed, last_filed_at=filed, resolved_at=None, final_filed_at=None
    ) == deadlines.Due(filed + timedelta(weeks=4), FilingKind.INTERMEDIATE)
    later = filed + timedelta(weeks=3)
    assert next_due(
        tier=tier, aware_at=AWARE, initial_filed_at=filed, last_filed_at=later, resolved_at=None, final_filed_at=None
    ).at == later + timedelta(weeks=4)
    resolved = later + timedelta(days=1)
    assert next_due(
        tier=tier,
        aware_at=AWARE,
        initial_filed_at=filed,
        last_filed_at=later,
        resolved_at=resolved,
        final_filed_at=None,
    ) == deadlines.Due(resolved + timedelta(days=60), FilingKind.FINAL)
    assert (
        next_due(
            tier=tier,
            aware_at=AWARE,
            initial_filed_at=filed,
            last_filed_at=later,
            resolved_at=resolved,
            final_filed_at=resolved + timedelta(days=3),
        )
        is None
    )


def test_countdown_against_a_fixed_clock():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert deadlines.countdown(None, now) is None
    assert deadlines.countdown(now + timedelta(days=5, hours=1), now) == ("due", 5)
    assert deadlines.countdown(now + timedelta(days=1), now) == ("at_risk", 1)
    assert deadlines.countdown(now - timedelta(days=3, hours=2), now) == ("overdue", 3)


def test_one_vocabulary_of_serious_harm_flags():
    """SeriousFlag is the one list: the Report columns, the reporter's choices and the tiers all follow it."""
    from incidents.labels import SERIOUS_FLAG_LABELS
    from incidents.models import Report
    from incidents.vocabulary import REPORTER_FLAGS, STAFF_FLAGS, SeriousFlag

    columns = {name for name in Report.model_fields if name.startswith("flag_")}
    assert columns == {flag.column for flag in SeriousFlag}
    assert [flag.value for flag in REPORTER_FLAGS] == [
        "death",
        "health",
        "critical_infrastructure",
        "fundamental_rights",
        "property_environment",
        "cybersecurity",
    ]
    assert set(STAFF_FLAGS) - set(REPORTER_FLAGS) == {"widespread_infringement", "weight_exfiltration"}
    assert list(SERIOUS_FLAG_LABELS) == list(REPORTER_FLAGS)
    tiered = {column for tier in deadlines.DEADLINE_TIERS for column in tier.flags}
    assert tiered == columns  # every flag shortens some deadline, and no tier names a column that is not there
