"""The DSA Transparency Database's API over HTTP: the batch endpoint and the puid check, with retries.

The API (digital-services-act/transparency-database, main at 69e80a0b; routes/api_v1.php:21-26) wants
`Authorization: Bearer <token>` and `Accept: application/json`. POST /api/v1/statements takes 1-100 statements
and answers 201 when it stored all of them, 422 when it stored none (StatementMultipleAPIController.php:38-101);
GET /api/v1/statement/existing-puid/{puid} answers 302 when the puid is stored, 404 when it is not
(StatementAPIController.php:43-58). Its rate limits answer 429 (app/Providers/RouteServiceProvider.php:63-83).

A request that fails for a passing reason (no connection, a timeout, 429, a 5xx) is tried again after an
exponential back-off with jitter, or after the Retry-After the API sent; refused credentials (401, 403) and
any other answer stop at once. The token is sent in the header only: no message, log line or repr holds it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests

STATEMENTS_PATH = "/api/v1/statements"
EXISTING_PUID_PATH = "/api/v1/statement/existing-puid/"


class TdbError(Exception):
    """A failure that stops a submission; `tries` is how many requests were made for the step that failed."""

    def __init__(self, message: str, *, tries: int = 0):
        super().__init__(message)
        self.tries = tries


@dataclass(frozen=True)
class TdbSettings:
    """Where the API is, the token (kept out of repr), and how hard to try."""

    url: str
    token: str = field(repr=False)
    attempts: int = 5
    backoff: float = 2.0
    timeout: float = 30.0
    max_wait: float = 300.0  # no single wait is longer, whatever Retry-After says


@dataclass
class Answer:
    status: int
    body: dict
    tries: int  # requests made, retries included


REFUSED = {
    401: "The DSA Transparency Database refused the token (HTTP 401). Check DSA_TDB_TOKEN; a token generated "
    "again in the database's profile page replaces the old one.",
    403: "The DSA Transparency Database refused this token's user (HTTP 403): sending statements needs the "
    "'create statements' permission and a platform, and checking a statement's puid the 'view statements' one.",
}


def retry_after(response: requests.Response) -> float | None:
    """Read Retry-After, in seconds or as an HTTP date; None when absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class TdbClient:
    """One platform's connection to the API; `sleep` and `rand` are injectable so tests do not wait."""

    def __init__(
        self,
        settings: TdbSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ):
        self.settings = settings
        self.sleep, self.rand = sleep, rand
        self.waits: list[float] = []  # every wait asked for, in order
        self.http = requests.Session()
        self.http.headers.update(
            {
                "Authorization": f"Bearer {settings.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            }
        )

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def post_statements(self, statements: list[dict]) -> Answer:
        """POST one batch; the answer is 201 (all stored) or 422 (none stored)."""
        return self.request("POST", STATEMENTS_PATH, expect={201, 422}, json={"statements": statements})

    def puid_exists(self, puid: str) -> Answer:
        """Ask whether the API holds a statement with this puid: 302 yes, 404 no."""
        return self.request("GET", EXISTING_PUID_PATH + quote(puid, safe=""), expect={302, 404})

    def backoff(self, attempt: int) -> float:
        """The wait before try `attempt + 1`: doubling from the base, with up to half again of jitter."""
        base = self.settings.backoff * 2 ** (attempt - 1)
        return min(self.settings.max_wait, base * (1 + 0.5 * self.rand()))

    def request(self, method: str, path: str, *, expect: set[int], **kwargs) -> Answer:
        """Make one request, retrying passing failures; return the answer if its status is expected."""
        url = self.settings.url.rstrip("/") + path
        attempts = max(1, self.settings.attempts)
        for attempt in range(1, attempts + 1):
            try:
                response = self.http.request(
                    method, url, timeout=self.settings.timeout, allow_redirects=False, **kwargs
                )
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as err:
                problem, wait = f"{type(err).__name__} on {method} {path}", self.backoff(attempt)
            except requests.RequestException as err:  # a malformed address, say: trying again changes nothing
                raise TdbError(
                    f"{type(err).__name__} on {method} {path}; check DSA_TDB_URL (an https:// address).", tries=attempt
                ) from None
            else:
                status = response.status_code
                if status in expect:
                    return Answer(status, _body(response), attempt)
                if status in REFUSED:
                    raise TdbError(REFUSED[status], tries=attempt)
                if status != 429 and status < 500:
                    raise TdbError(
                        f"The DSA Transparency Database answered HTTP {status} to {method} {path}; "
                        "check DSA_TDB_URL (the base address, without /api/v1).",
                        tries=attempt,
                    )
                problem = f"HTTP {status} on {method} {path}"
                wait = min(self.settings.max_wait, retry_after(response) or self.backoff(attempt))
            if attempt == attempts:
                raise TdbError(f"Gave up after {attempts} tries: {problem}.", tries=attempt)
            self.waits.append(wait)
            self.sleep(wait)
        raise AssertionError("unreachable")


def _body(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
