"""Staff pages for a restricting action's statement of reasons: preview, download, send by e-mail."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from core.db import get_session
from core.i18n import language_names
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import access, web
from incidents.enforcement import statement
from incidents.enforcement.appeal_schemas import StatementSendSchema
from incidents.models import EnforcementAction, Report
from incidents.triage.notifications import Mailer

TOKEN_PLACEHOLDER = "…"  # the preview shows no token: each download or e-mail mints its own


def action_or_404(action_id: int) -> EnforcementAction:
    """Return an enforcement action the signed-in staff member may see, or end the request with 404/403."""
    db = get_session()
    action = db.get(EnforcementAction, action_id)
    if action is None:
        abort(404)
    report = db.get(Report, action.report_id) if action.report_id else None
    if report is not None and not access.may_see(current_staff(), report):
        abort(403)
    return action


def statement_language(action: EnforcementAction) -> str:
    """Return the language a statement is offered in by default: the platform's, whatever the report's.

    The report's language is the reporter's, not the affected party's, and offering it would tell the
    party under a restriction something about an anonymous reporter (or a whistleblower). Staff choose
    the affected party's language on the form.
    """
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _chosen_language(action: EnforcementAction) -> str | None:
    """Return the language the form chose (the default when it chose none), or None for one the app does not speak."""
    chosen = request.form.get("language") or statement_language(action)
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def _statement_context(action: EnforcementAction, token: str, language: str) -> dict:
    link = url_for("incidents.appeal", token=token, _external=True) if token != TOKEN_PLACEHOLDER else token
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base and token != TOKEN_PLACEHOLDER:
        link = base + url_for("incidents.appeal", token=token)
    return {
        "facts": statement.statement_facts(action),
        "appeal_link": link,
        "days": int(current_app.config["APPEAL_DECISION_DAYS"]),
        "language": language,
    }


def render_document(action: EnforcementAction, token: str, *, kind: str, language: str) -> str:
    """Render the statement (kind "txt" or "html") in the affected party's language, whatever the staff's."""
    context = _statement_context(action, token, language)
    with force_locale(language):
        return render_template(f"incidents/statements/statement_doc.{kind}", **context)


def render_statement(action: EnforcementAction, *, errors: dict | None = None, action_error: str = "", status=200):
    """Show the statement's preview (in the language it is offered in) with its download and send forms."""
    owes = statement.owes_statement(action)
    language = statement_language(action)
    preview = render_document(action, TOKEN_PLACEHOLDER, kind="txt", language=language) if owes else ""
    issued = statement.statements_issued(get_session(), action.id)
    return render_template(
        "incidents/staff/statement.html",
        action=action,
        owes=owes,
        issued=issued,
        preview=preview,
        preview_language=language,
        language=request.form.get("language") or language,
        languages=language_names(),
        errors=errors or {},
        action_error=action_error,
        mail_enabled=Mailer.from_config(current_app.config).enabled,
    ), status


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_statement(action_id: int):
    """Preview a restricting action's statement of reasons (GET), or download it (POST)."""
    action = action_or_404(action_id)
    if request.method == "GET":
        return render_statement(action)
    return _download(action)


def _language_refused(action: EnforcementAction):
    return render_statement(action, errors={"language": [_("Choose one of the languages offered.")]}, status=400)


def _download(action: EnforcementAction):
    """Send the statement as text or HTML, in the chosen language, with a fresh one-time appeal link in it."""
    kind = "html" if request.form.get("format") == "html" else "txt"
    language = _chosen_language(action)
    if language is None:
        return _language_refused(action)
    token = statement.issue_statement(get_session(), actor=current_staff(), action=action, keys=web.current_keys())
    body = render_document(action, token, kind=kind, language=language)
    mimetype = "text/html" if kind == "html" else "text/plain"
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=f"statement-of-reasons-{action.id}.{kind}")
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "no-store"
    return response


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_statement_send(action_id: int):
    """E-mail the statement, in the chosen language, to the address staff enter; the address is kept only sealed."""
    action = action_or_404(action_id)
    data, errors = validate_data(schema(StatementSendSchema), form_to_raw(schema(StatementSendSchema), request.form))
    language = _chosen_language(action)
    if errors:
        return render_statement(action, errors=errors, status=400)
    if language is None:
        return _language_refused(action)
    mailer = Mailer.from_config(current_app.config)
    if not mailer.enabled:
        return render_statement(
            action, action_error=_("No mail server is configured: download the statement."), status=400
        )
    address = data["address"]
    token = statement.issue_statement(
        get_session(), actor=current_staff(), action=action, keys=web.current_keys(), address=address
    )
    body = render_document(action, token, kind="txt", language=language)
    with force_locale(language):
        subject = _("Statement of reasons")
    if mailer.send([address], subject, body):
        flash(_("The statement of reasons was sent."), "success")
    else:
        flash(_("The statement could not be sent. Download it and deliver it another way."), "error")
    return redirect(url_for("incidents.staff_statement", action_id=action.id))


def register(bp: Blueprint) -> None:
    """Add the statement pages to the incidents blueprint."""
    bp.add_url_rule("/staff/enforcement/<int:action_id>/statement", view_func=staff_statement, methods=["GET", "POST"])
    bp.add_url_rule(
        "/staff/enforcement/<int:action_id>/statement/send", view_func=staff_statement_send, methods=["POST"]
    )
