"""gunicorn 'wsgi:create_app()' as deployed: logs without client data, limits shared through Redis."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from tests.e2e.conftest import ROOT, Gunicorn, skip_or_fail

USER_AGENT = "Distinctive-Agent/9.9 (fingerprint-canary)"


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_available(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def server_env(database_url: str, tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k not in ("APP_ENV", "REDIS_URL")}
    env.update(
        {
            "SECRET_KEY": TEST_SECRET,
            "PLATFORM_SECRET": TEST_SECRET + "-platform",
            "DATABASE_URL": database_url,
            "INSTANCE": str(tmp_path),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


class Browserless:
    """A cookie-keeping HTTP client that opens a new connection for every request."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"User-Agent": USER_AGENT})
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.request(path)[1]).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_access_and_app_logs_hold_no_client_address_or_agent(database_url, tmp_path, make_staff):
    user = make_staff("admin")
    server = Gunicorn(server_env(database_url, tmp_path))
    server.wait_ready()
    started = server.log_path.read_text()
    client = Browserless(server.url)
    client.request("/?q=private-search-term")
    client.request("/no-such-page")
    token = client.csrf("/staff/login")
    assert (
        client.request(
            "/staff/login", {"csrf_token": token, "email": user.email, "password": "wrong", "code": "123456"}
        )[0]
        == 401
    )
    assert (
        client.request(
            "/staff/login", {"csrf_token": token, "email": user.email, "password": user.password, "code": user.code()}
        )[0]
        == 302
    )
    assert client.request("/staff/")[0] == 200
    log = server.stop()[len(started) :]
    request_lines = [line for line in log.splitlines() if '"GET ' in line or '"POST ' in line]
    assert len(request_lines) >= 6, log
    assert "127.0.0.1" not in log
    assert "Distinctive-Agent" not in log and "fingerprint-canary" not in log
    assert "private-search-term" not in log
    assert user.email not in log


@pytest.mark.redis
def test_login_failure_limit_holds_across_workers_with_redis(database_url, tmp_path):
    url = redis_url()
    if not redis_available(url):
        skip_or_fail(f"Redis is not reachable at {url}")
    env = server_env(
        database_url,
        tmp_path,
        REDIS_URL=url,
        FLASK_LOGIN_LIMIT='"5 per 15 minutes"',
        FLASK_RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
    )
    server = Gunicorn(env, workers=2)
    try:
        server.wait_ready()
        statuses = []
        for i in range(12):
            client = Browserless(server.url)  # new cookies and a new connection each time
            token = client.csrf("/staff/login")
            statuses.append(
                client.request(
                    "/staff/login",
                    {"csrf_token": token, "email": f"u{i}@example.org", "password": "wrong", "code": "123456"},
                )[0]
            )
    finally:
        log = server.stop()
    assert statuses == [401] * 5 + [429] * 7, (statuses, log[-2000:])
    pids = set(re.findall(r"Booting worker with pid: (\d+)", log))
    assert len(pids) == 2


def test_production_start_without_secret_key_fails_clearly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_SECRET_KEY", "PLATFORM_SECRET")}
    env.update({"APP_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run(
        [str(flask), "--app", "wsgi", "routes"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    gunicorn = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", "127.0.0.1:0", "wsgi:create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert gunicorn.returncode != 0
    assert "SECRET_KEY is not set" in gunicorn.stdout + gunicorn.stderr


def test_scheduler_runs_as_its_own_process(tmp_path):
    """`flask scheduler run` schedules every job, catches up at start, and stops cleanly on SIGTERM."""
    import signal
    import time as _time

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        "SECRET_KEY": "s" * 32,
        "PLATFORM_SECRET": "p" * 32,
        # The queue (the exports' refresh the publication queues) and the exports in this test's folder.
        "FLASK_TASKS_BACKEND": "sqlite",
        "FLASK_TASKS_SQLITE_PATH": str(tmp_path / "tasks.db"),
        "FLASK_EXPORT_DIR": str(tmp_path / "exports"),
    }
    flask = Path(sys.executable).parent / "flask"
    assert (
        subprocess.run(
            [str(flask), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, timeout=60
        ).returncode
        == 0
    )
    proc = subprocess.Popen(
        [str(flask), "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = _time.time() + 90
        while _time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.startswith("scheduler running"):
                break
        text = "\n".join(lines)
        for job in ("purge-expired-content", "warn-about-deadlines", "publish-last-quarter"):
            assert f"scheduled {job}" in text and f"catch-up {job}" in text, text
        assert "catch-up publish-last-quarter: " in text and "created" in text, text
        assert proc.poll() is None  # waiting for the next tick
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "scheduler stopped" in out
