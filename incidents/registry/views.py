"""Staff registry pages, decommissioning proposals, and the public list of withdrawn models."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import get_session
from core.permissions import Permission, can, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import web
from incidents.labels import LISTINGS, RELEASE_TYPES
from incidents.models import (
    DecommissionProposal,
    ModelRecord,
)
from incidents.registry import schemas as registry_forms
from incidents.registry import service as registry
from incidents.registry.checklist import REASONS
from incidents.triage.notifications import Mailer
from incidents.triage.workflow import ModelAction, can_propose_decommission, model_actions


def model_or_404(model_id: int) -> ModelRecord:
    model = get_session().get(ModelRecord, model_id)
    if model is None:
        abort(404)
    return model


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_models():
    """The registry of models and systems on the platform, and registering a new one."""
    if request.method == "GET":
        return render_models()
    if not can(current_staff(), Permission.EDIT_REGISTRY):
        abort(403)
    data, errors = validate_data(
        schema(registry_forms.ModelSchema), form_to_raw(schema(registry_forms.ModelSchema), request.form)
    )
    if errors:
        return render_models(errors=errors, status=400)
    model = registry.create_model(get_session(), actor=current_staff(), data=data)
    flash(_("%(name)s is registered.", name=model.name), "success")
    return redirect(url_for("incidents.staff_model", model_id=model.id))


def render_models(*, errors: dict | None = None, status: int = 200):
    """Render the registry list, with the registration form's errors when there are any."""
    page = registry.registry_page(get_session())
    return render_template(
        "incidents/staff/models.html",
        models=page.models,
        pending=page.pending,
        listings=LISTINGS,
        user=current_staff(),
        errors=errors or {},
        values=request.form if errors else {},
    ), status


def render_model(
    model: ModelRecord,
    *,
    errors: dict | None = None,
    action_error: str | None = None,
    status: int = 200,
    panel: str = "proposal",
    values: dict | None = None,
):
    """Draw a model's staff page; `panel` names the form `errors` belong to (proposal, details, card, an item, listing,
    a flag)."""
    page = registry.model_page(get_session(), model)
    return render_template(
        "incidents/staff/model.html",
        model=model,
        panel=panel,
        documentation=page.documentation,
        bases=page.bases,
        derived=page.derived,
        checklist_reasons=REASONS,
        release_types=RELEASE_TYPES,
        proposals=page.proposals,
        actions=model_actions(model.status),
        can_propose=can_propose_decommission(model.status) and not page.proposal_pending,
        criteria=registry_forms.CRITERIA,
        errors=errors or {},
        action_error=action_error,
        user=current_staff(),
        staff=web.staff_directory(),
        values=values if values is not None else (request.form if errors else {}),
        history=page.history,
        enforcement=page.enforcement,
        listing=page.listing,
        listings=LISTINGS,
        flags=page.flags,
    ), status


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_model(model_id: int):
    return render_model(model_or_404(model_id))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_model_transition(model_id: int, action: str):
    model = model_or_404(model_id)
    try:
        action_enum = ModelAction(action)
    except ValueError:
        abort(404)
    data, errors = validate_data(
        schema(registry_forms.ModelTransitionSchema),
        form_to_raw(schema(registry_forms.ModelTransitionSchema), request.form),
    )
    if errors:
        return render_model(model, errors=errors, action_error=_("Check the marked fields."), status=400)
    registry.transition_model(
        get_session(),
        model,
        action_enum,
        actor=current_staff(),
        row_version=data["row_version"],
        public_reason=data["public_reason"],
        mailer=Mailer.from_config(current_app.config),
    )
    flash(_("The model is now %(status)s.", status=model.status.replace("_", " ")), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_model_propose(model_id: int):
    """Propose decommissioning: the checklist, the effective date, the notice and a public reason."""
    model = model_or_404(model_id)
    raw = form_to_raw(schema(registry_forms.DecommissionProposalSchema), request.form)
    raw["criteria"] = {
        name: request.form.get(f"criterion_{name}")
        for name in registry_forms.CRITERIA
        if request.form.get(f"criterion_{name}")
    }
    data, errors = validate_data(schema(registry_forms.DecommissionProposalSchema), raw)
    if errors:
        return render_model(model, errors=errors, action_error=_("Complete the proposal."), status=400)
    registry.propose_decommission(get_session(), model, actor=current_staff(), data=data)
    flash(_("The proposal waits for a second staff member's approval."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id))


@roles(*roles_for(Permission.EDIT_REGISTRY))
def staff_proposal_decision(proposal_id: int):
    proposal = get_session().get(DecommissionProposal, proposal_id)
    if proposal is None:
        abort(404)
    model = model_or_404(proposal.model_id)
    if request.form.get("decision") == "withdraw":
        registry.withdraw_proposal(get_session(), proposal, actor=current_staff())
    else:
        data, errors = validate_data(
            schema(registry_forms.DecisionSchema), form_to_raw(schema(registry_forms.DecisionSchema), request.form)
        )
        if errors:
            return render_model(model, errors=errors, action_error=_("Approve or reject the proposal."), status=400)
        approve = data["decision"] == "approve"
        registry.decide_proposal(
            get_session(),
            proposal,
            actor=current_staff(),
            approve=approve,
            note=data["note"],
            mailer=Mailer.from_config(current_app.config),
        )
    flash(_("Decision recorded."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model.id))


def public_models():
    """The public list of suspended and decommissioned models, with dates and reasons."""
    models = registry.public_model_list(get_session())
    return render_template("incidents/withdrawn_models.html", models=models, today=clock.today())


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.add_url_rule("/staff/models", view_func=staff_models, methods=["GET", "POST"])
    bp.add_url_rule("/staff/models/<int:model_id>", view_func=staff_model, methods=["GET"])
    bp.add_url_rule(
        "/staff/models/<int:model_id>/lifecycle/<action>", view_func=staff_model_transition, methods=["POST"]
    )
    bp.add_url_rule("/staff/models/<int:model_id>/proposals", view_func=staff_model_propose, methods=["POST"])
    bp.add_url_rule("/staff/proposals/<int:proposal_id>/decision", view_func=staff_proposal_decision, methods=["POST"])
    bp.add_url_rule("/models/withdrawn", view_func=public_models, methods=["GET"])
