"""The domain errors every room raises; one handler turns them into a page or JSON."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be carried out; the message says why, in words for staff."""

    status_code = 400


class IllegalTransition(DomainError):
    status_code = 409


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


def conflict() -> Conflict:
    return Conflict(
        "Someone else changed this record while you were looking at it. "
        "Reload the page to see their change, then try again."
    )
