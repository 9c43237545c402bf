"""Take the README's screenshots with Debian's Chromium, from a fresh demo database.

Run from the repository (the dev requirements installed, Debian's chromium at /usr/bin/chromium):

    .venv/bin/python docs/screenshots.py

It seeds a throwaway SQLite database with `demo seed`, serves it with `flask run` on a free loopback
port, and drives Chromium with Playwright: a reporter sends a report on a phone-sized screen and saves the
receipt; a triager signs in and opens the queue and a report; the newest transparency report is shown. The
PNG files land in docs/screenshots/ and the README shows them. Nothing here runs in the test suite.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
            "FLASK_TASKS_BACKEND": "immediate",  # no worker needed for the seed's publication
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def seed(env: dict[str, str]) -> dict[str, str]:
    """Build the demo database and return each demo account's password by email."""
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [*FLASK, "demo", "seed", "--reports", "80"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(re.findall(r"Account:\s+(\S+) .*\nPassword: (\S+)", out))


def totp(env: dict[str, str], email: str) -> str:
    return subprocess.run(
        [*FLASK, "demo", "totp", email], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [*FLASK, "run", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the demo server did not start")


def reporter_flow(browser, base: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/report")
    page.screenshot(path=str(OUT / "report-form.png"), full_page=False)
    page.get_by_label("A short title").fill("Chatbot gives dosing advice for insulin")
    page.get_by_label("Describe what happened").fill(
        "Asked about a missed dose, the assistant told me to double the next one, with no warning to see a doctor."
    )
    page.get_by_label("What kind of problem is it?").select_option("safety_failure")
    page.locator("#f-model_name").fill("Aurora 13B")
    page.get_by_label("An incident: it caused harm").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    if page.locator(".receipt").count() == 0:
        raise RuntimeError("the report was refused; the form has changed: update reporter_flow")
    page.screenshot(path=str(OUT / "receipt.png"), full_page=False)
    page.close()


def staff_pages(browser, base: str, env: dict[str, str], password: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base + "/staff/login")
    page.get_by_label("Email").fill("triager@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_label("Authenticator code").fill(totp(env, "triager@example.org"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(base + "/staff/queue")
    page.screenshot(path=str(OUT / "queue.png"), full_page=False)
    first = page.locator("a[href^='/staff/reports/']").first
    first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "staff-report.png"), full_page=False)
    page.close()


def transparency(browser, base: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base + "/transparency/")
    page.locator("a[href^='/transparency/20']:visible").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "transparency-report.png"), full_page=False)
    page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = demo_env(Path(folder))
        passwords = seed(env)
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as pw:
                args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
                reporter_flow(browser, base)
                staff_pages(browser, base, env, passwords["triager@example.org"])
                transparency(browser, base)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
