"""Public transparency pages (stored files served as they were published) and the publisher's drafts."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from core import clock
from core.db import get_session
from core.ids import parse_id
from core.periods import BadPeriod, Period
from core.permissions import Permission, roles_for
from core.security import current_staff, roles
from reporting import live, pages, period_views, periods
from reporting.models import Publication, PublicationFile


def _file(period: str, name: str) -> PublicationFile:
    stored = pages.published_file(get_session(), period, name)
    if stored is None:
        abort(404)
    return stored


def _serve(stored: PublicationFile, download: str | None = None) -> Response:
    response = Response(stored.content, mimetype=stored.media_type.split(";")[0])
    if "charset" in stored.media_type:
        response.charset = "utf-8"
    response.headers["X-Content-SHA256"] = stored.sha256
    if download:
        response.headers.set("Content-Disposition", "attachment", filename=download)
    return response


def index():
    """Every published transparency report, the trend of the published quarters, and the half-years and years
    whose quarters are all published."""
    from reporting import trend  # draws with Altair: loaded on first use

    session = get_session()
    publications = pages.published_latest(session)
    rows, chart = trend.for_index(current_app.extensions, publications, str(get_locale() or "en"))
    return render_template(
        "reporting/index.html",
        publications=publications,
        spans=periods.available_spans(session),
        trend=rows,
        trend_chart=chart,
        threshold=trend.THRESHOLD,
    )


def feed():
    """An Atom feed of the publications."""
    session = get_session()
    publications = pages.published_latest(session)
    # Atom needs an <updated> even with no entry: then the feed dates from the platform's first recorded event
    # (its setup), or from now on a database that has none yet, never from 1970.
    updated = publications[0].published_at if publications else (pages.first_event_at(session) or clock.now())
    body = render_template(
        "reporting/feed.atom", publications=publications, updated=updated, base=request.host_url.rstrip("/")
    )
    return Response(body, mimetype="application/atom+xml")


def json_schema():
    """The JSON Schema that every published report.json follows."""
    from reporting.schema import SCHEMA

    return SCHEMA


def _page(period: str, print_view: bool) -> Response:
    page = live.report_page(get_session(), period, print_view=print_view)
    if page is None:
        abort(404)
    if page.stored is not None:  # a publication of an earlier version: its page as published
        return _serve(page.stored)
    response = Response(page.html, mimetype="text/html")
    response.headers["Content-Language"] = str(get_locale() or "en")
    response.vary.add("Accept-Language")
    return response


def report(period: str):
    """A published report in the reader's language, drawn from its figures (reporting/live.py)."""
    if period_views.is_span(period):  # a half-year such as 2026H1, summed from its quarters
        return period_views.span_report(period)
    return _page(period, print_view=False)


def report_print(period: str):
    return _page(period, print_view=True)


def report_published(period: str):
    """The report's page exactly as published: the stored report.html, hashed and chained."""
    return _serve(_file(period, "report.html"))


def report_csv(period: str):
    return _serve(_file(period, "report.csv"), download=f"transparency-{period}.csv")


def report_json(period: str):
    if period_views.is_span(period):
        return period_views.span_json(period)
    return _serve(_file(period, "report.json"))


def signing_key():
    """The Ed25519 public key that verifies publication signatures (hex), when signing is on."""
    from reporting.publish import signing_key as platform_signing_key

    key = platform_signing_key(current_app)
    if key is None:
        abort(404)
    return Response(key.verify_key.encode().hex() + "\n", mimetype="text/plain")


@roles(*roles_for(Permission.SEE_PUBLICATIONS))
def admin():
    """Publications and drafts, the quarters waiting with what each release spends, and the publishing jobs."""
    from reporting import releases  # the ledger loads OpenDP: on first use, not when a web worker starts

    now = clock.now()
    page = releases.transparency_page(current_app._get_current_object(), get_session(), now)
    return render_template(
        "reporting/admin.html",
        page=page,
        publications=page.publications,
        user=current_staff(),
        current_quarter=Period.containing(now),
    )


def _queued(job, description: str):
    """Say what became of a submitted job, and show it on the page."""
    if job.active:
        flash(
            _("%(what)s is queued as job %(id)d; this page shows its progress.", what=description, id=job.id), "success"
        )
    else:  # an unreachable queue fails it at once; the immediate queue (development) has run it already
        flash(job.message or "", "error" if job.state == "failed" else "success")
    return redirect(url_for("reporting.admin", _anchor=f"job-{job.id}"))


@roles(*roles_for(Permission.APPROVE_PUBLICATIONS))
def publish_period():
    """Queue the publication of a closed quarter (a publisher's choice among those waiting)."""
    from reporting import releases

    try:
        period = Period.parse(request.form.get("period", ""))
    except BadPeriod:
        abort(400)
    session = get_session()
    try:
        job = releases.start_publication(
            current_app._get_current_object(), session, period, now=clock.now(), actor_id=current_staff().id
        )
    except releases.Refused as err:
        flash(str(err), "error")
        return redirect(url_for("reporting.admin"))
    return _queued(job, _("Publishing %(period)s", period=str(period)))


@roles(*roles_for(Permission.APPROVE_PUBLICATIONS))
def approve_draft():
    """Queue a publisher's approval of a draft."""
    from reporting import releases

    session = get_session()
    publication = session.get(Publication, parse_id(request.form.get("publication_id")) or 0)
    if publication is None:
        abort(404)
    try:
        job = releases.start_approval(
            current_app._get_current_object(), session, publication, actor_id=current_staff().id
        )
    except releases.Refused as err:
        flash(str(err), "error")
        return redirect(url_for("reporting.admin"))
    return _queued(job, _("Approving %(period)s", period=publication.period))


def blueprint() -> Blueprint:
    """Build the reporting blueprint: the public report pages, the staff page and the read API."""
    from reporting import api

    bp = Blueprint("reporting", __name__)
    bp.add_url_rule("/transparency/", view_func=index, methods=["GET"])
    bp.add_url_rule("/transparency/feed.atom", view_func=feed, methods=["GET"])
    bp.add_url_rule("/transparency/schema.json", view_func=json_schema, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>", view_func=report, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>/print", view_func=report_print, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>/published", view_func=report_published, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>.csv", view_func=report_csv, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>.json", view_func=report_json, methods=["GET"])
    bp.add_url_rule("/.well-known/transparency-signing-key", view_func=signing_key, methods=["GET"])
    bp.add_url_rule("/staff/transparency", view_func=admin, methods=["GET"])
    bp.add_url_rule("/staff/transparency", view_func=approve_draft, methods=["POST"])
    bp.add_url_rule("/staff/transparency/publish", view_func=publish_period, methods=["POST"])
    api.register(bp)
    period_views.register(bp)
    return bp
