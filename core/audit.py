"""The audit log: append-only and hash-chained, so an edit or deletion is detectable.

Each link is an HMAC keyed with a secret derived from PLATFORM_SECRET, so someone who can
write to the database but does not hold the configuration cannot rebuild a valid chain
after changing it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import Column, Connection, Engine, Index, text
from sqlalchemy.types import JSON
from sqlmodel import Field, Session, SQLModel, col, select

from core import clock
from core.db import UTCDateTime

GENESIS = "0" * 64


class AuditHead(SQLModel, table=True):
    """One row holding the newest event's seq: bumping it serialises appends, and it reveals a cut-off tail."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    # Few indexes: every write in the platform appends here. seq orders the chain; the
    # target index serves a record's history.
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    # The chain position is the primary key: one B-tree fewer to write on every append.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None)
    action: str = Field(max_length=64)
    target_type: str | None = Field(default=None, max_length=40)
    target_id: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


# The chain key of each engine, registered by core.init_app (engines are per app).
# Only engines are registered, but the lookup is by a session's bind, which may be a Connection.
_CHAIN_KEYS: weakref.WeakKeyDictionary[Engine | Connection, bytes] = weakref.WeakKeyDictionary()


def register_chain_key(engine: Engine, key: bytes) -> None:
    """Set the key that links audit events written through this engine."""
    _CHAIN_KEYS[engine] = key


def _chain_key(session: Session) -> bytes:
    key = _CHAIN_KEYS.get(session.get_bind())
    if key is None:
        raise RuntimeError("no audit chain key registered for this database engine (core.init_app does it)")
    return key


def event_digest(
    *,
    key: bytes,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    target_type: str | None,
    target_id: str | None,
    details: dict[str, Any],
    prev_hash: str | None,
) -> str:
    """MAC an event's content together with the previous event's hash."""
    canonical = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor_id, action, target_type, target_id, details, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


_BUMP_HEAD = text("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq")
_PREVIOUS_HASH = text("SELECT hash FROM audit_event WHERE seq = :seq")
# SQLite holds the database write lock from the UPDATE on, so the predecessor's hash can be read in the
# same statement. PostgreSQL cannot: a RETURNING subquery sees the snapshot taken before the statement
# waited for the head row, so it would miss an event committed meanwhile; there the read is separate.
_BUMP_HEAD_WITH_PREVIOUS = text(
    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 "
    "RETURNING seq, (SELECT hash FROM audit_event WHERE audit_event.seq = audit_head.seq - 1)"
)


def _claim_next(connection: Connection) -> tuple[int, str | None]:
    """Bump the head row and return the new event's number and its predecessor's hash.

    The hash is None only when the predecessor was deleted: the NOT NULL insert then refuses the append.
    """
    one_statement = connection.dialect.name == "sqlite"
    bump = _BUMP_HEAD_WITH_PREVIOUS if one_statement else _BUMP_HEAD
    row = connection.execute(bump).first()
    if row is None:
        connection.execute(text("INSERT INTO audit_head (id, seq) VALUES (1, 0) ON CONFLICT DO NOTHING"))
        row = connection.execute(bump).first()
        assert row is not None  # the head row exists now, so the bump returns it
    seq: int = row[0]
    if seq == 1:
        return seq, GENESIS
    if one_statement:
        return seq, row[1]
    previous: str | None = connection.execute(_PREVIOUS_HASH, {"seq": seq - 1}).scalar()
    return seq, previous


def append_event(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> str:
    """Append an event to the chain inside the caller's transaction and return its hash; the caller commits.

    The first statement bumps the single head row. It takes the row lock on PostgreSQL
    and the write lock on SQLite, so concurrent appenders queue up and each one reads
    the hash its predecessor committed.
    """
    details = details or {}
    connection = session.connection()  # Core statements skip the ORM's per-statement overhead
    seq, prev_hash = _claim_next(connection)
    at = clock.now()
    digest = event_digest(
        key=_chain_key(session),
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
        prev_hash=prev_hash,
    )
    # A plain table insert with bound parameters (compiled once): every write path appends here.
    connection.execute(
        AuditEvent.__table__.insert(),  # type: ignore[attr-defined]  # SQLModel sets __table__ but does not declare it
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "details": details,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    return digest


AuditCheck = Callable[[Session], list[str]]


def add_audit_check(app: Flask, check: AuditCheck) -> None:
    """Let a package add its cross-check of other records against the log to `audit verify`."""
    app.extensions.setdefault("audit_checks", []).append(check)


def audit_checks(app: Flask) -> list[AuditCheck]:
    checks: list[AuditCheck] = app.extensions.get("audit_checks", [])
    return checks


def checkpoint_problems(session: Session, seq: int, digest: str) -> list[str]:
    """Compare the chain with a checkpoint published earlier (seq and hash): a cut or altered log fails."""
    event = session.get(AuditEvent, seq)
    if event is None:
        return [f"the checkpoint names event {seq}, which is missing: the log was cut back"]
    if event.hash != digest:
        return [f"event {seq} does not have the checkpoint's hash: the log was altered"]
    return []


def checkpoint(session: Session) -> tuple[int, str] | None:
    """Return the newest event's seq and hash (what a publication records), or None for an empty log."""
    newest = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1)
    ).first()
    return (int(newest[0]), str(newest[1])) if newest is not None else None


def history(session: Session, target_type: str, target_id: int | str) -> list[AuditEvent]:
    """Return the audit events of one record, oldest first (the history a staff page shows)."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id == str(target_id))
            .order_by(col(AuditEvent.seq))
        )
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]
    first_bad: int | None = None  # the seq of the first event that fails, if any


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every event's hash in order and compare with the stored chain and head."""
    key = _chain_key(session)
    problems: list[str] = []
    first_bad: int | None = None
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(col(AuditEvent.seq)).limit(batch)
        ).all()
        if not events:
            break
        for event in events:
            before = len(problems)
            if event.seq != expected_seq:
                problems.append(f"event seq {expected_seq} is missing (next found: {event.seq})")
            if event.prev_hash != prev_hash:
                problems.append(f"event {event.seq}: link to the previous event is broken")
            digest = event_digest(
                key=key,
                seq=event.seq,
                at=event.at,
                actor_id=event.actor_id,
                action=event.action,
                target_type=event.target_type,
                target_id=event.target_id,
                details=event.details,
                prev_hash=event.prev_hash,
            )
            if digest != event.hash:
                problems.append(f"event {event.seq}: content does not match its hash")
            if first_bad is None and len(problems) > before:
                first_bad = min(event.seq, expected_seq)
            prev_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
            checked += 1
    head = session.get(AuditHead, 1)
    if head is not None and head.seq != last_seq:
        problems.append(f"the head says {head.seq} events but the chain ends at {last_seq}: events were removed")
        first_bad = first_bad if first_bad is not None else last_seq + 1
    if head is None and checked:
        problems.append("the chain head row is missing")
    return ChainReport(ok=not problems, checked=checked, problems=problems, first_bad=first_bad)
