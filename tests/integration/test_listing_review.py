"""The pre-upload review over HTTP: criteria at registration and on change, four eyes, return and resubmit,
and a model not listed kept off every public page, list, API and report."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from core.db import get_engine
from core.periods import Period
from incidents.errors import DomainError
from incidents.models import ModelRecord
from incidents.registry import listing_service
from incidents.registry.card_models import CardReviewItem
from incidents.registry.checklist import CHECKLIST
from incidents.registry.listing_service import evaluate_listing
from incidents.registry.review_models import ListingProposal
from reporting.aggregate import raw_figures
from tests.conftest import csrf_from, signed_in_client
from tests.factories.registry import card, csrf, import_card, model_form, register, save_details


@pytest.fixture
def alice(app, make_staff):
    return signed_in_client(app, make_staff("triager"))


@pytest.fixture
def bob(app, make_staff):
    return signed_in_client(app, make_staff("admin"))


def stored(session, model_id: int) -> ModelRecord:
    session.expire_all()
    return session.get(ModelRecord, model_id)


def events(session, model_id: int) -> list[tuple[str, dict]]:
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.target_type == "model", AuditEvent.target_id == str(model_id))
        .order_by(AuditEvent.seq)
    )
    return [(e.action, e.details) for e in rows]


def propose(client, model_id: int, outcome: str, reasons: str = ""):
    data = {"csrf_token": csrf(client, f"/staff/models/{model_id}"), "outcome": outcome, "reasons": reasons}
    return client.post(f"/staff/models/{model_id}/listing", data=data)


def decide(client, model_id: int, proposal_id: int, decision: str, note: str = ""):
    data = {"csrf_token": csrf(client, f"/staff/models/{model_id}"), "decision": decision, "note": note}
    return client.post(f"/staff/models/{model_id}/listing/{proposal_id}/decision", data=data)


def only_proposal(session, model_id: int) -> ListingProposal:
    session.expire_all()
    return session.exec(select(ListingProposal).where(ListingProposal.model_id == model_id)).one()


def newest_proposal(session, model_id: int) -> ListingProposal:
    session.expire_all()
    query = select(ListingProposal).where(ListingProposal.model_id == model_id).order_by(ListingProposal.id.desc())
    return session.exec(query).first()


def review(client, model_id: int, item: str, result: str, automatic: str, note: str = ""):
    """A reviewer's result for one checklist item, through the card review form."""
    data = model_form(client, model_id, result=result, automatic=automatic, note=note)
    return client.post(f"/staff/models/{model_id}/card/items/{item}", data=data)


def public(client, model_id: int) -> int:
    return client.get(f"/models/{model_id}").status_code


def move(client, model_id: int, action: str):
    """Move a model along its lifecycle through its staff form."""
    page = f"/staff/models/{model_id}"
    data = model_form(client, model_id, public_reason="Gives unsafe medical dosing advice.")
    return client.post(f"{page}/lifecycle/{action}", data=data)


def second_person_lists(session, proposer, decider, model_id: int) -> None:
    """One staff member proposes to approve the model, another confirms: the only way onto the list."""
    assert propose(proposer, model_id, "approve").status_code == 302
    proposal = newest_proposal(session, model_id)
    assert decide(proposer, model_id, proposal.id, "confirm").status_code == 403  # never the proposer
    assert stored(session, model_id).listing == "in_review"
    assert decide(decider, model_id, proposal.id, "confirm").status_code == 302
    assert stored(session, model_id).listing == "listed"


def test_a_new_model_without_a_card_waits_for_review_and_is_not_public(session, alice, client):
    model = register(alice, session, "Helpdesk", "7B", provider="Example Org")
    assert (model.listing, model.listing_criteria) == ("in_review", ["card_incomplete"])
    assert events(session, model.id) == [
        ("model.registered", {}),
        (
            "model.listing_changed",
            {"from": "listed", "to": "in_review", "criteria": ["card_incomplete"], "why": "registered"},
        ),
    ]
    assert client.get(f"/models/{model.id}").status_code == 404
    assert "Helpdesk" not in client.get("/models").get_data(as_text=True)
    staff_page = alice.get(f"/staff/models/{model.id}").get_data(as_text=True)
    assert "In review" in staff_page and "Its model card misses required items of the checklist" in staff_page
    queue = alice.get("/staff/models/review").get_data(as_text=True)
    assert f'href="/staff/models/{model.id}#listing"' in queue and "Its model card misses required items" in queue


def test_a_model_registered_meeting_no_criterion_is_listed_directly(session, make_staff):
    # Registration over HTTP takes no card, so it always meets `card_incomplete`: this record is evaluated
    # the way `create_model` evaluates one, with a complete card already reviewed.
    actor = make_staff("triager")
    model = ModelRecord(name="Helpdesk", version="7B", release_type="api_only", card_imported_at=clock.now())
    session.add(model)
    session.flush()
    session.add_all(
        CardReviewItem(model_id=model.id, item_id=item.id, automatic_result="pass", automatic_reason="found")
        for item in CHECKLIST
    )
    evaluation = evaluate_listing(session, model, why="registered")
    evaluation.audit(session, actor)
    session.commit()
    model = stored(session, model.id)
    assert (evaluation.listing, model.listing, model.listing_criteria) == ("listed", "listed", [])
    assert (model.listing_approved_at, evaluation.events) == (None, [])  # nothing moved, nothing to audit


def test_a_listed_model_that_meets_a_criterion_goes_into_review_and_stays_there(session, alice, bob, client):
    # Listed before the review existed (no approval), its card complete.
    model = ModelRecord(name="Helpdesk", version="7B")
    session.add(model)
    session.commit()
    assert import_card(alice, model.id, card("complete.md")).status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("listed", [])
    assert public(client, model.id) == 200
    # Its details change to open weights, which nobody approved: into review.
    assert save_details(alice, model.id, release_type="open_weights").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("in_review", ["open_weights"])
    assert events(session, model.id)[-1] == (
        "model.listing_changed",
        {"from": "listed", "to": "in_review", "criteria": ["open_weights"], "why": "details"},
    )
    assert public(client, model.id) == 404
    # Changed back, it meets none again, and still waits for a second person.
    assert save_details(alice, model.id, release_type="api_only").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("in_review", [])
    assert public(client, model.id) == 404
    second_person_lists(session, alice, bob, model.id)
    assert public(client, model.id) == 200


def test_four_eyes_approve(session, alice, bob, client):
    model = register(alice, session, "Helpdesk", "7B")
    save_details(alice, model.id, release_type="open_weights")
    assert propose(alice, model.id, "approve").status_code == 302
    proposal = only_proposal(session, model.id)
    assert (proposal.status, proposal.criteria) == ("pending", ["open_weights", "card_incomplete"])
    # The proposer cannot confirm their own proposal, nor make a second one.
    refused = decide(alice, model.id, proposal.id, "confirm")
    assert refused.status_code == 403 and "A second staff member must decide" in refused.get_data(as_text=True)
    assert propose(alice, model.id, "approve").status_code == 400
    assert stored(session, model.id).listing == "in_review"
    assert decide(bob, model.id, proposal.id, "confirm", note="Weights licence checked").status_code == 302
    model = stored(session, model.id)
    assert model.listing == "listed" and model.listing_approved_at is not None
    assert only_proposal(session, model.id).status == "confirmed"
    assert [a for a, _d in events(session, model.id)][-2:] == ["listing.proposed", "listing.approved"]
    assert events(session, model.id)[-1][1] == {"proposal": proposal.id}
    assert model.listing_approved_criteria == ["open_weights", "card_incomplete"]
    assert client.get(f"/models/{model.id}").status_code == 200
    assert f'href="/models/{model.id}"' in client.get("/models").get_data(as_text=True)
    # Approved with open weights and an incomplete card: a change that meets only those keeps it listed.
    import_card(alice, model.id, card("template.md"))
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("listed", ["open_weights", "card_incomplete"])
    # One that meets a criterion the approval did not judge sends it back, and the approval lapses.
    base = ModelRecord(name="Base", version="1", hub_url="https://huggingface.co/org/base", status="suspended")
    session.add(base)
    session.commit()
    assert save_details(alice, model.id, release_type="open_weights", base_models="org/base").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == (
        "in_review",
        ["open_weights", "restricted_base", "card_incomplete"],
    )
    assert (model.listing_approved_at, model.listing_approved_criteria) == (None, [])
    assert client.get(f"/models/{model.id}").status_code == 404
    # Undoing the change does not list it again: a second person has to.
    assert save_details(alice, model.id, release_type="open_weights").status_code == 302
    assert stored(session, model.id).listing == "in_review"
    assert client.get(f"/models/{model.id}").status_code == 404
    assert verify_chain(session).ok


def test_return_with_reasons_and_resubmit(session, alice, bob, client):
    model = register(alice, session, "Helpdesk", "7B")
    short = propose(alice, model.id, "return", reasons="No.")
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    reasons = "The card names no training data and no contact for reports."
    assert propose(alice, model.id, "return", reasons=reasons).status_code == 302
    proposal = only_proposal(session, model.id)
    assert decide(bob, model.id, proposal.id, "confirm").status_code == 302
    assert stored(session, model.id).listing == "returned"
    assert events(session, model.id)[-1] == ("listing.returned", {"proposal": proposal.id})
    assert reasons in alice.get(f"/staff/models/{model.id}").get_data(as_text=True)
    assert reasons in alice.get("/staff/models/review").get_data(as_text=True)
    assert client.get(f"/models/{model.id}").status_code == 404
    # A change keeps it returned; resubmitting while it still meets a criterion puts it back in review.
    save_details(alice, model.id, release_type="api_only")
    assert stored(session, model.id).listing == "returned"
    resubmit = {"csrf_token": csrf(alice, f"/staff/models/{model.id}")}
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 302
    assert stored(session, model.id).listing == "in_review"
    # Returned again, fixed (a complete card), resubmitted: it meets no criterion, and goes back into review.
    propose(bob, model.id, "return", reasons=reasons)
    decide(alice, model.id, newest_proposal(session, model.id).id, "confirm")
    assert stored(session, model.id).listing == "returned"
    import_card(alice, model.id, card("complete.md"))
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria, model.listing_approved_at) == ("in_review", [], None)
    assert events(session, model.id)[-1] == (
        "model.listing_changed",
        {"from": "returned", "to": "in_review", "criteria": [], "why": "resubmitted"},
    )
    assert client.get(f"/models/{model.id}").status_code == 404
    # A model in review cannot be resubmitted; a second person lists it.
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 409
    second_person_lists(session, alice, bob, model.id)
    assert client.get(f"/models/{model.id}").status_code == 200
    # A listed model cannot be resubmitted.
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 409


def test_one_person_cannot_list_a_model_by_changing_its_facts(session, alice, bob, client):
    # A triager registers a model, imports a complete card, sets open weights, then API only: it meets no
    # criterion any more, but nobody else looked at it, so it stays in review and off every public page.
    model = register(alice, session, "Helpdesk", "7B")
    assert import_card(alice, model.id, card("complete.md")).status_code == 302
    assert (stored(session, model.id).listing, stored(session, model.id).listing_criteria) == ("in_review", [])
    assert public(client, model.id) == 404
    assert save_details(alice, model.id, release_type="open_weights").status_code == 302
    assert stored(session, model.id).listing_criteria == ["open_weights"]
    assert save_details(alice, model.id, release_type="api_only").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("in_review", [])
    assert public(client, model.id) == 404
    assert "Helpdesk" not in client.get("/models").get_data(as_text=True)
    assert session.exec(select(ListingProposal)).all() == []
    assert not [d for a, d in events(session, model.id) if a == "model.listing_changed" and d["to"] == "listed"]
    second_person_lists(session, alice, bob, model.id)
    assert public(client, model.id) == 200


def test_checklist_overrides_never_list_a_model_and_supersede_a_waiting_proposal(session, alice, bob, client):
    model = register(alice, session, "Helpdesk", "7B", provider="Example Org")
    import_card(alice, model.id, card("template.md"))
    failing = session.exec(
        select(CardReviewItem.item_id).where(
            CardReviewItem.model_id == model.id, CardReviewItem.automatic_result == "fail"
        )
    ).all()
    assert len(failing) == 7
    assert propose(alice, model.id, "approve").status_code == 302
    waiting = only_proposal(session, model.id)
    assert waiting.criteria == ["card_incomplete"]
    # The reviewer's result changes the `card_incomplete` fact: the proposal judged another record.
    note = "Documented in the provider's technical report"
    for item in failing:
        assert review(alice, model.id, item, "pass", automatic="fail", note=note).status_code == 302
    session.expire_all()
    assert session.get(ListingProposal, waiting.id).status == "superseded"
    assert ("listing.superseded", {"proposal": waiting.id}) in events(session, model.id)
    assert decide(bob, model.id, waiting.id, "confirm").status_code == 409
    # Every required item passes now: it meets no criterion, and is still not listed, nor after a details save.
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("in_review", [])
    assert save_details(alice, model.id, provider="Example Org", release_type="api_only").status_code == 302
    assert stored(session, model.id).listing == "in_review"
    assert public(client, model.id) == 404
    second_person_lists(session, alice, bob, model.id)
    model = stored(session, model.id)
    assert (model.listing_approved_criteria, public(client, model.id)) == ([], 200)
    # Listed with a complete card: a reviewer failing a required item sends it back (the approval did not cover it).
    assert review(alice, model.id, "contact", "fail", automatic="fail").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria, model.listing_approved_at) == (
        "in_review",
        ["card_incomplete"],
        None,
    )
    assert events(session, model.id)[-1] == (
        "model.listing_changed",
        {"from": "listed", "to": "in_review", "criteria": ["card_incomplete"], "why": "card_review"},
    )
    assert public(client, model.id) == 404
    assert verify_chain(session).ok


def test_an_approval_lapses_when_one_person_adds_a_criterion_it_did_not_judge(session, alice, bob, client):
    model = register(alice, session, "Helpdesk", "7B")
    second_person_lists(session, alice, bob, model.id)
    model = stored(session, model.id)
    assert (model.listing_criteria, model.listing_approved_criteria) == (["card_incomplete"], ["card_incomplete"])
    assert "Criteria the approval judged" in alice.get(f"/staff/models/{model.id}").get_data(as_text=True)
    # One person sets open weights, which the approval did not judge: back into review, the approval gone.
    assert save_details(alice, model.id, release_type="open_weights").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_approved_at, model.listing_approved_criteria) == ("in_review", None, [])
    assert public(client, model.id) == 404
    # Setting it back to API only meets only what the old approval judged, but that approval no longer stands.
    assert save_details(alice, model.id, release_type="api_only").status_code == 302
    assert (stored(session, model.id).listing, public(client, model.id)) == ("in_review", 404)
    second_person_lists(session, bob, alice, model.id)
    assert public(client, model.id) == 200


def test_a_confirmation_is_refused_when_the_model_meets_a_criterion_the_proposal_did_not_judge(session, alice, bob):
    base = ModelRecord(name="Base", version="1", hub_url="https://huggingface.co/org/base")
    session.add(base)
    session.commit()
    model = register(alice, session, "Helpdesk", "7B")
    assert save_details(alice, model.id, base_models="org/base").status_code == 302
    assert propose(alice, model.id, "approve").status_code == 302
    proposal = only_proposal(session, model.id)
    assert proposal.criteria == ["card_incomplete"]
    # Its base is suspended: no row of this model changes, so the proposal still waits.
    assert move(bob, base.id, "review").status_code == 302
    assert move(bob, base.id, "suspend").status_code == 302
    assert only_proposal(session, model.id).status == "pending"
    refused = decide(bob, model.id, proposal.id, "confirm")
    assert refused.status_code == 400
    assert "did not judge (It derives from a model that is restricted" in refused.get_data(as_text=True)
    assert (stored(session, model.id).listing, only_proposal(session, model.id).status) == ("in_review", "pending")
    assert decide(bob, model.id, proposal.id, "reject").status_code == 302
    # A new proposal judges the criteria as they stand now.
    assert propose(alice, model.id, "approve").status_code == 302
    assert newest_proposal(session, model.id).criteria == ["restricted_base", "card_incomplete"]
    assert stored(session, model.id).listing_criteria == ["restricted_base", "card_incomplete"]
    assert decide(bob, model.id, newest_proposal(session, model.id).id, "confirm").status_code == 302
    assert stored(session, model.id).listing_approved_criteria == ["restricted_base", "card_incomplete"]


def test_one_waiting_proposal_per_model_is_a_database_rule(session):
    model, other = ModelRecord(name="Helpdesk", listing="in_review"), ModelRecord(name="Other", listing="in_review")
    session.add_all([model, other])
    session.commit()
    session.add_all(
        [
            ListingProposal(model_id=model.id, outcome="approve", status="rejected"),
            ListingProposal(model_id=model.id, outcome="approve", status="withdrawn"),
            ListingProposal(model_id=model.id, outcome="approve"),
            ListingProposal(model_id=other.id, outcome="approve"),
        ]
    )
    session.commit()
    session.add(ListingProposal(model_id=model.id, outcome="return", reasons="Two waiting at once"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert len(session.exec(select(ListingProposal).where(ListingProposal.status == "pending")).all()) == 2


def test_a_proposal_that_loses_the_race_is_refused_clearly(session, alice, bob, monkeypatch):
    model = register(alice, session, "Helpdesk", "7B")
    assert propose(alice, model.id, "approve").status_code == 302
    # As if Alice's proposal were committed after Bob's request looked for one (SQLite takes no row lock).
    monkeypatch.setattr(listing_service, "_pending", lambda _session, _model_id: None)
    raced = propose(bob, model.id, "return", reasons="The card names no training data.")
    assert raced.status_code == 400
    assert "A proposal for this model already waits for a second staff member." in raced.get_data(as_text=True)
    assert only_proposal(session, model.id).outcome == "approve"  # Alice's, alone


def run_at_once(n: int, work) -> list[str]:
    """Run `work(i)` in n threads released together; each returns what it saw."""
    start = threading.Barrier(n)

    def run(i: int) -> str:
        start.wait()
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_two_proposals_at_once_leave_one_waiting(app, session, make_staff):
    engine = get_engine(app)
    staff = [make_staff("triager").id, make_staff("admin").id]
    for round_ in range(4):
        model = ModelRecord(name=f"Helpdesk {round_}", listing="in_review")
        session.add(model)
        session.commit()

        def work(i: int, model_id: int = model.id) -> str:
            with Session(engine) as db:
                try:
                    listing_service.propose_listing(
                        db, db.get(ModelRecord, model_id), actor=db.get(StaffUser, staff[i]), outcome="approve"
                    )
                except DomainError as err:
                    db.rollback()
                    return str(err)
                return "proposed"

        assert sorted(run_at_once(2, work)) == [listing_service.ONE_WAITING, "proposed"]
        assert len(session.exec(select(ListingProposal).where(ListingProposal.model_id == model.id)).all()) == 1


def test_two_resubmissions_at_once_move_the_model_once(app, session, make_staff):
    engine = get_engine(app)
    staff = [make_staff("triager").id, make_staff("admin").id]
    for round_ in range(4):
        model = ModelRecord(name=f"Helpdesk {round_}", listing="returned")
        session.add(model)
        session.commit()

        def work(i: int, model_id: int = model.id) -> str:
            with Session(engine) as db:
                try:
                    actor = db.get(StaffUser, staff[i])
                    return listing_service.resubmit_listing(db, db.get(ModelRecord, model_id), actor=actor).value
                except DomainError as err:
                    db.rollback()
                    return str(err.status_code)

        assert sorted(run_at_once(2, work)) == ["409", "in_review"]
        assert stored(session, model.id).listing == "in_review"
        moves = [d for a, d in events(session, model.id) if a == "model.listing_changed"]
        assert moves == [{"from": "returned", "to": "in_review", "criteria": ["card_incomplete"], "why": "resubmitted"}]
    assert verify_chain(session).ok


def test_reject_withdraw_and_supersede(session, alice, bob):
    model = register(alice, session, "Helpdesk", "7B")
    propose(alice, model.id, "approve")
    first = only_proposal(session, model.id)
    assert decide(bob, model.id, first.id, "withdraw").status_code == 403  # only the proposer withdraws
    assert decide(bob, model.id, first.id, "reject", note="Not before the card is in").status_code == 302
    session.expire_all()
    assert (session.get(ListingProposal, first.id).status, stored(session, model.id).listing) == (
        "rejected",
        "in_review",
    )
    assert decide(bob, model.id, first.id, "confirm").status_code == 409  # decided already
    propose(alice, model.id, "approve")
    second = session.exec(select(ListingProposal).where(ListingProposal.id != first.id)).one()
    assert decide(alice, model.id, second.id, "withdraw").status_code == 302
    session.expire_all()
    assert session.get(ListingProposal, second.id).status == "withdrawn"
    # A proposal waiting when the record changes judged another record: it is superseded.
    propose(alice, model.id, "approve")
    third = session.exec(select(ListingProposal).order_by(ListingProposal.id.desc())).first()
    save_details(alice, model.id, provider="Example Org", release_type="open_weights")
    session.expire_all()
    assert session.get(ListingProposal, third.id).status == "superseded"
    assert ("listing.superseded", {"proposal": third.id}) in events(session, model.id)
    assert decide(bob, model.id, third.id, "confirm").status_code == 409
    assert stored(session, model.id).listing == "in_review"


def test_odd_review_requests_are_4xx(session, alice, bob):
    model = register(alice, session, "Helpdesk", "7B")
    other = register(alice, session, "Other", "1")
    propose(alice, other.id, "approve")
    foreign = only_proposal(session, other.id)
    assert decide(bob, model.id, foreign.id, "confirm").status_code == 404  # another model's proposal
    assert decide(bob, model.id, 2**31 - 1, "confirm").status_code == 404
    assert bob.post(f"/staff/models/{model.id}/listing/{2**40}/decision").status_code == 404
    assert decide(bob, other.id, foreign.id, "maybe").status_code == 400
    assert propose(bob, model.id, "publish").status_code == 400
    bad = bob.post(f"/staff/models/{model.id}/listing", data={"csrf_token": csrf(bob), "outcome": "approve\x00"})
    assert bad.status_code == 400
    assert stored(session, other.id).listing == "in_review"


def test_only_listed_models_are_public(app, session, alice, client):
    listed = ModelRecord(name="Boreal", version="1", status="suspended", public_reason="Unsafe advice given.")
    hidden = ModelRecord(
        name="Hidden", version="1", status="suspended", public_reason="Unsafe advice given.", listing="in_review"
    )
    returned = ModelRecord(name="Sent back", version="1", listing="returned")
    for record in (listed, hidden, returned):
        record.status_changed_at = clock.now()
        session.add(record)
    session.commit()
    for record in (hidden, returned):
        assert client.get(f"/models/{record.id}").status_code == 404
    assert client.get(f"/models/{listed.id}").status_code == 200
    index = client.get("/models").get_data(as_text=True)
    withdrawn = client.get("/models/withdrawn").get_data(as_text=True)
    api = client.get("/api/v1/models/withdrawn").get_json()["models"]
    assert "Boreal" in index and "Hidden" not in index and "Sent back" not in index
    assert "Boreal" in withdrawn and "Hidden" not in withdrawn
    assert [m["name"] for m in api] == ["Boreal"]
    figures = raw_figures(session, Period.containing(clock.now()))
    assert [m["name"] for m in figures.models] == ["Boreal"]
    # Staff still see every model, with its listing.
    registry = alice.get("/staff/models").get_data(as_text=True)
    assert "Hidden" in registry and "In review" in registry and "Returned" in registry


@pytest.mark.parametrize("listing", ["in_review", "returned"])
def test_an_upstream_model_not_listed_is_not_named_on_public_pages(session, alice, client, listing):
    # Hidden (not listed) <- Child (listed) <- Grandchild (listed), down one lineage.
    hidden = ModelRecord(
        name="Hidden", version="9", hub_url="https://huggingface.co/secret-lab/hidden", listing=listing
    )
    child = ModelRecord(
        name="Child", version="1", hub_url="https://huggingface.co/lab/child", base_models=["secret-lab/hidden"]
    )
    grandchild = ModelRecord(name="Grandchild", version="1", base_models=["lab/child"])
    session.add_all([hidden, child, grandchild])
    session.commit()
    assert move(alice, hidden.id, "review").status_code == 302
    assert move(alice, hidden.id, "suspend").status_code == 302
    day = f"{clock.today():%Y-%m-%d}"
    page = client.get(f"/models/{grandchild.id}").get_data(as_text=True)
    assert f"A model it derives from was suspended on {day}." in page
    assert "Hidden" not in page and "secret-lab" not in page and f'href="/models/{hidden.id}"' not in page
    spanish = client.get(f"/models/{grandchild.id}?lang=es").get_data(as_text=True)
    assert f"Un modelo del que deriva fue suspendido el {day}." in spanish and "secret-lab" not in spanish
    # The child's own card names its base (as the hub does), but the sentence about the action does not.
    page = client.get(f"/models/{child.id}").get_data(as_text=True)
    assert f"A model it derives from was suspended on {day}." in page
    assert "Upstream model" not in page and "Hidden" not in page and f'href="/models/{hidden.id}"' not in page


def test_owner_contact_is_an_email_and_staff_only(session, alice, client):
    model = ModelRecord(
        name="Helpdesk", version="7B", listing_approved_at=clock.now(), listing_approved_criteria=["card_incomplete"]
    )
    session.add(model)
    session.commit()
    for bad in ("not an address", "owner@example.org\nBcc: someone@example.org", "x" * 250 + "@example.org"):
        response = save_details(alice, model.id, owner_contact=bad)
        assert response.status_code == 400, bad
        assert 'id="f-owner_contact-error"' in response.get_data(as_text=True)
    assert save_details(alice, model.id, owner_contact="models@example.org").status_code == 302
    assert stored(session, model.id).owner_contact == "models@example.org"
    assert events(session, model.id)[-1] == ("model.details_changed", {"fields": ["owner_contact"]})
    assert "models@example.org" in alice.get(f"/staff/models/{model.id}").get_data(as_text=True)
    public_page = client.get(f"/models/{model.id}")
    assert public_page.status_code == 200 and "models@example.org" not in public_page.get_data(as_text=True)


def test_the_public_index_pages_by_name(session, client):
    names = [f"Model {i:03d}" for i in range(51)]
    session.add_all(ModelRecord(name=name, version="1", provider="Org", licence="mit") for name in reversed(names))
    session.add(ModelRecord(name="model 000", version="2", listing="in_review"))
    session.commit()
    first = client.get("/models")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert page.count("<tr>") == 1 + 50 and "Model 049" in page and "Model 050" not in page
    assert page.index("Model 000") < page.index("Model 001") and "model 000" not in page
    assert "Incomplete" in page and "mit" in page and "Active" in page
    last = session.exec(select(ModelRecord).where(ModelRecord.name == "Model 049")).one()
    assert f'href="/models?after={last.id}"' in page
    second = client.get(f"/models?after={last.id}").get_data(as_text=True)
    assert "Model 050" in second and "Model 049" not in second and "?after=" not in second
    # Nothing from other hosts, and no script.
    assert "<script" not in page and "http://" not in page.replace("http://localhost", "")
    assert 'href="/models"' in client.get("/report").get_data(as_text=True)  # in the public navigation


@pytest.mark.parametrize(("query", "status"), [("after=abc", 400), ("after=-1", 400), ("after=99999999999", 400)])
def test_odd_index_cursors(client, query, status):
    assert client.get(f"/models?{query}").status_code == status


def test_a_cursor_naming_no_listed_model_is_404(session, client):
    hidden = ModelRecord(name="Hidden", listing="in_review")
    session.add(hidden)
    session.commit()
    assert client.get(f"/models?after={hidden.id}").status_code == 404
    assert client.get("/models?after=999999").status_code == 404
    assert client.get("/models/99999999999").status_code == 404


def test_the_index_in_spanish(session, client):
    session.add(ModelRecord(name="Boreal", version="1", release_type="open_weights"))
    session.commit()
    page = client.get("/models?lang=es").get_data(as_text=True)
    assert "Modelos de la plataforma" in page and "Pesos abiertos" in page and "Incompleta" in page


def test_staff_pages_of_the_review_for_a_viewer_without_edit_rights(app, session, alice, make_staff):
    model = register(alice, session, "Helpdesk", "7B")
    publisher = signed_in_client(app, make_staff("publisher"))
    page = publisher.get(f"/staff/models/{model.id}").get_data(as_text=True)
    assert "In review" in page and "Send to a second reviewer" not in page
    assert publisher.get("/staff/models/review").status_code == 200
    assert publisher.post(f"/staff/models/{model.id}/listing", data={"csrf_token": csrf_from(page)}).status_code == 403
