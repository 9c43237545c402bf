"""Staff sign-ins kept on the server, so that logout and account changes end them everywhere at once.

A request is signed in only while the row its cookie names lives (section "Staff" of the security
model in docs/architecture.md). The row also holds the server half of the private key escrowed for
that sign-in; the cookie holds the other half.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from nacl.public import PrivateKey
from sqlalchemy import CursorResult, delete
from sqlmodel import Field, Session, SQLModel, col

from core import clock, sealing
from core.db import UTCDateTime

if TYPE_CHECKING:
    from core.auth import StaffUser


def hash_token(token: str) -> str:
    """Hash a high-entropy token for storage; such a token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


class StaffSession(SQLModel, table=True):
    """One sign-in, kept on the server: a request is signed in only while its row lives.

    The cookie holds the random id (the row holds its hash) and, for an account with a key pair,
    the cookie half of its escrowed private key; the row holds the other half. Logout deletes the
    row; a password, role or status change deletes every row of the account, so a copied cookie
    opens nothing afterwards, on any worker or host.
    """

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)  # hash of the random id kept in the cookie
    staff_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    sealed_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # The last request of this sign-in (written at most once a minute): idleness is judged here, so a
    # copied cookie kept busy does not keep the session alive while its owner is away.
    last_seen_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


def open_session(session: Session, user: StaffUser, password: str, hours: int) -> tuple[str, str | None]:
    """Record a new sign-in and, for an account with keys, escrow its private key for it."""
    cookie_half = server_half = None
    if user.sealed_private_key and user.key_salt:
        private_key = sealing.unlock_private_key(user.sealed_private_key, user.key_salt, password)
        cookie_half, server_half = sealing.escrow_private_key(private_key)
    session_id = secrets.token_urlsafe(24)
    assert user.id is not None  # authenticate read the account from the database, so it has an id
    # The account's expired sign-ins go as a new one starts, so the table holds live ones and few more.
    expired = (col(StaffSession.staff_id) == user.id) & (col(StaffSession.expires_at) < clock.now())
    session.execute(delete(StaffSession).where(expired))
    session.add(
        StaffSession(
            id=hash_token(session_id),
            staff_id=user.id,
            sealed_key=server_half,
            expires_at=clock.now() + timedelta(hours=hours),
        )
    )
    return session_id, cookie_half


TOUCH_EVERY = timedelta(minutes=1)


def live_session(
    session: Session, staff_id: object, session_id: object, *, idle: timedelta | None = None
) -> StaffSession | None:
    """Return the sign-in a cookie names, if it is on record, unexpired, not idle and the same account's."""
    if not isinstance(session_id, str) or not isinstance(staff_id, int):
        return None
    row = session.get(StaffSession, hash_token(session_id))
    now = clock.now()
    if row is None or row.staff_id != staff_id or row.expires_at < now:
        return None
    if idle is not None and row.last_seen_at + idle < now:
        return None
    return row


def touch(session: Session, row: StaffSession) -> None:
    """Record that the sign-in is in use, at most once a minute, and commit."""
    now = clock.now()
    if row.last_seen_at + TOUCH_EVERY <= now:
        row.last_seen_at = now
        session.add(row)
        session.commit()


def private_key_for(
    session: Session, staff_id: int, session_id: str | None, cookie_half: str | None
) -> PrivateKey | None:
    """Return the private key escrowed for this sign-in, if it has one and it is live."""
    row = live_session(session, staff_id, session_id)
    if row is None or row.sealed_key is None or not cookie_half:
        return None
    try:
        return sealing.release_private_key(cookie_half, row.sealed_key)
    except sealing.SealError:
        return None


def end_session(session: Session, session_id: str | None) -> None:
    """End one sign-in (logout): its row and the key escrowed for it are gone."""
    if session_id:
        session.execute(delete(StaffSession).where(col(StaffSession.id) == hash_token(session_id)))
        session.commit()


def end_all_sessions(session: Session, staff_id: int, *, keep: str | None = None) -> int:
    """End every sign-in of an account, but the one `keep` names; join the caller's transaction."""
    query = delete(StaffSession).where(col(StaffSession.staff_id) == staff_id)
    if keep:
        query = query.where(col(StaffSession.id) != hash_token(keep))
    result = cast(CursorResult[Any], session.execute(query))
    return int(result.rowcount or 0)
