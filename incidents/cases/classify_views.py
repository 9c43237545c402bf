"""Staff classify an incident in the AI Incident Database's taxonomies, one form per taxonomy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.permissions import Permission, roles_for
from core.security import current_staff, roles
from incidents.cases import classify
from incidents.cases.classification_form import read_form
from incidents.cases.taxonomy import by_slug
from incidents.cases.views import incident_or_404, render_incident


@roles(*roles_for(Permission.WORK_REPORTS))
def staff_incident_classification(incident_id: int, taxonomy: str):
    """Save an incident's classification in one taxonomy, or show the form again with what is wrong."""
    chosen = by_slug(taxonomy)
    if chosen is None:
        abort(404)
    incident = incident_or_404(incident_id)
    form = read_form(chosen, request.form)
    if form.errors:
        return render_incident(incident, sent=form, action_error=_("Check the marked fields."), status=400)
    saved = classify.save_classification(get_session(), incident, actor=current_staff(), form=form)
    if not saved.changed:
        flash(_("Nothing changed."), "success")
    elif saved.sharing_withdrawn:
        flash(
            _("The classification is saved. The approval for public sharing is withdrawn: a publisher approves again."),
            "success",
        )
    else:
        flash(_("The classification is saved."), "success")
    anchor = f"classification-{chosen.slug}"
    return redirect(url_for("incidents.staff_incident", incident_id=incident_id, _anchor=anchor))


def register(bp: Blueprint) -> None:
    """Add the classification form's route to the incidents blueprint."""
    bp.add_url_rule(
        "/staff/incidents/<int:incident_id>/classifications/<taxonomy>",
        view_func=staff_incident_classification,
        methods=["POST"],
    )
