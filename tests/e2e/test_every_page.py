"""Every page in Chromium on a 375 px phone, as every role: no sideways scrolling, and axe finds nothing serious.

The database is filled by `demo seed` (through the real services), so the pages show the demo's data: reports,
shared incidents, models, a published quarter. The routes come from the app's url_map, so a new page is walked
without anyone adding it here; a route whose parameter this walk cannot fill fails the test until it is filled
below or listed in SKIPPED with its reason.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from incidents.enforcement import statement
from incidents.enforcement.models import Appeal
from incidents.intake.service import platform_keys
from incidents.models import EnforcementAction, Incident, ModelRecord, Report
from incidents.registry import licences
from reporting.models import Publication
from tests.conftest import StaffLogin
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.integration.test_appeals import file_appeal
from tests.integration.test_demo_seed import printed_accounts

PHONE = {"width": 375, "height": 812}
ROLES = ("admin", "triager", "recipient", "publisher")

# Routes that are not pages, each with the reason it is left out.
SKIPPED = {
    r"^/static/": "stylesheets, scripts and images, not pages",
    r"^/healthz$": "a liveness probe for the load balancer, plain text",
    r"^/api/v1/": "the JSON API: data, not pages (its human page /api/docs is walked)",
    r"\.(atom|json|csv)$": "feeds and machine-readable downloads",
    r"^/\.well-known/": "the transparency signing key, a download",
    r"/attachments/<int:attachment_id>$": "an attachment download",
    r"/files/<int:file_id>$": "an appeal file download",
    r"^/staff/exports/<int:run_id>/<name>$": "an export file download",
}

# Findings this walk knows of and reports as it goes, without failing: each waits on a decision, with its reason.


def _skipped(rule: str) -> bool:
    return any(re.search(pattern, rule) for pattern in SKIPPED)


@pytest.fixture
def seeded(runner, session):
    result = runner.invoke(args=["demo", "seed", "--reports", "20"])
    assert result.exit_code == 0, result.output
    return printed_accounts(result.output)


def _appeal_tokens(app, session) -> tuple[str, int]:
    """An appeal filed against one seeded action through the real form; and an unused link to appeal another."""
    from core.auth import StaffUser

    admin = session.exec(select(StaffUser).where(StaffUser.email == "admin@example.org")).one()
    first, second = session.exec(select(EnforcementAction).order_by(EnforcementAction.id)).all()[:2]
    keys = platform_keys(app)
    filed = statement.issue_statement(session, actor=admin, action=first, keys=keys)
    response = file_appeal(app.test_client(), filed)
    assert response.status_code in (200, 302), response.status_code
    return statement.issue_statement(session, actor=admin, action=second, keys=keys), first.id


def _values(app, session) -> dict[str, str]:
    """A real row for each route parameter, from the seeded database."""
    token, _action = _appeal_tokens(app, session)
    incident = session.exec(select(Incident).where(Incident.shared_at.is_not(None))).first()
    publication = session.exec(select(Publication).where(Publication.status == "published")).first()
    values = {
        "report_id": session.exec(select(Report)).first().id,
        "incident_id": incident.id,
        "model_id": session.exec(select(ModelRecord)).first().id,
        "action_id": session.exec(select(EnforcementAction)).first().id,
        "publication_id": publication.id,
        "period": publication.period,
        "year": publication.period[:4],
        "licence_id": next(iter(licences.registry())),
        "token": token,
    }
    from incidents.cases.models import IncidentSource

    source = session.exec(select(IncidentSource).where(IncidentSource.incident_id == incident.id)).first()
    if source is not None:
        values["source_id"] = source.id
    values["appeal_id"] = session.exec(select(Appeal)).one().id
    return {name: str(value) for name, value in values.items()}


def _paths(app, values: dict[str, str]) -> tuple[list[str], list[str]]:
    """Every GET page of the app with its parameters filled; and the routes that could not be filled."""
    paths, unfilled = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or _skipped(rule.rule):
            continue
        if not rule.arguments <= values.keys():
            unfilled.append(rule.rule)
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", values[name], path)
        paths.append(path)
    return paths, unfilled


def _check(page, base_url: str, path: str, who: str, axe_path, failures: list[str]) -> bool:
    """Open one page; record overflow and axe findings. Returns whether the page opened (status 200)."""
    response = page.goto(base_url + path)
    if response is None or response.status != 200 or urlsplit(page.url).path != path:  # not redirected away
        return False
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > 376"
            " && e.parentElement.getBoundingClientRect().right <= 376)"
            ".slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"
        )
        failures.append(f"{path} as {who}: {width} px wide at {PHONE['width']} px (widest: {wide})")
    violations = run_axe(page, axe_path)
    if violations:
        failures.append(f"{path} as {who}: axe {violations}")
    return True


def test_every_page_fits_a_phone_and_passes_axe_for_every_role(app, live_server, browser, session, seeded, axe_path):
    values = _values(app, session)
    paths, unfilled = _paths(app, values)
    assert unfilled == [], f"routes this walk cannot fill: add a value or a SKIPPED reason: {unfilled}"
    failures: list[str] = []
    walked: dict[str, list[str]] = {}
    contexts = []
    try:
        for who in ("anonymous", *ROLES):
            # Our CSP rightly blocks injecting axe; the audit context bypasses it.
            context = browser.new_context(viewport=PHONE, bypass_csp=True)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if who != "anonymous":
                sign_in(page, live_server.url, _account(session, seeded, who))
                assert page.url == f"{live_server.url}/staff/", f"{who} could not sign in"
            todo = paths if who == "anonymous" else [p for p in paths if p.startswith("/staff/")]
            walked[who] = [p for p in todo if _check(page, live_server.url, p, who, axe_path, failures)]
            context.close()
    finally:
        for context in contexts:
            context.close()
    print({who: len(pages) for who, pages in walked.items()}, walked)
    assert len(walked["anonymous"]) >= 15 and all(len(walked[role]) >= 5 for role in ROLES), walked
    assert failures == [], "\n" + "\n".join(failures)


def _account(session, seeded, role: str) -> StaffLogin:
    from core.auth import StaffUser

    email = f"{role}@example.org"
    _role, password, uri = seeded[email]
    user = session.exec(select(StaffUser).where(StaffUser.email == email)).one()
    return StaffLogin(email, password, re.search(r"secret=([A-Z2-7]+)", uri).group(1), user.id)
