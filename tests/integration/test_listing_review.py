"""The pre-upload review over HTTP: criteria at registration and on change, four eyes, return and resubmit,
and a model not listed kept off every public page, list, API and report."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.periods import Period
from incidents.models import ModelRecord
from incidents.registry.review_models import ListingProposal
from reporting.aggregate import raw_figures
from tests.conftest import csrf_from, signed_in_client
from tests.factories.registry import card, csrf, import_card, register, save_details


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


def test_a_model_that_meets_no_criterion_is_listed_directly(session, alice, client):
    model = register(alice, session, "Helpdesk", "7B")
    assert import_card(alice, model.id, card("complete.md")).status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("listed", [])
    assert events(session, model.id)[-1] == (
        "model.listing_changed",
        {"from": "in_review", "to": "listed", "criteria": [], "why": "card"},
    )
    assert client.get(f"/models/{model.id}").status_code == 200
    # Its details change to open weights before anyone approved it: back into review.
    assert save_details(alice, model.id, release_type="open_weights").status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_criteria) == ("in_review", ["open_weights"])
    assert client.get(f"/models/{model.id}").status_code == 404


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
    assert client.get(f"/models/{model.id}").status_code == 200
    assert f'href="/models/{model.id}"' in client.get("/models").get_data(as_text=True)
    # Approved: a later change of its card no longer sends it back.
    import_card(alice, model.id, card("template.md"))
    assert stored(session, model.id).listing == "listed"
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
    # Returned again, fixed (a complete card), resubmitted: it meets no criterion and is listed.
    propose(bob, model.id, "return", reasons=reasons)
    decide(
        alice, model.id, session.exec(select(ListingProposal.id).order_by(ListingProposal.id.desc())).first(), "confirm"
    )
    assert stored(session, model.id).listing == "returned"
    import_card(alice, model.id, card("complete.md"))
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 302
    model = stored(session, model.id)
    assert (model.listing, model.listing_approved_at) == ("listed", None)
    assert events(session, model.id)[-1] == (
        "model.listing_changed",
        {"from": "returned", "to": "listed", "criteria": [], "why": "resubmitted"},
    )
    # A listed model cannot be resubmitted.
    assert alice.post(f"/staff/models/{model.id}/listing/resubmit", data=resubmit).status_code == 409


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


def test_owner_contact_is_an_email_and_staff_only(session, alice, client):
    model = ModelRecord(name="Helpdesk", version="7B", listing_approved_at=clock.now())
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
    assert "models@example.org" not in client.get(f"/models/{model.id}").get_data(as_text=True)


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
