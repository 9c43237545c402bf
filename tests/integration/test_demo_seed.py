"""`demo seed` works through the real services: history, an open whistleblower channel, and every feature's data."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlmodel import select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from incidents.intake import service as intake
from incidents.models import Channel, DecommissionProposal, EnforcementAction, Incident, ModelRecord, Report
from incidents.vocabulary import ActionType
from reporting.models import Publication
from tests.conftest import FIXED_DAY, StaffLogin, signed_in_client

pytestmark = pytest.mark.time_machine(FIXED_DAY)  # 2026Q4: the demo publishes 2026Q3

ACCOUNTS = {
    "admin@example.org": "admin",
    "triager@example.org": "triager",
    "recipient@example.org": "recipient",
    "recipient2@example.org": "recipient",
    "publisher@example.org": "publisher",
}
PRINTED = re.compile(r"Account:  (\S+) \((\w+)\)\nPassword: (\S+)\nAuthenticator \(TOTP\) URI:\n  (otpauth://\S+)")


def printed_accounts(output: str) -> dict[str, tuple[str, str, str]]:
    return {email: (role, password, uri) for email, role, password, uri in PRINTED.findall(output)}


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["demo", "seed", "--reports", "60"])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_report_has_its_history_and_the_chain_verifies(seeded, session, runner):
    reports = session.exec(select(Report)).all()
    assert len(reports) == 60
    assert verify_chain(session).ok
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    per_report = Counter(
        e.target_id for e in session.exec(select(AuditEvent).where(AuditEvent.target_type == "report"))
    )
    assert all(per_report[str(r.id)] >= 1 for r in reports)
    # Received through intake, worked through triage: the history is dated as the story happened.
    actions = {e.action for e in session.exec(select(AuditEvent))}
    assert {"report.received", "report.acknowledge", "report.classify", "report.resolve"} <= actions
    oldest = min(reports, key=lambda r: r.created_at)
    (received,) = session.exec(
        select(AuditEvent).where(AuditEvent.action == "report.received", AuditEvent.target_id == str(oldest.id))
    ).all()
    assert abs((received.at - oldest.created_at).total_seconds()) < 5
    assert (clock.now() - oldest.created_at).days > 30


def test_the_whistleblower_channel_is_open_to_two_demo_recipients(seeded, app, session):
    recipients = intake.recipients(session)
    assert [r.email for r in recipients] == ["recipient@example.org", "recipient2@example.org"]
    keys = intake.platform_keys(app)
    assert len(intake.channel_readers(session, Channel.WHISTLEBLOWER.value, keys)) == 2
    sealed = session.exec(select(Report).where(Report.channel == Channel.WHISTLEBLOWER.value)).all()
    assert sealed and all(len([k for k in r.wrapped_keys if k.startswith("staff:")]) == 2 for r in sealed)


def test_shared_incidents_actions_of_every_type_a_decommissioned_model_and_a_publication(seeded, session):
    shared = session.exec(select(Incident).where(Incident.shared_at.is_not(None))).all()
    assert len(shared) == 5
    linked = session.exec(select(Report).where(Report.incident_id.in_([i.id for i in shared]))).all()
    links = {e.target_id for e in session.exec(select(AuditEvent).where(AuditEvent.action == "report.link_incident"))}
    assert linked and all(str(r.id) in links for r in linked)
    assert {a.action_type for a in session.exec(select(EnforcementAction))} == {t.value for t in ActionType}
    (model,) = session.exec(select(ModelRecord).where(ModelRecord.status == "decommissioned")).all()
    (proposal,) = session.exec(select(DecommissionProposal).where(DecommissionProposal.model_id == model.id)).all()
    assert proposal.status == "approved" and proposal.proposed_by != proposal.decided_by
    (publication,) = session.exec(select(Publication)).all()
    assert publication.period == "2026Q3" and publication.status == "published"
    assert "Transparency report 2026Q3 published" in seeded


def test_seeding_again_publishes_nothing_twice(seeded, runner, session):
    again = runner.invoke(args=["demo", "seed", "--reports", "5"])
    assert again.exit_code == 0, again.output
    assert "Transparency report 2026Q3 was published already" in again.output
    assert len(session.exec(select(Publication)).all()) == 1
    assert len(session.exec(select(ModelRecord).where(ModelRecord.status == "decommissioned")).all()) == 1
    assert verify_chain(session).ok


def test_the_seed_and_demo_admin_print_the_same_working_sign_in_for_every_account(seeded, app, runner, session):
    from_seed = printed_accounts(seeded)
    admin = runner.invoke(args=["demo", "admin"])
    assert admin.exit_code == 0, admin.output
    from_admin = printed_accounts(admin.output)
    assert {email: role for email, (role, _p, _u) in from_admin.items()} == ACCOUNTS
    assert from_admin == from_seed  # printing again changes no password, so no recipient loses their key
    for email, (_role, password, uri) in from_admin.items():
        user = session.exec(select(StaffUser).where(StaffUser.email == email)).one()
        secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
        client = signed_in_client(app, StaffLogin(email=email, password=password, totp_secret=secret, id=user.id))
        assert client.get("/staff/").status_code == 200
    # The recipient's key opens the whistleblower reports sealed to it.
    report = session.exec(select(Report).where(Report.channel == Channel.WHISTLEBLOWER.value)).first()
    _role, password, uri = from_admin["recipient2@example.org"]
    user = session.exec(select(StaffUser).where(StaffUser.email == "recipient2@example.org")).one()
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    session.execute(StaffUser.__table__.update().where(StaffUser.id == user.id).values(totp_last_counter=0))
    session.commit()
    client = signed_in_client(app, StaffLogin("recipient2@example.org", password, secret, user.id))
    page = client.get(f"/staff/reports/{report.id}")
    assert page.status_code == 200 and "Seen with version" in page.get_data(as_text=True)
