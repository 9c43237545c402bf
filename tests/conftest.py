"""Shared fixtures: app, client, runner, session, live_server, and staff factories.

The database is SQLite unless DATABASE_URL names PostgreSQL. On PostgreSQL the run
gets a schema of its own inside that database (dropped at the end), and every test
starts from empty tables.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import pyotp
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

TEST_SECRET = "test-secret-key-for-the-test-suite-only"

# The day that tests with fixed dates (a 2026Q3 report, incidents of the summer) run on: they carry
# `pytest.mark.time_machine(FIXED_DAY)`, so the clock stands there for the code and the factories alike
# and ticks on from noon. Everything else runs on the real clock, and CI runs it 400 days ahead too.
FIXED_DAY = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _database_url_from_env() -> str | None:
    url = os.environ.get("DATABASE_URL") or os.environ.get("FLASK_DATABASE_URL")
    return url if url and url.startswith("postgres") else None


@pytest.fixture(scope="session", autouse=True)
def _stop_timer_threads():
    """Cancel the Timer threads still waiting when the run ends.

    The rate limiter's in-memory storage (limits' MemoryStorage, one per test app) keeps a
    10 ms expiry Timer, a non-daemon thread that the interpreter joins at exit. Under libfaketime
    (CI's run 400 days ahead) a timed wait never times out, so those joins would hang forever.
    """
    yield
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(scope="session")
def db_backend() -> str:
    """Name the database the suite runs on: 'postgresql' or 'sqlite'."""
    return "postgresql" if _database_url_from_env() else "sqlite"


def postgres_schema_url(base: str, schema: str) -> str:
    """Return a URL whose connections use `schema` as their search path."""
    from core.settings import normalise_database_url

    url = normalise_database_url(base)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory, db_backend):
    """Build the schema once per run: a template SQLite file, or a private PostgreSQL schema."""
    import wsgi  # noqa: F401  (imports every package, so all models are registered)

    if db_backend == "postgresql":
        base = _database_url_from_env()
        schema = f"t_{uuid.uuid4().hex[:10]}"
        admin = create_engine(postgres_schema_url(base, "public"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres_schema_url(base, schema)
        engine = create_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield {"url": url}
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = create_engine(f"sqlite:///{path}")
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield {"path": path}


@pytest.fixture
def database_url(_database_template, tmp_path, db_backend):
    """Give each test an empty database with the current schema."""
    if db_backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(_database_template["path"], path)
        yield f"sqlite:///{path}"
        return
    url = _database_template["url"]
    yield url
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Return the config a test app is built with; tests may change it before using `app`."""
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "PLATFORM_SECRET": "test-platform-secret-for-the-test-suite",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # The task queue on SQLite in the test's instance folder, whatever REDIS_URL the shell has.
        "TASKS_BACKEND": "sqlite",
    }


@pytest.fixture
def app(app_config):
    from wsgi import create_app

    application = create_app(app_config)
    yield application
    from core.db import get_engine

    get_engine(application).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    from core.db import get_engine

    with Session(get_engine(app), expire_on_commit=False) as db:
        yield db


@dataclass
class StaffLogin:
    email: str
    password: str
    totp_secret: str
    id: int

    def code(self, offset: int = 0) -> str:
        """Return the TOTP code of the current step (or a neighbouring one)."""
        return totp_now(self.totp_secret, offset)


def totp_now(secret: str, offset: int = 0) -> str:
    """Return a TOTP code, waiting out the last moments of a 30-second step.

    The server then checks the code in the same step it was made in, so a test
    never flakes on the boundary.
    """
    into_step = time.time() % 30
    if into_step > 28.5:
        time.sleep(30 - into_step + 0.05)
    return pyotp.TOTP(secret).at(time.time(), counter_offset=offset)


@pytest.fixture
def make_staff(session):
    """Factory: create an enrolled staff account and return its credentials."""
    from core import auth

    def factory(role: str = "admin", email: str | None = None) -> StaffLogin:
        email = email or f"{role}-{secrets.token_hex(3)}@example.org"
        account = auth.create_staff(session=session, email=email, role=auth.Role(role), with_password=True)
        return StaffLogin(
            email=email, password=account.password, totp_secret=account.user.totp_secret, id=account.user.id
        )

    return factory


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log a StaffLogin in through the real form; returns the response."""

    def do(user: StaffLogin, code: str | None = None, follow_redirects: bool = False):
        page = client.get("/staff/login")
        return client.post(
            "/staff/login",
            data={
                "csrf_token": csrf_from(page.get_data(as_text=True)),
                "email": user.email,
                "password": user.password,
                "code": code or user.code(),
            },
            follow_redirects=follow_redirects,
        )

    return do


def signed_in_client(app, user: StaffLogin, offset: int = 0):
    """Return a new test client signed in as `user` through the real login form."""
    client = app.test_client()
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "email": user.email,
            "password": user.password,
            "code": user.code(offset),
        },
    )
    assert response.status_code == 302, "login failed"
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """Serve the test app over real HTTP on a loopback port, in a thread."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


def bucket_of(app, address: str) -> str:
    """Return the rate-limit bucket a client address falls in today (16 bits: two addresses can share one)."""
    from core.security import client_bucket

    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        return client_bucket()


def assert_own_buckets(app, *addresses: str) -> None:
    """Guard a test that needs its clients in different buckets: with the day pinned, this holds for good."""
    buckets = [bucket_of(app, address) for address in addresses]
    assert len(set(buckets)) == len(buckets), f"{addresses} share a bucket on this day: pick other addresses"
