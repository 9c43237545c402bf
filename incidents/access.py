"""Who may see a report: the one predicate for viewing, listing, acting, messaging and downloading.

What a role may do at all is core.permissions' table; this adds the rule for reports, which
incidents.init_app registers so that `can(user, permission, report)` asks it too. A role alone
never grants an action on a report its holder cannot read: public-channel reports are for the
triage staff (the platform key opens them), and a whistleblower report is for the recipients it
is sealed to, so a recipient set up after it arrived sees nothing of it until another grants it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, cast, false, func
from sqlalchemy.dialects.postgresql import JSONB

from core import sealing
from core.auth import Role, StaffUser
from core.permissions import Permission
from incidents.models import Channel, Report

# Recipients read the whistleblower channel, triage staff the public one; publishers no channel.
CHANNEL_OF_ROLE = {
    Role.ADMIN: Channel.PUBLIC.value,
    Role.TRIAGER: Channel.PUBLIC.value,
    Role.RECIPIENT: Channel.WHISTLEBLOWER.value,
}


def channel_of_role(role: Role | str) -> str | None:
    """Return the channel whose reports a role works on, or None."""
    return CHANNEL_OF_ROLE.get(Role(role))


def reader_of(user: StaffUser) -> str | None:
    """Return the reader id a report is sealed to for this staff member's current key, if they have one."""
    if user.id is None or not user.public_key:
        return None
    return sealing.staff_reader(user.id, user.public_key)


def may_see(user: StaffUser, report: Report) -> bool:
    """Tell whether a staff member may see a report: the one rule every view, action and list asks."""
    if not user.active or channel_of_role(Role(user.role)) != report.channel:
        return False
    if report.channel == Channel.PUBLIC.value:
        return True
    reader = reader_of(user)
    return reader is not None and reader in (report.wrapped_keys or {})


def narrowing(user: StaffUser, dialect: str) -> ColumnElement[bool] | None:
    """The same rule as a SQL condition on the reports of the user's channel, for lists and counts.

    None means the whole channel (triage staff on the public channel), so a list can keep its
    channel-wide indexes and counters; `dialect` is the engine's name.
    """
    channel = channel_of_role(Role(user.role))
    if channel is None or not user.active:
        return false()
    if channel == Channel.PUBLIC.value:
        return None
    reader = reader_of(user)
    if reader is None:
        return false()
    return _sealed_to(reader, dialect)


def _sealed_to(reader: str, dialect: str) -> ColumnElement[bool]:
    """Whether the report's wrapped keys hold one for `reader` (a JSON object key test on either engine)."""
    if dialect == "postgresql":
        return cast(Report.wrapped_keys, JSONB).has_key(reader)
    # SQLite: reader ids are "staff:<id>:<hex>", so they need no escaping inside the quoted JSON path.
    path: Any = f'$."{reader}"'
    return func.json_type(Report.wrapped_keys, path).is_not(None)


def report_rule(user: StaffUser, _permission: Permission, report: object) -> bool:
    """Let a permission cover a report only for the staff who may see it."""
    return isinstance(report, Report) and may_see(user, report)
