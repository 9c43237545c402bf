"""Who works on what: the staff role sets and which channel's reports a role handles."""

from __future__ import annotations

from core.auth import Role, StaffUser
from incidents.models import (
    Channel,
    Report,
)

ALL_STAFF = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT, Role.PUBLISHER)


RESPONDERS = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT)


REGISTRY_EDITORS = (Role.ADMIN, Role.TRIAGER)


STAFF_READERS = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT)


def channel_of_role(role: Role) -> str | None:
    """Which channel's reports a role works on: recipients the whistleblower channel, triage the public one."""
    if role is Role.RECIPIENT:
        return Channel.WHISTLEBLOWER.value
    if role in (Role.ADMIN, Role.TRIAGER):
        return Channel.PUBLIC.value
    return None


def can_work_on(user: StaffUser, report: Report) -> bool:
    return channel_of_role(Role(user.role)) == report.channel
