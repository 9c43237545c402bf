"""The AIID export against AIID's own form rules, run on yup 0.29.3 (the version AIID pins).

aiid_submit_form.js holds incidentSchema's rules, transcribed from AIID's schemas.js; yup and date-fns
come from the npm registry. A fresh demo's submissions must all pass; what our rules hold back must
be what yup refuses; every address our rules take, yup's url() takes too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from exports import aiid, aiid_rules
from tests.conftest import FIXED_DAY
from tests.e2e.conftest import skip_or_fail
from tests.unit.test_aiid_export import SUMMARY

HERE = Path(__file__).parent
FORM = HERE / "aiid_submit_form.js"
pytestmark = pytest.mark.time_machine(FIXED_DAY)


def yup_errors(submissions: list[dict]) -> list[list[str]]:
    if shutil.which("node") is None:
        skip_or_fail("node is not installed")
    if not (HERE / "node_modules" / "yup" / "package.json").exists():
        skip_or_fail("yup is not installed: run npm install --no-package-lock --prefix tests/e2e")
    done = subprocess.run(
        ["node", str(FORM)], input=json.dumps(submissions), capture_output=True, text=True, check=True, cwd=HERE
    )
    return json.loads(done.stdout)


def test_every_submission_of_a_fresh_demo_passes_aiids_form(app, runner, tmp_path):
    assert runner.invoke(args=["demo", "seed", "--reports", "120"]).exit_code == 0
    result = runner.invoke(args=["export", "aiid", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    submissions = json.loads((tmp_path / "submissions.json").read_text(encoding="utf-8"))
    assert len(submissions) == 6
    assert yup_errors(submissions) == [[]] * 6


BROKEN = {
    "no deployer": ({"deployers": []}, "deployers required"),
    "no developer": ({"developers": []}, "developers required"),
    "no harmed party": ({"harmed_parties": []}, "harmed_parties required"),
    "a two-letter entity": ({"deployers": ["AI"]}, "deployer too short"),
    "no incident date": ({"occurred_on": None}, "incident_date required"),
    "a short title": ({"title": "Short"}, "incident_title too short"),
    "a short excerpt": ({"sources": [{**SUMMARY["sources"][0], "excerpt": "Too short."}]}, "text too short"),
    "no publication date": ({"sources": [{**SUMMARY["sources"][0], "published_on": None}]}, "date_published required"),
    "a two-letter author": ({"sources": [{**SUMMARY["sources"][0], "authors": ["Al"]}]}, "author too short"),
    "a future date": (
        {"sources": [{**SUMMARY["sources"][0], "published_on": "2999-01-01"}]},
        "date_published in the future",
    ),
}


def test_what_our_rules_hold_back_aiids_form_refuses_and_the_rest_it_takes():
    today = FIXED_DAY.date()
    cases = {"good": ({}, None), **BROKEN}
    records = {
        name: aiid.build_record(
            aiid.SharedIncident(7, {**SUMMARY, **change}, date(2026, 9, 1)),
            namespace="n",
            submitter="Example AI Hub",
            language="en",
            today=today,
        )
        for name, (change, _) in cases.items()
    }
    errors = dict(zip(records, yup_errors([r.submissions[0] for r in records.values()]), strict=True))
    assert records["good"].problems == [] and errors["good"] == []
    for name, (_, message) in BROKEN.items():
        assert records[name].problems, name
        assert message in errors[name], (name, errors[name])


URLS = [
    "https://www.example.com/news/2026/ai-story?id=3&x=y#top",
    "http://example.org",
    "https://example.org:8443/a%20b",
    "https://192.0.2.10/path",
    "https://xn--bcher-kva.example/",
    "https://news.example.co.uk/a/b/c/?q=a+b&r=(1)",
    "https://example.com/~user/it's-here;v=1,2*@",
    "https://a-b.example.com/x_y.z",
    "https://example.com/path/",
]


def test_every_address_our_rules_take_yup_takes_too():
    assert all(aiid_rules.valid_url(url) for url in URLS)
    submissions = [{"url": url} for url in URLS]
    assert all("url invalid" not in errors and "url required" not in errors for errors in yup_errors(submissions))
