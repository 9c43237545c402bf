"""The actions that owe a statement of reasons are the ones the DSA export maps to a restriction."""

from exports.dsa_mapping import DECISIONS
from incidents.enforcement.appeal_decisions import MODEL_LIFTS
from incidents.enforcement.models import REVERSALS, AppealOutcome
from incidents.enforcement.statement import RESTRICTING, is_token_shaped
from incidents.models import ModelStatus
from incidents.triage.workflow import MODEL_TRANSITIONS


def test_restricting_actions_are_the_ones_the_dsa_mapping_gives_a_decision():
    assert {action for action, decision in DECISIONS.items() if decision is not None} == RESTRICTING


def test_every_model_lift_is_a_move_the_lifecycle_table_allows():
    for (outcome, status), action in MODEL_LIFTS.items():
        assert outcome in REVERSALS
        assert (status, action) in MODEL_TRANSITIONS
    assert not any(status == ModelStatus.DECOMMISSIONED for _, status in MODEL_LIFTS)
    assert AppealOutcome.UPHELD not in REVERSALS


def test_token_shape():
    assert is_token_shaped("a" * 32) and is_token_shaped("A-_0" * 8)
    assert not any(is_token_shaped(t) for t in ("", "a" * 31, "a" * 33, "a" * 31 + "/", "a" * 31 + "=", "é" * 32))
