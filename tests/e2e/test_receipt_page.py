"""The receipt page on a 375 px phone, with JavaScript off and on: groups never broken, copy and print buttons
only with JavaScript, and the saved step before going on."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_intake_flow import fill_report

PHONE = {"width": 375, "height": 740}
GROUP_BOXES = """() => Array.from(document.querySelectorAll('#receipt .receipt-group')).map(g => {
  const rects = Array.from(g.getClientRects());
  const box = g.getBoundingClientRect();
  return {text: g.textContent, lines: rects.length, top: box.top, left: box.left, right: box.right,
          height: box.height};
})"""


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_receipt_on_a_phone(live_server, browser, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    if javascript:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        fill_report(page, live_server.url)
        receipt = page.locator("#receipt").inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
        boxes = page.evaluate(GROUP_BOXES)
        assert [b["text"] for b in boxes] == receipt.split("-")
        line_height = min(b["height"] for b in boxes)
        for box in boxes:
            # One line each: a single client rect, no taller than the shortest group, inside the screen.
            assert box["lines"] == 1 and box["height"] <= line_height + 1, box
            assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        copy = page.get_by_role("button", name="Copy the receipt")
        printing = page.get_by_role("button", name="Print this page")
        if not javascript:
            assert copy.count() == 0 and printing.count() == 0  # hidden: nothing offers what cannot work
        else:
            assert copy.is_visible() and printing.is_visible()
            copy.click()
            status = page.locator("[data-receipt-status]")
            status.filter(has_text="copied").wait_for()
            assert page.evaluate("navigator.clipboard.readText()") == receipt
            assert "The receipt is copied." in status.inner_text()

        page.get_by_label("I have saved my receipt", exact=False).check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Your receipt is saved").is_visible()
        assert page.get_by_role("link", name="Go to the follow-up page").is_visible()
    finally:
        context.close()
