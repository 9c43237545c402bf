"""The repository's gunicorn.conf.py, run as the README deploys it: slow clients and the error log."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import Gunicorn
from tests.e2e.test_server import server_env


@pytest.fixture
def deployed(database_url, tmp_path):
    server = Gunicorn(server_env(database_url, tmp_path), workers=2, as_deployed=True)
    server.wait_ready()
    yield server
    server.stop()


def _connect(server: Gunicorn) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def _healthz_seconds(server: Gunicorn) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
        assert response.status == 200
    return time.monotonic() - started


def test_the_error_log_holds_no_client_address(deployed):
    """An over-long request line makes gunicorn log "Invalid request from ip=..."; the address must not stay."""
    with _connect(deployed) as raw:
        raw.sendall(b"GET /" + b"a" * 8000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answer = raw.recv(1024)
    assert answer.startswith(b"HTTP/1.1 414"), answer
    with _connect(deployed) as raw:
        raw.sendall(b"NOT A REQUEST\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 400")
    log = deployed.stop()
    assert "Invalid request from ip=-" in log, log  # the line is still written, without the address
    assert "127.0.0.1" not in log, log


def test_the_access_log_holds_no_appeal_token(deployed):
    token = "Zq3_x-9aBcDeFgHiJkLmNoPqRsTuVwXy"  # token-shaped; unknown, so the page says the link is invalid
    for path in (f"/appeal/{token}", "/appeal/status"):
        try:
            urllib.request.urlopen(deployed.url + path, timeout=10)
        except urllib.error.HTTPError as refused:
            assert refused.code == 404, path
    log = deployed.stop()
    assert token not in log, log
    assert '"GET /appeal/<token> HTTP/1.1" 404' in log and '"GET /appeal/status HTTP/1.1" 200' in log, log


def test_healthz_answers_while_slow_clients_hold_connections(deployed):
    """Half-open connections (half a request line, then silence) must not stall everyone else."""
    stalled = []
    try:
        for index in range(4):
            raw = _connect(deployed)
            raw.sendall(b"GET /healthz HT" if index % 2 else b"POST /api/v1/reports HTTP/1.1\r\nContent-Le")
            stalled.append(raw)
        time.sleep(0.5)  # let the workers pick them up
        for _ in range(6):
            assert _healthz_seconds(deployed) < 2
    finally:
        for raw in stalled:
            raw.close()
