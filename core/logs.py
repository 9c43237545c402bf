"""Logging that never records who a client is, nor a secret carried in a path.

Werkzeug's development server starts every request line with the client address;
we replace it with "-" and drop query strings. A statement's appeal link carries its
single-use token in the path; `without_secrets` writes it as "/appeal/<token>" in
werkzeug's lines and in gunicorn's access log. Gunicorn's access log format is set
in gunicorn.conf.py to leave out the address and the user agent, and its error log
("Invalid request from ip=...") passes through ClientAddressFilter, installed there.
"""

from __future__ import annotations

import ipaddress
import logging
import re

from flask import Flask

# "<address> - - [<date>] <message>", as werkzeug.serving.WSGIRequestHandler.log writes it.
_WERKZEUG_LINE = re.compile(r"^\S+ - - \[")
# A query string inside the request line, even when werkzeug colours the line with ANSI codes.
_QUERY = re.compile(r'\?[^\s"\x1b]*')


# The path segment after /appeal/ is a single-use token, except the appeal status page's own name.
_APPEAL_TOKEN = re.compile(r"(/appeal/)(?!status(?![^/?\s\"\x1b]))[^/?\s\"\x1b]+")


def without_secrets(text: str) -> str:
    """Replace the token of every appeal link in `text` with "<token>"."""
    return _APPEAL_TOKEN.sub(r"\1<token>", text)


# Dotted quads; and tokens of hex groups with at least two colons, kept unless ipaddress reads them as an
# IPv6 address (a time such as 10:00:00 stays). A trailing colon or port is left in place.
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)(?!\.\d)")
_IPV6_CANDIDATE = re.compile(r"(?<![0-9A-Fa-f.:])[0-9A-Fa-f.]*(?::[0-9A-Fa-f.]*){2,}")


def _ipv6_or_text(match: re.Match[str]) -> str:
    token = match.group(0)
    stripped = token.rstrip(":.")
    for candidate in (stripped, stripped.rsplit(":", 1)[0]):
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        return "-" + token[len(candidate) :]
    return token


def without_addresses(text: str) -> str:
    """Replace every IPv4 and IPv6 address in `text` with "-"."""
    return _IPV4.sub("-", _IPV6_CANDIDATE.sub(_ipv6_or_text, text))


class ClientAddressFilter(logging.Filter):
    """Take every IP address out of a log record (gunicorn's error log writes the client's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_addresses(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class AnonymousRequestFilter(logging.Filter):
    """Strip the client address, the query string and appeal tokens from request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _WERKZEUG_LINE.match(message):
            message = "-" + message[message.index(" - - [") :]
            record.msg, record.args = without_secrets(_QUERY.sub("", message)), ()
        return True


def init_app(app: Flask) -> None:
    """Install the anonymising filter on werkzeug's logger and set our log level."""
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousRequestFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(AnonymousRequestFilter())
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
