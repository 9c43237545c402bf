"""One handler for every room's domain errors: roll back, then show the page the person acted on.

Services raise a DomainError (an illegal transition, a stale version, a refusal) and never roll
back on their caller's behalf; views do not catch them. This handler ends the failed transaction
and answers JSON callers with JSON, and everyone else with the page of the record they acted on,
its message shown where the action's form is.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from core.db import get_session
from incidents import web
from incidents.cases.views import incident_or_404, render_incident
from incidents.enforcement.appeal_staff_views import appeal_or_404, render_appeal
from incidents.enforcement.statement_views import action_or_404, render_statement
from incidents.errors import DomainError
from incidents.models import DecommissionProposal
from incidents.registry.views import model_or_404, render_model, render_models
from incidents.triage.views import render_report


def _report_page(report_id: int, err: DomainError) -> ResponseReturnValue:
    return render_report(web.report_or_404(report_id), action_error=str(err), status=err.status_code)


def _incident_page(incident_id: int, err: DomainError) -> ResponseReturnValue:
    return render_incident(incident_or_404(incident_id), action_error=str(err), status=err.status_code)


def _model_page(model_id: int, err: DomainError) -> ResponseReturnValue:
    return render_model(model_or_404(model_id), action_error=str(err), status=err.status_code)


def _proposal_page(proposal_id: int, err: DomainError) -> ResponseReturnValue:
    proposal = get_session().get(DecommissionProposal, proposal_id)
    return _model_page(proposal.model_id if proposal else 0, err)


def _appeal_page(appeal_id: int, err: DomainError) -> ResponseReturnValue:
    return render_appeal(appeal_or_404(appeal_id), action_error=str(err), status=err.status_code)


def _statement_page(action_id: int, err: DomainError) -> ResponseReturnValue:
    return render_statement(action_or_404(action_id), action_error=str(err), status=err.status_code)


# Which page shows an error, by the record the URL names (the first that matches).
PAGE_BY_ARGUMENT: dict[str, Callable[[int, DomainError], ResponseReturnValue]] = {
    "report_id": _report_page,
    "incident_id": _incident_page,
    "model_id": _model_page,
    "proposal_id": _proposal_page,
    "appeal_id": _appeal_page,
    "action_id": _statement_page,
}


def handle_domain_error(err: DomainError) -> ResponseReturnValue:
    """Roll the request's transaction back and show the error on the page it came from, in the reader's language.

    Services raise their messages in English, marked for translation (N_); the page shows the catalogue's words.
    The JSON API keeps the English text.
    """
    get_session().rollback()
    if web.wants_json():
        return jsonify({"error": str(err)}), err.status_code
    err = copy.copy(err)
    err.args = (gettext(str(err)),)
    arguments = request.view_args or {}
    try:
        for name, page in PAGE_BY_ARGUMENT.items():
            if name in arguments:
                return page(arguments[name], err)
        if request.endpoint == "incidents.staff_models":
            return render_models(errors={"name": [str(err)]}, status=err.status_code)
    except HTTPException as refused:  # the record is gone, or the caller may not see it: the app's error page
        return current_app.handle_http_exception(refused)
    return render_template("errors/error.html", code=err.status_code, title=str(err), detail=""), err.status_code


def register(bp: Blueprint) -> None:
    """Handle the domain errors raised in any of the blueprint's views."""
    bp.register_error_handler(DomainError, handle_domain_error)
