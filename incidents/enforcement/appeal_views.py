"""The appellant's pages: an appeal through a statement's link, its receipt and status, and a reporter's appeal."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from core.db import get_session
from core.schemas import form_to_raw, schema, validate_data
from core.security import spend_rate_limit
from incidents import web
from incidents.enforcement import appeals, statement
from incidents.enforcement.appeal_schemas import AppealSchema, StatusSchema
from incidents.enforcement.schemas import ACTION_TYPES
from incidents.intake import reading
from incidents.intake.uploads import form_uploads
from incidents.intake.views import receipt_guesses

# Guessing appeal links and appeal receipts spends one budget per client bucket, as receipts do.
_guesses = web.guess_budget("appeal-guesses", misses=(403, 404))


def _days() -> int:
    return int(current_app.config["APPEAL_DECISION_DAYS"])


def _invalid_link():
    return render_template("incidents/appeals/invalid.html"), 404


@_guesses
def appeal(token: str):
    """Let the affected party contest a restriction, with the link from its statement of reasons."""
    db = get_session()
    action = appeals.action_for_token(db, token=token, keys=web.current_keys())
    if action is None:
        return _invalid_link()
    page = {"action": action, "action_types": ACTION_TYPES, "days": _days()}
    if request.method == "GET":
        return render_template("incidents/appeals/form.html", errors={}, values={}, **page)
    spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
    raw = form_to_raw(schema(AppealSchema), request.form)
    data, errors = validate_data(schema(AppealSchema), raw)
    uploads = form_uploads(errors)
    if errors:
        return render_template("incidents/appeals/form.html", errors=errors, values=raw, **page), 400
    try:
        filed = appeals.file_action_appeal(
            db, token=token, arguments=data["arguments"], uploads=uploads, keys=web.current_keys(), days=_days()
        )
    except appeals.AppealRefused:
        return _invalid_link()
    # The receipt is shown only now, after the commit; it never goes into a URL or a cookie.
    return render_template("incidents/appeals/receipt.html", receipt=filed.receipt, due_at=filed.due_at)


@_guesses
def appeal_status():
    """Let an appellant come back with their receipt to read the decision."""
    if request.method == "GET":
        return render_template("incidents/appeals/status_form.html", errors={})
    data, errors = validate_data(schema(StatusSchema), form_to_raw(schema(StatusSchema), request.form))
    if errors:
        return render_template("incidents/appeals/status_form.html", errors=errors), 400
    view = appeals.open_for_appellant(get_session(), receipt=data["receipt"], keys=web.current_keys())
    page = render_template("incidents/appeals/status.html", view=view)  # rendered on a miss too: same work
    if not view.found:
        miss = {"receipt": [_("We could not open an appeal with that receipt. Check each character and try again.")]}
        return render_template("incidents/appeals/status_form.html", errors=miss), 403
    return page


@receipt_guesses  # it tries a report's receipt: the follow-up pages' budget, not a second one
def dismissal_appeal():
    """Let a reporter appeal the dismissal of their report, from their follow-up page."""
    db = get_session()
    view = reading.open_for_reporter(session=db, receipt=request.form.get("receipt", ""), keys=web.current_keys())
    if not view.found:
        errors = {"receipt": [_("We could not open a report with that receipt. Check each character and try again.")]}
        return render_template("incidents/followup.html", errors=errors), 403
    if not appeals.may_appeal_dismissal(db, view.report):
        return render_template("incidents/appeals/not_open.html"), 409
    spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
    data, errors = validate_data(schema(AppealSchema), form_to_raw(schema(AppealSchema), request.form))
    uploads = form_uploads(errors)
    if errors:
        return render_template("incidents/appeals/dismissal_form.html", errors=errors, receipt=_receipt()), 400
    filed = appeals.file_dismissal_appeal(
        db, report=view.report, arguments=data["arguments"], uploads=uploads, keys=web.current_keys(), days=_days()
    )
    return render_template("incidents/appeals/dismissal_filed.html", due_at=filed.due_at)


def _receipt() -> str:
    return request.form.get("receipt", "")[:40]


def _appeal_helpers() -> dict:
    return {
        "dismissal_appealable": lambda report: appeals.may_appeal_dismissal(get_session(), report),
        "restricting_actions": statement.RESTRICTING,
    }


def register(bp: Blueprint) -> None:
    """Add the appellant's pages to the incidents blueprint."""
    bp.app_context_processor(_appeal_helpers)
    bp.add_url_rule("/appeal/status", view_func=appeal_status, methods=["GET", "POST"])
    bp.add_url_rule("/appeal/<token>", view_func=appeal, methods=["GET", "POST"])
    bp.add_url_rule("/followup/appeal", view_func=dismissal_appeal, methods=["POST"])
