"""The staff home's panels: each package says, for the signed-in role, what is waiting and what to do next.

Core cannot import the packages that own the figures, so they add a panel builder here in their
init_app (`add_home_panel`); the home page asks every builder and shows the panels it gets back.
Builders count plain columns only, never sealed content, and return None for a role they do not serve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from core.auth import Role, StaffUser


@dataclass(frozen=True)
class Figure:
    """One number on a panel, with where to see what it counts."""

    label: str
    value: int | str
    url: str | None = None
    alert: bool = False  # a number that should be zero (overdue work) and is not


@dataclass(frozen=True)
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    next_steps: list[tuple[str, str]] = field(default_factory=list)  # (what to do, where)
    order: int = 50  # lower first


PanelBuilder = Callable[[Session, StaffUser], Panel | None]
PANELS_KEY = "core.home_panels"


def add_home_panel(app: Flask, builder: PanelBuilder) -> None:
    """Let a package add a panel to the staff home."""
    app.extensions.setdefault(PANELS_KEY, []).append(builder)


def panels_for(app: Flask, session: Session, user: StaffUser) -> list[Panel]:
    """Return the panels every package has for this staff member, in their order."""
    builders: list[PanelBuilder] = app.extensions.get(PANELS_KEY, [])
    found = [panel for build in builders if (panel := build(session, user)) is not None]
    return sorted(found, key=lambda panel: panel.order)


def accounts_panel(session: Session, user: StaffUser) -> Panel | None:
    """The admin's panel: staff accounts by state, and the way to the account pages."""
    if user.role != Role.ADMIN.value:
        return None
    rows = session.execute(
        select(col(StaffUser.active), col(StaffUser.password_hash).is_(None), func.count()).group_by(
            col(StaffUser.active), col(StaffUser.password_hash).is_(None)
        )
    ).all()
    active = sum(n for is_active, pending, n in rows if is_active and not pending)
    pending = sum(n for is_active, is_pending, n in rows if is_active and is_pending)
    disabled = sum(n for is_active, _pending, n in rows if not is_active)
    recipients = session.exec(
        select(func.count()).where(
            StaffUser.role == Role.RECIPIENT.value,
            StaffUser.active == True,  # noqa: E712
            col(StaffUser.public_key).is_not(None),
        )
    ).one()
    accounts = url_for("accounts.staff_accounts")
    return Panel(
        title=_("Staff accounts"),
        figures=[
            Figure(_("active"), active, accounts),
            Figure(_("setup pending"), pending, accounts),
            Figure(_("disabled"), disabled, accounts),
            Figure(_("whistleblower recipients with a key"), int(recipients), alert=int(recipients) < 2),
        ],
        next_steps=[(_("Add, reset, disable or re-role staff accounts"), accounts)],
        order=80,
    )


def init_app(app: Flask) -> None:
    """Add core's own panel: the admin's staff accounts."""
    add_home_panel(app, accounts_panel)
