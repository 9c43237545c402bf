"""Admins' partner page: who files reports through the API, how many, and issuing and revoking their tokens.

The CLI (`flask --app wsgi partners`) does the same; this page spares an admin the shell. A new token and
webhook secret are shown once, in the response to the POST that made them, which is never cached.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.permissions import Permission, roles_for
from core.security import current_staff, roles
from incidents.labels import PARTNER_KIND_LABELS
from incidents.partners import service
from incidents.partners.models import Partner


@roles(*roles_for(Permission.ADMINISTER))
def staff_partners():
    """List the partners; a POST adds one and shows its secrets once."""
    session = get_session()
    if request.method == "GET":
        return render_partners()
    name, kind = request.form.get("name", "").strip(), request.form.get("kind", "")
    errors = {}
    if kind not in PARTNER_KIND_LABELS:
        errors["kind"] = [_("Choose what kind of partner this is.")]
    if not service.NAME_SHAPE.fullmatch(name):
        errors["name"] = [_("1 to 100 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit.")]
    if errors:
        return render_partners(errors=errors, status=400)
    try:
        issued = service.add_partner(session, name, kind, actor_id=current_staff().id)
    except service.PartnerError:
        return render_partners(errors={"name": [_("A partner with this name exists already.")]}, status=400)
    response = render_partners(issued=issued)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_partners(*, errors: dict | None = None, issued: service.Issued | None = None, status: int = 200) -> Response:
    body = render_template(
        "incidents/staff/partners.html",
        rows=service.partner_rows(get_session()),
        kinds=PARTNER_KIND_LABELS,
        kind_options=[(kind, _(label)) for kind, label in PARTNER_KIND_LABELS.items()],
        errors=errors or {},
        values=request.form if errors else {},
        issued=issued,
        webhook_path=url_for("incidents.hub_webhook", partner_id=issued.partner.id) if issued else None,
    )
    return make_response(body, status)


@roles(*roles_for(Permission.ADMINISTER))
def revoke_partner(partner_id: int):
    """Revoke a partner's token and webhook secret; they stop working at once."""
    session = get_session()
    partner = session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    service.revoke(session, partner, actor_id=current_staff().id)
    flash(_("%(name)s can no longer file reports.", name=partner.name), "success")
    return redirect(url_for("incidents.staff_partners"))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/staff/partners", view_func=staff_partners, methods=["GET", "POST"])
    bp.add_url_rule("/staff/partners/<int:partner_id>/revoke", view_func=revoke_partner, methods=["POST"])
