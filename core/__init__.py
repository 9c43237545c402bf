"""Plumbing every package shares: settings, database, security, audit log, errors, logging."""

from __future__ import annotations

from flask import Flask

from core import (
    audit,
    cli,
    db,
    errors,
    home,
    i18n,
    ids,
    inputs,
    jsonbody,
    logs,
    openapi,
    permissions,
    sealing,
    security,
    staff_admin_views,
    tasks,
    views,
)


def init_app(app: Flask) -> None:
    """Wire the shared plumbing into the app (settings are already loaded)."""
    ids.init_app(app)  # before any blueprint adds an <int:...> route
    logs.init_app(app)
    jsonbody.init_app(app)
    inputs.init_app(app)  # before security: its hooks read the form
    db.init_app(app)
    audit.register_chain_key(
        db.get_engine(app), sealing.hkdf(app.config["PLATFORM_SECRET"].encode(), salt=None, info=b"audit-chain/v1")
    )
    security.init_app(app)
    permissions.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    home.init_app(app)
    tasks.init_app(app)
    openapi.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(staff_admin_views.blueprint())
