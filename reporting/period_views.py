"""Pages around the published files: half-yearly and yearly sums, the data package, errata, the qualitative text.

Public: /transparency/2026H1 and /transparency/2026 (and their .json), a quarter's datapackage.json
and report.csv side by side under /transparency/<quarter>/, its errata page and errata.json.
Staff: a quarter's qualitative text (admin or publisher, before it is published) and a publication's
errata (publisher).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import get_session
from core.periods import BadPeriod, Period
from core.permissions import Permission, roles_for
from core.schemas import load_form
from core.security import current_staff, roles
from reporting import notes, pages, periods
from reporting.models import Publication
from reporting.note_schemas import ErratumSchema, StatementSchema


def is_span(text: str) -> bool:
    return periods.Span.parse(text) is not None


def _combined(text: str) -> periods.Combined:
    span = periods.Span.parse(text)
    if span is None:
        abort(404)
    return periods.combined_report(get_session(), span)


def span_report(period: str):
    """A half-year's or a year's report, summed from its published quarters; 404 (saying why) until it exists."""
    combined = _combined(period)
    body = render_template("reporting/span.html", combined=combined, figures=combined.figures, titles=periods.TITLES)
    return body, 200 if combined.ready else 404


def span_json(period: str):
    combined = _combined(period)
    if not combined.ready:
        return jsonify(period=str(combined.span), missing=combined.missing, unlike=combined.unlike), 404
    span = combined.span
    document = {
        "schema": "transparency-report-sum/v1",
        "period": str(span),
        "starts": span.starts_at.date().isoformat(),
        "ends": span.ends_at.date().isoformat(),
        **combined.figures,
    }
    return jsonify(document)


def year_report(year: int):
    return span_report(str(year))


def year_json(year: int):
    return span_json(str(year))


def _stored(period: str, name: str) -> Response:
    stored = pages.published_file(get_session(), period, name)
    if stored is None:
        abort(404)
    response = Response(stored.content, mimetype=stored.media_type.split(";")[0])
    if "charset" in stored.media_type:
        response.charset = "utf-8"
    response.headers["X-Content-SHA256"] = stored.sha256
    return response


def datapackage(period: str):
    """The quarter's Frictionless data package (publications from before it have none: 404)."""
    return _stored(period, "datapackage.json")


def packaged_csv(period: str):
    """report.csv where the data package's relative path finds it."""
    return _stored(period, "report.csv")


def errata_page(period: str):
    session = get_session()
    publication = pages.published(session, period)
    if publication is None:
        abort(404)
    return render_template("reporting/errata.html", publication=publication, errata=notes.errata_of(session, period))


def errata_json(period: str):
    session = get_session()
    if pages.published(session, period) is None:
        abort(404)
    return jsonify(notes.errata_document(session, period))


def _quarter(text: str) -> Period:
    try:
        return Period.parse(text)
    except BadPeriod:
        abort(404)


@roles(*roles_for(Permission.WRITE_REPORT_TEXT))
def statement_form(period: str):
    """The qualitative text of a quarter, to write before it is published."""
    quarter = _quarter(period)
    session = get_session()
    statement = notes.statement_of(session, str(quarter))
    values = {f: getattr(statement, f) if statement else "" for f in notes.QUALITATIVE_FIELDS}
    frozen = notes.is_frozen(session, str(quarter))
    return render_template("reporting/staff/statement.html", period=quarter, values=values, errors={}, frozen=frozen)


@roles(*roles_for(Permission.WRITE_REPORT_TEXT))
def save_statement(period: str):
    quarter = _quarter(period)
    data, errors = load_form(StatementSchema(), request.form)
    if errors:
        values = {f: request.form.get(f, "") for f in notes.QUALITATIVE_FIELDS}
        body = render_template(
            "reporting/staff/statement.html", period=quarter, values=values, errors=errors, frozen=False
        )
        return body, 400
    try:
        notes.save_statement(get_session(), quarter, data, actor_id=current_staff().id)
    except notes.NoteRefused as err:
        flash(_(err.message, **err.params), "error")
        return redirect(url_for("reporting.admin"))
    flash(_("The text of %(period)s is saved; it is published with the quarter.", period=str(quarter)), "success")
    return redirect(url_for("reporting.admin"))


def _publication(publication_id: int) -> Publication:
    publication = get_session().get(Publication, publication_id)
    if publication is None:
        abort(404)
    return publication


@roles(*roles_for(Permission.APPROVE_PUBLICATIONS))
def erratum_form(publication_id: int):
    """A publication's errata and the form to add one; a POST adds it. One rule for both methods: with two rules
    on one path, an id the converter refuses answered a POST with 405 instead of 404."""
    if request.method == "POST":
        return _add_erratum(publication_id)
    publication = _publication(publication_id)
    errata = notes.errata_of(get_session(), publication.period)
    return render_template("reporting/staff/errata.html", publication=publication, errata=errata, values={}, errors={})


def _add_erratum(publication_id: int):
    publication = _publication(publication_id)
    session = get_session()
    data, errors = load_form(ErratumSchema(), request.form)
    if errors:
        values = {f: request.form.get(f, "") for f in ("wrong", "corrected")}
        errata = notes.errata_of(session, publication.period)
        body = render_template(
            "reporting/staff/errata.html", publication=publication, errata=errata, values=values, errors=errors
        )
        return body, 400
    try:
        notes.add_erratum(session, publication, **data, actor_id=current_staff().id)
    except notes.NoteRefused as err:
        flash(_(err.message, **err.params), "error")
        return redirect(url_for("reporting.erratum_form", publication_id=publication.id))
    flash(_("The erratum is added to %(period)s.", period=publication.period), "success")
    return redirect(url_for("reporting.erratum_form", publication_id=publication.id))


def register(bp: Blueprint) -> None:
    """Add these routes to the reporting blueprint (half-years reach span_report through views.report)."""
    bp.add_url_rule("/transparency/<int(fixed_digits=4):year>", view_func=year_report, methods=["GET"])
    bp.add_url_rule("/transparency/<int(fixed_digits=4):year>.json", view_func=year_json, methods=["GET"])
    quarter = "/transparency/<string(length=6):period>"
    bp.add_url_rule(f"{quarter}/datapackage.json", view_func=datapackage, methods=["GET"])
    bp.add_url_rule(f"{quarter}/report.csv", view_func=packaged_csv, methods=["GET"])
    bp.add_url_rule(f"{quarter}/errata", view_func=errata_page, methods=["GET"])
    bp.add_url_rule(f"{quarter}/errata.json", view_func=errata_json, methods=["GET"])
    staff = "/staff/transparency"
    bp.add_url_rule(f"{staff}/<string(length=6):period>/text", view_func=statement_form, methods=["GET"])
    bp.add_url_rule(f"{staff}/<string(length=6):period>/text", view_func=save_statement, methods=["POST"])
    bp.add_url_rule(f"{staff}/<int:publication_id>/errata", view_func=erratum_form, methods=["GET", "POST"])
