"""The DSA export through the database: batch envelopes, statements held back with their reasons, and the
end date of a time-limited action from the enforcement form to the statement. Runs on SQLite and PostgreSQL."""

import csv
import hashlib
import io
import json
from datetime import date

import pytest
from sqlmodel import select

from core.periods import Period
from exports import service
from incidents.models import EnforcementAction
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.dsa import bulk_actions
from tests.factories.exports import approved_incident, enforcement
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)
SETTINGS = {"namespace": "https://incidents.example.org", "submitter": "Anonymous", "language": "en"}
Q3 = Period(2026, 3)


def held_back(out) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "held-back.csv").read_text(encoding="utf-8"))))


def test_250_statements_make_three_envelopes_of_100_100_and_50(session, tmp_path):
    bulk_actions(session, 250)
    written = service.write_dsa(session, tmp_path, period=Q3, settings={**SETTINGS, "puid_prefix": "a-"})
    names = [service.batch_name(Q3, n) for n in (1, 2, 3)]
    assert names == [f"statements-2026Q3-batch-00{n}.json" for n in (1, 2, 3)]
    assert list(written.files) == ["statements-2026Q3.jsonl", *names, "held-back.csv"]
    lines = [json.loads(line) for line in (tmp_path / "statements-2026Q3.jsonl").open(encoding="utf-8")]
    envelopes = [json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in names]
    assert [len(e["statements"]) for e in envelopes] == [100, 100, 50]
    assert [written.files[name]["rows"] for name in names] == [100, 100, 50]
    assert [s for e in envelopes for s in e["statements"]] == lines  # the same statements, in the same order
    assert set(envelopes[0]) == {"statements"}


def test_no_statement_means_no_envelope(session, tmp_path):
    written = service.write_dsa(session, tmp_path, period=Q3, settings={**SETTINGS, "puid_prefix": "a-"})
    assert list(written.files) == ["statements-2026Q3.jsonl", "held-back.csv"]


def test_a_run_records_and_hashes_the_envelopes(app, session):
    bulk_actions(session, 3)
    outcome = service.run_export(app, session, "dsa", period="2026Q3", trigger="cli")
    batch = outcome.run.files["statements-2026Q3-batch-001.json"]
    folder = service.run_path(app, outcome.run)
    assert batch["sha256"] == hashlib.sha256((folder / "statements-2026Q3-batch-001.json").read_bytes()).hexdigest()
    assert batch["rows"] == 3
    # The same data gives the same files: no new run.
    assert not service.run_export(app, session, "dsa", period="2026Q3", trigger="cli").created


def test_statements_that_break_a_rule_are_held_back_with_their_reasons(app, session, tmp_path):
    incident = approved_incident(app, session)
    late = enforcement(session, incident=incident, applied_on=date(2039, 1, 1))
    ends_early = enforcement(session, incident=incident, action_type="suspension", ends_on=date(2026, 12, 1))
    ends_early.ends_on = date(2026, 8, 1)  # written past the form, which refuses it
    session.add(ends_early)
    session.commit()
    written = service.write_dsa(session, tmp_path, period=Q3, settings={**SETTINGS, "puid_prefix": "ok-"})
    assert written.counts["held_back"] == 2 and written.counts["statements"] == 0
    assert {(int(r["id"]), r["field"], r["reason"]) for r in held_back(tmp_path)} == {
        (late.id, "application_date", "must be on or before 2038-01-01"),
        (
            ends_early.id,
            "end_date_visibility_restriction",
            "must be on or after the application date (the restriction's start)",
        ),
    }
    assert "batch-001" not in " ".join(written.files)


def test_a_puid_prefix_the_api_refuses_holds_every_statement_back(session, tmp_path):
    bulk_actions(session, 2)
    written = service.write_dsa(session, tmp_path, period=Q3, settings={**SETTINGS, "puid_prefix": "actions/"})
    assert written.counts["held_back"] == 2
    assert {r["reason"] for r in held_back(tmp_path)} == {"may hold only letters a-z and A-Z, digits, - and _"}


FORM = {
    "action_type": "suspension",
    "target_kind": "account",
    "target": "user 4411",
    "ground_type": "policy",
    "ground_reference": "AUP §3.2",
    "explanation": "Repeated uploads of weights with the refusal training removed.",
    "detection": "manual",
    "decision": "manual",
    "decided_on": "2026-11-01",
    "applied_on": "2026-11-02",
}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_on": "2026-11-02"}, "The end date must be after the date the action applies from."),
        ({"ends_on": "2026-10-30", "applied_on": ""}, "The end date must be after the date the action applies from."),
        ({"ends_on": "2027-01-31", "action_type": "takedown"}, "Only a suspension or a delisting can end on a date"),
        ({"ends_on": "31/01/2027"}, "Enter a date like 2026-03-31."),
    ],
)
def test_the_enforcement_form_checks_the_end_date(app, session, make_staff, changes, message):
    report = stored_report(app, session)
    browser = signed_in_client(app, make_staff("triager"))
    path = f"/staff/reports/{report.id}"
    token = csrf_from(browser.get(path).get_data(as_text=True))
    response = browser.post(f"{path}/enforcement", data={"csrf_token": token, **FORM, **changes})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert session.exec(select(EnforcementAction)).all() == []


def test_a_suspension_with_an_end_date_carries_it_to_its_statement(app, session, make_staff, tmp_path):
    report = stored_report(app, session)
    browser = signed_in_client(app, make_staff("triager"))
    path = f"/staff/reports/{report.id}"
    token = csrf_from(browser.get(path).get_data(as_text=True))
    response = browser.post(f"{path}/enforcement", data={"csrf_token": token, **FORM, "ends_on": "2027-01-31"})
    assert response.status_code == 302
    action = session.exec(select(EnforcementAction)).one()
    assert action.ends_on == date(2027, 1, 31)
    assert "2027-01-31" in browser.get(path).get_data(as_text=True)  # the list shows it
    service.write_dsa(session, tmp_path, period=Period(2026, 4), settings={**SETTINGS, "puid_prefix": "a-"})
    (statement,) = [json.loads(line) for line in (tmp_path / "statements-2026Q4.jsonl").open(encoding="utf-8")]
    assert statement["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert (statement["application_date"], statement["end_date_account_restriction"]) == ("2026-11-02", "2027-01-31")


def test_a_trusted_flaggers_notice_is_sourced_to_the_trusted_flagger(app, session, tmp_path):
    from incidents.partners.service import add_partner

    flagger = add_partner(session, "Flaggers United", "trusted_flagger").partner
    agency = add_partner(session, "Agency", "authority").partner
    by_flagger = stored_report(app, session, source_type="trusted_flagger", partner_id=flagger.id)
    by_agency = stored_report(app, session, source_type="authority", partner_id=agency.id)
    by_public = stored_report(app, session)
    actions = [enforcement(session, report=report) for report in (by_flagger, by_agency, by_public)]
    service.write_dsa(session, tmp_path, period=Q3, settings={**SETTINGS, "puid_prefix": "p-"})
    lines = (tmp_path / "statements-2026Q3.jsonl").read_text(encoding="utf-8").splitlines()
    sources = {json.loads(line)["puid"]: json.loads(line)["source_type"] for line in lines}
    assert sources == {
        f"p-{actions[0].id}": "SOURCE_TRUSTED_FLAGGER",
        f"p-{actions[1].id}": "SOURCE_TYPE_OTHER_NOTIFICATION",  # an authority's order (Art. 9), not an Art. 16 notice
        f"p-{actions[2].id}": "SOURCE_ARTICLE_16",
    }
