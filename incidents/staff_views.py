"""Staff screens for triage and response: the queue, the report page and its actions, incidents,
enforcement actions, the model registry and decommissioning. Public: the list of withdrawn models."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import clock
from core.audit import AuditEvent
from core.auth import Role, StaffUser
from core.db import get_session
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import deadlines, intake, labels, notifications, public, queue, triage
from incidents import triage_schemas as ts
from incidents.models import (
    Author,
    Category,
    DecommissionProposal,
    EnforcementAction,
    Incident,
    IncidentStatus,
    ModelRecord,
    ProposalStatus,
    Report,
    ReportStatus,
    Severity,
)
from incidents.schemas import MessageSchema
from incidents.views import _keys, _reader_key_or_403, _report_or_404, _staff_view, bp
from incidents.workflow import ModelAction, TriageAction, can_propose_decommission, model_actions, report_actions

ALL_STAFF = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT, Role.PUBLISHER)
RESPONDERS = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT)
REGISTRY_EDITORS = (Role.ADMIN, Role.TRIAGER)

ACTION_SCHEMAS = {
    TriageAction.ACKNOWLEDGE: ts.NoteSchema,
    TriageAction.CLASSIFY: ts.ClassifySchema,
    TriageAction.ASSIGN: ts.AssignSchema,
    TriageAction.REQUEST_INFO: ts.RequestInfoSchema,
    TriageAction.LINK_INCIDENT: ts.LinkIncidentSchema,
    TriageAction.MARK_DUPLICATE: ts.DuplicateSchema,
    TriageAction.DISMISS: ts.DismissSchema,
    TriageAction.ESCALATE: ts.NoteSchema,
    TriageAction.RESOLVE: ts.NoteSchema,
    TriageAction.FILE_REPORT: ts.NoteSchema,
    TriageAction.REOPEN: ts.NoteSchema,
}

ACTION_LABELS = {
    TriageAction.ACKNOWLEDGE: "Acknowledge",
    TriageAction.CLASSIFY: "Classify",
    TriageAction.ASSIGN: "Assign",
    TriageAction.REQUEST_INFO: "Ask the reporter for information",
    TriageAction.LINK_INCIDENT: "Link to an incident",
    TriageAction.MARK_DUPLICATE: "Mark as duplicate",
    TriageAction.DISMISS: "Dismiss",
    TriageAction.ESCALATE: "Escalate",
    TriageAction.RESOLVE: "Resolve",
    TriageAction.FILE_REPORT: "Record the regulatory report as filed",
    TriageAction.REOPEN: "Reopen",
}

# Reply templates: a starting point for common answers, edited before sending. Never content-bearing.
REPLY_TEMPLATES = {
    "thanks": (
        "Thank you, we are looking into it",
        "Thank you for your report. Our team has read it and is looking into it. We will write here "
        "when we know more. You do not need to do anything for now.",
    ),
    "more_info": (
        "We need more detail",
        "Thank you for your report. To look into it we need a little more detail: which model or app "
        "were you using, and what exactly did you type before the problem appeared? Please do not "
        "include your name or other details that identify you.",
    ),
    "fixed": (
        "It has been fixed",
        "Thank you for your report. We have confirmed the problem and put a fix in place. If you see it "
        "again, write here with your receipt.",
    ),
    "no_action": (
        "We are closing it without action",
        "Thank you for your report. We have assessed it carefully and concluded that it does not need "
        "action from us. If you have new information, write here with your receipt.",
    ),
}


def _staff_directory() -> dict[int, StaffUser]:
    return {u.id: u for u in get_session().exec(select(StaffUser).order_by(StaffUser.email))}


# --- the queue -------------------------------------------------------------------------------


@bp.get("/staff/queue")
@roles(*RESPONDERS)
def staff_queue():
    """The reports of the caller's channel: filters, search, keyset pages, counts per status."""
    user = current_staff()
    args = request.args
    filters = queue.Filters(
        channel=triage.channel_of_role(Role(user.role)),
        status=args.get("status") or None,
        category=args.get("category") or None,
        severity=args.get("severity") or None,
        model=(args.get("model") or "").strip()[:200] or None,
        assignee=args.get("assignee") or None,
        overdue=args.get("overdue") == "1",
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
    return render_template(
        "incidents/staff/queue.html",
        page=page,
        user=user,
        staff=_staff_directory(),
        statuses=list(ReportStatus),
        categories=labels.CATEGORY_LABELS,
        severities=list(Severity),
        countdown=deadlines.countdown,
        cap=queue.OVERDUE_COUNT_CAP,
    )


@bp.get("/staff/reports")
@roles(*RESPONDERS)
def staff_reports():
    """The old report list now lives in the queue."""
    return redirect(url_for("incidents.staff_queue"))


# --- the report page -------------------------------------------------------------------------


def _history(report_id: int) -> list[AuditEvent]:
    return list(
        get_session().exec(
            select(AuditEvent)
            .where(AuditEvent.target_type == "report", AuditEvent.target_id == str(report_id))
            .order_by(AuditEvent.seq)
        )
    )


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
    view = _staff_view(report)
    session = get_session()
    user = current_staff()
    staff = _staff_directory()
    channel = report.channel
    colleagues = [u for u in staff.values() if u.active and triage.channel_of_role(Role(u.role)) == channel]
    open_incidents = session.exec(
        select(Incident).where(Incident.status == IncidentStatus.OPEN.value).order_by(Incident.id.desc()).limit(100)
    ).all()
    actions = session.exec(
        select(EnforcementAction).where(EnforcementAction.report_id == report.id).order_by(EnforcementAction.id)
    ).all()
    template_key = request.args.get("template")
    if not reply_body and template_key in REPLY_TEMPLATES:
        reply_body = _(REPLY_TEMPLATES[template_key][1])
    now = clock.now()
    return render_template(
        "incidents/staff/report.html",
        view=view,
        errors=errors or {},
        action_error=action_error,
        labels=labels,
        message_token=secrets.token_urlsafe(16),
        actions=report_actions(report.status),
        action_labels=ACTION_LABELS,
        colleagues=colleagues,
        staff=staff,
        open_incidents=open_incidents,
        dismiss_reasons=ts.DISMISS_REASONS,
        staff_flags=ts.STAFF_FLAGS,
        history=_history(report.id),
        countdown=deadlines.countdown(report.due_at, now),
        tier=deadlines.TIERS_BY_NAME.get(report.deadline_tier or ""),
        enforcement=actions,
        reply_body=reply_body,
        reply_templates=REPLY_TEMPLATES,
        models=session.exec(select(ModelRecord).order_by(ModelRecord.name)).all(),
        enforcement_choices=_enforcement_choices(),
        today=now.date(),
        user=user,
        categories=labels.CATEGORY_LABELS,
        severities=list(Severity),
        actors=labels.ACTOR_LABELS,
        now=now,
        action_values=action_values or {},
    ), status


@bp.get("/staff/reports/<int:report_id>")
@roles(*RESPONDERS)
def staff_report(report_id: int):
    """Show a report's sealed content, files, thread, history, deadline and the actions allowed now."""
    return render_report(_report_or_404(report_id))


@bp.post("/staff/reports/<int:report_id>/reply")
@roles(*RESPONDERS)
def staff_reply(report_id: int):
    """Send the reporter a message, sealed for them and for the report's other readers."""
    report = _report_or_404(report_id)
    _reader_key_or_403(report)
    data, errors = validate_data(schema(MessageSchema), form_to_raw(schema(MessageSchema), request.form))
    if errors:
        return render_report(report, errors=errors, status=400)
    intake.add_message(
        session=get_session(),
        report=report,
        author=Author.STAFF,
        body=data["body"],
        uploads=[],
        keys=_keys(),
        staff_id=current_staff().id,
        dedupe_token=request.form.get("message_token"),
    )
    flash(_("Your reply is sent. The reporter sees it the next time they use their receipt."), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id))


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _payload() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body
    return request.form


@bp.post("/staff/reports/<int:report_id>/actions/<action>")
@roles(*RESPONDERS)
def staff_report_action(report_id: int, action: str):
    """Apply one triage action. HTML forms get the page back; JSON callers get JSON (409 when illegal)."""
    report = _report_or_404(report_id)
    try:
        action_enum = TriageAction(action)
    except ValueError:
        abort(404)
    if not triage.can_work_on(current_staff(), report):
        abort(403)
    action_schema = schema(ACTION_SCHEMAS[action_enum])
    payload = _payload()
    raw = dict(payload) if request.is_json else form_to_raw(action_schema, payload)
    data, errors = validate_data(action_schema, raw)
    if errors:
        if _wants_json():
            return jsonify({"errors": errors}), 400
        return render_report(
            report,
            errors=errors,
            action_error=_("Check the fields of the action you chose."),
            status=400,
            action_values=raw,
        )
    try:
        report = triage.apply(get_session(), report, action_enum, actor=current_staff(), data=data, keys=_keys())
    except triage.TriageError as err:
        get_session().rollback()
        if _wants_json():
            return jsonify({"error": str(err)}), err.status_code
        return render_report(get_session().get(Report, report_id), action_error=str(err), status=err.status_code)
    if action_enum is TriageAction.ASSIGN and report.assignee_id and report.assignee_id != current_staff().id:
        notifications.notify_assignment(
            notifications.Mailer.from_config(current_app.config),
            get_session().get(StaffUser, report.assignee_id),
            report.id,
        )
    if _wants_json():
        return jsonify(
            {
                "id": report.id,
                "status": report.status,
                "version": report.version,
                "due_at": report.due_at.isoformat() if report.due_at else None,
            }
        )
    flash(_("Done: %(action)s.", action=_(ACTION_LABELS[action_enum]).lower()), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id))


# --- enforcement -----------------------------------------------------------------------------


def _enforcement_choices() -> dict:
    return {
        "types": ts.ACTION_TYPES,
        "targets": ts.TARGET_KINDS,
        "grounds": ts.GROUND_TYPES,
        "automation": ts.AUTOMATION,
    }


@bp.post("/staff/reports/<int:report_id>/enforcement")
@roles(*RESPONDERS)
def staff_report_enforcement(report_id: int):
    """Record an enforcement action taken because of a report."""
    report = _report_or_404(report_id)
    if not triage.can_work_on(current_staff(), report):
        abort(403)
    data, errors = validate_data(schema(ts.EnforcementSchema), form_to_raw(schema(ts.EnforcementSchema), request.form))
    if errors:
        return render_report(
            report,
            errors={f"enf_{k}": v for k, v in errors.items()},
            action_error=_("Check the enforcement action's fields."),
            status=400,
        )
    try:
        triage.record_enforcement(get_session(), actor=current_staff(), data=data, report=report)
    except triage.TriageError as err:
        get_session().rollback()
        return render_report(report, action_error=str(err), status=err.status_code)
    flash(_("The enforcement action is recorded."), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id) + "#enforcement")


# --- incidents -------------------------------------------------------------------------------


def _incident_or_404(incident_id: int) -> Incident:
    incident = get_session().get(Incident, incident_id)
    if incident is None:
        abort(404)
    return incident


@bp.route("/staff/incidents", methods=["GET", "POST"])
@roles(*ALL_STAFF)
def staff_incidents():
    """List incidents (newest first, keyset pages) and start a new one."""
    session = get_session()
    user = current_staff()
    errors, values = {}, {}
    if request.method == "POST":
        if Role(user.role) not in RESPONDERS:
            abort(403)
        raw = form_to_raw(schema(ts.IncidentSchema), request.form)
        data, errors = validate_data(schema(ts.IncidentSchema), raw)
        if not errors:
            incident = triage.create_incident(session, actor=user, data=data)
            flash(_("Incident #%(id)d created.", id=incident.id), "success")
            return redirect(url_for("incidents.staff_incident", incident_id=incident.id))
        values = request.form
    query = select(Incident).order_by(Incident.id.desc())
    status_filter = request.args.get("status")
    if status_filter in {s.value for s in IncidentStatus}:
        query = query.where(Incident.status == status_filter)
    if request.args.get("shared") == "1":
        query = query.where(Incident.shared_at.is_not(None))
    before = request.args.get("before", type=int)
    if before:
        query = query.where(Incident.id < before)
    page_size = current_app.config["QUEUE_PAGE_SIZE"]
    rows = session.exec(query.limit(page_size + 1)).all()
    more = len(rows) > page_size
    return render_template(
        "incidents/staff/incidents.html", incidents=rows[:page_size], more=more, user=user, errors=errors, values=values
    ), 400 if errors else 200


def render_incident(
    incident: Incident, *, errors: dict | None = None, action_error: str | None = None, status: int = 200
):
    session = get_session()
    user = current_staff()
    # The publisher sees exactly what approval would let out: the summary after PII scrubbing.
    preview = public.summary_of(incident) if Role(user.role) is Role.PUBLISHER else None
    return render_template(
        "incidents/staff/incident.html",
        incident=incident,
        reports=triage.incident_reports(session, incident),
        preview=preview,
        blockers=triage.sharing_blockers(session, incident),
        errors=errors or {},
        action_error=action_error,
        enforcement=session.exec(
            select(EnforcementAction).where(EnforcementAction.incident_id == incident.id).order_by(EnforcementAction.id)
        ).all(),
        user=current_staff(),
        enforcement_choices=_enforcement_choices(),
        today=clock.now().date(),
        models=session.exec(select(ModelRecord).order_by(ModelRecord.name)).all(),
        history=session.exec(
            select(AuditEvent)
            .where(AuditEvent.target_type == "incident", AuditEvent.target_id == str(incident.id))
            .order_by(AuditEvent.seq)
        ).all(),
        staff=_staff_directory(),
    ), status


@bp.get("/staff/incidents/<int:incident_id>")
@roles(*ALL_STAFF)
def staff_incident(incident_id: int):
    """An incident's public summary, its reports, its enforcement actions and the sharing decision."""
    return render_incident(_incident_or_404(incident_id))


@bp.post("/staff/incidents/<int:incident_id>/edit")
@roles(*RESPONDERS)
def staff_incident_edit(incident_id: int):
    incident = _incident_or_404(incident_id)
    data, errors = validate_data(
        schema(ts.IncidentEditSchema), form_to_raw(schema(ts.IncidentEditSchema), request.form)
    )
    if errors:
        return render_incident(incident, errors=errors, action_error=_("Check the marked fields."), status=400)
    try:
        triage.update_incident(get_session(), incident, actor=current_staff(), data=data)
    except triage.TriageError as err:
        get_session().rollback()
        return render_incident(_incident_or_404(incident_id), action_error=str(err), status=err.status_code)
    flash(_("The incident is saved."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


@bp.post("/staff/incidents/<int:incident_id>/status")
@roles(*RESPONDERS)
def staff_incident_status(incident_id: int):
    incident = _incident_or_404(incident_id)
    try:
        wanted = IncidentStatus(request.form.get("status", ""))
        triage.set_incident_status(
            get_session(),
            incident,
            actor=current_staff(),
            status=wanted,
            version=request.form.get("version", type=int) or 0,
        )
    except ValueError:
        abort(400)
    except triage.TriageError as err:
        get_session().rollback()
        return render_incident(_incident_or_404(incident_id), action_error=str(err), status=err.status_code)
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


@bp.post("/staff/incidents/<int:incident_id>/sharing")
@roles(Role.PUBLISHER)
def staff_incident_sharing(incident_id: int):
    """A publisher approves (or withdraws) the incident's public summary for exports."""
    incident = _incident_or_404(incident_id)
    try:
        triage.set_sharing(get_session(), incident, actor=current_staff(), share=request.form.get("share") == "1")
    except triage.TriageError as err:
        get_session().rollback()
        return render_incident(_incident_or_404(incident_id), action_error=str(err), status=err.status_code)
    flash(_("Sharing updated."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


@bp.post("/staff/incidents/<int:incident_id>/enforcement")
@roles(*RESPONDERS)
def staff_incident_enforcement(incident_id: int):
    incident = _incident_or_404(incident_id)
    data, errors = validate_data(schema(ts.EnforcementSchema), form_to_raw(schema(ts.EnforcementSchema), request.form))
    if errors:
        return render_incident(
            incident,
            errors={f"enf_{k}": v for k, v in errors.items()},
            action_error=_("Check the enforcement action's fields."),
            status=400,
        )
    try:
        triage.record_enforcement(get_session(), actor=current_staff(), data=data, incident=incident)
    except triage.TriageError as err:
        get_session().rollback()
        return render_incident(incident, action_error=str(err), status=err.status_code)
    flash(_("The enforcement action is recorded."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id) + "#enforcement")


# --- the model registry ------------------------------------------------------------------------


def _model_or_404(model_id: int) -> ModelRecord:
    model = get_session().get(ModelRecord, model_id)
    if model is None:
        abort(404)
    return model


@bp.route("/staff/models", methods=["GET", "POST"])
@roles(*ALL_STAFF)
def staff_models():
    """The registry of models and systems on the platform, and registering a new one."""
    session = get_session()
    user = current_staff()
    errors: dict = {}
    if request.method == "POST":
        if Role(user.role) not in REGISTRY_EDITORS:
            abort(403)
        data, errors = validate_data(schema(ts.ModelSchema), form_to_raw(schema(ts.ModelSchema), request.form))
        if not errors:
            try:
                model = triage.create_model(session, actor=user, data=data)
            except triage.TriageError as err:
                session.rollback()
                errors = {"name": [str(err)]}
            else:
                flash(_("%(name)s is registered.", name=model.name), "success")
                return redirect(url_for("incidents.staff_model", model_id=model.id))
    models = session.exec(select(ModelRecord).order_by(ModelRecord.name, ModelRecord.version)).all()
    pending = session.exec(
        select(DecommissionProposal).where(DecommissionProposal.status == ProposalStatus.PENDING.value)
    ).all()
    return render_template(
        "incidents/staff/models.html",
        models=models,
        pending=pending,
        user=user,
        errors=errors,
        values=request.form if errors else {},
    ), 400 if errors else 200


def render_model(model: ModelRecord, *, errors: dict | None = None, action_error: str | None = None, status: int = 200):
    session = get_session()
    proposals = session.exec(
        select(DecommissionProposal)
        .where(DecommissionProposal.model_id == model.id)
        .order_by(DecommissionProposal.id.desc())
    ).all()
    return render_template(
        "incidents/staff/model.html",
        model=model,
        proposals=proposals,
        actions=model_actions(model.status),
        can_propose=can_propose_decommission(model.status)
        and not any(p.status == ProposalStatus.PENDING.value for p in proposals),
        criteria=ts.CRITERIA,
        errors=errors or {},
        action_error=action_error,
        user=current_staff(),
        staff=_staff_directory(),
        values=request.form if errors else {},
        history=session.exec(
            select(AuditEvent)
            .where(AuditEvent.target_type == "model", AuditEvent.target_id == str(model.id))
            .order_by(AuditEvent.seq)
        ).all(),
        enforcement=session.exec(
            select(EnforcementAction).where(EnforcementAction.model_id == model.id).order_by(EnforcementAction.id)
        ).all(),
    ), status


@bp.get("/staff/models/<int:model_id>")
@roles(*ALL_STAFF)
def staff_model(model_id: int):
    return render_model(_model_or_404(model_id))


@bp.post("/staff/models/<int:model_id>/lifecycle/<action>")
@roles(*REGISTRY_EDITORS)
def staff_model_transition(model_id: int, action: str):
    model = _model_or_404(model_id)
    try:
        action_enum = ModelAction(action)
    except ValueError:
        abort(404)
    data, errors = validate_data(
        schema(ts.ModelTransitionSchema), form_to_raw(schema(ts.ModelTransitionSchema), request.form)
    )
    if errors:
        return render_model(model, errors=errors, action_error=_("Check the marked fields."), status=400)
    try:
        triage.transition_model(
            get_session(),
            model,
            action_enum,
            actor=current_staff(),
            row_version=data["row_version"],
            public_reason=data["public_reason"],
        )
    except triage.TriageError as err:
        get_session().rollback()
        return render_model(_model_or_404(model_id), action_error=str(err), status=err.status_code)
    flash(_("The model is now %(status)s.", status=model.status.replace("_", " ")), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id))


@bp.post("/staff/models/<int:model_id>/proposals")
@roles(*REGISTRY_EDITORS)
def staff_model_propose(model_id: int):
    """Propose decommissioning: the checklist, the effective date, the notice and a public reason."""
    model = _model_or_404(model_id)
    raw = form_to_raw(schema(ts.DecommissionProposalSchema), request.form)
    raw["criteria"] = {
        name: request.form.get(f"criterion_{name}") for name in ts.CRITERIA if request.form.get(f"criterion_{name}")
    }
    data, errors = validate_data(schema(ts.DecommissionProposalSchema), raw)
    if errors:
        return render_model(model, errors=errors, action_error=_("Complete the proposal."), status=400)
    try:
        triage.propose_decommission(get_session(), model, actor=current_staff(), data=data)
    except triage.TriageError as err:
        get_session().rollback()
        return render_model(model, action_error=str(err), status=err.status_code)
    flash(_("The proposal waits for a second staff member's approval."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model_id))


@bp.post("/staff/proposals/<int:proposal_id>/decision")
@roles(*REGISTRY_EDITORS)
def staff_proposal_decision(proposal_id: int):
    proposal = get_session().get(DecommissionProposal, proposal_id)
    if proposal is None:
        abort(404)
    model = _model_or_404(proposal.model_id)
    if request.form.get("decision") == "withdraw":

        def call():
            return triage.withdraw_proposal(get_session(), proposal, actor=current_staff())
    else:
        data, errors = validate_data(schema(ts.DecisionSchema), form_to_raw(schema(ts.DecisionSchema), request.form))
        if errors:
            return render_model(model, errors=errors, action_error=_("Approve or reject the proposal."), status=400)

        def call():
            return triage.decide_proposal(
                get_session(), proposal, actor=current_staff(), approve=data["decision"] == "approve", note=data["note"]
            )

    try:
        call()
    except triage.TriageError as err:
        get_session().rollback()
        return render_model(_model_or_404(proposal.model_id), action_error=str(err), status=err.status_code)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("incidents.staff_model", model_id=model.id))


# --- dashboard -------------------------------------------------------------------------------


@bp.get("/staff/dashboard")
@roles(*ALL_STAFF)
def staff_dashboard():
    """Intake per week, the open backlog by status and deadlines at risk, as charts and tables."""
    from incidents import dashboard  # pandas and Altair load on first use, not in every web worker

    user = current_staff()
    channel = triage.channel_of_role(Role(user.role)) or "public"
    board = dashboard.build(get_session(), channel, clock.now())
    return render_template(
        "incidents/staff/dashboard.html",
        board=board,
        user=user,
        staff=_staff_directory(),
        countdown=deadlines.countdown,
    )


# --- public ----------------------------------------------------------------------------------


@bp.get("/models/withdrawn")
def public_models():
    """The public list of suspended and decommissioned models, with dates and reasons."""
    return render_template("incidents/withdrawn_models.html", models=triage.public_model_list(get_session()))
