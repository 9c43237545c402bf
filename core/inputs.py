"""Input no page can use: the NUL character, which PostgreSQL cannot hold in text and no browser sends; and text
no XML document can hold (`xml_text`, for the feeds)."""

from __future__ import annotations

import re

from flask import Flask, abort, request

# What XML 1.0 cannot hold: C0 controls other than tab, line feed and carriage return; lone surrogates; U+FFFE/FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

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


def xml_text(value: object) -> str:
    """Text an XML document (an Atom feed) can hold: the characters XML 1.0 forbids are dropped.

    A title pasted from a PDF may carry a form feed; left in, it would break the feed for every subscriber.
    """
    return XML_ILLEGAL.sub("", "" if value is None else str(value))


def init_app(app: Flask) -> None:
    """Check every request before any other hook reads it; give templates the `xml_text` filter."""
    app.before_request(refuse_nul)
    app.jinja_env.filters["xml_text"] = xml_text
