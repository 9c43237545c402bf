"""The public pages of the licence registry: the licences we act on, their clauses, and why we cannot act on some.

They answer PAI's ask of hosts (a consistent reading of model licences for takedown requests, with the list of the
licences the service acts on). Two template helpers: `licence_entry` lets the public model page link its licence,
and the filter `translate` shows the registry's words in the reader's language.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext

from incidents.registry import licences
from incidents.registry.licence_data import Licence


def licence_entry(identifier: str | None) -> Licence | None:
    """The registry's entry for a card's `license` identifier, or None (for templates)."""
    return licences.find(identifier)


def translate(text: str | None) -> str | None:
    """Translate the registry's words, as a plain string that templates escape.

    Jinja's `_()` marks what it returns as safe HTML, which is right for our own messages but not for a licence an
    operator's file adds: its words are data.
    """
    return gettext(text) if text else text


def public_licences():
    """Every licence we act on, with its clauses; and those we cannot act on, with the reason."""
    return render_template("incidents/licences.html", licences=list(licences.registry().values()))


def public_licence(licence_id: str):
    """One licence of the registry; another spelling of its identifier redirects, an unknown one is a 404."""
    licence = licences.find(licence_id) if len(licence_id) <= 100 else None
    if licence is None:
        abort(404)
    if licence.id != licence_id:
        return redirect(url_for("incidents.public_licence", licence_id=licence.id), 301)
    return render_template("incidents/licence.html", licence=licence)


def register(bp: Blueprint) -> None:
    """Add the licence pages and the model page's helper to the incidents blueprint."""
    bp.add_url_rule("/licences", view_func=public_licences, methods=["GET"])
    bp.add_url_rule("/licences/<licence_id>", view_func=public_licence, methods=["GET"])
    bp.add_app_template_global(licence_entry, "licence_entry")
    bp.add_app_template_filter(translate, "translate")
