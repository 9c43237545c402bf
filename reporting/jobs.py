"""Scheduled work of the reporting package."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from core import clock
from core.db import get_engine
from reporting import publish as publishing
from reporting.aggregate import Period


def publish_last_quarter(app: Flask) -> str:
    """Publish the quarter that ended last, if it is not published yet (so a missed run catches up)."""
    period = Period.containing(clock.now()).previous()
    with Session(get_engine(app)) as session:
        try:
            outcome = publishing.publish(app, session, str(period))
        except publishing.PublicationRefused as refusal:
            # A refusal is a state the operator must act on (a spent budget, an overlap), not a crash.
            return f"{period}: refused: {refusal}"
    return f"{period}: {'created' if outcome.created else 'already there'}"


# Daily: on the first day of a quarter it publishes; on any later day it catches up a missed run.
JOBS = {"publish-last-quarter": (publish_last_quarter, {"hour": 0, "minute": 30})}
