"""A reviewer imports a model card in a real browser, works through its review, and the public model page
follows: incomplete, then complete. Axe audits the public checklist and model pages."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from core import clock
from incidents.models import ModelRecord
from incidents.registry.card_models import CardReviewItem
from incidents.registry.review_models import UpstreamFlag
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"
FAILING = ("intended_uses", "out_of_scope", "training_data", "evaluation", "bias_risks", "recommendations", "contact")


def test_a_reviewer_imports_and_reviews_a_card(live_server, page_factory, make_staff, session):
    # Approved for listing already, its card incomplete: its public page follows the card's review (the pre-upload
    # review has its own tests).
    session.add(
        ModelRecord(
            name="Support Llama",
            version="8B",
            provider="Example Org",
            listing_approved_at=clock.now(),
            listing_approved_criteria=["card_incomplete"],
        )
    )
    session.commit()
    model = session.exec(select(ModelRecord)).one()
    staff = page_factory(javascript=False)
    sign_in(staff, live_server.url, make_staff("triager"))
    staff.goto(f"{live_server.url}/staff/models/{model.id}")

    # A card with no YAML header: a clear error, the pasted text kept.
    staff.get_by_label("Or paste the card").fill((CARDS / "no_yaml.md").read_text())
    staff.get_by_role("button", name="Import the card").click()
    staff.wait_for_load_state()
    assert "The card has no YAML header" in staff.content()
    assert "Legacy Sentiment Classifier" in staff.get_by_label("Or paste the card").input_value()

    # The raw template output, as a file: everything but the licence fails.
    staff.get_by_label("Or paste the card").fill("")
    staff.get_by_label("Card file (README.md)").set_input_files(str(CARDS / "template.md"))
    staff.get_by_role("button", name="Import the card").click()
    staff.wait_for_load_state()
    assert "The automatic check failed 7 of 8 items." in staff.content()
    public = page_factory(javascript=False)
    public.goto(f"{live_server.url}/models/{model.id}")
    assert "Documentation incomplete" in public.content()
    assert public.locator(".doc-status li").all_inner_texts() == [
        "Intended uses",
        "Out-of-scope uses",
        "Training data",
        "Evaluation and metrics",
        "Bias, risks and limitations",
        "Contact",
    ]

    # Overriding without a note is refused; with one it counts.
    staff.locator("#r-contact-pass").check()
    staff.get_by_role("button", name="Save the review of “Contact”").click()
    staff.wait_for_load_state()
    assert "Say in a note why you override the automatic check." in staff.content()
    for item in FAILING:
        staff.locator(f"#r-{item}-pass").check()
        staff.locator(f"#n-{item}").fill("Documented in the provider's technical report, section 4")
        staff.locator(f"#item-{item} button").click()
        staff.wait_for_load_state()
        assert "is saved." in staff.content()
    staff.locator("#r-licence-pass").check()
    staff.locator("#item-licence button").click()
    staff.wait_for_load_state()
    assert "Documentation complete: its model card covers" in staff.content()
    session.expire_all()
    rows = session.exec(select(CardReviewItem).where(CardReviewItem.model_id == model.id)).all()
    assert sorted((r.item_id, r.reviewer_result) for r in rows) == sorted(
        [(item, "pass") for item in FAILING] + [("licence", "pass")]
    )

    public.goto(f"{live_server.url}/models/{model.id}")
    assert "Documentation complete" in public.content()
    assert "llama3.1" in public.content()
    public.get_by_role("link", name="How we review model cards: the documentation checklist").click()
    public.wait_for_load_state()
    assert public.get_by_role("heading", name="Model card checklist").is_visible()
    outside = [u for u in staff.requests_seen + public.requests_seen if not u.startswith(live_server.url)]
    assert outside == []


def test_accessibility_of_the_checklist_and_model_pages(live_server, page_factory, session, axe_path):
    base = ModelRecord(
        name="Mistral", version="7B", hub_url="https://huggingface.co/mistralai/Mistral-7B-v0.1", status="suspended"
    )
    tune = ModelRecord(
        name="Helpdesk",
        version="7B",
        licence="apache-2.0",
        release_type="open_weights",
        base_models=["mistralai/Mistral-7B-v0.1", "other/unknown"],
    )
    session.add_all([base, tune])
    session.commit()
    # The base's suspension flagged the tune: its page says so (the value chain's own tests make the flag by a move).
    session.add(
        UpstreamFlag(
            model_id=tune.id,
            upstream_id=base.id,
            upstream_status="suspended",
            upstream_changed_at=base.status_changed_at,
        )
    )
    session.commit()
    page = page_factory(bypass_csp=True)
    findings = {}
    paths = ("/models/checklist", "/models/checklist?lang=es", f"/models/{base.id}", f"/models/{tune.id}?lang=es")
    for path in (*paths, f"/models/{tune.id}", "/models", "/models?lang=es"):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    assert findings == dict.fromkeys(findings, [])
    page.goto(f"{live_server.url}/models/{tune.id}")
    assert page.locator("#upstream li").inner_text().startswith("Upstream model Mistral 7B was suspended on")
