"""View helpers that every room's pages share: the platform keys, a report or 403/404, the staff directory, guesses."""

from __future__ import annotations

from flask import abort, current_app, request

from core.auth import StaffUser
from core.auth import staff_directory as load_staff_directory
from core.db import get_session
from core.security import current_private_key, current_staff, limiter
from incidents.intake import reading
from incidents.intake import service as intake
from incidents.models import Report


def current_keys() -> intake.PlatformKeys:
    return intake.platform_keys(current_app)


def report_or_404(report_id: int) -> Report:
    report = get_session().get(Report, report_id)
    if report is None:
        abort(404)
    return report


def reader_key_or_403(report: Report):
    """Return (reader id, private key) that opens the report for the caller, or answer 403."""
    try:
        return reading.staff_reader_key(report, current_staff(), current_keys(), current_private_key())
    except reading.NoAccess:
        abort(403)


def open_report_for_staff(report: Report):
    try:
        return reading.open_for_staff(
            session=get_session(),
            report=report,
            user=current_staff(),
            keys=current_keys(),
            private_key=current_private_key(),
        )
    except reading.NoAccess:
        abort(403)


def staff_directory() -> dict[int, StaffUser]:
    return load_staff_directory(get_session())


def dialect() -> str:
    """Name the database engine of this request's session ("sqlite" or "postgresql")."""
    return get_session().get_bind().dialect.name


def wants_json() -> bool:
    """Tell whether the caller asked for JSON (the staff API posts to the same URLs as the forms)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def guess_budget(scope: str, *, misses: tuple[int, ...] = (403,), methods: list[str] | None = None):
    """Return a decorator that makes its views share one budget (RECEIPT_LIMIT) of guesses per client bucket.

    Only misses count: answers with a status in `misses` (a receipt or a link that opened nothing).
    """
    return limiter.shared_limit(
        lambda: current_app.config["RECEIPT_LIMIT"],
        scope=scope,
        methods=methods,
        deduct_when=lambda response: response.status_code in misses,
    )
