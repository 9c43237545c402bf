"""Which channel's reports each staff role works on, and whether a staff member may work on a report.

What a role may do at all is core.permissions' table; this adds the rule for reports, which
incidents.init_app registers so that `can(user, permission, report)` asks it too.
"""

from __future__ import annotations

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


def can_work_on(user: StaffUser, report: Report) -> bool:
    """Tell whether a staff member works on the report's channel."""
    return channel_of_role(Role(user.role)) == report.channel


def report_rule(user: StaffUser, _permission: Permission, report: object) -> bool:
    """Let a permission cover a report only for the staff of its channel."""
    return isinstance(report, Report) and can_work_on(user, report)
