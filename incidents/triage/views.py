"""Staff triage pages: the queue, a report with its actions and replies, and the dashboard."""

from __future__ import annotations

import secrets

from babel import Locale, UnknownLocaleError
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from core import clock
from core.auth import Role
from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import N_, form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import access, labels, web
from incidents.enforcement import schemas as enforcement_forms
from incidents.intake import kind_rules
from incidents.models import (
    Category,
    Report,
    ReportStatus,
    Severity,
)
from incidents.triage import deadlines, duty_service, notifications, queue, wording
from incidents.triage import schemas as triage_forms
from incidents.triage import service as triage
from incidents.triage.workflow import TriageAction, report_actions
from incidents.vocabulary import ReportKind

ACTION_SCHEMAS = {
    TriageAction.ACKNOWLEDGE: triage_forms.NoteSchema,
    TriageAction.CLASSIFY: triage_forms.ClassifySchema,
    TriageAction.ASSIGN: triage_forms.AssignSchema,
    TriageAction.REQUEST_INFO: triage_forms.RequestInfoSchema,
    TriageAction.LINK_INCIDENT: triage_forms.LinkIncidentSchema,
    TriageAction.MARK_DUPLICATE: triage_forms.DuplicateSchema,
    TriageAction.DISMISS: triage_forms.DismissSchema,
    TriageAction.ESCALATE: triage_forms.NoteSchema,
    TriageAction.RESOLVE: triage_forms.NoteSchema,
    TriageAction.FILE_REPORT: triage_forms.NoteSchema,
    TriageAction.REOPEN: triage_forms.NoteSchema,
}


ACTION_LABELS = {
    TriageAction.ACKNOWLEDGE: N_("Acknowledge"),
    TriageAction.CLASSIFY: N_("Classify"),
    TriageAction.ASSIGN: N_("Assign"),
    TriageAction.REQUEST_INFO: N_("Ask the reporter for information"),
    TriageAction.LINK_INCIDENT: N_("Link to an incident"),
    TriageAction.MARK_DUPLICATE: N_("Mark as duplicate"),
    TriageAction.DISMISS: N_("Dismiss"),
    TriageAction.ESCALATE: N_("Escalate"),
    TriageAction.RESOLVE: N_("Resolve"),
    TriageAction.FILE_REPORT: N_("Record the regulatory report as filed"),
    TriageAction.REOPEN: N_("Reopen"),
}


# Reply templates: a starting point for common answers, edited before sending. Never content-bearing.
# Marked with N_ for the catalogue; the report page translates them when it shows them.
REPLY_TEMPLATES = {
    "thanks": (
        N_("Thank you, we are looking into it"),
        N_(
            "Thank you for your report. Our team has read it and is looking into it. We will write here "
            "when we know more. You do not need to do anything for now."
        ),
    ),
    "more_info": (
        N_("We need more detail"),
        N_(
            "Thank you for your report. To look into it we need a little more detail: which model or app "
            "were you using, and what exactly did you type before the problem appeared? Please do not "
            "include your name or other details that identify you."
        ),
    ),
    "fixed": (
        N_("It has been fixed"),
        N_(
            "Thank you for your report. We have confirmed the problem and put a fix in place. If you see it "
            "again, write here with your receipt."
        ),
    ),
    "no_action": (
        N_("We are closing it without action"),
        N_(
            "Thank you for your report. We have assessed it carefully and concluded that it does not need "
            "action from us. If you have new information, write here with your receipt."
        ),
    ),
}


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_queue():
    """The reports of the caller's channel: filters, search, keyset pages, counts per status."""
    user = current_staff()
    args = request.args
    filters = queue.Filters(
        channel=access.channel_of_role(Role(user.role)),
        visible=access.narrowing(user, web.dialect()),
        status=args.get("status") or None,
        category=args.get("category") or None,
        severity=args.get("severity") or None,
        kind=args.get("kind") or None,
        model=(args.get("model") or "").strip()[:200] or None,
        assignee=args.get("assignee") or None,
        overdue=args.get("overdue") == "1",
        duty_overdue=args.get("duty_overdue") == "1",
        open_only=args.get("open") == "1",
        q=(args.get("q") or "").strip()[:200] or None,
        sort=args.get("sort") or "newest",
    )
    problems = []
    if filters.status and filters.status not in {s.value for s in ReportStatus}:
        problems.append(_("Unknown status."))
    if filters.category and filters.category not in {c.value for c in Category}:
        problems.append(_("Unknown category."))
    if filters.severity and filters.severity not in {s.value for s in Severity}:
        problems.append(_("Unknown severity."))
    if filters.kind and filters.kind not in {k.value for k in ReportKind}:
        problems.append(_("Unknown kind of report."))
    try:
        if problems:
            raise queue.BadQuery(problems[0])
        page = queue.load_page(
            get_session(),
            filters,
            viewer_id=user.id,
            cursor=args.get("after"),
            page_size=current_app.config["QUEUE_PAGE_SIZE"],
        )
    except queue.BadQuery:
        return render_template("incidents/staff/queue_error.html", user=user), 400
    staff = web.staff_directory()
    return render_template(
        "incidents/staff/queue.html",
        page=page,
        user=user,
        staff=staff,
        assignable=[u for u in staff.values() if u.active and access.channel_of_role(u.role) == filters.channel],
        statuses=list(ReportStatus),
        categories=labels.CATEGORY_LABELS,
        severities=list(Severity),
        countdown=deadlines.countdown,
        cap=queue.OVERDUE_COUNT_CAP,
        duty_labels=duty_service.DUTY_LABELS,
        sort_args={key: value for key, value in filters.as_args().items() if key != "sort"},
        provisional=wording.provisional_deadline,
    )


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_reports():
    """The old report list now lives in the queue."""
    return redirect(url_for("incidents.staff_queue"))


def render_report(
    report: Report,
    *,
    errors: dict | None = None,
    action_error: str | None = None,
    status: int = 200,
    reply_body: str = "",
    action_values: dict | None = None,
):
    """Render the staff report page: sealed content (opening it is audited) and the triage panel."""
    view = web.open_report_for_staff(report)
    page = triage.report_page(get_session(), report)
    user = current_staff()
    staff = web.staff_directory()
    colleagues = [u for u in staff.values() if access.may_see(u, report)]
    template_key = request.args.get("template")
    if not reply_body and template_key in REPLY_TEMPLATES:
        with force_locale(report.language or "en"):  # the reporter reads it: their language, not the staff's
            reply_body = _(REPLY_TEMPLATES[template_key][1])
    now = clock.now()
    actions = report_actions(report.status)
    if not report.due_kind:  # nothing is owed, so there is nothing to record as filed
        actions = [a for a in actions if a is not TriageAction.FILE_REPORT]
    return render_template(
        "incidents/staff/report.html",
        view=view,
        kind_answers=kind_rules.answers(report, view.content),
        errors=errors or {},
        action_error=action_error,
        labels=labels,
        message_token=secrets.token_urlsafe(16),
        actions=actions,
        provisional=wording.provisional_deadline(report, now),
        reporter_language=_language_name(report.language),
        action_labels=ACTION_LABELS,
        colleagues=colleagues,
        staff=staff,
        open_incidents=page.open_incidents,
        dismiss_reasons=triage_forms.DISMISS_REASONS,
        staff_flags=triage_forms.STAFF_FLAGS,
        history=page.history,
        partner=page.partner,
        countdown=deadlines.countdown(report.due_at, now),
        duty_panel=duty_service.panel(report, now, reader=web.reader_key_or_403(report)),
        tier=deadlines.TIERS_BY_NAME.get(report.deadline_tier or ""),
        enforcement=page.enforcement,
        reply_body=reply_body,
        reply_templates=REPLY_TEMPLATES,
        models=page.models,
        enforcement_choices=enforcement_forms.enforcement_choices(),
        today=now.date(),
        user=user,
        categories=labels.CATEGORY_LABELS,
        severities=list(Severity),
        actors=labels.ACTOR_LABELS,
        now=now,
        action_values=action_values or {},
    ), status


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_report(report_id: int):
    """Show a report's sealed content, files, thread, history, deadline and the actions allowed now."""
    return render_report(web.report_or_404(report_id))


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_reply(report_id: int):
    """Send the reporter a message, sealed for them and for the report's other readers."""
    report = web.report_or_404(report_id)
    web.reader_key_or_403(report)
    message_schema = schema(triage_forms.StaffMessageSchema)
    data, errors = validate_data(message_schema, form_to_raw(message_schema, request.form))
    if errors:
        return render_report(report, errors=errors, status=400)
    duty_service.send_staff_message(
        session=get_session(),
        report=report,
        actor=current_staff(),
        body=data["body"],
        marks=data.get("marks"),
        keys=web.current_keys(),
        dedupe_token=request.form.get("message_token"),
    )
    flash(_("Your reply is sent. The reporter sees it the next time they use their receipt."), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id))


def _payload() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body
    return request.form


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_report_action(report_id: int, action: str):
    """Apply one triage action. HTML forms get the page back; JSON callers get JSON (409 when illegal)."""
    report = web.report_or_404(report_id)
    try:
        action_enum = TriageAction(action)
    except ValueError:
        abort(404)
    if not access.may_see(current_staff(), report):
        abort(403)
    action_schema = schema(ACTION_SCHEMAS[action_enum])
    payload = _payload()
    raw = dict(payload) if request.is_json else form_to_raw(action_schema, payload)
    data, errors = validate_data(action_schema, raw)
    if errors:
        if web.wants_json():
            return jsonify({"errors": errors}), 400
        return render_report(
            report,
            errors=errors,
            action_error=_("Check the fields of the action you chose."),
            status=400,
            action_values=raw,
        )
    report = triage.apply(
        get_session(),
        report,
        action_enum,
        actor=current_staff(),
        data=data,
        keys=web.current_keys(),
        mailer=notifications.Mailer.from_config(current_app.config),
    )
    if web.wants_json():
        return jsonify(
            {
                "id": report.id,
                "status": report.status,
                "version": report.version,
                "due_at": report.due_at.isoformat() if report.due_at else None,
            }
        )
    flash(_(wording.ACTION_DONE[action_enum]), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id))


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_dashboard():
    """Intake per week, the open backlog by status and deadlines at risk, as charts and tables."""
    from incidents.triage import dashboard  # pandas and Altair load on first use, not in every web worker

    user = current_staff()
    channel = access.channel_of_role(Role(user.role)) or "public"
    db = get_session()
    board = dashboard.build(db, channel, clock.now(), visible=access.narrowing(user, web.dialect()))
    return render_template(
        "incidents/staff/dashboard.html",
        board=board,
        appeals_due=dashboard.appeals_at_risk(db, user, board.now),
        user=user,
        staff=web.staff_directory(),
        countdown=deadlines.countdown,
        duty_labels=duty_service.DUTY_LABELS,
    )


def _language_name(code: str | None) -> str:
    """Name a language in the staff member's language (Spanish, español), or give the code when unknown."""
    try:
        return Locale.parse(code or "en").get_display_name(get_locale() or "en") or str(code)
    except (ValueError, UnknownLocaleError):
        return str(code)


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.add_app_template_filter(wording.history_lines, "history_lines")
    bp.add_app_template_filter(wording.status_label, "status_label")
    bp.add_app_template_filter(wording.severity_label, "severity_label")
    bp.add_app_template_filter(wording.flag_label, "flag_label")
    bp.add_app_template_filter(wording.filing_label, "filing_label")
    for name in ("model_status_label", "model_action_label", "proposal_status_label", "incident_status_label"):
        bp.add_app_template_filter(getattr(wording, name), name)
    bp.add_app_template_global(wording.model_steps, "model_steps")
    bp.add_url_rule("/staff/queue", view_func=staff_queue, methods=["GET"])
    bp.add_url_rule("/staff/reports", view_func=staff_reports, methods=["GET"])
    bp.add_url_rule("/staff/reports/<int:report_id>", view_func=staff_report, methods=["GET"])
    bp.add_url_rule("/staff/reports/<int:report_id>/reply", view_func=staff_reply, methods=["POST"])
    bp.add_url_rule("/staff/reports/<int:report_id>/actions/<action>", view_func=staff_report_action, methods=["POST"])
    bp.add_url_rule("/staff/dashboard", view_func=staff_dashboard, methods=["GET"])
