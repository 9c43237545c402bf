"""Through a real proxy hop: nginx in front of gunicorn, two clients with their own loopback addresses.

Behind `PROXY_HOPS=1` every request reaches the app from nginx's address. The rate-limit buckets
must be the clients' own (taken from the X-Forwarded-For nginx appends), so one client's junk does
not close intake, and its failed sign-ins do not lock a staff member out, for the other.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET, bucket_of, free_port
from tests.e2e.conftest import Gunicorn, skip_or_fail
from tests.e2e.test_server import server_env

ROOT = Path(__file__).resolve().parents[2]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _two_clients() -> tuple[str, str]:
    """Two loopback addresses of this machine in different rate-limit buckets today (buckets are 16 bits)."""
    from flask import Flask

    app = Flask(__name__)
    app.config.update(SECRET_KEY=TEST_SECRET)
    buckets: dict[str, str] = {}
    for last in range(2, 40):
        address = f"127.0.0.{last}"
        buckets.setdefault(bucket_of(app, address), address)
        if len(buckets) == 2:
            noisy, quiet = buckets.values()
            return noisy, quiet
    raise AssertionError("no two loopback addresses in different buckets")


NOISY, QUIET = _two_clients()


def readme_logging() -> str:
    """Return the README's nginx logging lines (the map and the log_format before `server {`), as deployed."""
    block = (ROOT / "README.md").read_text().split("```nginx\n", 1)[1]
    return block.split("server {", 1)[0]


NGINX_CONF = """
worker_processes 1;
user root;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
{readme_logging}
    access_log {prefix}/access.log private;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, prefix: Path, upstream: int):
        if not Path(NGINX).exists():
            skip_or_fail("no nginx: install Debian's nginx-light (apt-get install nginx-light)")
        self.prefix, self.port = prefix, free_port()
        prefix.mkdir(parents=True, exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(prefix=prefix, port=self.port, upstream=upstream, readme_logging=readme_logging())
        )
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                status, _body, _headers = self.request(QUIET, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not start: {(prefix / 'error.log').read_text()}")

    def request(self, source: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """Send one request from the loopback address `source`, through nginx."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def proxied(database_url, tmp_path):
    env = server_env(
        database_url,
        tmp_path,
        FLASK_PROXY_HOPS="1",
        FLASK_INTAKE_LIMIT='"3 per hour"',
        FLASK_LOGIN_LIMIT='"100 per hour"',
        FLASK_LOGIN_ACCOUNT_LIMIT='"3 per 10 minutes"',
    )
    app = Gunicorn(env, workers=1)  # one worker: the in-memory limiter store is per process
    app.wait_ready()
    proxy = Nginx(tmp_path / "nginx", app.port)
    yield proxy, app
    proxy.stop()
    app.stop()


def junk_report(proxy: Nginx, source: str) -> int:
    status, _body, _headers = proxy.request(
        source, "POST", "/api/v1/reports", body=b'{"junk": true}', headers={"Content-Type": "application/json"}
    )
    return status


class Session:
    """Cookies for one client, by hand (http.client keeps none)."""

    def __init__(self, proxy: Nginx, source: str):
        self.proxy, self.source, self.cookie = proxy, source, ""

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, text, response_headers = self.proxy.request(self.source, method, path, body, headers)
        cookie = response_headers.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return status, text

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.send("GET", path)[1]).group(1)


def test_the_proxys_access_log_holds_no_address_and_no_appeal_token(proxied, tmp_path):
    proxy, _app = proxied
    token = "Zq3_x-9aBcDeFgHiJkLmNoPqRsTuVwXy"  # token-shaped; unknown, so the page says the link is invalid
    assert proxy.request(QUIET, "GET", f"/appeal/{token}")[0] == 404
    assert proxy.request(QUIET, "GET", "/appeal/status")[0] == 200
    proxy.stop()  # nginx writes its log as it goes; stopping makes sure every line is out
    log = (tmp_path / "nginx" / "access.log").read_text()
    assert '"GET /appeal/<token>" 404' in log and '"GET /appeal/status" 200' in log, log
    assert token not in log and QUIET not in log, log


def test_one_clients_junk_does_not_close_intake_for_another(proxied):
    proxy, app = proxied
    # A JSON object that is no report is refused field by field (422) until the client's limit (429).
    assert [junk_report(proxy, NOISY) for _ in range(5)] == [422, 422, 422, 429, 429]
    assert junk_report(proxy, QUIET) == 422, "the other client's bucket is its own"
    log = app.stop()
    assert NOISY not in log and QUIET not in log


def test_failed_sign_ins_from_one_client_do_not_lock_out_the_owner(proxied, make_staff):
    proxy, _app = proxied
    owner = make_staff("triager")
    attacker = Session(proxy, NOISY)
    token = attacker.csrf("/staff/login")
    bad = {"csrf_token": token, "email": owner.email, "password": "wrong", "code": "000000"}
    statuses = [attacker.send("POST", "/staff/login", bad)[0] for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    victim = Session(proxy, QUIET)
    token = victim.csrf("/staff/login")
    right = {"csrf_token": token, "email": owner.email, "password": owner.password, "code": owner.code()}
    status, _text = victim.send("POST", "/staff/login", right)
    assert status == 302, "the owner signs in from a client with no failures"
    assert victim.send("GET", "/staff/queue")[0] == 200


def test_the_proxy_header_a_client_sends_does_not_choose_its_bucket(proxied):
    """nginx appends the real address; with one trusted hop only that rightmost entry counts."""
    proxy, _app = proxied
    spoof = {"Content-Type": "application/json", "X-Forwarded-For": QUIET}
    statuses = [proxy.request(NOISY, "POST", "/api/v1/reports", b"{}", spoof)[0] for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert junk_report(proxy, QUIET) == 422
    assert json.loads(proxy.request(QUIET, "GET", "/healthz")[1]) == {"status": "ok"}


def test_a_buffering_proxy_in_front_keeps_many_slow_clients_off_the_workers(database_url, tmp_path):
    """The README's deployment: nginx buffers whole requests, so half-sent ones never reach gunicorn's threads.

    Forty connections that send half a request line, half the headers or half a body would pin every
    thread of gunicorn's one worker here (8 threads) if they reached it; through nginx /healthz still
    answers at once.
    """
    import socket

    app = Gunicorn(server_env(database_url, tmp_path), workers=1, as_deployed=True)
    app.wait_ready()
    proxy = Nginx(tmp_path / "nginx", app.port)
    stalled = []
    try:
        partial = [
            b"GET /healthz HT",
            b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n",
            b"POST /report HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\nfield=",
        ]
        for index in range(40):
            raw = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
            raw.sendall(partial[index % len(partial)])
            stalled.append(raw)
        time.sleep(0.5)
        timings = []
        for _ in range(5):
            started = time.monotonic()
            status, body, _headers = proxy.request(QUIET, "GET", "/healthz")
            timings.append(time.monotonic() - started)
            assert status == 200 and json.loads(body) == {"status": "ok"}
        assert max(timings) < 5, timings  # a stalled request would hold it for the 30 s of nginx's timeouts
    finally:
        for raw in stalled:
            raw.close()
        proxy.stop()
        app.stop()
