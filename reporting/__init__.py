"""Quarterly transparency reports built from aggregated, privacy-protected counts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reporting package with the app (publication arrives with its issue, #5)."""
    app.extensions["reporting"] = {}
