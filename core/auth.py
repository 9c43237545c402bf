"""Staff accounts: Argon2id passwords, single-use TOTP codes, one-time setup links."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, select

from core.audit import append_event
from core.db import UTCDateTime, utcnow

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
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def enrolled(self) -> bool:
        """Tell whether the account has finished setup (password and authenticator)."""
        return self.password_hash is not None


class AuthError(Exception):
    """Login or setup refused; the message is safe to show."""


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


def hash_token(token: str) -> str:
    """Hash a high-entropy token for storage; such a token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    claimed = session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.totp_last_counter < counter)
        .values(totp_last_counter=counter)
    )
    if claimed.rowcount != 1:
        return False
    user.totp_last_counter = counter
    return True


def create_staff(*, session: Session, email: str, role: Role, with_password: bool = False,
                 setup_hours: int = 72, actor_id: int | None = None) -> NewAccount:
    """Create a staff account with a fresh TOTP secret and either a setup link token or a password."""
    email = email.strip().lower()
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise AuthError(f"An account for {email} already exists.")
    user = StaffUser(email=email, role=Role(role).value, totp_secret=pyotp.random_base32())
    token = password = None
    if with_password:
        password = secrets.token_urlsafe(15)
        user.password_hash = hash_password(password)
    else:
        token = secrets.token_urlsafe(32)
        user.setup_token_hash = hash_token(token)
        user.setup_expires_at = utcnow() + timedelta(hours=setup_hours)
    session.add(user)
    session.flush()
    append_event(session, action="staff.created", actor_id=actor_id, target_type="staff_user",
                 target_id=str(user.id), details={"role": user.role})
    session.commit()
    return NewAccount(user=user, setup_token=token, password=password)


def reissue_setup(*, session: Session, email: str, setup_hours: int = 72, actor_id: int | None = None) -> NewAccount:
    """Reset an account to a new authenticator secret and a fresh one-time setup link."""
    user = find_staff(session, email)
    if user is None:
        raise AuthError(f"No account for {email}.")
    token = secrets.token_urlsafe(32)
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = 0
    user.password_hash = None
    user.setup_token_hash = hash_token(token)
    user.setup_expires_at = utcnow() + timedelta(hours=setup_hours)
    session.add(user)
    append_event(session, action="staff.setup_reissued", actor_id=actor_id, target_type="staff_user",
                 target_id=str(user.id))
    session.commit()
    return NewAccount(user=user, setup_token=token, password=None)


def find_staff(session: Session, email: str) -> StaffUser | None:
    """Return the account with this email, if any."""
    return session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def user_for_setup_token(session: Session, token: str) -> StaffUser | None:
    """Return the account a live setup token belongs to."""
    if not token:
        return None
    user = session.exec(select(StaffUser).where(StaffUser.setup_token_hash == hash_token(token))).first()
    if user is None or not user.active or user.setup_expires_at is None or user.setup_expires_at < utcnow():
        return None
    return user


def complete_setup(*, session: Session, token: str, password: str, code: str) -> StaffUser:
    """Finish enrolment: set the password and prove the authenticator works, consuming the token."""
    user = user_for_setup_token(session, token)
    if user is None:
        raise AuthError("This setup link is invalid, used or expired. Ask an admin for a new one.")
    if not consume_totp(session, user, code, utcnow()):
        raise AuthError("That code is not right. Check the authenticator app's clock and try the next code.")
    user.password_hash = hash_password(password)
    user.setup_token_hash = None
    user.setup_expires_at = None
    session.add(user)
    append_event(session, action="staff.enrolled", actor_id=user.id, target_type="staff_user", target_id=str(user.id))
    session.commit()
    return user


def authenticate(*, session: Session, email: str, password: str, code: str) -> StaffUser:
    """Check password and TOTP; record the login or the failure, and commit once."""
    user = find_staff(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or not password_ok or not consume_totp(session, user, code, utcnow()):
        append_event(session, action="staff.login_failed", actor_id=user.id if user else None,
                     target_type="staff_user", target_id=str(user.id) if user else None)
        session.commit()
        raise AuthError("The email, password or code is wrong.")
    user.last_login_at = utcnow()
    session.add(user)
    append_event(session, action="staff.login", actor_id=user.id, target_type="staff_user", target_id=str(user.id))
    session.commit()
    return user


def set_password(*, session: Session, user: StaffUser, password: str) -> None:
    """Replace a password (the caller has already checked the old one and a fresh code)."""
    user.password_hash = hash_password(password)
    session.add(user)
    append_event(session, action="staff.password_changed", actor_id=user.id, target_type="staff_user",
                 target_id=str(user.id))
    session.commit()
