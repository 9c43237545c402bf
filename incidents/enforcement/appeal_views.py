"""The appellant's pages: an appeal through a statement's link, its receipt and status, and a reporter's appeal."""

from __future__ import annotations

import secrets

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
from incidents.intake.service import ChannelClosed
from incidents.intake.uploads import form_uploads, note_files_not_kept
from incidents.intake.views import receipt_guesses

# Guessing appeal links and appeal receipts spends one budget per client bucket, as receipts do.
_guesses = web.guess_budget("appeal-guesses", misses=(403, 404))


def _days() -> int:
    return int(current_app.config["APPEAL_DECISION_DAYS"])


def _written() -> str:
    """What the person wrote in an appeal form, to give back to them on a page that refuses it."""
    return request.form.get("arguments", "")[:20000]


def _invalid_link(written: str = ""):
    return render_template("incidents/appeals/invalid.html", written=written), 404


def _waiting(written: str = ""):
    """The page for a link whose decision already has an appeal waiting: one at a time, and what they wrote."""
    return render_template("incidents/appeals/waiting.html", written=written), 409


@_guesses
def appeal(token: str):
    """Let the affected party contest a restriction, with the link from its statement of reasons."""
    db = get_session()
    action = appeals.action_for_token(db, token=token, keys=web.current_keys())
    if request.method == "POST":
        return _file_appeal(token, action)
    if action is None:
        return _invalid_link()
    if appeals.open_action_appeal(db, action.id) is not None:
        return _waiting()
    return render_template("incidents/appeals/form.html", errors={}, values={}, **_form_page(action))


def _form_page(action) -> dict:
    return {"action": action, "action_types": ACTION_TYPES, "days": _days()}


def _file_appeal(token: str, action):
    """File the appeal a link's form sends; a link that files nothing gets a page saying why, with what was written."""
    keys = web.current_keys()
    if action is None:
        refusal = appeals.refusal(get_session(), token=token, keys=keys)
        return _waiting(_written()) if isinstance(refusal, appeals.AppealWaiting) else _invalid_link(_written())
    spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
    raw = form_to_raw(schema(AppealSchema), request.form)
    data, errors = validate_data(schema(AppealSchema), raw)
    uploads = form_uploads(errors)
    if errors:
        note_files_not_kept(errors)
        return render_template("incidents/appeals/form.html", errors=errors, values=raw, **_form_page(action)), 400
    try:
        filed = appeals.file_action_appeal(
            get_session(), token=token, arguments=data["arguments"], uploads=uploads, keys=keys, days=_days()
        )
    except appeals.AppealWaiting:
        return _waiting(_written())
    except appeals.AppealRefused:
        return _invalid_link(_written())
    except ChannelClosed:
        errors = {"_schema": [_("We cannot receive this appeal right now. Please try again later.")]}
        return render_template("incidents/appeals/form.html", errors=errors, values=raw, **_form_page(action)), 503
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
    """Let a reporter appeal the dismissal of their report, from their follow-up page; a form sent twice files once."""
    db, keys = get_session(), web.current_keys()
    view = reading.open_for_reporter(session=db, receipt=request.form.get("receipt", ""), keys=keys)
    if not view.found:
        errors = {"receipt": [_("We could not open a report with that receipt. Check each character and try again.")]}
        return render_template("incidents/followup.html", errors=errors), 403
    dedupe_token = request.form.get("dedupe_token", "")[:64] or None
    if (earlier := appeals.appeal_of_form(db, view.report, dedupe_token, keys)) is not None:
        return render_template("incidents/appeals/dismissal_filed.html", due_at=earlier.due_at)
    if not appeals.may_appeal_dismissal(db, view.report):
        return _not_open()
    spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
    raw = form_to_raw(schema(AppealSchema), request.form)
    data, errors = validate_data(schema(AppealSchema), raw)
    uploads = form_uploads(errors)
    if errors:
        note_files_not_kept(errors)
        page = {"errors": errors, "receipt": _receipt(), "values": raw, "dedupe_token": dedupe_token}
        return render_template("incidents/appeals/dismissal_form.html", **page), 400
    try:
        filed = appeals.file_dismissal_appeal(
            db, report=view.report, arguments=data["arguments"], uploads=uploads, keys=keys, days=_days(),
            dedupe_token=dedupe_token,
        )  # fmt: skip
    except appeals.AppealRefused:
        return _not_open()
    return render_template("incidents/appeals/dismissal_filed.html", due_at=filed.due_at)


def _not_open():
    return render_template("incidents/appeals/not_open.html", written=_written()), 409


def _receipt() -> str:
    return request.form.get("receipt", "")[:40]


def _appeal_helpers() -> dict:
    return {
        "dismissal_appealable": lambda report: appeals.may_appeal_dismissal(get_session(), report),
        "new_form_token": lambda: secrets.token_urlsafe(16),
        "restricting_actions": statement.RESTRICTING,
    }


def register(bp: Blueprint) -> None:
    """Add the appellant's pages to the incidents blueprint."""
    bp.app_context_processor(_appeal_helpers)
    bp.add_url_rule("/appeal/status", view_func=appeal_status, methods=["GET", "POST"])
    bp.add_url_rule("/appeal/<token>", view_func=appeal, methods=["GET", "POST"])
    bp.add_url_rule("/followup/appeal", view_func=dismissal_appeal, methods=["POST"])
