"""The public incident pages: the list of shared incidents, one incident, their Atom feeds and the citation.

Everything works with JavaScript off: the list's search and filters are a GET form, its pages plain links.
Nothing here needs a login, sets a cookie or records the visitor.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, fields, validates_schema
from marshmallow import ValidationError as Invalid

from core import clock
from core.db import get_session
from core.schemas import N_, load_form
from incidents.cases import citation, public_list
from incidents.enforcement.schemas import ACTION_TYPES, GROUND_TYPES
from incidents.fields import length, one_of, row_id
from incidents.labels import CATEGORY_LABELS, MODEL_STATUSES
from incidents.models import Listing, ModelRecord

DATE_ERROR = {"invalid": N_("Enter a date as year-month-day, for example 2026-08-14.")}


class IncidentSearchSchema(Schema):
    """The list's GET form: blanks are left out before loading, so an empty field is no filter."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=length(200))
    category = fields.String(validate=one_of(CATEGORY_LABELS, N_("Choose a category from the list.")))
    model = row_id(minimum=1, error_messages={"invalid": N_("Choose a model from the list.")})
    since = fields.Date(error_messages=DATE_ERROR)
    until = fields.Date(error_messages=DATE_ERROR)
    after = fields.String(validate=length(40))

    @validates_schema
    def _ordered(self, data, **_kwargs) -> None:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise Invalid(N_("The end date is before the start date."), "until")


FIELD_NAMES = {
    "q": N_("Search"),
    "category": N_("Category"),
    "model": N_("Model"),
    "since": N_("Happened from"),
    "until": N_("Happened until"),
    "after": N_("Page"),
}


def base_url() -> str:
    """The site's public address: PUBLIC_BASE_URL when configured, else the address this request came to."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return configured.rstrip("/") if configured else request.host_url.rstrip("/")


def stable_url(incident_id: int) -> str:
    """The incident's citable address, without the language choice."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return f"{configured.rstrip('/')}/incidents/{incident_id}"
    return url_for("incidents.public_incident", incident_id=incident_id, lang=None, _external=True)


def _filters(data: dict, session) -> tuple[public_list.ListFilters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    filters = public_list.ListFilters(
        q=data.get("q", ""), category=data.get("category"), since=data.get("since"), until=data.get("until")
    )
    if data.get("model"):
        filters.model = session.get(ModelRecord, data["model"])
        if filters.model is None or filters.model.listing != Listing.LISTED:
            filters.model = None
            errors["model"] = [_("Choose a model from the list.")]
    if data.get("after"):
        filters.cursor = public_list.Cursor.parse(data["after"])
        if filters.cursor is None:
            errors["after"] = [_("This page link is damaged; start again from the first page.")]
    return filters, errors


def public_incidents():
    """The shared incidents, newest shared first, searched and filtered, a page at a time."""
    session = get_session()
    data, errors = load_form(IncidentSearchSchema(), request.args)
    filters, more_errors = _filters(data, session) if not errors else (public_list.ListFilters(), {})
    errors.update(more_errors)
    page = public_list.ListPage([], None) if errors else public_list.list_shared(session, filters)
    values = {k: v for k, v in request.args.items() if k in FIELD_NAMES and k != "after"}
    next_url = None
    if page.next:
        next_url = url_for("incidents.public_incidents", **values, after=page.next.token())
    body = render_template(
        "incidents/public_incidents.html",
        page=page,
        errors=errors,
        names=FIELD_NAMES,
        values=values,
        categories=[(c.value, _(label)) for c, label in CATEGORY_LABELS.items()],
        models=[(str(m.id), f"{m.name} {m.version}".strip()) for m in public_list.model_choices(session)],
        next_url=next_url,
        first_url=url_for("incidents.public_incidents", **values) if filters.cursor else None,
    )
    return body, 400 if errors else 200


def public_incident(incident_id: int):
    """One shared incident: its public summary, sources, the actions taken and how to cite it."""
    detail = public_list.shared_detail(get_session(), incident_id)
    if detail is None:
        abort(404)
    row = detail.row
    cite = {
        "incident_id": row.id,
        "title": row.title,
        "publisher": _("AI Incident Reports"),
        "shared_on": row.shared_at.date(),
        "url": stable_url(row.id),
        "accessed_on": clock.today(),
    }
    words = {"incident": _("Incident"), "shared": _("shared on"), "accessed": _("accessed on")}
    return render_template(
        "incidents/public_incident.html",
        detail=detail,
        row=row,
        bibtex=citation.bibtex(**cite, words=words),
        plain=citation.plain(**cite, words=words),
        stable_url=cite["url"],
        category_labels=CATEGORY_LABELS,
        action_types=ACTION_TYPES,
        ground_types=GROUND_TYPES,
        model_statuses=MODEL_STATUSES,
    )


def _atom(template: str, **context) -> Response:
    return Response(render_template(template, base=base_url(), **context), mimetype="application/atom+xml")


def incidents_feed() -> Response:
    """An Atom feed of the newest shared incidents."""
    session = get_session()
    rows = public_list.list_shared(session, public_list.ListFilters(), limit=50).rows
    # Atom needs an <updated> even with no entry: the platform's first recorded event, or now, never 1970.
    updated = rows[0].shared_at if rows else (public_list.first_event_at(session) or clock.now())
    return _atom("incidents/incidents_feed.atom", rows=rows, updated=updated, stable_url=stable_url)


def withdrawn_feed() -> Response:
    """An Atom feed of suspended and decommissioned models, newest change first."""
    session = get_session()
    models = public_list.withdrawn_models(session)
    updated = models[0].status_changed_at if models else (public_list.first_event_at(session) or clock.now())
    return _atom("incidents/withdrawn_feed.atom", models=models, updated=updated, model_statuses=MODEL_STATUSES)


def register(bp: Blueprint) -> None:
    """Add the public incident pages and feeds to the incidents blueprint."""
    bp.add_url_rule("/incidents", view_func=public_incidents, methods=["GET"])
    bp.add_url_rule("/incidents/<int:incident_id>", view_func=public_incident, methods=["GET"])
    bp.add_url_rule("/incidents/feed.atom", view_func=incidents_feed, methods=["GET"])
    bp.add_url_rule("/models/withdrawn/feed.atom", view_func=withdrawn_feed, methods=["GET"])
