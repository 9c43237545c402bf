"""The core blueprint: the landing page and the staff login, setup, account and home pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.wrappers import Response as BaseResponse

from core import auth, clock, home, staff_admin
from core.db import get_session
from core.permissions import Permission, roles_for
from core.redirects import safe_next
from core.schemas import LoginSchema, PasswordChangeSchema, SetupSchema, load_form
from core.security import (
    current_session_id,
    current_staff,
    end_staff_session,
    limiter,
    public_staff_page,
    roles,
    start_staff_session,
)
from core.signin import account_locked_for_this_client, count_login_failure, remember_device

bp = Blueprint("core", __name__)


def _login_failed(response: Response) -> bool:
    return response.status_code == 401


def _form_failed(response: Response) -> bool:
    return response.status_code in (400, 401)


def _key_hours() -> int:
    return int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 3600) or 1


def _login_limit() -> str:
    limit: str = current_app.config["LOGIN_LIMIT"]
    return limit


def _too_many() -> str:
    return str(_("Too many failed sign-ins for this account from here. Wait a few minutes and try again."))


@bp.app_context_processor
def _endpoint_helpers() -> dict[str, Any]:
    return {"has_endpoint": lambda name: name in current_app.view_functions}


@bp.get("/")
def index() -> str:
    """Explain the two reporting channels and what happens to a report."""
    return render_template("core/index.html")


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """Answer a load balancer: the app runs and the database answers."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/staff/login", methods=["GET", "POST"])
@public_staff_page
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_login_failed)
def login() -> ResponseReturnValue:
    """Sign a staff member in with password and a single-use TOTP code."""
    if request.method == "GET":
        if current_staff():
            return redirect(url_for("core.staff_home"))
        return render_template("core/staff/login.html", values={"next": request.args.get("next", "")}, errors={})
    data, errors = load_form(LoginSchema(), request.form)
    values = {"email": request.form.get("email", ""), "next": request.form.get("next", "")}
    if errors:
        return render_template("core/staff/login.html", values=values, errors=errors), 400
    if account_locked_for_this_client():
        return render_template("core/staff/login.html", values=values, errors={"form": [_too_many()]}), 429
    try:
        result = auth.authenticate(
            session=get_session(),
            email=data["email"],
            password=data["password"],
            code=data["code"],
            key_hours=_key_hours(),
        )
    except auth.AuthError as err:
        count_login_failure()
        return render_template("core/staff/login.html", values=values, errors={"form": [str(err)]}), 401
    start_staff_session(result)
    return remember_device(redirect(safe_next(data.get("next"))))


@bp.post("/staff/logout")
@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def logout() -> BaseResponse:
    """End the caller's own session (a CSRF-checked POST)."""
    end_staff_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("core.login"))


@bp.route("/staff/setup", methods=["GET", "POST"])
@public_staff_page
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_form_failed)
def setup() -> ResponseReturnValue:
    """Finish a new account: choose a password and enrol the authenticator shown as a QR code."""
    token = request.values.get("token", "")
    user = auth.user_for_setup_token(get_session(), token)
    if user is None:
        return render_template("core/staff/setup_invalid.html"), 404
    uri = auth.totp_uri(user)
    context = {
        "token": token,
        "email": user.email,
        "uri": uri,
        "qr_svg": auth.totp_qr_svg(uri),
        "secret": user.totp_secret,
    }
    if request.method == "GET":
        return render_template("core/staff/setup.html", errors={}, **context)
    data, errors = load_form(SetupSchema(), request.form)
    if errors:
        return render_template("core/staff/setup.html", errors=errors, **context), 400
    try:
        auth.complete_setup(session=get_session(), token=token, password=data["password"], code=data["code"])
    except auth.AuthError as err:
        return render_template("core/staff/setup.html", errors={"code": [str(err)]}, **context), 401
    session.clear()
    flash(_("Your account is ready. Sign in with your new password and a fresh code."), "success")
    return redirect(url_for("core.login"))


@bp.get("/staff/")
@roles(*roles_for(Permission.SEE_STAFF_PAGES))
def staff_home() -> str:
    """Show the signed-in staff member where to go next for their role."""
    user = current_staff()
    assert user is not None  # the staff gate lets only signed-in staff reach this view
    panels = home.panels_for(current_app, get_session(), user)
    role_label = staff_admin.ROLE_LABELS.get(user.role, user.role)
    return render_template("core/staff/home.html", user=user, panels=panels, role_label=role_label)


@bp.route("/staff/account", methods=["GET", "POST"])
@roles(*roles_for(Permission.SEE_STAFF_PAGES))
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_form_failed)
def account() -> ResponseReturnValue:
    """Let staff change their own password, confirming with the old one and a fresh code."""
    user = current_staff()
    assert user is not None  # the staff gate lets only signed-in staff reach this view
    if request.method == "GET":
        return render_template("core/staff/account.html", user=user, errors={})
    data, errors = load_form(PasswordChangeSchema(), request.form)
    if errors:
        return render_template("core/staff/account.html", user=user, errors=errors), 400
    db = get_session()
    if not auth.verify_password(user.password_hash, data["current_password"]) or not auth.consume_totp(
        db, user, data["code"], clock.now()
    ):
        db.rollback()
        return render_template(
            "core/staff/account.html", user=user, errors={"form": [_("The current password or the code is wrong.")]}
        ), 401
    auth.set_password(
        session=db,
        user=user,
        password=data["password"],
        current_password=data["current_password"],
        keep_session=current_session_id(),
    )
    flash(_("Your password is changed."), "success")
    return redirect(url_for("core.staff_home"))
