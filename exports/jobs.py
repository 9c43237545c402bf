"""Scheduled work of the exports package, and the refresh that follows each publication."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from core.db import get_engine
from exports import service


def refresh_exports(app: Flask, period: str | None = None) -> str:
    """Regenerate the AI Incident Database export (and a quarter's DSA statements); unchanged data adds no run."""
    outcomes = []
    with Session(get_engine(app)) as session:
        aiid = service.run_export(app, session, "aiid", trigger="publication" if period else "schedule")
        outcomes.append(f"aiid run {aiid.run.id} {'written' if aiid.created else 'unchanged'}")
        if period:
            dsa = service.run_export(app, session, "dsa", period=period, trigger="publication")
            outcomes.append(f"dsa {period} run {dsa.run.id} {'written' if dsa.created else 'unchanged'}")
    return "; ".join(outcomes)


def after_publication(app: Flask, *, period: str, **_extra) -> None:
    """Regenerate the exports once a transparency report is published; a failure never undoes the publication."""
    try:
        app.logger.info("exports after publication of %s: %s", period, refresh_exports(app, period))
    except Exception as err:  # the publication is committed; the next scheduled refresh retries
        app.logger.error("exports after publication of %s failed: %s", period, type(err).__name__)


# Daily, after the publication job: picks up incidents approved since the last run.
JOBS = {"refresh-exports": (refresh_exports, {"hour": 1, "minute": 0})}
