"""Staff accounts managed by an admin from the staff pages: add, reset, disable or enable, change role.

The same rules as the `staff` CLI (core.auth does the work and audits it), plus one of their own:
no change may leave the platform without an active admin, so an admin cannot lock everyone out.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from core import auth
from core.auth import AuthError, NewAccount, Role, StaffUser
from core.schemas import N_

# What each role is for, in words (the admin page shows these, never the raw value alone).
ROLE_LABELS = {
    Role.ADMIN.value: _l("Admin"),
    Role.TRIAGER.value: _l("Triager"),
    Role.RECIPIENT.value: _l("Whistleblower recipient"),
    Role.PUBLISHER.value: _l("Publisher"),
}
ROLE_CHOICE = validate.OneOf([r.value for r in Role], error=N_("Choose a role."))


class NewStaffSchema(Schema):
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        error_messages={
            "invalid": N_("Enter an email address like name@example.org."),
            "required": N_("Enter the new staff member's e-mail address."),
        },
    )
    role = fields.String(required=True, validate=ROLE_CHOICE, error_messages={"required": N_("Choose a role.")})


class RoleSchema(Schema):
    role = fields.String(required=True, validate=ROLE_CHOICE, error_messages={"required": N_("Choose a role.")})


def staff_list(session: Session) -> list[StaffUser]:
    """Return every staff account, admins first, then by e-mail."""
    return list(session.exec(select(StaffUser).order_by(col(StaffUser.role), col(StaffUser.email))))


def _active_admins(session: Session) -> int:
    """Admins who can sign in now: active, and enrolled (a pending or reset account has no password yet)."""
    query = select(func.count()).where(
        StaffUser.role == Role.ADMIN.value,
        StaffUser.active == True,  # noqa: E712
        col(StaffUser.password_hash).is_not(None),
    )
    return int(session.exec(query).one())


def _keep_an_admin(session: Session, user: StaffUser) -> None:
    """Refuse a change that would take away the last admin who can sign in.

    The admins' rows are written (to themselves) before they are counted: that takes SQLite's write lock, and
    PostgreSQL's row locks on every admin, so two such changes at once (two admins disabling each other) run
    one after the other and the second counts what the first left.
    """
    if user.role != Role.ADMIN.value:
        return
    session.execute(update(StaffUser).where(col(StaffUser.role) == Role.ADMIN.value).values(role=StaffUser.role))
    session.refresh(user)
    if user.role == Role.ADMIN.value and user.active and user.enrolled and _active_admins(session) <= 1:
        raise AuthError(gettext("This is the last active admin: make another admin first."))


def add_staff(*, session: Session, email: str, role: str, actor: StaffUser, setup_hours: int) -> NewAccount:
    """Create an account that its owner finishes with a one-time setup link (password and authenticator)."""
    return auth.create_staff(session=session, email=email, role=Role(role), setup_hours=setup_hours, actor_id=actor.id)


def reset_staff(*, session: Session, user: StaffUser, actor: StaffUser, setup_hours: int) -> NewAccount:
    """Give an account a new setup link and authenticator secret; its password stops working, its sign-ins end.

    Never the last admin who can sign in: until the link is used, nobody could reach these pages.
    """
    _keep_an_admin(session, user)
    return auth.reissue_setup(session=session, email=user.email, setup_hours=setup_hours, actor_id=actor.id)


def set_staff_active(*, session: Session, user: StaffUser, active: bool, actor: StaffUser) -> StaffUser:
    """Disable (ending every sign-in) or enable an account; never the last active admin."""
    if not active:
        _keep_an_admin(session, user)
    return auth.set_active(session=session, email=user.email, active=active, actor_id=actor.id)


def set_staff_role(*, session: Session, user: StaffUser, role: str, actor: StaffUser) -> StaffUser:
    """Give an account another role, ending every sign-in of it; never demote the last active admin."""
    if role != Role.ADMIN.value:
        _keep_an_admin(session, user)
    return auth.change_role(session=session, email=user.email, role=Role(role), actor_id=actor.id)
