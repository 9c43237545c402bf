"""Integrity against the operator: a budget that cannot grow, releases the audit log remembers, and checkpoints.

Each test plays an operator with database access who tries to buy a fresh draw or hide a change:
raising the budget setting, deleting a publication with its ledger rows, cutting the audit log back.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, text, update

from core.audit import AuditEvent, AuditHead
from reporting import publish as publishing
from reporting.models import PrivacyRelease, Publication, PublicationFile
from tests.integration.test_transparency import PERIOD, reports_in


def verify_both(runner) -> tuple[object, object]:
    return runner.invoke(args=["reports", "verify"]), runner.invoke(args=["audit", "verify"])


def test_a_raised_budget_setting_buys_no_new_release(app, session, runner):
    reports_in(app, session, PERIOD, 12)
    publishing.publish(app, session, str(PERIOD))  # the first release fixes the budget at the default 1.0
    app.config.update(TRANSPARENCY_EPSILON=100, TRANSPARENCY_RELEASE_EPSILON=50)
    result = runner.invoke(args=["reports", "publish", "--period", str(PERIOD), "--correction"])
    assert result.exit_code == 1
    assert f"the privacy budget of {PERIOD} was fixed at epsilon 1.0 by its first release" in result.output
    assert "TRANSPARENCY_EPSILON is now 100" in result.output
    assert session.execute(select(func.count()).select_from(Publication)).scalar_one() == 1
    # Set back, the budget is what it was: spent.
    app.config.update(TRANSPARENCY_EPSILON=1.0, TRANSPARENCY_RELEASE_EPSILON=None)
    result = runner.invoke(args=["reports", "publish", "--period", str(PERIOD), "--correction"])
    assert result.exit_code == 1 and "privacy budget" in result.output and "is spent" in result.output


def test_a_correction_spends_from_what_the_first_release_left(app, session):
    app.config.update(TRANSPARENCY_RELEASE_EPSILON=0.4)
    publishing.publish(app, session, str(PERIOD))
    assert publishing.publish(app, session, str(PERIOD), correction=True).created  # 0.8 of 1.0 spent
    app.config.update(TRANSPARENCY_RELEASE_EPSILON=0.2)
    assert publishing.publish(app, session, str(PERIOD), correction=True).created  # 1.0 of 1.0
    app.config.update(TRANSPARENCY_RELEASE_EPSILON=0.1)
    try:
        publishing.publish(app, session, str(PERIOD), correction=True)
    except publishing.PublicationRefused as refusal:
        assert "is spent" in str(refusal)
    else:
        raise AssertionError("a fourth release was drawn from a spent budget")


def test_deleting_a_publication_and_its_ledger_buys_no_fresh_draw_and_fails_verification(app, session, runner):
    reports_in(app, session, PERIOD, 12)
    publishing.publish(app, session, str(PERIOD))
    assert [r.exit_code for r in verify_both(runner)] == [0, 0]
    session.execute(delete(PrivacyRelease))
    session.execute(delete(PublicationFile))
    session.execute(delete(Publication))
    session.commit()
    try:
        publishing.publish(app, session, str(PERIOD))
    except publishing.PublicationRefused as refusal:
        assert "is spent" in str(refusal)
    else:
        raise AssertionError("a fresh release was drawn after the records were deleted")
    reports, audit = verify_both(runner)
    for result in (reports, audit):
        assert result.exit_code == 1
        assert f"({PERIOD} revision 1): its publication is missing" in result.output


def test_deleted_ledger_rows_or_a_changed_epsilon_fail_verification(app, session, runner):
    reports_in(app, session, PERIOD, 12)
    publishing.publish(app, session, str(PERIOD))
    session.execute(delete(PrivacyRelease).where(PrivacyRelease.statistic == "report_counts"))
    session.commit()
    reports, audit = verify_both(runner)
    assert reports.exit_code == audit.exit_code == 1
    assert "the ledger rows of its publication are missing or changed" in audit.output
    session.execute(update(Publication).values(epsilon="0.5"))
    session.commit()
    assert "the publication's epsilon was changed" in runner.invoke(args=["audit", "verify"]).output


def cut_back_to(session, keep: int) -> None:
    """Delete every audit event after `keep` and lower the head to match, as an operator hiding a tail would."""
    session.execute(delete(AuditEvent).where(AuditEvent.seq > keep))
    session.execute(update(AuditHead).values(seq=keep))
    session.commit()


def test_cutting_the_log_back_before_a_publications_checkpoint_is_caught(app, session, runner, make_staff):
    reports_in(app, session, PERIOD, 5)
    publication = publishing.publish(app, session, str(PERIOD)).publication
    seq = publication.audit_seq
    # The checkpoint includes the publication's own release event (later events, like the export refresh
    # the publication triggers, come after it).
    release = session.execute(select(AuditEvent).where(AuditEvent.seq == seq)).scalar_one()
    assert release.action == "privacy.released" and release.details["publication"] == publication.id
    make_staff("triager")  # more events after the checkpoint
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # A cut after the checkpoint cannot be told from a log that never had the tail ...
    cut_back_to(session, seq)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # ... but one that reaches before it is caught, though the chain that is left is whole.
    cut_back_to(session, seq - 2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert (
        f"revision 1's checkpoint: the checkpoint names event {seq}, which is missing: the log was cut back"
        in result.output
    )
    assert "the first bad event" not in result.output  # the chain itself verifies: only the checkpoint shows it


def test_a_checkpoint_kept_outside_catches_a_cut_even_with_the_publication_gone(app, session, runner):
    reports_in(app, session, PERIOD, 5)
    publication = publishing.publish(app, session, str(PERIOD)).publication
    kept = f"{publication.audit_seq}:{publication.audit_hash}"
    feed = app.test_client().get("/transparency/feed.atom").get_data(as_text=True)
    assert f"Audit checkpoint {kept}" in feed  # readers can keep it from the feed
    api = app.test_client().get(f"/api/v1/transparency-reports/{PERIOD}").get_json()
    assert api["audit_checkpoint"] == {"seq": publication.audit_seq, "hash": publication.audit_hash}
    assert runner.invoke(args=["audit", "verify", "--checkpoint", kept]).exit_code == 0
    session.execute(text("DELETE FROM privacy_release"))
    session.execute(text("DELETE FROM publication_file"))
    session.execute(text("DELETE FROM publication"))
    session.commit()
    cut_back_to(session, publication.audit_seq - 2)  # the release events go too
    assert runner.invoke(args=["reports", "verify"]).exit_code == 0  # nothing left here to disagree
    result = runner.invoke(args=["audit", "verify", "--checkpoint", kept])
    assert result.exit_code == 1 and "which is missing: the log was cut back" in result.output
    altered = f"{publication.audit_seq - 3}:{'0' * 64}"
    assert (
        "does not have the checkpoint's hash" in runner.invoke(args=["audit", "verify", "--checkpoint", altered]).output
    )
    assert runner.invoke(args=["audit", "verify", "--checkpoint", "nonsense"]).exit_code == 2


def test_the_checkpoint_is_chained_and_signed_with_the_publication(app, session, runner):
    app.config["TRANSPARENCY_SIGN"] = True
    publishing.publish(app, session, str(PERIOD))
    assert runner.invoke(args=["reports", "verify"]).exit_code == 0
    session.execute(update(Publication).values(audit_seq=Publication.audit_seq - 1))
    session.commit()
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 1 and "its chain hash does not match its files and checkpoint" in result.output
