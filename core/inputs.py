"""Input no page can use: the NUL character, which PostgreSQL cannot hold in text and no browser sends."""

from __future__ import annotations

from flask import Flask, abort, request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul() -> None:
    """Answer 400 when a query argument or form field holds a NUL character (a 500 on PostgreSQL otherwise)."""
    fields = [request.args]
    if request.mimetype in FORM_TYPES:  # never the JSON API's body: read_json reads that, under its own limit
        fields.append(request.form)
    for multidict in fields:
        for key, value in multidict.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    """Check every request before any other hook reads it."""
    app.before_request(refuse_nul)
