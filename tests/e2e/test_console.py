"""Pages log nothing to the browser console: no header Chromium rejects, no script error, no failed load."""

from __future__ import annotations

import pytest

PAGES = ("/", "/report", "/followup", "/whistleblow", "/transparency/", "/models/checklist", "/staff/login")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_logs_nothing_to_the_console(live_server, page_factory, path):
    page = page_factory()
    messages: list[tuple[str, str]] = []
    page.on("console", lambda message: messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: messages.append(("pageerror", str(error))))
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    assert response is not None and response.status == 200
    assert messages == []
