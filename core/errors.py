"""Friendly error pages (HTML for people, JSON under /api/) that leak nothing."""

from __future__ import annotations

import errno
import traceback

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from core.logs import without_secrets

MESSAGES = {
    400: (
        _l("That request could not be understood"),
        _l("Something in the form or the address was not right. Go back, check it, and try again."),
    ),
    401: (_l("Please sign in"), _l("This page is for signed-in staff.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address. Check it, or start again from the home page.")),
    405: (_l("Not allowed"), _l("This page does not accept that kind of request.")),
    413: (
        _l("That upload is too large"),
        _l(
            "The files or text you sent are larger than we accept. Remove a file or make it smaller, "
            "then send the form again."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l("For everyone's safety we limit how often this can be tried. Wait a few minutes and try again."),
    ),
    503: (
        _l("We cannot take requests for a moment"),
        _l(
            "Nothing you did caused this. Please try again in a moment. If you were sending a report and did "
            "not see a receipt, it was not saved: send it again."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "Nothing you did caused this. Please try again in a moment. If you were sending a report and did "
            "not see a receipt, it was not saved: send it again."
        ),
    ),
}
CSRF_MESSAGE = (
    _l("This form has expired"),
    _l(
        "For your safety, forms expire after a while or when they were not sent from this site. "
        "Go back, reload the page, and send it again."
    ),
)


def _render(code: int, title: LazyString, detail: LazyString) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": str(title), "detail": str(detail)}}), code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def handle_http(error: HTTPException) -> Response:
    """Render any HTTP error with our own words, never the exception's."""
    code = error.code or 500
    title, detail = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    response = make_response(*_render(code, title, detail))
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value  # Allow on 405, Retry-After on 429
    return response


def handle_csrf(_error: CSRFError) -> tuple[Response | str, int]:
    """Explain an expired or forged form token without saying which."""
    return _render(400, *CSRF_MESSAGE)


def handle_unexpected(error: Exception) -> Response:
    """Log the failure (path only, no content) and show the generic 500 page."""
    if isinstance(error, HTTPException):
        return handle_http(error)
    # The frames say where it failed; the message is left out because it may quote what a reporter sent.
    frames = "".join(traceback.format_tb(error.__traceback__))
    path = without_secrets(request.path)
    current_app.logger.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method, path, frames)
    return handle_http(InternalServerError())


# The storage cannot take the request (the database is down, full, busy or read-only; the disk is full):
# the request may work again soon, so it is a 503 with Retry-After. Anything else a database raises (a
# missing table after a skipped migration, a bad query) is a bug, and goes to the 500 handler.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})
# SQLite's primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
SQLITE_UNAVAILABLE = frozenset({5, 6, 8, 10, 13, 14})
# PostgreSQL's SQLSTATEs: connection exceptions (08), insufficient resources (53, a full disk among them),
# operator intervention (57P: shutdown, crash), a read-only transaction (25006: a standby after failover),
# and the conflicts that a retry resolves (40001 serialization, 40P01 deadlock).
PG_UNAVAILABLE_CLASSES = ("08", "53", "57P")
PG_UNAVAILABLE_CODES = frozenset({"25006", "40001", "40P01"})
RETRY_AFTER_SECONDS = 30


def storage_unavailable(error: BaseException) -> bool:
    """Tell whether an error means the storage cannot serve now, rather than a bug in the request or code."""
    if isinstance(error, InterfaceError | PoolTimeout | DisconnectionError):
        return True
    if isinstance(error, OSError):
        return error.errno in STORAGE_ERRNOS
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return (sqlite_code & 0xFF) in SQLITE_UNAVAILABLE
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith(PG_UNAVAILABLE_CLASSES) or sqlstate in PG_UNAVAILABLE_CODES
    # psycopg gives no SQLSTATE when it cannot reach the server at all.
    return isinstance(error, OperationalError) and type(error.orig).__module__.startswith("psycopg")


def handle_unavailable(error: Exception) -> Response:
    """Answer 503 with Retry-After when storage fails; log the kind of failure, never its message."""
    if not storage_unavailable(error):
        return handle_unexpected(error)
    # A database error's message quotes the statement and its parameters: only the type is logged.
    cause = type(getattr(error, "orig", None) or error).__name__
    path = without_secrets(request.path)  # an appeal link's token never reaches the log
    current_app.logger.error("storage unavailable (%s) on %s %s", cause, request.method, path)
    return handle_http(ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS))


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    for kind in (DBAPIError, DisconnectionError, PoolTimeout, OSError):
        app.register_error_handler(kind, handle_unavailable)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
