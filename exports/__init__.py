"""Exports of approved incidents in other systems' formats."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the exports package with the app (formats arrive with their issue, #6)."""
    app.extensions["exports"] = {}
