"""What each staff role may do, as one table, and `can`, the one question views and templates ask.

Views declare `@roles(*roles_for(Permission.X))` so the staff gate enforces the same table that
templates read through `can(user, "x")`; no template names a role. A package may add a rule for
its own records (`add_object_rule`), so `can(user, permission, record)` also answers "this one?".
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from flask import Flask, current_app

from core.auth import Role, StaffUser

R = Role


class Permission(StrEnum):
    SEE_STAFF_PAGES = "see_staff_pages"  # the staff home, incidents, the registry, the dashboard
    WORK_REPORTS = "work_reports"  # the queue, report pages, triage actions, incident edits, enforcement
    TRIAGE_PUBLIC_REPORTS = "triage_public_reports"  # the public channel's queue
    RECEIVE_WHISTLEBLOWER_REPORTS = "receive_whistleblower_reports"  # reports sealed for the recipients
    EDIT_REGISTRY = "edit_registry"  # register models, move their lifecycle, propose and decide decommissioning
    APPROVE_SHARING = "approve_sharing"  # approve an incident's public summary for exports
    SEE_RECIPIENTS = "see_recipients"  # the whistleblower recipients page
    GRANT_ACCESS = "grant_access"  # re-grant a colleague access to whistleblower reports
    SEE_PUBLICATIONS = "see_publications"  # the transparency and export pages for staff
    APPROVE_PUBLICATIONS = "approve_publications"  # approve a transparency-report draft
    WRITE_REPORT_TEXT = "write_report_text"  # the qualitative text of a quarter's report, before it is published
    ADMINISTER = "administer"  # the administration notes on the staff home


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.SEE_STAFF_PAGES: frozenset(Role),
    Permission.WORK_REPORTS: frozenset({R.ADMIN, R.TRIAGER, R.RECIPIENT}),
    Permission.TRIAGE_PUBLIC_REPORTS: frozenset({R.ADMIN, R.TRIAGER}),
    Permission.RECEIVE_WHISTLEBLOWER_REPORTS: frozenset({R.RECIPIENT}),
    Permission.EDIT_REGISTRY: frozenset({R.ADMIN, R.TRIAGER}),
    Permission.APPROVE_SHARING: frozenset({R.PUBLISHER}),
    Permission.SEE_RECIPIENTS: frozenset({R.ADMIN, R.RECIPIENT}),
    Permission.GRANT_ACCESS: frozenset({R.RECIPIENT}),
    Permission.SEE_PUBLICATIONS: frozenset({R.ADMIN, R.PUBLISHER}),
    Permission.APPROVE_PUBLICATIONS: frozenset({R.PUBLISHER}),
    Permission.WRITE_REPORT_TEXT: frozenset({R.ADMIN, R.PUBLISHER}),
    Permission.ADMINISTER: frozenset({R.ADMIN}),
}

ObjectRule = Callable[[StaffUser, Permission, object], bool]
RULES_KEY = "core.permission_rules"


def roles_for(permission: Permission) -> tuple[Role, ...]:
    """Return the roles that hold a permission, in the order Role lists them (for `@roles(...)`)."""
    return tuple(role for role in Role if role in GRANTS[permission])


def add_object_rule(app: Flask, kind: type, rule: ObjectRule) -> None:
    """Let a package decide, for its own records of one kind, whether a permitted user may act on this one."""
    app.extensions.setdefault(RULES_KEY, {})[kind] = rule


def can(user: StaffUser | None, permission: Permission | str, record: object | None = None) -> bool:
    """Tell whether a staff member holds a permission, and, given a record, whether it covers that record."""
    if user is None:
        return False
    wanted = Permission(permission)
    if Role(user.role) not in GRANTS[wanted]:
        return False
    if record is None:
        return True
    rule = current_app.extensions.get(RULES_KEY, {}).get(type(record))
    return rule(user, wanted, record) if rule else True


def init_app(app: Flask) -> None:
    """Offer `can` and `Permission` to every template."""
    app.jinja_env.globals.update(can=can, Permission=Permission)
