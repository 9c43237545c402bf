"""Settings: defaults, then the environment, then explicit overrides.

The environment is read with the ``FLASK_`` prefix (``FLASK_MAX_FILES=5``) and,
because every platform names them so, also the bare ``DATABASE_URL``,
``REDIS_URL`` and ``SECRET_KEY``; the DSA Transparency Database's ``DSA_TDB_URL`` and
``DSA_TDB_TOKEN`` are read bare too.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

MB = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    "APP_ENV": "development",
    "DATABASE_URL": None,
    "REDIS_URL": None,
    "SQL_ECHO": False,
    # Staff sessions: a signed cookie that expires when idle.
    "STAFF_IDLE_MINUTES": 30,
    # Rows per page of the staff queue and the incident list (keyset pages, so any size is cheap).
    "QUEUE_PAGE_SIZE": 50,
    # Staff e-mail (assignments, deadlines). No MAIL_SERVER: nothing is sent.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_STARTTLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "incidents@localhost",
    # Duties to the reporter (incidents/triage/duties.py). The whistleblower channel is internal (Directive
    # (EU) 2019/1937, Art. 9) or external (Art. 11: feedback may be extended once to six months, and the
    # final outcome is owed). The public channel's decision target is a service level, not a legal deadline.
    "WHISTLEBLOWER_CHANNEL_KIND": "internal",
    "PUBLIC_DECISION_TARGET_DAYS": 14,
    # An automatic acknowledgement, sealed in the reporter's thread at submission, per channel; it meets
    # the acknowledgement duty only with AUTO_ACK_MEETS_DUTY.
    "AUTO_ACK_WHISTLEBLOWER": True,
    "AUTO_ACK_PUBLIC": False,
    "AUTO_ACK_MEETS_DUTY": False,
    # Transparency reports: the quarter's epsilon, automatic or draft-then-approve, Ed25519 signing.
    "TRANSPARENCY_EPSILON": 1.0,
    # What one release spends; below the budget it leaves room for corrections. None: the whole budget.
    "TRANSPARENCY_RELEASE_EPSILON": None,
    "TRANSPARENCY_MODE": "auto",
    "TRANSPARENCY_SIGN": False,
    # Sealed report content is purged this many days after the report is closed.
    "RETENTION_DAYS": 365,
    # An appeal against an enforcement action or a dismissal is to be decided within this many days.
    "APPEAL_DECISION_DAYS": 30,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "SETUP_LINK_HOURS": 72,
    # Login failures: per client bucket and per account, counted only on failure.
    "LOGIN_LIMIT": "10 per 15 minutes",
    # Failed sign-ins per account; past it, only client buckets that failed on the account wait (core.security).
    "LOGIN_ACCOUNT_LIMIT": "20 per 10 minutes",
    # Failed sign-ins per account per day, from anywhere: past it only a browser that signed in to it before passes.
    "LOGIN_ACCOUNT_CEILING": "100 per day",
    # X-RateLimit-* headers would cost a storage round trip on every limited request.
    "RATELIMIT_HEADERS_ENABLED": False,
    # Reporters: submissions per client bucket, and wrong receipts (only failures count).
    "INTAKE_LIMIT": "30 per hour",
    # A partner's API token and a hub's webhook, per partner (not per address), instead of INTAKE_LIMIT.
    "PARTNER_LIMIT": "600 per hour",
    # A TOML file of licences to act on besides, or instead of, the built-in ones (incidents/registry/licences.py).
    "LICENCE_REGISTRY_FILE": None,
    # Optional proof of work on the report forms (incidents/intake/work.py): 0 turns it off. With it on,
    # solved forms are limited per bucket by INTAKE_POW_LIMIT only, and all unsolved ones together
    # (no JavaScript) by INTAKE_NOJS_LIMIT besides INTAKE_LIMIT.
    "INTAKE_POW_BITS": 0,
    "INTAKE_POW_LIMIT": "300 per hour",
    "INTAKE_NOJS_LIMIT": "120 per hour",
    "RECEIPT_LIMIT": "10 per 15 minutes",
    # Uploads: total body cap; per-file limits live with intake.
    "MAX_FILES": 10,
    "MAX_FILE_BYTES": 20 * MB,
    "MAX_CONTENT_LENGTH": None,  # derived from the two above unless set
    # The JSON intake API (POST /api/v1/reports): larger bodies get 413 before they are read. It holds the
    # longest valid report even with every character \u-escaped (about 570 KB); base64 files count too.
    "API_JSON_MAX_BYTES": 1 * MB,
    # Each file is cleaned in a child process: pixels per image (embedded ones too), CPU seconds, memory.
    "ATTACHMENT_MAX_PIXELS": 40_000_000,
    "ATTACHMENT_CPU_SECONDS": 10,
    "ATTACHMENT_MEMORY_MB": 1024,
    # All files of one request together, in wall time: below gunicorn's timeout (60 s), so a request
    # full of hostile files gets its files refused instead of its worker killed.
    "ATTACHMENT_REQUEST_SECONDS": 40,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "WTF_CSRF_SSL_STRICT": False,  # no Referer is ever sent (Referrer-Policy: no-referrer)
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ["en", "es"],
    # Behind a TLS-terminating proxy, trust this many X-Forwarded-Proto/Host hops. X-Forwarded-For is read only
    # to pick a rate-limit bucket (core.security.client_address): hashed in memory, never stored or logged.
    "PROXY_HOPS": 0,
    "PUBLIC_BASE_URL": None,
    # Exports (AI Incident Database, DSA statements of reasons). EXPORT_DIR: where runs are kept
    # (default: instance/exports); EXPORT_NAMESPACE seeds the stable record ids (default:
    # PUBLIC_BASE_URL); the PUID prefix makes statement ids unique to this platform.
    "EXPORT_DIR": None,
    "EXPORT_NAMESPACE": None,
    "EXPORT_SUBMITTER": "Anonymous",
    "EXPORT_LANGUAGE": "en",
    "EXPORT_PUID_PREFIX": "enforcement-action-",
    "EXPORT_KEEP_RUNS": 5,
    # Sending statements of reasons to the DSA Transparency Database (`export dsa --submit`): its base URL
    # (https://transparency.dsa.ec.europa.eu; requests go to {base}/api/v1/...) and this platform's API token,
    # a secret that is never printed or logged. Requests that fail for a passing reason (no connection, a
    # timeout, 429, 5xx) are tried DSA_TDB_ATTEMPTS times, waiting DSA_TDB_BACKOFF seconds, doubled each time.
    "DSA_TDB_URL": None,
    "DSA_TDB_TOKEN": None,
    "DSA_TDB_ATTEMPTS": 5,
    "DSA_TDB_BACKOFF": 2.0,
    "DSA_TDB_TIMEOUT": 30.0,
    # The task queue (core/tasks.py) that publishing and exporting from the staff pages run on, worked off by
    # its own process, `flask --app wsgi tasks run`. TASKS_BACKEND: "sqlite" (a file: TASKS_SQLITE_PATH, or
    # tasks.db in the instance folder), "redis" (TASKS_REDIS_URL, or REDIS_URL), or "immediate" (a job runs
    # where it is submitted, inside the request: development without a worker only). None: Redis when
    # REDIS_URL is set, else SQLite. Web workers and the task worker must name the same queue.
    "TASKS_BACKEND": None,
    "TASKS_SQLITE_PATH": None,
    "TASKS_REDIS_URL": None,
    "TASKS_QUEUE_NAME": "platform",
}

PRODUCTION_NAMES = {"production", "prod"}
# Secrets that production must be given; development generates them into the instance folder.
SECRETS = {
    "SECRET_KEY": "it signs sessions and form tokens",
    "PLATFORM_SECRET": "it derives the key that seals public-channel reports, the receipt lookup key and "
    "the audit chain key; losing it makes those reports unreadable",
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and what to do."""


def current_env() -> str:
    """Return the deployment environment named by APP_ENV or FLASK_ENV."""
    return (os.environ.get("APP_ENV") or os.environ.get("FLASK_ENV") or "development").lower()


def load_settings(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill app.config from defaults, the environment and overrides, then check it."""
    overrides = dict(overrides or {})
    app.config.update(DEFAULTS)
    app.config["APP_ENV"] = current_env()
    app.config.from_prefixed_env("FLASK")
    for bare in ("DATABASE_URL", "REDIS_URL", "DSA_TDB_URL", "DSA_TDB_TOKEN", *SECRETS):
        if os.environ.get(bare):
            app.config[bare] = os.environ[bare]
    app.config.update(overrides)

    production = is_production(app)
    if not _explicit("SESSION_COOKIE_SECURE", overrides):
        app.config["SESSION_COOKIE_SECURE"] = production

    for name, purpose in SECRETS.items():
        if app.config.get(name):
            continue
        if production:
            raise ConfigError(
                f"{name} is not set. In production the app refuses to start without it ({purpose}). "
                "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))' "
                f"and export it as {name} (or FLASK_{name}). Keep it stable and backed up."
            )
        app.config[name] = _instance_secret(app, name)

    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'app.db'}"
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])

    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Room for every allowed file plus the form fields around them.
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FILES"] * app.config["MAX_FILE_BYTES"] + 2 * MB

    if not _explicit("RATELIMIT_STORAGE_URI", overrides):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config["PERMANENT_SESSION_LIFETIME"] = _as_timedelta(app.config["PERMANENT_SESSION_LIFETIME"])
    if str(app.config["WHISTLEBLOWER_CHANNEL_KIND"]).lower() not in ("internal", "external"):
        raise ConfigError("WHISTLEBLOWER_CHANNEL_KIND must be 'internal' or 'external'.")


def is_production(app: Flask) -> bool:
    """Tell whether the app runs with production settings."""
    return str(app.config.get("APP_ENV", "")).lower() in PRODUCTION_NAMES


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _explicit(key: str, overrides: dict[str, Any]) -> bool:
    return key in overrides or f"FLASK_{key}" in os.environ


def _as_timedelta(value: timedelta | float | str) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def _instance_secret(app: Flask, name: str) -> str:
    """Return a development secret from the instance folder, creating it once with mode 0600."""
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text() or "{}")
    if name not in stored:
        stored[name] = secrets.token_urlsafe(48)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(stored, handle)
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    return stored[name]
