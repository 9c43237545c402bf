"""Recording an enforcement action from a report's or an incident's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import access, web
from incidents.cases.views import incident_or_404, render_incident
from incidents.enforcement import schemas as enforcement_forms
from incidents.enforcement import service as enforcement
from incidents.triage.views import render_report


def _read_form() -> tuple[dict, dict]:
    """Validate the enforcement form; its errors are keyed `enf_*`, as the report and incident pages name them."""
    form_schema = schema(enforcement_forms.EnforcementSchema)
    data, errors = validate_data(form_schema, form_to_raw(form_schema, request.form))
    return data, {f"enf_{key}": value for key, value in errors.items()}


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_report_enforcement(report_id: int):
    """Record an enforcement action taken because of a report."""
    report = web.report_or_404(report_id)
    if not access.may_see(current_staff(), report):
        abort(403)
    data, errors = _read_form()
    if errors:
        return render_report(
            report, errors=errors, action_error=_("Check the enforcement action's fields."), status=400
        )
    enforcement.record_enforcement(get_session(), actor=current_staff(), data=data, report=report)
    flash(_("The enforcement action is recorded."), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id) + "#enforcement")


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_incident_enforcement(incident_id: int):
    incident = incident_or_404(incident_id)
    data, errors = _read_form()
    if errors:
        return render_incident(
            incident, errors=errors, action_error=_("Check the enforcement action's fields."), status=400
        )
    enforcement.record_enforcement(get_session(), actor=current_staff(), data=data, incident=incident)
    flash(_("The enforcement action is recorded."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id) + "#enforcement")


def register(bp: Blueprint) -> None:
    """Add this room's pages to the incidents blueprint."""
    bp.add_url_rule("/staff/reports/<int:report_id>/enforcement", view_func=staff_report_enforcement, methods=["POST"])
    bp.add_url_rule(
        "/staff/incidents/<int:incident_id>/enforcement", view_func=staff_incident_enforcement, methods=["POST"]
    )
