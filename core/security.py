"""CSRF, rate limits, security headers and the staff login gate."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from limits import RateLimitItem
from limits import parse as parse_limit
from nacl.public import PrivateKey
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from core import clock
from core.auth import LoginResult, Role, StaffUser
from core.db import get_session
from core.staff_sessions import end_session, live_session, private_key_for, touch


def client_address() -> str:
    """Return the client's address for rate limiting only: never stored, logged or put in the environ.

    Behind `PROXY_HOPS` trusted proxies it is the address the outermost of them saw, taken from
    X-Forwarded-For counted from the right (each proxy appends the address it was called from), so
    clients behind one proxy do not share one bucket. A header shorter than the hop count means the
    request did not come through every trusted proxy; its leftmost entry is used then (ProxyFix would
    fall back to the proxy's own address, which would put every such client in one bucket).
    """
    hops = int(current_app.config.get("PROXY_HOPS") or 0)
    address = request.remote_addr or ""
    if hops:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    return _network_of(address)


def _network_of(address: str) -> str:
    """Group an IPv6 address by its /64, which one subscriber usually holds whole; keep IPv4 as it is.

    Otherwise a client with a /64 could take a fresh bucket for every request.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def client_bucket() -> str:
    """Rate-limit key for a client that does not identify it.

    The address is hashed with a key that changes every day and cut to 16 bits,
    so each bucket stands for tens of thousands of addresses and yesterday's
    buckets cannot be linked to today's. The address itself never leaves memory.
    """
    day = clock.today().isoformat()
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), f"ratelimit:{day}".encode(), hashlib.sha256).digest()
    return "c" + hmac.new(key, client_address().encode(), hashlib.sha256).hexdigest()[:4]


# Extension objects are unbound until init_app. Limits are spent explicitly, by the views' decorators
# and by spend_rate_limit before a form is read (the limiter's own before-request hook is removed).
limiter = Limiter(key_func=client_bucket)
csrf = CSRFProtect()

STAFF_ROLES_ATTR = "_staff_roles"
PUBLIC_STAFF_ATTR = "_staff_public"
# The marking decorators hand the view back unchanged, so it keeps its own type.
View = TypeVar("View", bound=Callable[..., Any])

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "manifest-src 'self'",
    ]
)
# Only features Chromium recognises: it logs a console error for each one it does not (ambient-light-sensor,
# battery and bluetooth did, on every page); tests/e2e/test_console.py keeps the console clean.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@functools.cache
def parsed_limit(limit: str) -> RateLimitItem:
    return parse_limit(limit)


def spend_rate_limit(name: str, limit: str) -> None:
    """Count one hit of a named limit for this client bucket, answering 429 once it is spent.

    For the hot intake path: it uses Flask-Limiter's own storage (memory, or Redis shared
    by all workers) through its `limits` strategy, without the per-request bookkeeping of
    the decorator and middleware, which cost more than the rest of a submission's checks.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    if not limiter.limiter.hit(parsed_limit(limit), name, client_bucket()):
        abort(429)


def spend_keyed_limit(name: str, limit: str, key: str) -> None:
    """Count one hit of a named limit for a caller that identifies itself (a partner's id), not its address."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    if not limiter.limiter.hit(parsed_limit(limit), name, key):
        abort(429)


def first_use(name: str, key: str, window: str = "1 per day") -> bool:
    """Tell whether this is the first use of `key` (a digest, never a secret itself) within the window."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return bool(limiter.limiter.hit(parsed_limit(window), name, key))


def spend_global_limit(name: str, limit: str) -> None:
    """Count one hit of a named limit that every client shares, answering 429 once it is spent."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    if not limiter.limiter.hit(parsed_limit(limit), name, "everyone"):
        abort(429)


def roles(*allowed: Role) -> Callable[[View], View]:
    """Declare which staff roles may call a view; the staff gate enforces it for every /staff route."""

    def mark(view: View) -> View:
        setattr(view, STAFF_ROLES_ATTR, frozenset(Role(r) for r in allowed))
        return view

    return mark


def public_staff_page(view: View) -> View:
    """Mark a /staff view that needs no login (the login and setup pages)."""
    setattr(view, PUBLIC_STAFF_ATTR, True)
    return view


def current_staff() -> StaffUser | None:
    """Return the signed-in staff account of this request, if any."""
    user: StaffUser | None = g.get("staff")
    return user


def _staff_gate() -> BaseResponse | None:
    """Deny by default: every /staff endpoint must be public or declare roles, and the caller must hold one."""
    if not request.path.startswith("/staff") or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    _load_staff()
    if getattr(view, PUBLIC_STAFF_ATTR, False):
        return None
    allowed = getattr(view, STAFF_ROLES_ATTR, None)
    if allowed is None:
        current_app.logger.error("staff endpoint %s declares no roles; refusing", request.endpoint)
        abort(403)
    user = current_staff()
    if user is None:
        if request.method == "GET":
            return redirect(url_for("core.login", next=request.full_path if request.query_string else request.path))
        abort(401)
    if Role(user.role) not in allowed:
        abort(403)
    return None


def _load_staff() -> None:
    """Load the staff account of a live sign-in, ending sessions that have been idle too long.

    The cookie is signed, not secret to its holder, so it proves nothing alone: the sign-in it
    names must still be on record (core.staff_sessions), which logout and account changes end.
    """
    staff_id = session.get("staff_id")
    if staff_id is None:
        return
    now = clock.timestamp()
    idle_limit = int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    if now - int(session.get("seen", 0)) > idle_limit:
        end_staff_session()
        flash(_("You were signed out after a period of inactivity."), "info")
        return
    db = get_session()
    sign_in = live_session(db, staff_id, session.get("sid"), idle=timedelta(seconds=idle_limit))
    if sign_in is None:
        session.clear()
        return
    user = db.get(StaffUser, staff_id)
    if user is None or not user.active or user.password_hash is None:
        session.clear()
        return
    touch(db, sign_in)
    session["seen"] = now
    g.staff = user


def start_staff_session(login: LoginResult) -> None:
    """Begin a fresh session for a user who just logged in (no state from before the login survives)."""
    session.clear()
    session.permanent = True
    session["staff_id"] = login.user.id
    session["seen"] = clock.timestamp()
    session["sid"] = login.session_id
    if login.key_cookie_half:
        session["kc"] = login.key_cookie_half


def current_session_id() -> str | None:
    """Return the id of this request's sign-in (to keep it when the password changes)."""
    sid = session.get("sid")
    return sid if isinstance(sid, str) else None


def end_staff_session() -> None:
    """End this sign-in on the server, with the key escrowed for it, and forget the cookie."""
    end_session(get_session(), current_session_id())
    session.clear()


def current_private_key() -> PrivateKey | None:
    """Return the signed-in staff member's private key for this login, or None."""
    user = current_staff()
    if user is None:
        return None
    if "private_key" not in g:
        assert user.id is not None  # _load_staff read the account from the database, so it has an id
        g.private_key = private_key_for(get_session(), user.id, current_session_id(), session.get("kc"))
    key: PrivateKey | None = g.private_key
    return key


def _security_headers(response: Response) -> Response:
    # One pass over the existing headers, then appends: setdefault per header would rescan each time.
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend([(name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present])
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _drop_limiter_middleware(app: Flask) -> None:
    """Unhook Flask-Limiter's per-request middleware; every limit here is declared on its view.

    The middleware only applies default and application-wide limits, which this app does
    not use: the decorated views check their own limits and intake calls spend_rate_limit.
    On every request it still walked the exemption and blueprint tables and re-evaluated
    empty limit lists, a fixed cost larger than validating a report. The after-request
    hook stays: it applies `deduct_when`.
    """
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        raise RuntimeError(
            "default and application-wide rate limits are not supported: declare limits on the views that need them"
        )
    hooks = app.before_request_funcs[None]
    if limiter._check_request_limit in hooks:  # absent when RATELIMIT_ENABLED is off
        hooks.remove(limiter._check_request_limit)


def init_app(app: Flask) -> None:
    """Wire proxy handling, the limiter, CSRF, the staff gate and the headers into the app."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # Only the scheme and host are taken from the proxy; the client address is not wanted.
        # Flask documents wrapping wsgi_app by assignment; its stubs declare it a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    limiter.init_app(app)
    _drop_limiter_middleware(app)
    csrf.init_app(app)
    app.before_request(_staff_gate)
    app.after_request(_security_headers)
