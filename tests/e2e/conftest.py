"""Browser and real-server fixtures for the end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def skip_or_fail(reason: str):
    """Skip with the reason, or fail where CI demands every test run (REQUIRE_ALL_TESTS=1)."""
    if os.environ.get("REQUIRE_ALL_TESTS") == "1":
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def axe_path() -> Path:
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE}: run npm install --no-package-lock --prefix tests/e2e")
    return AXE


@pytest.fixture
def page_factory(browser):
    """Open pages in fresh contexts that record every request the page makes."""
    contexts = []

    def make(javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(java_script_enabled=javascript, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.requests_seen = []
        page.on("request", lambda request: page.requests_seen.append(request.url))
        return page

    yield make
    for context in contexts:
        context.close()


def run_axe(page, axe_path: Path) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules and return serious or critical violations."""
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class Gunicorn:
    """A gunicorn process serving wsgi:create_app() on a loopback port, with the repository's gunicorn.conf.py.

    `as_deployed` starts it as the README's production command does: no flags, only BIND and WEB_CONCURRENCY.
    """

    def __init__(self, env: dict, workers: int = 2, as_deployed: bool = False):
        from tests.conftest import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(env["INSTANCE"]) / "gunicorn.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 (open for the server's whole life, closed at stop)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        flags = ["-w", str(workers), "-b", f"127.0.0.1:{self.port}"]
        if as_deployed:
            env = {**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
            flags = []
        self.proc = subprocess.Popen(
            [gunicorn, *flags, "wsgi:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        import urllib.request

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        return self.log_path.read_text()
