"""Database engine per app and one session per request."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Dialect, Engine, TypeDecorator, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

ENGINE_KEY = "core.engine"


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and read them back aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.clock.now() or attach a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, echo: bool = False) -> Engine:
    """Build an engine that keeps bound values out of error messages and logs.

    SQLite gets WAL, foreign keys and a busy timeout on every connection.
    """
    if url.startswith("sqlite"):
        # Pooled connections: closing the last connection to a WAL database checkpoints it,
        # which would otherwise happen after every request.
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 15},
            pool_size=5,
            max_overflow=10,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # A read-only database keeps the journal mode it has, and still serves reads.
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    # A 64 MiB page cache per connection and memory-mapped reads keep indexed lookups
    # flat as the database grows past what SQLite's 2 MiB default holds.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    # FULL: a receipt is shown only after the report survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


@contextlib.contextmanager
def lean_reads(session: Session) -> Iterator[None]:
    """Read with SQLite's default small page cache and no memory map, then restore the connection's settings.

    The app's connections keep a 64 MiB page cache and a 256 MiB memory map for indexed lookups; a job
    that reads a whole table or period (an export, a publication's counts) gains little from them, and
    their pages would count in its process's memory (the publication's peak went over 512 MiB).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    saved = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("mmap_size", "cache_size")}
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    connection.exec_driver_sql("PRAGMA cache_size=-2000")
    try:
        yield
    finally:
        for name, value in saved.items():
            connection.exec_driver_sql(f"PRAGMA {name}={int(value or 0)}")


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session on teardown."""
    app.extensions[ENGINE_KEY] = make_engine(app.config["DATABASE_URL"], app.config.get("SQL_ECHO", False))
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    """Return the engine of the given or current app."""
    engine: Engine = (app or current_app).extensions[ENGINE_KEY]
    return engine


def get_session() -> Session:
    """Return this request's (or app context's) session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
