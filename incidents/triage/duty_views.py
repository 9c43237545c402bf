"""Staff pages for the duties owed to reporters: the one extension of the feedback period."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents import access, web
from incidents.triage import duty_service
from incidents.triage import schemas as triage_forms
from incidents.triage.views import render_report


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_extend_feedback(report_id: int):
    """Extend the feedback period once (external whistleblower channel), with a justification sealed for staff."""
    report = web.report_or_404(report_id)
    if not access.may_see(current_staff(), report):
        abort(403)
    form_schema = schema(triage_forms.ExtensionSchema)
    data, errors = validate_data(form_schema, form_to_raw(form_schema, request.form))
    if errors:
        return render_report(
            report, errors=errors, action_error=_("Give the justification for the extension."), status=400
        )
    duty_service.extend_feedback(
        session=get_session(),
        report=report,
        actor=current_staff(),
        justification=data["justification"],
        keys=web.current_keys(),
    )
    flash(_("The feedback period is extended to six months."), "success")
    return redirect(url_for("incidents.staff_report", report_id=report.id))


def register(bp: Blueprint) -> None:
    """Add this room's duty pages to the incidents blueprint."""
    bp.add_url_rule(
        "/staff/reports/<int:report_id>/feedback-extension", view_func=staff_extend_feedback, methods=["POST"]
    )
