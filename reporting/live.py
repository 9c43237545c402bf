"""A published report's pages as readers see them: drawn per request, in the reader's language, from its figures.

A publication stores its files hashed and chained (report.json, report.csv, report.html, print.html), and
those never change. The stored pages are in the default language, as published. The pages at
/transparency/<period> and its print view are drawn again per request from the publication's stored
figures, in the reader's language (?lang= or Accept-Language) and the site's current layout, but only
when the current code gives the publication's report.json again byte for byte from those figures: then
the figures the page shows are the ones that were hashed. A publication from an earlier version (v1, or
any whose figures the current code reads differently) is served as its stored page, as it was published.

A drawn page is kept in a small cache by publication, file, language and whether the language was
chosen with ?lang= (the links carry it): publications never change, and the page depends on nothing else
of the request, except flashed messages, with which a page is drawn but not kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, g, render_template, request, session, url_for
from flask_babel import get_locale
from sqlmodel import Session

from core.periods import BadPeriod
from reporting import pages, render
from reporting.aggregate import Period
from reporting.figures import METHOD
from reporting.models import Publication, PublicationFile

CACHE_SIZE = 64


@dataclass
class ReportPage:
    """A page to send: drawn now (`html`) or the stored file as published (`stored`)."""

    html: str | None = None
    stored: PublicationFile | None = None


def reproduces(publication: Publication, document: PublicationFile) -> bool:
    """Whether the current code gives the publication's stored report.json again from its stored figures.

    Only figures made by the current release method qualify: report.json is the stored figures written out, so an
    earlier method's figures give their file again too, but the template does not know their tables.
    """
    if (publication.figures or {}).get("methodology", {}).get("method") != METHOD:
        return False
    try:
        period = Period.parse(publication.period)
    except BadPeriod:
        return False
    try:
        again = render.report_document(
            period=period,
            revision=publication.revision,
            figures=publication.figures,
            generated_at=publication.generated_at,
        )
    except (KeyError, TypeError, ValueError, AttributeError):  # figures of another shape: an earlier version
        return False
    return hashlib.sha256(again).hexdigest() == document.sha256


def _draw(publication: Publication, document: PublicationFile, print_view: bool) -> str:
    period = Period.parse(publication.period)
    context = render.page_context(
        period=period, revision=publication.revision, figures=publication.figures, generated_at=publication.generated_at
    )
    source = {
        "json_sha256": document.sha256,
        "json_url": url_for("reporting.report_json", period=publication.period),
        "published_url": url_for("reporting.report_published", period=publication.period),
    }
    return render_template("reporting/report.html", print_view=print_view, source=source, **context)


def report_page(db: Session, period: str, *, print_view: bool = False) -> ReportPage | None:
    """The page of a period's newest published revision for this request; None when the period is not published."""
    found = pages.published_report(db, period)
    if found is None:
        return None
    publication, document = found
    if not reproduces(publication, document):
        stored = pages.published_file(db, period, "print.html" if print_view else "report.html")
        return ReportPage(stored=stored) if stored is not None else None
    key = (publication.id, publication.chain_hash, print_view, str(get_locale()), g.get("explicit_lang"))
    keep = set(request.args) <= {"lang"} and not session.get("_flashes")
    drawn: dict[tuple, str] = current_app.extensions.setdefault("reporting.drawn_pages", {})
    html = drawn.get(key) if keep else None
    if html is None:
        html = _draw(publication, document, print_view)
        if keep:
            if len(drawn) >= CACHE_SIZE:  # publications are few: start again rather than track their use
                drawn.clear()
            drawn[key] = html
    return ReportPage(html=html)
