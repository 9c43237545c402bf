"""Sign-in throttling: per client bucket, per account, and a hard daily ceiling that only known devices pass.

Failures against an account count three ways: for the account in a short window, for the account
from this client bucket, and for the account over a day. Past the short limit only the buckets that
themselves failed on the account wait, so an outsider who knows a staff address cannot lock its owner
out. Past the daily ceiling (an attack from many addresses) only a browser that signed in to the
account before passes: it carries a signed, HttpOnly marker saying so.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from core.security import client_bucket, limiter, parsed_limit

DEVICE_COOKIE = "staff_device"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 5  # the accounts one browser is remembered for


def account_bucket() -> str:
    """Rate-limit key for the account named in a login form (hashed, so no email sits in the store)."""
    email = (request.form.get("email") or "").strip().lower().encode()
    return "a" + hmac.new(current_app.config["SECRET_KEY"].encode(), email, hashlib.sha256).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def _known_accounts() -> list[str]:
    try:
        accounts = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def account_locked_for_this_client() -> bool:
    """Tell whether sign-in to the named account is held back for this client."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    strategy, account = limiter.limiter, account_bucket()
    short = parsed_limit(current_app.config["LOGIN_ACCOUNT_LIMIT"])
    failed_here = strategy.get_window_stats(short, "login-pair", account + client_bucket()).remaining < short.amount
    if failed_here and not strategy.test(short, "login-account", account):
        return True
    ceiling = parsed_limit(current_app.config["LOGIN_ACCOUNT_CEILING"])
    return not strategy.test(ceiling, "login-account-day", account) and account not in _known_accounts()


def count_login_failure() -> None:
    """Record a failed sign-in against the named account: overall, from this client bucket, and for the day."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    short = parsed_limit(current_app.config["LOGIN_ACCOUNT_LIMIT"])
    account = account_bucket()
    limiter.limiter.hit(short, "login-account", account)
    limiter.limiter.hit(short, "login-pair", account + client_bucket())
    limiter.limiter.hit(parsed_limit(current_app.config["LOGIN_ACCOUNT_CEILING"]), "login-account-day", account)


def remember_device(response: Response) -> Response:
    """After a successful sign-in, mark this browser as one the account has used (no address, no identity)."""
    accounts = [account_bucket(), *(a for a in _known_accounts() if a != account_bucket())][:DEVICE_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(accounts),
        max_age=DEVICE_DAYS * 86400,
        path="/staff/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Strict",
    )
    return response
