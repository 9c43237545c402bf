"""The admin's staff account pages: the list, and the forms that add, reset, disable and re-role accounts.

Every change is a CSRF-checked POST (the app's CSRF protection covers every form) that core.auth audits;
a new setup link is shown once, on the response to the POST, which like every page is sent `no-store`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import auth, staff_admin
from core.auth import StaffUser
from core.db import get_session
from core.permissions import Permission, roles_for
from core.schemas import load_form, schema
from core.security import current_staff, roles


def _setup_hours() -> int:
    hours: int = current_app.config["SETUP_LINK_HOURS"]
    return hours


def _account_or_404(staff_id: int) -> StaffUser:
    user = get_session().get(StaffUser, staff_id)
    if user is None:
        abort(404)
    return user


def _page(errors: dict[str, list[str]], values: dict[str, str], status: int = 200) -> ResponseReturnValue:
    people = staff_admin.staff_list(get_session())
    context = {"people": people, "errors": errors, "values": values, "role_labels": staff_admin.ROLE_LABELS}
    return render_template("core/staff/accounts.html", me=current_staff(), **context), status


def _created(account: auth.NewAccount, *, reset: bool) -> ResponseReturnValue:
    """Show a new setup link and authenticator enrolment once: it is in no log, and the page is not stored."""
    base = request.host_url.rstrip("/")
    link = f"{base}{url_for('core.setup', token=account.setup_token)}"
    return render_template(
        "core/staff/account_issued.html",
        account=account.user,
        link=link,
        uri=account.totp_uri,
        qr_svg=auth.totp_qr_svg(account.totp_uri),
        hours=_setup_hours(),
        reset=reset,
        role_labels=staff_admin.ROLE_LABELS,
    )


@roles(*roles_for(Permission.ADMINISTER))
def staff_accounts() -> ResponseReturnValue:
    """List staff accounts; a POST adds one and shows its one-time setup link."""
    if request.method == "GET":
        return _page({}, {})
    data, errors = load_form(schema(staff_admin.NewStaffSchema), request.form)
    values = {"email": request.form.get("email", ""), "role": request.form.get("role", "")}
    if errors:
        return _page(errors, values, 400)
    actor = current_staff()
    assert actor is not None  # the staff gate lets only signed-in admins here
    try:
        account = staff_admin.add_staff(
            session=get_session(), email=data["email"], role=data["role"], actor=actor, setup_hours=_setup_hours()
        )
    except auth.AuthError:
        return _page({"email": [_("An account with this e-mail address exists already.")]}, values, 409)
    return _created(account, reset=False)


@roles(*roles_for(Permission.ADMINISTER))
def staff_account_reset(staff_id: int) -> ResponseReturnValue:
    """Reset an account to a new setup link and authenticator; its sign-ins end at once."""
    user = _account_or_404(staff_id)
    actor = current_staff()
    assert actor is not None
    account = staff_admin.reset_staff(session=get_session(), user=user, actor=actor, setup_hours=_setup_hours())
    return _created(account, reset=True)


@roles(*roles_for(Permission.ADMINISTER))
def staff_account_active(staff_id: int) -> ResponseReturnValue:
    """Disable an account (ending its sign-ins) or enable it again."""
    user = _account_or_404(staff_id)
    actor = current_staff()
    assert actor is not None
    active = request.form.get("active") == "1"
    try:
        staff_admin.set_staff_active(session=get_session(), user=user, active=active, actor=actor)
    except auth.AuthError as err:
        return _page({"form": [str(err)]}, {}, 409)
    message = _("%(email)s can sign in again.") if active else _("%(email)s is disabled and signed out everywhere.")
    flash(message % {"email": user.email}, "success")
    return redirect(url_for("accounts.staff_accounts"))


@roles(*roles_for(Permission.ADMINISTER))
def staff_account_role(staff_id: int) -> ResponseReturnValue:
    """Give an account another role; every sign-in of it ends (the admin's own too, if they change theirs)."""
    user = _account_or_404(staff_id)
    actor = current_staff()
    assert actor is not None
    data, errors = load_form(schema(staff_admin.RoleSchema), request.form)
    if errors:
        return _page({"form": errors["role"]}, {}, 400)
    try:
        staff_admin.set_staff_role(session=get_session(), user=user, role=data["role"], actor=actor)
    except auth.AuthError as err:
        return _page({"form": [str(err)]}, {}, 409)
    label = staff_admin.ROLE_LABELS[data["role"]]
    flash(_("%(email)s is now: %(role)s. Their sign-ins have ended.", email=user.email, role=label), "success")
    if user.id == actor.id:
        return redirect(url_for("core.login"))
    return redirect(url_for("accounts.staff_accounts"))


def blueprint() -> Blueprint:
    """Build the blueprint of the account pages (one per app)."""
    bp = Blueprint("accounts", __name__)
    bp.add_url_rule("/staff/accounts", view_func=staff_accounts, methods=["GET", "POST"])
    bp.add_url_rule("/staff/accounts/<int:staff_id>/reset", view_func=staff_account_reset, methods=["POST"])
    bp.add_url_rule("/staff/accounts/<int:staff_id>/active", view_func=staff_account_active, methods=["POST"])
    bp.add_url_rule("/staff/accounts/<int:staff_id>/role", view_func=staff_account_role, methods=["POST"])
    return bp
