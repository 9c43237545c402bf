"""Sending statements to the DSA Transparency Database, against a local server that applies the API's rules
(tests/fakes/dsa_tdb.py): batches, per-statement refusals, retries, refused tokens, reruns and lost answers.
Runs on SQLite and on PostgreSQL."""

import logging

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from exports import dsa_submit, service
from exports.models import DsaSubmission
from incidents.models import EnforcementAction
from tests.conftest import FIXED_DAY
from tests.factories.dsa import bulk_actions
from tests.factories.exports import approved_incident, enforcement
from tests.fakes.dsa_tdb import FakeTransparencyDatabase

pytestmark = pytest.mark.time_machine(FIXED_DAY)
TOKEN = "tdb-token-7f3a9c1e5b2d4f60"  # a recognisable secret: it must appear in no output or log


@pytest.fixture
def tdb(app):
    with FakeTransparencyDatabase(token=TOKEN) as server:
        app.config.update(
            DSA_TDB_URL=server.url, DSA_TDB_TOKEN=TOKEN, DSA_TDB_ATTEMPTS=4, DSA_TDB_BACKOFF=2.0, DSA_TDB_TIMEOUT=5
        )
        yield server


class Sleeps(list):
    """Records the waits asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def submit(app, session, sleeps=None, **options):
    return dsa_submit.submit_period(
        app, session, "2026Q3", sleep=sleeps if sleeps is not None else Sleeps(), rand=lambda: 0.0, **options
    )


def rows(session) -> dict[str, DsaSubmission]:
    session.expire_all()
    return {row.puid: row for row in session.exec(select(DsaSubmission)).all()}


def puids(session) -> list[str]:
    ids = session.exec(select(EnforcementAction.id).order_by(EnforcementAction.id)).all()
    return [f"enforcement-action-{i}" for i in ids]


def test_the_statements_are_stored_once_and_recorded(app, session, tdb):
    bulk_actions(session, 3)
    report = submit(app, session)
    assert (report.statements, len(report.sent), report.accepted, report.rejected) == (3, 3, 3, {})
    assert set(tdb.stored) == set(puids(session))
    recorded = rows(session)
    assert {r.status for r in recorded.values()} == {"accepted"}
    assert {(r.http_status, r.attempts, r.period) for r in recorded.values()} == {(201, 1, "2026Q3")}
    actions = {a.id for a in session.exec(select(EnforcementAction)).all()}
    assert {r.action_id for r in recorded.values()} == actions
    assert all(r.resolved_at and r.sent_at and len(r.statement_sha256) == 64 for r in recorded.values())
    events = session.exec(select(AuditEvent).where(AuditEvent.action.startswith("dsa.submission"))).all()
    assert [e.action for e in events] == ["dsa.submission.sent", "dsa.submission.accepted"]
    assert events[0].details == {"period": "2026Q3", "statements": 3, "status": 201, "tries": 1}
    assert "weapon" not in str([e.details for e in events])  # no statement text in the audit log


def test_a_rerun_sends_nothing_twice(app, session, tdb):
    bulk_actions(session, 5)
    submit(app, session)
    again = submit(app, session)
    assert (len(again.sent), again.skipped) == (0, 5)
    assert set(tdb.posted.values()) == {1} and len(tdb.posted) == 5


def test_250_statements_go_in_requests_of_100_100_and_50(app, session, tdb):
    bulk_actions(session, 250)
    report = submit(app, session)
    assert tdb.batches == [100, 100, 50] and report.accepted == 250


def test_one_refused_statement_is_recorded_and_the_rest_of_its_batch_is_sent_again(app, session, tdb):
    bulk_actions(session, 2)
    incident = approved_incident(app, session)  # its report's category: safety failure
    refused = enforcement(session, incident=incident)
    bulk_actions(session, 2)
    tdb.categories.remove("STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")  # as the API retires a category
    report = submit(app, session)
    bad = f"enforcement-action-{refused.id}"
    assert report.rejected == {bad: {"category": ["The selected category is invalid."]}}
    assert report.accepted == 4 and set(tdb.stored) == set(puids(session)) - {bad}
    assert tdb.batches == [5, 4]  # the API stored none of the first; the four others went again
    recorded = rows(session)
    assert (recorded[bad].status, recorded[bad].http_status) == ("rejected", 422)
    assert recorded[bad].errors == {"category": ["The selected category is invalid."]}
    # Unchanged, it is not sent again; once its content changes, it is.
    again = submit(app, session)
    assert (len(again.sent), again.unchanged_rejections) == (
        0,
        {bad: {"category": ["The selected category is invalid."]}},
    )
    tdb.categories.append("STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")
    refused.explanation = "The fine-tuned weights were shared to give instructions for self-harm, twice."
    session.add(refused)
    session.commit()
    assert service.run_export(app, session, "dsa", period="2026Q3", trigger="cli").created
    fixed = submit(app, session)
    assert (fixed.sent, fixed.accepted, fixed.skipped) == ({bad}, 1, 4)
    assert rows(session)[bad].status == "accepted" and rows(session)[bad].errors is None


def test_503_and_429_are_tried_again_after_the_back_off_and_retry_after(app, session, tdb):
    bulk_actions(session, 2)
    tdb.faults = [(503,), (429, "7"), (503,)]
    sleeps = Sleeps()
    report = submit(app, session, sleeps)
    assert report.accepted == 2
    assert sleeps == [2.0, 7.0, 8.0]  # 2 s, then the API's Retry-After, then 2 x 2 x 2 s
    assert {r.attempts for r in rows(session).values()} == {4}


def test_the_jitter_stays_within_half_the_back_off(app, session, tdb):
    bulk_actions(session, 1)
    tdb.faults = [(502,), (500,)]
    sleeps = Sleeps()
    dsa_submit.submit_period(app, session, "2026Q3", sleep=sleeps, rand=lambda: 0.999)
    assert 2.0 < sleeps[0] < 3.0 and 4.0 < sleeps[1] < 6.0


def test_retries_end_after_the_configured_number_of_tries(app, session, tdb):
    bulk_actions(session, 1)
    tdb.faults = [(503,)] * 4
    sleeps = Sleeps()
    with pytest.raises(dsa_submit.SubmitError, match="Gave up after 4 tries: HTTP 503"):
        submit(app, session, sleeps)
    assert len(sleeps) == 3 and [r.status for r in rows(session).values()] == ["pending"]


def test_a_refused_token_stops_at_once(app, session, tdb, runner):
    bulk_actions(session, 2)
    app.config["DSA_TDB_TOKEN"] = "not-the-token"
    sleeps = Sleeps()
    with pytest.raises(dsa_submit.SubmitError, match="refused the token \\(HTTP 401\\)"):
        submit(app, session, sleeps)
    assert sleeps == [] and [status for *_, status in tdb.requests] == [401]
    assert tdb.stored == {}


def test_a_lost_answer_is_resolved_by_asking_for_the_puid(app, session, tdb):
    bulk_actions(session, 3)
    app.config["DSA_TDB_ATTEMPTS"] = 1
    tdb.faults = [("drop-after-store",)]
    with pytest.raises(dsa_submit.SubmitError, match="Gave up after 1 tries: ConnectionError"):
        submit(app, session)
    assert len(tdb.stored) == 3 and {r.status for r in rows(session).values()} == {"pending"}
    report = submit(app, session)
    assert (report.already_there, len(report.sent)) == (3, 0)
    assert {r.status for r in rows(session).values()} == {"accepted"}
    assert set(tdb.posted.values()) == {1}  # each statement was posted exactly once
    gets = [path for method, path, _ in tdb.requests if method == "GET"]
    assert sorted(gets) == sorted(f"/api/v1/statement/existing-puid/{p}" for p in puids(session))


def test_a_lost_answer_retried_at_once_meets_the_duplicate_puid_answer(app, session, tdb):
    bulk_actions(session, 2)
    tdb.faults = [("drop-after-store",)]
    report = submit(app, session)
    assert (report.accepted, report.already_there) == (0, 2)
    assert [status for method, _, status in tdb.requests if method == "POST"][1:] == [422]
    assert {r.status for r in rows(session).values()} == {"accepted"}


def test_a_duplicate_answer_for_a_puid_the_api_does_not_hold_leaves_it_pending(app, session, tdb):
    """The API says "duplicate" also when another request holds a puid's lock; only what it holds is accepted."""
    bulk_actions(session, 3)
    locked = puids(session)[1]
    tdb.faults = [("locked", locked)]
    report = submit(app, session)
    assert report.unsettled == [locked] and (report.accepted, report.already_there) == (2, 0)
    assert rows(session)[locked].status == "pending" and locked not in tdb.stored
    again = submit(app, session)  # the next run asks, hears "not found", and sends it
    assert again.accepted == 1 and again.unsettled == [] and rows(session)[locked].status == "accepted"
    assert set(tdb.stored) == set(puids(session))


def test_an_address_that_is_not_https_or_cannot_be_used_stops_with_a_clear_error(app, session, tdb, runner):
    bulk_actions(session, 1)
    for url, message in [
        ("http://transparency.example", "must be an https:// address"),
        ("transparency.dsa.ec.europa.eu", "must be an https:// address"),
        ("https://", "must be an https:// address"),
    ]:
        app.config["DSA_TDB_URL"] = url
        result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
        assert result.exit_code == 1 and message in result.output, result.output
    app.config["DSA_TDB_URL"] = "https://exa mple.org"  # not a host name requests can use: no retries, no traceback
    with pytest.raises(dsa_submit.SubmitError, match="check DSA_TDB_URL"):
        submit(app, session)


def test_a_pending_statement_the_api_does_not_hold_is_sent_again(app, session, tdb):
    bulk_actions(session, 1)
    app.config["DSA_TDB_ATTEMPTS"] = 1
    tdb.faults = [(503,)]
    with pytest.raises(dsa_submit.SubmitError):
        submit(app, session)
    report = submit(app, session)
    assert report.accepted == 1 and [r.attempts for r in rows(session).values()] == [2]


def test_the_cli_reports_counts_and_reasons_and_never_shows_the_token(app, session, tdb, runner, caplog):
    caplog.set_level(logging.DEBUG)
    bulk_actions(session, 2)
    incident = approved_incident(app, session)
    refused = enforcement(session, incident=incident)
    tdb.categories.remove("STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")
    result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert result.exit_code == 1, result.output  # a refused statement needs someone to act on it
    assert "sent: 3" in result.output and "accepted: 2" in result.output and "rejected: 1" in result.output
    assert f"rejected enforcement-action-{refused.id}: category: The selected category is invalid." in result.output
    again = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert "skipped, accepted before: 2" in again.output and again.exit_code == 1  # still refused
    bulk_actions(session, 1)  # something new: --submit brings the run up to date before it sends
    with_new = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert "Wrote run" in with_new.output and "sent: 1" in with_new.output and "accepted: 1" in with_new.output
    bulk_actions(session, 1)
    app.config["DSA_TDB_TOKEN"] = TOKEN[::-1]
    refused_token = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert refused_token.exit_code == 1 and "Check DSA_TDB_TOKEN" in refused_token.output
    events = session.exec(select(AuditEvent)).all()
    for text in (
        result.output,
        again.output,
        with_new.output,
        refused_token.output,
        caplog.text,
        str([e.details for e in events]),
    ):
        assert TOKEN not in text and TOKEN[::-1] not in text
    assert any(a == f"Bearer {TOKEN}" for a in tdb.authorizations)  # it was sent, in the header


def test_the_cli_needs_the_address_and_the_token(app, runner):
    result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert result.exit_code == 1
    assert "DSA_TDB_URL and DSA_TDB_TOKEN are not set" in result.output
    app.config["DSA_TDB_URL"] = "https://transparency.example"
    result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit"])
    assert result.exit_code == 1 and "DSA_TDB_TOKEN is not set" in result.output
    both = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--submit", "--out", "x"])
    assert both.exit_code == 2 and "leave out --out" in both.output
