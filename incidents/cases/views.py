"""Staff incident pages: the list, an incident's summary and reports, its status and sharing."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import get_session
from core.ids import id_arg, parse_id
from core.permissions import Permission, can, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import web
from incidents.cases import classify, public
from incidents.cases import schemas as case_forms
from incidents.cases import service as cases
from incidents.enforcement import schemas as enforcement_forms
from incidents.models import Incident, IncidentStatus
from incidents.registry import service as registry


def incident_or_404(incident_id: int) -> Incident:
    incident = get_session().get(Incident, incident_id)
    if incident is None:
        abort(404)
    return incident


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_incidents():
    """List incidents (newest first, keyset pages) and start a new one."""
    session = get_session()
    user = current_staff()
    errors, values = {}, {}
    if request.method == "POST":
        if not can(user, Permission.WORK_REPORTS):
            abort(403)
        raw = form_to_raw(schema(case_forms.IncidentSchema), request.form)
        data, errors = validate_data(schema(case_forms.IncidentSchema), raw)
        if not errors:
            incident = cases.create_incident(session, actor=user, data=data)
            flash(_("Incident #%(id)d created.", id=incident.id), "success")
            return redirect(url_for("incidents.staff_incident", incident_id=incident.id))
        values = request.form
    status, shared_only = request.args.get("status") or None, request.args.get("shared") == "1"
    page = cases.incident_list(
        session,
        status=status,
        shared_only=shared_only,
        before=id_arg("before"),
        page_size=current_app.config["QUEUE_PAGE_SIZE"],
    )
    # The link keeps the list's own filters only: request.args would hand url_for whatever a URL carried.
    older = (
        url_for(
            "incidents.staff_incidents",
            status=status,
            shared="1" if shared_only else None,
            before=page.incidents[-1].id,
        )
        if page.more
        else None
    )
    return render_template(
        "incidents/staff/incidents.html",
        incidents=page.incidents,
        older=older,
        user=user,
        errors=errors,
        values=values,
    ), 400 if errors else 200


def render_incident(
    incident: Incident,
    *,
    errors: dict | None = None,
    action_error: str | None = None,
    status: int = 200,
    sent: classify.ClassificationForm | None = None,
):
    session = get_session()
    user = current_staff()
    page = cases.incident_page(session, incident, user)
    # The publisher sees exactly what approval would let out: the summary after PII scrubbing.
    preview = public.summary_of(session, incident) if can(user, Permission.APPROVE_SHARING) else None
    return render_template(
        "incidents/staff/incident.html",
        incident=incident,
        reports=page.reports,
        hidden=page.hidden,
        hidden_without_consent=page.hidden_without_consent,
        preview=preview,
        blockers=page.blockers,
        errors=errors or {},
        action_error=action_error,
        enforcement=page.enforcement,
        user=user,
        enforcement_choices=enforcement_forms.enforcement_choices(),
        today=clock.now().date(),
        models=registry.all_models(session),
        history=page.history,
        sources=page.sources,
        staff=web.staff_directory(),
        classifications=classify.classification_panels(session, incident, sent),
    ), status


@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_incident(incident_id: int):
    """An incident's public summary, its reports, its enforcement actions and the sharing decision."""
    return render_incident(incident_or_404(incident_id))


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_incident_edit(incident_id: int):
    incident = incident_or_404(incident_id)
    data, errors = validate_data(
        schema(case_forms.IncidentEditSchema), form_to_raw(schema(case_forms.IncidentEditSchema), request.form)
    )
    if errors:
        return render_incident(incident, errors=errors, action_error=_("Check the marked fields."), status=400)
    cases.update_incident(get_session(), incident, actor=current_staff(), data=data)
    flash(_("The incident is saved."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_incident_status(incident_id: int):
    incident = incident_or_404(incident_id)
    try:
        wanted = IncidentStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    version = parse_id(request.form.get("version")) or 0
    cases.set_incident_status(get_session(), incident, actor=current_staff(), status=wanted, version=version)
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


@roles(*roles_for(Permission.APPROVE_SHARING))
def staff_incident_sharing(incident_id: int):
    """A publisher approves (or withdraws) the incident's public summary for exports."""
    incident = incident_or_404(incident_id)
    cases.set_sharing(get_session(), incident, actor=current_staff(), share=request.form.get("share") == "1")
    flash(_("Sharing updated."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id))


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.add_url_rule("/staff/incidents", view_func=staff_incidents, methods=["GET", "POST"])
    bp.add_url_rule("/staff/incidents/<int:incident_id>", view_func=staff_incident, methods=["GET"])
    bp.add_url_rule("/staff/incidents/<int:incident_id>/edit", view_func=staff_incident_edit, methods=["POST"])
    bp.add_url_rule("/staff/incidents/<int:incident_id>/status", view_func=staff_incident_status, methods=["POST"])
    bp.add_url_rule("/staff/incidents/<int:incident_id>/sharing", view_func=staff_incident_sharing, methods=["POST"])
