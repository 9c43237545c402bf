"""Staff pages for an incident's sources: add one, correct it, remove it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import get_session
from core.ids import parse_id
from core.permissions import Permission, roles_for
from core.schemas import form_to_raw, schema, validate_data
from core.security import current_staff, roles
from incidents.cases import schemas as case_forms
from incidents.cases import sources as sources_service
from incidents.cases.models import IncidentSource
from incidents.cases.views import incident_or_404


def render_source(incident, source: IncidentSource | None, *, errors=None, values=None, status: int = 200):
    """The source form: empty for a new source, filled for a correction, the typed values after an error."""
    if values is None and source is not None:
        values = {name: getattr(source, name) for name in sources_service.SOURCE_FIELDS}
        values["authors"] = "\n".join(source.authors or [])
    return render_template(
        "incidents/staff/source.html",
        incident=incident,
        source=source,
        errors=errors or {},
        values=values or {"language": "en", "retrieved_on": clock.today()},
    ), status


def _save(incident, source: IncidentSource | None):
    form = schema(case_forms.SourceSchema)
    data, errors = validate_data(form, form_to_raw(form, request.form))
    if errors:
        return render_source(incident, source, errors=errors, values=request.form.to_dict(), status=400)
    if source is None:
        sources_service.add_source(get_session(), incident, actor=current_staff(), data=data)
        flash(_("The source is added. The incident needs a publisher's approval again before it is shared."), "success")
    else:
        sources_service.update_source(get_session(), incident, source, actor=current_staff(), data=data)
        flash(_("The source is saved."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident.id, _anchor="sources"))


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_source_new(incident_id: int):
    """Add a public article about the incident."""
    incident = incident_or_404(incident_id)
    if request.method == "POST":
        return _save(incident, None)
    return render_source(incident, None)


def _source_or_404(incident, source_id: int) -> IncidentSource:
    source = sources_service.source_of(get_session(), incident, source_id)
    if source is None:
        abort(404)
    return source


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_source(incident_id: int, source_id: int):
    """Correct a source's details."""
    incident = incident_or_404(incident_id)
    source = _source_or_404(incident, source_id)
    if request.method == "POST":
        return _save(incident, source)
    return render_source(incident, source)


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_source_remove(incident_id: int, source_id: int):
    incident = incident_or_404(incident_id)
    source = _source_or_404(incident, source_id)
    version = parse_id(request.form.get("version")) or 0
    sources_service.remove_source(get_session(), incident, source, actor=current_staff(), version=version)
    flash(_("The source is removed."), "success")
    return redirect(url_for("incidents.staff_incident", incident_id=incident.id, _anchor="sources"))


def register(bp: Blueprint) -> None:
    """Add the source pages to the incidents blueprint."""
    base = "/staff/incidents/<int:incident_id>/sources"
    bp.add_url_rule(f"{base}/new", view_func=staff_source_new, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:source_id>", view_func=staff_source, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:source_id>/remove", view_func=staff_source_remove, methods=["POST"])
