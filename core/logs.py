"""Logging that never records who a client is.

Werkzeug's development server starts every request line with the client address;
we replace it with "-" and drop query strings. Gunicorn's access log format is set
in gunicorn.conf.py to leave out the address and the user agent.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

# "<address> - - [<date>] <message>", as werkzeug.serving.WSGIRequestHandler.log writes it.
_WERKZEUG_LINE = re.compile(r"^\S+ - - \[")
# A query string inside the request line, even when werkzeug colours the line with ANSI codes.
_QUERY = re.compile(r'\?[^\s"\x1b]*')


class AnonymousRequestFilter(logging.Filter):
    """Strip the client address and query string from request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _WERKZEUG_LINE.match(message):
            message = "-" + message[message.index(" - - [") :]
            record.msg, record.args = _QUERY.sub("", message), ()
        return True


def init_app(app: Flask) -> None:
    """Install the anonymising filter on werkzeug's logger and set our log level."""
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousRequestFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(AnonymousRequestFilter())
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
