"""Scheduled work of the incidents package, as plain functions of the app (wsgi wires the scheduler)."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from core.db import get_engine
from incidents.intake import retention
from incidents.registry import chain
from incidents.triage import notifications


def purge_expired_content(app: Flask) -> str:
    """Purge sealed content past its retention period."""
    with Session(get_engine(app)) as session:
        result = retention.purge_expired(session, retention_days=int(app.config["RETENTION_DAYS"]))
    return (
        f"purged {result.reports} reports ({result.messages} messages, {result.attachments} attachments), "
        f"{result.appeals} appeals ({result.appeal_files} files) and {result.statement_addresses} statement addresses"
    )


def warn_about_deadlines(app: Flask) -> str:
    """E-mail staff about filings, duties to reporters and appeal decisions due within two days or overdue."""
    with Session(get_engine(app)) as session:
        mailer = notifications.Mailer.from_config(app.config)
        sent = notifications.notify_deadlines(session, mailer)
        duties = notifications.notify_duties(session, mailer)
        appeals = notifications.notify_appeals(session, mailer)
    return f"sent {sent} deadline warnings, {duties} duty warnings and {appeals} appeal warnings"


def notify_model_owners(app: Flask) -> str:
    """E-mail the owner contacts of models flagged down a lineage that were not told when their upstream moved."""
    with Session(get_engine(app)) as session:
        sent = chain.notify_owners(session, notifications.Mailer.from_config(app.config))
    return f"sent {sent} owner notices"


# name -> (function, cron fields). The times are UTC.
JOBS = {
    "purge-expired-content": (purge_expired_content, {"hour": 3, "minute": 17}),
    "warn-about-deadlines": (warn_about_deadlines, {"minute": 5}),
    "notify-model-owners": (notify_model_owners, {"minute": 35}),
}
