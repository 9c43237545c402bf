"""Demo incidents and enforcement decisions, made through the real services so every export has rows.

`demo seed` calls these after the synthetic reports: a handful of incidents, each with its public
sources, linked to reports whose reporters consented and approved by a publisher; and enforcement
actions of every type, decided in the last full quarter. `export aiid` and `export dsa --period`
for that quarter then write real rows. Running the seed again adds nothing twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlmodel import Session, select

from core import auth, clock
from core import demo as demo_accounts
from core.auth import StaffUser
from core.periods import Period
from incidents.cases import public
from incidents.cases import service as cases
from incidents.cases.sources import add_source
from incidents.enforcement import licence_ground
from incidents.enforcement.service import record_enforcement
from incidents.models import Channel, EnforcementAction, Incident, ModelRecord, Report
from incidents.triage import service as triage
from incidents.triage.workflow import OPEN_STATUSES, ModelAction, TriageAction
from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

# Statuses from which a report can join an incident (an incident's reports are in progress, or escalated).
LINKABLE = tuple(sorted(OPEN_STATUSES))


@dataclass(frozen=True)
class DemoIncident:
    title: str
    description: str
    deployers: tuple[str, ...]
    developers: tuple[str, ...]
    harmed_parties: tuple[str, ...]
    implicated_systems: tuple[str, ...]
    sources: tuple[dict, ...]


def _article(url: str, title: str, publication: str, authors: tuple[str, ...], excerpt: str, language="en") -> dict:
    return {
        "url": url,
        "title": title,
        "publication": publication,
        "authors": list(authors),
        "excerpt": excerpt,
        "language": language,
    }


# Fictional organisations and articles; example.* domains are reserved for documentation (RFC 2606).
INCIDENTS = (
    DemoIncident(
        "Health assistant recommended an unsafe insulin dose",
        "A health assistant built on Aurora 70B-instruct told several users to take an insulin dose far above "
        "the safe maximum when they described their symptoms, without any warning or referral to a doctor.",
        ("Northwind Health App",),
        ("Northwind Labs",),
        ("Patients with diabetes",),
        ("Aurora 70B-instruct",),
        (
            _article(
                "https://www.example.com/health/assistant-insulin-advice",
                "Health chatbot gave patients dangerous insulin advice",
                "Example Health News",
                ("Jane Reporter",),
                "Patients using a popular health assistant were told to take insulin doses several times the safe "
                "maximum. The app's maker says it has added a warning and is reviewing the model's answers.",
            ),
            _article(
                "https://news.example.org/tech/aurora-dose-error",
                "Regulator asks app maker about AI dosing errors",
                "Example Tech Daily",
                (),
                "The national medicines regulator has asked the maker of a health app to explain how its AI "
                "assistant came to recommend unsafe insulin doses, after patient groups raised the alarm.",
            ),
        ),
    ),
    DemoIncident(
        "Voice clone of a bank's support line used in fraud calls",
        "Fraudsters used Mistwood-Voice to clone the voice of a bank's support line and called customers to "
        "ask for one-time codes. Several customers lost money before the bank warned them.",
        ("Unknown fraudsters",),
        ("Mistwood Audio",),
        ("Bank customers",),
        ("Mistwood-Voice 1.2",),
        (
            _article(
                "https://www.example.net/finance/voice-clone-bank-fraud",
                "Cloned bank voice tricked customers into sharing codes",
                "Example Finance",
                ("Max Müller", "Ana García"),
                "Customers of a regional bank received calls in what sounded exactly like the bank's support line. "
                "The callers asked for one-time codes and emptied several accounts within hours.",
            ),
        ),
    ),
    DemoIncident(
        "Image model produced sexualised images of a real person",
        "Quill-Diffusion XL produced sexualised images of a real, identifiable person from a single public photo, "
        "despite the provider's stated filter. The images were shared on a forum before they were taken down.",
        ("Quill Creative",),
        ("Quill Creative",),
        ("The person depicted",),
        ("Quill-Diffusion XL",),
        (
            _article(
                "https://www.example.org/culture/image-model-filter-failure",
                "Image generator's filter failed to stop abusive images",
                "Example Observer",
                ("Sam Writer",),
                "An image generator marketed as safe produced sexualised images of a real woman from a single photo "
                "taken from her public profile. The company said its filter would be retrained.",
            ),
        ),
    ),
    DemoIncident(
        "Translation model mistranslated asylum interviews",
        "A translation system deployed by a Greek contractor mistranslated key statements in asylum interviews, "
        "changing the meaning of dates and places. Caseworkers relied on the translations.",
        ("Αθήνα Τεχνολογίες",),
        ("Tessera Inc.",),
        ("Asylum applicants",),
        ("Tessera 2025-01",),
        (
            _article(
                "https://www.example.gr/society/asylum-translation-errors",
                "Σφάλματα αυτόματης μετάφρασης σε συνεντεύξεις ασύλου",
                "Example Kathimerini",
                ("Eleni Papadopoulou",),
                "Σφάλματα σε σύστημα αυτόματης μετάφρασης άλλαξαν ημερομηνίες και τοποθεσίες σε συνεντεύξεις "
                "ασύλου. Οι υπάλληλοι βασίστηκαν στις μεταφράσεις χωρίς έλεγχο από διερμηνέα.",
                language="el",
            ),
        ),
    ),
    DemoIncident(
        "Hiring tool ranked CVs lower for women",
        "A hiring tool built on Lumen-Chat v4 scored otherwise identical CVs lower when the candidate's name was "
        "changed to a woman's name. The employer paused the tool after an internal audit.",
        ("Москва Кадры",),
        ("Lumen Systems",),
        ("Job applicants",),
        ("Lumen-Chat v4",),
        (
            _article(
                "https://www.example.com/work/hiring-ai-bias-audit",
                "Audit finds AI hiring tool penalised women's CVs",
                "Example Work",
                ("Chris Analyst",),
                "An internal audit found that an AI screening tool gave lower scores to CVs with women's names. "
                "The company has paused the tool and is contacting affected applicants.",
            ),
        ),
    ),
)


def _consenting_reports(session: Session, count: int) -> list[Report]:
    """Public reports whose reporters consented to sharing, still open and in no incident, oldest first."""
    query = (
        select(Report)
        .where(
            Report.share_consent.is_(True),
            Report.incident_id.is_(None),
            Report.channel == Channel.PUBLIC.value,
            Report.status.in_([s.value for s in LINKABLE]),
        )
        .order_by(Report.id)
        .limit(count)
    )
    return list(session.exec(query))


def seed_shared_incidents(session: Session, rng: random.Random, today: date) -> list[Incident]:
    """Add the demo incidents with their sources, link consenting reports and approve them; skip those there."""
    triager = _staff(session, auth.Role.TRIAGER)
    publisher = _staff(session, auth.Role.PUBLISHER)
    made = []
    for n, demo in enumerate(INCIDENTS):
        if session.exec(select(Incident).where(Incident.title == demo.title)).first() is not None:
            continue
        reports = _consenting_reports(session, 2)
        if not reports:
            break  # no report whose reporter consented: nothing may be shared
        data = {
            "title": demo.title,
            "description": demo.description,
            "occurred_on": today - timedelta(days=40 + 9 * n),
            **{name: list(getattr(demo, name)) for name in public.LIST_FIELDS},
        }
        incident = cases.create_incident(session, actor=triager, data=data)
        for k, source in enumerate(demo.sources):
            published = today - timedelta(days=35 + 9 * n - k)
            details = {**source, "published_on": published, "retrieved_on": published + timedelta(days=1)}
            add_source(session, incident, actor=triager, data={**details, "version": incident.version})
            session.refresh(incident)
        for report in reports:  # through triage, so each report's history says it joined the incident
            data = {"incident_id": incident.id, "version": report.version}
            triage.apply(session, report, TriageAction.LINK_INCIDENT, actor=triager, data=data)
        made.append(cases.set_sharing(session, incident, actor=publisher, share=True))
    return made


# One of each action type, on varied targets and grounds: (type, target kind, target, ground type, ground); a licence
# ground names its licence and clause in the registry, `licence_id:clause_id`.
ACTIONS = (
    (ActionType.TAKEDOWN, TargetKind.MODEL, "aurora-70b-uncensored", GroundType.POLICY, "Acceptable use policy 3.2"),
    (ActionType.SUSPENSION, TargetKind.ACCOUNT, "account 48213", GroundType.POLICY, "Terms of service 7.1"),
    (
        ActionType.TERMINATION,
        TargetKind.APPLICATION,
        "voice-clone-as-a-service",
        GroundType.LAW,
        "Regulation (EU) 2024/1689, Art. 50(2)",
    ),
    (ActionType.DELISTING, TargetKind.CONTENT, "space quill-nsfw-lora", GroundType.POLICY, "Content policy 2.4"),
    # A fine-tune redistributed without the use restrictions its base model's licence requires it to carry on.
    (ActionType.LICENCE_CHANGE, TargetKind.MODEL, "quill-diffusion-xl", GroundType.LICENCE, "creativeml-openrail-m:4a"),
    (ActionType.WARNING, TargetKind.ACCOUNT, "account 51007", GroundType.POLICY, "Community guidelines 1.3"),
    (ActionType.REFERRAL, TargetKind.CONTENT, "forum thread 9921", GroundType.LAW, "Directive 2011/93/EU, Art. 5"),
    (ActionType.REINSTATEMENT, TargetKind.ACCOUNT, "account 48213", GroundType.POLICY, "Terms of service 7.1"),
)
SCOPES: tuple[list[str], ...] = ([], ["DE", "FR", "NL"], ["ES", "PT"], ["GR", "CY"])


def seed_enforcement(session: Session, rng: random.Random, quarter: Period) -> int:
    """Record one action of every type decided in the quarter; none if the quarter already has actions."""
    starts, ends = quarter.starts_at, quarter.ends_at
    existing = session.exec(
        select(EnforcementAction.id).where(EnforcementAction.decided_at >= starts, EnforcementAction.decided_at < ends)
    ).first()
    if existing is not None:
        return 0
    triager = _staff(session, auth.Role.TRIAGER)
    incidents = list(session.exec(select(Incident).where(Incident.shared_at.is_not(None)).order_by(Incident.id)))
    days = (ends - starts).days
    for n, (kind, target_kind, target, ground_type, ground) in enumerate(ACTIONS):
        decided = (starts + timedelta(days=rng.randrange(0, days - 3))).date()
        cited = licence_ground.citation(*licence_ground.split(ground)) if ground_type is GroundType.LICENCE else None
        if ground_type is GroundType.LICENCE and cited is None:  # an operator's registry without the clause
            ground_type, ground = GroundType.POLICY, "Model licence, §4(a)"
        ground = cited.reference if cited else ground
        data = {
            "action_type": kind.value,
            "target_kind": target_kind.value,
            "target": target,
            "ground_type": ground_type.value,
            "ground_reference": ground,
            "licence_id": cited.licence.id if cited else None,
            "licence_clause": cited.clause.id if cited else None,
            "explanation": f"Demo decision: {kind.value.replace('_', ' ')} of {target} under {ground}, after review "
            "of the reports linked to the incident.",
            "detection": (Automation.AUTOMATED if n % 3 == 0 else Automation.MANUAL).value,
            "decision": Automation.MANUAL.value,
            "authority": "National cybercrime unit" if kind is ActionType.REFERRAL else None,
            "territorial_scope": SCOPES[n % len(SCOPES)],
            "decided_on": decided,
            "applied_on": decided + timedelta(days=1),
            # A suspension is time-limited: its statement of reasons carries the end date.
            "ends_on": decided + timedelta(days=31) if kind is ActionType.SUSPENSION else None,
        }
        incident = incidents[n % len(incidents)] if incidents else None
        report = None if incident else session.exec(select(Report).order_by(Report.id)).first()
        if incident is None and report is None:
            return n
        with clock.as_of(min(clock.now(), datetime.combine(decided, time(12), UTC))):
            record_enforcement(session, actor=triager, data=data, report=report, incident=incident)
            session.commit()
    return len(ACTIONS)


def _staff(session: Session, role: auth.Role) -> StaffUser:
    return demo_accounts.demo_user(current_app._get_current_object(), session, role)


def last_quarter(now: datetime) -> Period:
    return Period.containing(now).previous()


RETIRED = {"name": "Orca-Vision", "version": "0.9", "provider": "Bluewater Research"}


def seed_decommission(session: Session, now: datetime) -> str:
    """Register a demo model and decommission it the four-eyes way: a triager proposes, the admin approves."""
    from incidents.registry import service as registry
    from incidents.registry.schemas import CRITERIA

    found = session.exec(
        select(ModelRecord).where(ModelRecord.name == RETIRED["name"], ModelRecord.version == RETIRED["version"])
    ).first()
    if found is not None:
        return f"{RETIRED['name']} {RETIRED['version']} is in the registry already ({found.status})."
    triager, admin = _staff(session, auth.Role.TRIAGER), _staff(session, auth.Role.ADMIN)
    with clock.as_of(now - timedelta(days=20)):
        model = registry.create_model(session, actor=triager, data=RETIRED)
    with clock.as_of(now - timedelta(days=19)):
        registry.transition_model(session, model, ModelAction.REVIEW, actor=triager, row_version=model.row_version)
    proposal_data = {
        "criteria": {name: list(answers)[-1] for name, (_question, answers) in CRITERIA.items()},
        "effective_on": (now - timedelta(days=2)).date(),
        "notice": "Orca-Vision 0.9 is withdrawn: its image filter can be bypassed and no fix is planned.",
        "public_reason": "Image safety filter bypassable; superseded by 1.1.",
    }
    with clock.as_of(now - timedelta(days=16)):
        proposal = registry.propose_decommission(session, model, actor=triager, data=proposal_data)
    with clock.as_of(now - timedelta(days=15)):
        registry.decide_proposal(session, proposal, actor=admin, approve=True, note="Agreed: no mitigation exists.")
    name = f"{RETIRED['name']} {RETIRED['version']}"
    return f"Decommissioned {name}: proposed by {triager.email}, approved by {admin.email} (four eyes)."
