"""Staff pages of the pre-upload review and the value chain: the queue, proposals and their decisions,
resubmitting a returned model, and clearing a derived model's upstream flag."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import web
from incidents.labels import LISTINGS, MODEL_STATUSES
from incidents.registry import chain, listing_service
from incidents.registry import schemas as registry_forms
from incidents.registry.review_models import ListingProposal, UpstreamFlag
from incidents.registry.views import model_or_404, render_model


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_review_queue():
    """Models waiting for the pre-upload review, models returned to their providers, and open upstream flags."""
    queue = listing_service.review_queue(get_session())
    return render_template(
        "incidents/staff/review_queue.html",
        queue=queue,
        listings=LISTINGS,
        statuses=MODEL_STATUSES,
        staff=web.staff_directory(),
        user=current_staff(),
    )


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_listing_propose(model_id: int):
    """Propose to approve a model in review, or to return it with reasons; a second staff member decides."""
    model = model_or_404(model_id)
    form = schema(registry_forms.ListingProposalSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        message = _("Check the marked fields.")
        return render_model(model, errors=errors, action_error=message, panel="listing", status=400)
    listing_service.propose_listing(
        get_session(), model, actor=current_staff(), outcome=data["outcome"], reasons=data["reasons"]
    )
    flash(_("The proposal waits for a second staff member."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor="listing"))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_listing_decision(model_id: int, listing_proposal_id: int):
    """Confirm or reject a colleague's listing proposal, or withdraw one's own."""
    model = model_or_404(model_id)
    proposal = get_session().get(ListingProposal, listing_proposal_id)
    if proposal is None or proposal.model_id != model.id:
        abort(404)
    form = schema(registry_forms.ListingDecisionSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        message = _("Confirm or reject the proposal.")
        return render_model(model, errors=errors, action_error=message, panel="listing", status=400)
    if data["decision"] == "withdraw":
        listing_service.withdraw_listing(get_session(), proposal, actor=current_staff())
    else:
        confirm = data["decision"] == "confirm"
        note = data["note"]
        listing_service.decide_listing(get_session(), proposal, actor=current_staff(), confirm=confirm, note=note)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor="listing"))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_listing_resubmit(model_id: int):
    """Send a returned model through the criteria again, after its provider's changes."""
    model = model_or_404(model_id)
    listing = listing_service.resubmit_listing(get_session(), model, actor=current_staff())
    flash(_("The model is resubmitted: %(listing)s.", listing=_(LISTINGS[listing])), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor="listing"))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_flag_clear(model_id: int, flag_id: int):
    """Clear a derived model's upstream flag, with a note on what was looked at."""
    model = model_or_404(model_id)
    flag = get_session().get(UpstreamFlag, flag_id)
    if flag is None or flag.model_id != model.id:
        abort(404)
    form = schema(registry_forms.FlagClearSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        message = _("Say in a note what you looked at.")
        return render_model(model, errors=errors, action_error=message, panel=f"flag-{flag_id}", status=400)
    chain.clear_flag(get_session(), flag, actor=current_staff(), note=data["note"])
    flash(_("The flag is cleared."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id, _anchor="flags"))


def register(bp: Blueprint) -> None:
    """Add the review pages to the incidents blueprint."""
    bp.add_url_rule("/staff/models/review", view_func=staff_review_queue, methods=["GET"])
    bp.add_url_rule("/staff/models/<int:model_id>/listing", view_func=staff_listing_propose, methods=["POST"])
    bp.add_url_rule(
        "/staff/models/<int:model_id>/listing/<int:listing_proposal_id>/decision",
        view_func=staff_listing_decision,
        methods=["POST"],
    )
    bp.add_url_rule("/staff/models/<int:model_id>/listing/resubmit", view_func=staff_listing_resubmit, methods=["POST"])
    bp.add_url_rule(
        "/staff/models/<int:model_id>/flags/<int:flag_id>/clear", view_func=staff_flag_clear, methods=["POST"]
    )
