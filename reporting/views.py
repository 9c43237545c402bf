"""Public transparency pages (stored files served as they were published) and the publisher's drafts."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from core import clock
from core.db import get_session
from core.ids import parse_id
from core.permissions import Permission, can, roles_for
from core.security import current_staff, roles
from reporting import pages
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
    """Every published transparency report."""
    return render_template("reporting/index.html", publications=pages.published_latest(get_session()))


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


def report(period: str):
    return _serve(_file(period, "report.html"))


def report_print(period: str):
    return _serve(_file(period, "print.html"))


def report_csv(period: str):
    return _serve(_file(period, "report.csv"), download=f"transparency-{period}.csv")


def report_json(period: str):
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
    """Publications and drafts; a publisher approves drafts."""
    from reporting import publish as publishing  # OpenDP, pandas and Altair load on first use

    session = get_session()
    if request.method == "POST":
        if not can(current_staff(), Permission.APPROVE_PUBLICATIONS):
            abort(403)
        publication = session.get(Publication, parse_id(request.form.get("publication_id")) or 0)
        if publication is None:
            abort(404)
        try:
            publishing.approve(session, publication, actor_id=current_staff().id)
        except publishing.PublicationRefused as err:
            flash(str(err), "error")
        else:
            flash(f"{publication.period} is published.", "success")
        return redirect(url_for("reporting.admin"))
    return render_template("reporting/admin.html", publications=pages.all_publications(session), user=current_staff())


def blueprint() -> Blueprint:
    """Build the reporting blueprint: the public report pages, the staff page and the read API."""
    from reporting import api

    bp = Blueprint("reporting", __name__)
    bp.add_url_rule("/transparency/", view_func=index, methods=["GET"])
    bp.add_url_rule("/transparency/feed.atom", view_func=feed, methods=["GET"])
    bp.add_url_rule("/transparency/schema.json", view_func=json_schema, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>", view_func=report, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>/print", view_func=report_print, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>.csv", view_func=report_csv, methods=["GET"])
    bp.add_url_rule("/transparency/<string(length=6):period>.json", view_func=report_json, methods=["GET"])
    bp.add_url_rule("/.well-known/transparency-signing-key", view_func=signing_key, methods=["GET"])
    bp.add_url_rule("/staff/transparency", view_func=admin, methods=["GET", "POST"])
    api.register(bp)
    return bp
