"""The demo's staff accounts, one or more per role, and the steps other packages add to `demo seed`.

A demo account's password is derived from PLATFORM_SECRET and its e-mail, so `demo admin` can print
it again without changing it: a whistleblower recipient whose password changed without the old one
would get a new key pair and lose the reports sealed to the old one (DESIGN.md, "Keys, end to end").
The demo commands refuse to run in production.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlmodel import Session

from core import auth
from core.auth import Role, StaffUser

# (e-mail, role), in the order `demo admin` prints them: two recipients, so one can re-grant the other.
DEMO_ACCOUNTS: tuple[tuple[str, Role], ...] = (
    ("admin@example.org", Role.ADMIN),
    ("triager@example.org", Role.TRIAGER),
    ("recipient@example.org", Role.RECIPIENT),
    ("recipient2@example.org", Role.RECIPIENT),
    ("publisher@example.org", Role.PUBLISHER),
)

DemoStep = Callable[[Flask, Session], str]
STEPS_KEY = "core.demo_steps"


@dataclass(frozen=True)
class DemoAccount:
    """How to sign in to a demo account (plain values: they outlive the database session)."""

    email: str
    role: str
    password: str
    totp_uri: str
    keys_replaced: bool  # the password was reset without the old one: a recipient must be granted again

    @classmethod
    def of(cls, user: StaffUser, password: str, keys_replaced: bool = False) -> DemoAccount:
        return cls(user.email, user.role, password, auth.totp_uri(user), keys_replaced)


def demo_password(app: Flask, email: str) -> str:
    """Return the demo password of an account: the same on every call for this installation."""
    digest = hmac.new(app.config["PLATFORM_SECRET"].encode(), f"demo-password:{email}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode()


def ensure_account(app: Flask, session: Session, email: str, role: Role) -> DemoAccount:
    """Create a demo account with its demo password, or give an existing one that password back."""
    password = demo_password(app, email)
    user = auth.find_staff(session, email)
    if user is None:
        user = auth.create_staff(session=session, email=email, role=role, password=password).user
        return DemoAccount.of(user, password)
    if user.role != role.value:
        auth.change_role(session=session, email=email, role=role)
    if auth.verify_password(user.password_hash, password) and user.active:
        return DemoAccount.of(user, password)
    had_keys = user.public_key is not None
    if not user.active:
        auth.set_active(session=session, email=email, active=True)
    kept = auth.set_password(session=session, user=user, password=password)
    return DemoAccount.of(user, password, keys_replaced=had_keys and not kept)


def ensure_accounts(app: Flask, session: Session) -> list[DemoAccount]:
    """Make sure every demo account exists and signs in with its demo password."""
    return [ensure_account(app, session, email, role) for email, role in DEMO_ACCOUNTS]


def demo_user(app: Flask, session: Session, role: Role, n: int = 0) -> StaffUser:
    """Return the demo account of a role (the n-th, for the recipients), creating it if needed."""
    email = [e for e, r in DEMO_ACCOUNTS if r is role][n]
    user = auth.find_staff(session, email)
    if user is None:
        ensure_account(app, session, email, role)
        user = auth.find_staff(session, email)
    assert user is not None  # ensure_account has just created it
    return user


def add_demo_step(app: Flask, step: DemoStep) -> None:
    """Let a package add work to `demo seed`, run after the incidents' data; it returns a line to print."""
    app.extensions.setdefault(STEPS_KEY, []).append(step)


def demo_steps(app: Flask) -> list[DemoStep]:
    steps: list[DemoStep] = app.extensions.get(STEPS_KEY, [])
    return steps
