"""Staff accounts: Argon2id passwords, single-use TOTP codes, one-time setup links."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, update
from sqlmodel import Field, Session, SQLModel, col, select

from core import clock, sealing
from core.audit import append_event
from core.db import UTCDateTime
from core.staff_sessions import end_all_sessions, hash_token, open_session

ISSUER = "AI Incident Reports"
TOTP_STEP = 30
_hasher = PasswordHasher()  # argon2-cffi defaults are Argon2id with RFC 9106 low-memory parameters
# Verified against when the email is unknown, so both paths cost one Argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class Role(StrEnum):
    ADMIN = "admin"
    TRIAGER = "triager"
    RECIPIENT = "recipient"
    PUBLISHER = "publisher"


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    role: str = Field(max_length=20)
    password_hash: str | None = Field(default=None, max_length=255)
    totp_secret: str = Field(max_length=64)
    # The time-step counter of the last accepted code: a code is accepted only above it.
    totp_last_counter: int = Field(default=0)
    setup_token_hash: str | None = Field(default=None, max_length=64, index=True)
    setup_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # X25519 key pair for sealed content; the private half is locked with the password (Argon2id).
    public_key: str | None = Field(default=None, max_length=64)
    sealed_private_key: str | None = Field(default=None, max_length=128)
    key_salt: str | None = Field(default=None, max_length=32)
    keys_created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def enrolled(self) -> bool:
        """Tell whether the account has finished setup (password and authenticator)."""
        return self.password_hash is not None


class AuthError(Exception):
    """Login or setup refused; the message is safe to show."""


@dataclass(frozen=True)
class LoginResult:
    user: StaffUser
    session_id: str  # the random id for the cookie; the database keeps only its hash
    key_cookie_half: str | None


@dataclass(frozen=True)
class NewAccount:
    user: StaffUser
    setup_token: str | None
    password: str | None

    @property
    def totp_uri(self) -> str:
        return totp_uri(self.user)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash, spending the same work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def totp_uri(user: StaffUser) -> str:
    """Return the otpauth:// URI an authenticator app enrols from."""
    return pyotp.TOTP(user.totp_secret, interval=TOTP_STEP).provisioning_uri(name=user.email, issuer_name=ISSUER)


def totp_qr_svg(uri: str) -> str:
    """Render an otpauth URI as an inline SVG QR code, on the server."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title="Authenticator QR code")


def matching_totp_counter(secret: str, code: str, now: datetime, window: int = 1) -> int | None:
    """Return the time-step counter the code belongs to, allowing one step of clock drift."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    current = totp.timecode(now)
    found = None
    for counter in range(current - window, current + window + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            found = counter
    return found


def consume_totp(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """Accept a TOTP code once: claim its counter atomically so a replay, even a concurrent one, fails."""
    counter = matching_totp_counter(user.totp_secret, code, now)
    if counter is None or counter <= user.totp_last_counter:
        return False
    # An UPDATE gives a CursorResult, which has the rowcount; Session.execute is typed as the base Result.
    claimed = cast(
        "CursorResult[Any]",
        session.execute(
            update(StaffUser)
            .where(col(StaffUser.id) == user.id, col(StaffUser.totp_last_counter) < counter)
            .values(totp_last_counter=counter)
        ),
    )
    if claimed.rowcount != 1:
        return False
    user.totp_last_counter = counter
    return True


def create_staff(
    *,
    session: Session,
    email: str,
    role: Role,
    with_password: bool = False,
    setup_hours: int = 72,
    actor_id: int | None = None,
    password: str | None = None,
) -> NewAccount:
    """Create a staff account with a fresh TOTP secret and either a setup link token or a password.

    `password` sets a chosen one (the demo accounts'); `with_password` alone makes a random one.
    """
    email = email.strip().lower()
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise AuthError(f"An account for {email} already exists.")
    user = StaffUser(email=email, role=Role(role).value, totp_secret=pyotp.random_base32())
    token = None
    if with_password or password:
        password = password or secrets.token_urlsafe(15)
        user.password_hash = hash_password(password)
        _give_keys(user, password)
    else:
        token = secrets.token_urlsafe(32)
        user.setup_token_hash = hash_token(token)
        user.setup_expires_at = clock.now() + timedelta(hours=setup_hours)
    session.add(user)
    session.flush()
    append_event(
        session,
        action="staff.created",
        actor_id=actor_id,
        target_type="staff_user",
        target_id=str(user.id),
        details={"role": user.role},
    )
    session.commit()
    return NewAccount(user=user, setup_token=token, password=password)


def reissue_setup(*, session: Session, email: str, setup_hours: int = 72, actor_id: int | None = None) -> NewAccount:
    """Reset an account to a new authenticator secret and a fresh one-time setup link; its sign-ins end."""
    user = _account(session, email)
    token = secrets.token_urlsafe(32)
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = 0
    user.password_hash = None
    user.setup_token_hash = hash_token(token)
    user.setup_expires_at = clock.now() + timedelta(hours=setup_hours)
    _record_account_change(session, user, "staff.setup_reissued", actor_id, {})
    return NewAccount(user=user, setup_token=token, password=None)


def staff_directory(session: Session) -> dict[int, StaffUser]:
    """Return every staff account by id, in e-mail order (names for assignees, actors and filters)."""
    return {u.id: u for u in session.exec(select(StaffUser).order_by(col(StaffUser.email))) if u.id is not None}


def find_staff(session: Session, email: str) -> StaffUser | None:
    """Return the account with this email, if any."""
    return session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def user_for_setup_token(session: Session, token: str) -> StaffUser | None:
    """Return the account a live setup token belongs to."""
    if not token:
        return None
    user = session.exec(select(StaffUser).where(StaffUser.setup_token_hash == hash_token(token))).first()
    if user is None or not user.active or user.setup_expires_at is None or user.setup_expires_at < clock.now():
        return None
    return user


def complete_setup(*, session: Session, token: str, password: str, code: str) -> StaffUser:
    """Finish enrolment: set the password and prove the authenticator works, consuming the token."""
    user = user_for_setup_token(session, token)
    if user is None:
        raise AuthError("This setup link is invalid, used or expired. Ask an admin for a new one.")
    if not consume_totp(session, user, code, clock.now()):
        raise AuthError("That code is not right. Check the authenticator app's clock and try the next code.")
    user.password_hash = hash_password(password)
    _give_keys(user, password)
    user.setup_token_hash = None
    user.setup_expires_at = None
    session.add(user)
    append_event(session, action="staff.enrolled", actor_id=user.id, target_type="staff_user", target_id=str(user.id))
    session.commit()
    return user


def _give_keys(user: StaffUser, password: str) -> None:
    """Give the account a new key pair locked with its password (earlier grants are lost)."""
    material = sealing.new_staff_keys(password)
    user.public_key = material.public_key
    user.sealed_private_key = material.sealed_private_key
    user.key_salt = material.key_salt
    user.keys_created_at = clock.now()


def authenticate(*, session: Session, email: str, password: str, code: str, key_hours: int = 12) -> LoginResult:
    """Check password and TOTP, unlock the account's key for this login, and commit once."""
    user = find_staff(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or not password_ok or not consume_totp(session, user, code, clock.now()):
        append_event(
            session,
            action="staff.login_failed",
            actor_id=user.id if user else None,
            target_type="staff_user",
            target_id=str(user.id) if user else None,
        )
        session.commit()
        raise AuthError("The email, password or code is wrong.")
    user.last_login_at = clock.now()
    session.add(user)
    session_id, cookie_half = open_session(session, user, password, key_hours)
    append_event(session, action="staff.login", actor_id=user.id, target_type="staff_user", target_id=str(user.id))
    session.commit()
    return LoginResult(user=user, session_id=session_id, key_cookie_half=cookie_half)


def set_password(
    *,
    session: Session,
    user: StaffUser,
    password: str,
    current_password: str | None = None,
    keep_session: str | None = None,
) -> bool:
    """Replace a password and re-lock the private key with it; return False if the key had to be replaced.

    With the current password the same key pair is re-locked, so every grant survives.
    Without it (an admin reset), the account gets a new key pair and must be granted again.
    Every other sign-in of the account ends; `keep_session` names the caller's own, which stays.
    """
    kept = False
    if current_password is not None and user.sealed_private_key and user.key_salt:
        private_key = sealing.unlock_private_key(user.sealed_private_key, user.key_salt, current_password)
        material = sealing.lock_private_key(private_key, password)
        user.sealed_private_key, user.key_salt = material.sealed_private_key, material.key_salt
        kept = True
    else:
        _give_keys(user, password)
    user.password_hash = hash_password(password)
    session.add(user)
    assert user.id is not None
    ended = end_all_sessions(session, user.id, keep=keep_session if current_password is not None else None)
    append_event(
        session,
        action="staff.password_changed",
        actor_id=user.id,
        target_type="staff_user",
        target_id=str(user.id),
        details={"keys_kept": kept, "sessions_ended": ended},
    )
    session.commit()
    return kept


def change_role(*, session: Session, email: str, role: Role, actor_id: int | None = None) -> StaffUser:
    """Give an account another role; every sign-in of it ends, so no session keeps the old role's reach."""
    user = _account(session, email)
    previous, user.role = user.role, Role(role).value
    _record_account_change(session, user, "staff.role_changed", actor_id, {"from": previous, "to": user.role})
    return user


def set_active(*, session: Session, email: str, active: bool, actor_id: int | None = None) -> StaffUser:
    """Disable or re-enable an account; disabling ends every sign-in of it at once."""
    user = _account(session, email)
    user.active = active
    action = "staff.enabled" if active else "staff.disabled"
    _record_account_change(session, user, action, actor_id, {}, end_sessions=not active)
    return user


def _account(session: Session, email: str) -> StaffUser:
    user = find_staff(session, email)
    if user is None:
        raise AuthError(f"No account for {email}.")
    return user


def _record_account_change(
    session: Session,
    user: StaffUser,
    action: str,
    actor_id: int | None,
    details: dict[str, Any],
    *,
    end_sessions: bool = True,
) -> None:
    """Store a change to an account, end its sign-ins (unless told not to), audit it, and commit."""
    session.add(user)
    assert user.id is not None
    ended = end_all_sessions(session, user.id) if end_sessions else 0
    append_event(
        session,
        action=action,
        actor_id=actor_id,
        target_type="staff_user",
        target_id=str(user.id),
        details={**details, "sessions_ended": ended},
    )
    session.commit()
