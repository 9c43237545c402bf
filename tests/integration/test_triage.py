"""The triage service: every transition in the table, every illegal one, versions, audit and deadlines."""

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from incidents.errors import Conflict, DomainError, Forbidden, IllegalTransition
from incidents.intake import service as intake
from incidents.models import Incident, Message, ModelRecord, ModelStatus, Report, ReportStatus
from incidents.registry import service as registry
from incidents.triage import service as triage
from incidents.triage.workflow import ModelAction, TriageAction
from tests.factories.triage import stored_report
from tests.unit.test_workflow import EXPECTED_MODEL, EXPECTED_REPORT


@pytest.fixture
def triager(make_staff, session):
    return session.get(StaffUser, make_staff("triager").id)


def params(action: TriageAction, report: Report, other: Report, actor: StaffUser) -> dict:
    base = {"version": report.version}
    return {
        TriageAction.CLASSIFY: {
            **base,
            "category": "privacy",
            "severity": "serious_incident",
            "actor": None,
            "flags": ["death"],
        },
        TriageAction.ASSIGN: {**base, "assignee_id": actor.id},
        TriageAction.REQUEST_INFO: {**base, "question": "Which app were you using when this happened?"},
        TriageAction.LINK_INCIDENT: {**base, "incident_id": None, "new_title": "Insulin advice incident"},
        TriageAction.MARK_DUPLICATE: {**base, "duplicate_of": other.id},
        TriageAction.DISMISS: {**base, "reason": "not_reproducible"},
    }.get(action, base)


def force_status(session, report: Report, status: ReportStatus) -> Report:
    session.execute(update(Report).where(Report.id == report.id).values(status=status.value))
    session.commit()
    session.refresh(report)
    return report


def serious_report(app, session, triager) -> Report:
    report = stored_report(app, session, severity="serious_incident", serious_flags=["health"])
    return triage.apply(
        session,
        report,
        TriageAction.CLASSIFY,
        actor=triager,
        data={
            "version": report.version,
            "category": "safety_failure",
            "severity": "serious_incident",
            "actor": None,
            "flags": ["health"],
        },
    )


ALL_PAIRS = [(status, action) for status in ReportStatus for action in TriageAction]


@pytest.mark.parametrize("status, action", ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_pair_follows_the_table(app, session, triager, status, action):
    report = force_status(session, serious_report(app, session, triager), status)
    other = stored_report(app, session)
    expected = EXPECTED_REPORT[(status, action)]  # pinned by hand, not read from the table under test
    keys = intake.platform_keys(app)
    events_before = session.exec(select(AuditEvent)).all()
    if expected is None:
        with pytest.raises(IllegalTransition):
            triage.apply(session, report, action, actor=triager, data=params(action, report, other, triager), keys=keys)
        session.rollback()
        assert session.get(Report, report.id).status == status.value
        assert len(session.exec(select(AuditEvent)).all()) == len(events_before)
        return
    version = report.version
    result = triage.apply(
        session, report, action, actor=triager, data=params(action, report, other, triager), keys=keys
    )
    assert result.status == expected.value
    assert result.version == version + 1
    last = session.exec(
        select(AuditEvent).where(AuditEvent.action.startswith("report.")).order_by(AuditEvent.seq.desc())
    ).first()
    assert last.action == f"report.{action.value}" and last.target_id == str(report.id)
    assert last.actor_id == triager.id
    assert verify_chain(session).ok
    if expected.value in ("duplicate", "dismissed", "resolved") and status.value not in (
        "duplicate",
        "dismissed",
        "resolved",
    ):
        assert result.closed_at is not None


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, session, triager):
    report = stored_report(app, session)
    stale = report.version
    triage.apply(session, report, TriageAction.ACKNOWLEDGE, actor=triager, data={"version": stale})
    with pytest.raises(Conflict):
        triage.apply(session, report, TriageAction.DISMISS, actor=triager, data={"version": stale, "reason": "spam"})
    session.rollback()
    assert session.get(Report, report.id).status == "acknowledged"


def test_triagers_cannot_act_on_whistleblower_reports(app, session, triager, make_staff):
    recipient = session.get(StaffUser, make_staff("recipient").id)
    report = stored_report(app, session, channel="whistleblower")
    with pytest.raises(Forbidden):
        triage.apply(session, report, TriageAction.ACKNOWLEDGE, actor=triager, data={"version": report.version})
    done = triage.apply(session, report, TriageAction.ACKNOWLEDGE, actor=recipient, data={"version": report.version})
    assert done.status == "acknowledged"


def test_request_info_sends_a_sealed_message_in_the_same_commit(app, session, triager):
    report = stored_report(app, session)
    triage.apply(
        session,
        report,
        TriageAction.REQUEST_INFO,
        actor=triager,
        keys=intake.platform_keys(app),
        data={"version": report.version, "question": "Which app was it?"},
    )
    messages = session.exec(select(Message).where(Message.report_id == report.id)).all()
    assert len(messages) == 1 and b"Which app" not in messages[0].sealed
    assert session.get(Report, report.id).first_response_at is not None


def test_classify_sets_the_deadline_and_filing_moves_it(app, session, triager):
    report = stored_report(app, session)
    report = triage.apply(
        session,
        report,
        TriageAction.CLASSIFY,
        actor=triager,
        data={
            "version": report.version,
            "category": "security_vulnerability",
            "severity": "serious_incident",
            "actor": None,
            "flags": ["weight_exfiltration"],
        },
    )
    assert report.deadline_tier == "cyber" and report.due_kind == "initial"
    assert report.due_at == report.created_at + timedelta(days=5)
    report = triage.apply(session, report, TriageAction.FILE_REPORT, actor=triager, data={"version": report.version})
    assert report.due_kind == "intermediate" and report.initial_filed_at is not None
    assert report.due_at == report.initial_filed_at + timedelta(weeks=4)
    report = triage.apply(session, report, TriageAction.ACKNOWLEDGE, actor=triager, data={"version": report.version})
    report = triage.apply(session, report, TriageAction.RESOLVE, actor=triager, data={"version": report.version})
    assert report.due_kind == "final" and report.due_at == report.resolved_at + timedelta(days=60)
    report = triage.apply(session, report, TriageAction.FILE_REPORT, actor=triager, data={"version": report.version})
    assert report.due_at is None and report.final_filed_at is not None


def test_filing_without_a_deadline_is_refused(app, session, triager):
    report = stored_report(app, session)
    with pytest.raises(DomainError, match="serious incident"):
        triage.apply(session, report, TriageAction.FILE_REPORT, actor=triager, data={"version": report.version})


def test_duplicates_and_incident_links(app, session, triager):
    first = stored_report(app, session)
    second = stored_report(app, session)
    first = triage.apply(
        session,
        first,
        TriageAction.LINK_INCIDENT,
        actor=triager,
        data={"version": first.version, "incident_id": None, "new_title": "Dose advice"},
    )
    incident = session.get(Incident, first.incident_id)
    assert incident.title == "Dose advice"
    second = triage.apply(
        session,
        second,
        TriageAction.MARK_DUPLICATE,
        actor=triager,
        data={"version": second.version, "duplicate_of": first.id},
    )
    assert second.duplicate_of_id == first.id and second.incident_id == incident.id
    third = stored_report(app, session)
    with pytest.raises(DomainError):
        triage.apply(
            session,
            third,
            TriageAction.MARK_DUPLICATE,
            actor=triager,
            data={"version": third.version, "duplicate_of": second.id},
        )
    session.rollback()
    with pytest.raises(DomainError):
        triage.apply(
            session,
            third,
            TriageAction.MARK_DUPLICATE,
            actor=triager,
            data={"version": third.version, "duplicate_of": third.id},
        )


def test_assigning_to_someone_outside_the_channel_is_refused(app, session, triager, make_staff):
    publisher = make_staff("publisher")
    report = stored_report(app, session)
    with pytest.raises(DomainError):
        triage.apply(
            session,
            report,
            TriageAction.ASSIGN,
            actor=triager,
            data={"version": report.version, "assignee_id": publisher.id},
        )


def test_reopen_clears_the_closing_fields(app, session, triager):
    report = stored_report(app, session)
    report = triage.apply(
        session, report, TriageAction.DISMISS, actor=triager, data={"version": report.version, "reason": "spam"}
    )
    assert report.closed_at and report.dismiss_reason == "spam"
    report = triage.apply(session, report, TriageAction.REOPEN, actor=triager, data={"version": report.version})
    assert report.status == "acknowledged" and report.closed_at is None and report.dismiss_reason is None


def test_report_counts_follow_status_changes(app, session, triager):
    from incidents.models import ReportCount

    reports = [stored_report(app, session) for _ in range(3)]
    triage.apply(
        session, reports[0], TriageAction.DISMISS, actor=triager, data={"version": reports[0].version, "reason": "spam"}
    )
    counts = {(c.channel, c.status): c.n for c in session.exec(select(ReportCount))}
    assert counts[("public", "received")] == 2 and counts[("public", "dismissed")] == 1


MODEL_PAIRS = [(status, action) for status in ModelStatus for action in ModelAction]


@pytest.mark.parametrize("status, action", MODEL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in MODEL_PAIRS])
def test_every_model_lifecycle_pair_follows_the_table(session, triager, make_staff, status, action):
    model = ModelRecord(name="Aurora", version="13B", status=status.value)
    session.add(model)
    session.commit()
    expected = EXPECTED_MODEL[(status, action)]
    if action is ModelAction.DECOMMISSION:
        with pytest.raises(IllegalTransition):  # never a button: only through an approved proposal
            registry.transition_model(session, model, action, actor=triager, row_version=model.row_version)
        proposal_data = {
            "criteria": {"severity": "high"},
            "effective_on": clock.today() + timedelta(days=30),
            "notice": "Stops in thirty days.",
            "public_reason": "Unsafe",
        }
        if expected is None:
            with pytest.raises(IllegalTransition):
                registry.propose_decommission(session, model, actor=triager, data=proposal_data)
            return
        proposal = registry.propose_decommission(session, model, actor=triager, data=proposal_data)
        second = session.get(StaffUser, make_staff("admin").id)
        registry.decide_proposal(session, proposal, actor=second, approve=True)
        session.refresh(model)
        assert model.status == "decommissioned"
        return
    if expected is None:
        with pytest.raises(IllegalTransition):
            registry.transition_model(
                session,
                model,
                action,
                actor=triager,
                row_version=model.row_version,
                public_reason="A public reason long enough",
            )
        return
    moved = registry.transition_model(
        session,
        model,
        action,
        actor=triager,
        row_version=model.row_version,
        public_reason="A public reason long enough",
    )
    assert moved.status == expected.value and moved.row_version == 2
