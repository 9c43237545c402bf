"""A fresh demo has something to export: shared incidents with sources, and every kind of enforcement action."""

import json

import pytest
from sqlmodel import select

from incidents.cases.models import IncidentSource
from incidents.models import EnforcementAction, Incident
from incidents.vocabulary import ActionType
from tests.conftest import FIXED_DAY

pytestmark = pytest.mark.time_machine(FIXED_DAY)  # 2026Q4, so the demo's actions fall in 2026Q3


def test_demo_seed_gives_real_rows_to_both_exports_and_adds_nothing_twice(app, session, runner, tmp_path):
    result = runner.invoke(args=["demo", "seed", "--reports", "120"])
    assert result.exit_code == 0, result.output
    assert "Shared 5 incidents with their sources; recorded 8 enforcement actions in 2026Q3." in result.output
    shared = session.exec(select(Incident).where(Incident.shared_at.is_not(None))).all()
    assert len(shared) == 5 and len(session.exec(select(IncidentSource)).all()) == 6
    types = {a.action_type for a in session.exec(select(EnforcementAction)).all()}
    assert types == {t.value for t in ActionType}

    result = runner.invoke(args=["export", "aiid", "--out", str(tmp_path / "aiid")])
    assert result.exit_code == 0, result.output
    assert "exported: 5" in result.output and "submissions: 6" in result.output and "held_back" not in result.output
    submissions = json.loads((tmp_path / "aiid" / "submissions.json").read_text(encoding="utf-8"))
    assert len(submissions) == 6
    # The Greek deployer and the Cyrillic one come through transliterated, with their names kept.
    entities = json.loads((tmp_path / "aiid" / "entities.json").read_text(encoding="utf-8"))
    assert {"entity_id": "a8hna-texnologies", "name": "Αθήνα Τεχνολογίες"} in entities
    assert {"entity_id": "moskva-kadry", "name": "Москва Кадры"} in entities

    result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--out", str(tmp_path / "dsa")])
    assert result.exit_code == 0, result.output
    assert "statements: 5" in result.output and "held_back" not in result.output
    lines = (tmp_path / "dsa" / "statements-2026Q3.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5

    again = runner.invoke(args=["demo", "seed", "--reports", "10"])
    assert again.exit_code == 0, again.output
    assert "Shared 0 incidents with their sources; recorded 0 enforcement actions in 2026Q3." in again.output


def test_a_fresh_demos_statements_reach_the_transparency_database_exactly_once(app, runner):
    from tests.fakes.dsa_tdb import FakeTransparencyDatabase

    assert runner.invoke(args=["demo", "seed", "--reports", "120"]).exit_code == 0
    with FakeTransparencyDatabase(token="demo-token") as server:
        app.config.update(DSA_TDB_URL=server.url, DSA_TDB_TOKEN="demo-token")
        first = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
        assert first.exit_code == 0, first.output
        assert "sent: 5" in first.output and "accepted: 5" in first.output and "rejected: 0" in first.output
        again = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
        assert again.exit_code == 0, again.output
        assert "sent: 0" in again.output and "skipped, accepted before: 5" in again.output
        assert len(server.stored) == 5 and set(server.posted.values()) == {1}
        # The suspension is time-limited: its statement says until when.
        suspended = [s for s in server.stored.values() if s.get("decision_account") == "DECISION_ACCOUNT_SUSPENDED"]
        assert len(suspended) == 1 and "end_date_account_restriction" in suspended[0]
        # The licence change cites a clause of the licence registry: the base model's licence, carried on.
        (changed,) = [
            s for s in server.stored.values() if s.get("decision_visibility") == ["DECISION_VISIBILITY_OTHER"]
        ]
        assert changed["incompatible_content_ground"] == "CreativeML Open RAIL-M, §4(a)"
        assert changed["incompatible_content_explanation"].startswith(
            "Redistributed without the use restrictions of §5 as an enforceable provision of its own terms.\n\n"
        )
        assert (
            changed["decision_ground_reference_url"] == "https://huggingface.co/spaces/CompVis/stable-diffusion-license"
        )
