"""The optional proof of work in a real browser.

The page's own script solves the puzzle; without JavaScript the form still works, under a stricter limit.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from incidents.models import Report
from tests.e2e.test_intake_flow import fill_report


@pytest.fixture
def work_required(app_config):
    # Only one form an hour per address without a solution, as if everyone came from one Tor exit.
    app_config.update(INTAKE_POW_BITS=12, INTAKE_LIMIT="1 per hour")


def test_the_page_solves_the_puzzle_so_reports_keep_coming_from_one_address(
    work_required, live_server, page_factory, session
):
    page = page_factory(javascript=True)
    for _ in range(2):
        fill_report(page, live_server.url)
        assert page.get_by_role("heading", name="Your report is received").is_visible()
    assert len(session.exec(select(Report)).all()) == 2
    assert any(url.endswith("/static/js/work.js") for url in page.requests_seen)
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []


def test_without_javascript_the_form_works_under_the_stricter_limit(work_required, live_server, page_factory, session):
    page = page_factory(javascript=False)
    fill_report(page, live_server.url)
    assert page.get_by_role("heading", name="Your report is received").is_visible()
    fill_report(page, live_server.url)
    assert page.get_by_role("heading", name="Too many attempts").is_visible()
    assert len(session.exec(select(Report)).all()) == 1
