"""Approved incidents and enforcement actions built through the real services, for export tests."""

from __future__ import annotations

from datetime import date

from core import auth
from incidents.cases import service as cases
from incidents.cases.sources import add_source
from incidents.enforcement import service as enforcement_service
from tests.factories.triage import stored_report

LONG = (
    "A chat assistant built on the Aurora model told users how to bypass the safety interlock of a "
    "home insulin pump, step by step, when the request was framed as a maintenance question."
)


def article(url: str, **details) -> dict:
    """A public article about the incident, with every detail AIID shows."""
    return {
        "url": url,
        "title": "Chatbot told users how to disable an insulin pump's safety lock",
        "publication": "Example Health News",
        "authors": ["Jane Reporter"],
        "published_on": date(2026, 8, 18),
        "retrieved_on": date(2026, 8, 19),
        "excerpt": "Users of a health assistant built on the Aurora model were told, step by step, how to bypass "
        "the safety interlock of a home insulin pump when they framed the request as maintenance.",
        "language": "en",
        **details,
    }


def staff_user(session, role: str):
    """A staff account of the given role (the export services need an actor)."""
    email = f"{role}-exports@example.org"
    user = auth.find_staff(session, email)
    return user or auth.create_staff(session=session, email=email, role=auth.Role(role)).user


def approved_incident(app, session, *, consent: bool = True, share: bool = True, **fields):
    """An incident with one linked report, approved for sharing by a publisher."""
    data = {
        "title": "Assistant explained how to bypass an insulin pump interlock",
        "description": LONG,
        "occurred_on": date(2026, 8, 14),
        "deployers": ["Acme Health Apps"],
        "developers": ["Aurora Labs"],
        "harmed_parties": ["Insulin pump users"],
        "implicated_systems": ["Aurora 2"],
        **fields,
    }
    urls = data.pop("source_urls", ["https://www.example.com/news/aurora-pump"])
    sources = data.pop("sources", None)
    triager = staff_user(session, "triager")
    incident = cases.create_incident(session, actor=triager, data=data)
    for source in sources if sources is not None else [article(url) for url in urls]:
        add_source(session, incident, actor=triager, data={**source, "version": incident.version})
        session.refresh(incident)
    report = stored_report(app, session, share_consent=consent)
    report.incident_id = incident.id
    session.add(report)
    session.commit()
    if share:
        cases.set_sharing(session, incident, actor=staff_user(session, "publisher"), share=True)
    return incident


def enforcement(session, *, incident=None, report=None, **fields):
    """An enforcement action recorded through the triage service."""
    data = {
        "action_type": "takedown",
        "target_kind": "model",
        "target": "aurora-2-uncensored",
        "ground_type": "policy",
        "ground_reference": "Acceptable use policy, section 3.2",
        "explanation": "The fine-tuned weights remove the refusal training and were shared to give "
        "self-harm instructions.",
        "detection": "manual",
        "decision": "manual",
        "territorial_scope": [],
        "decided_on": date(2026, 8, 20),
        "applied_on": date(2026, 8, 21),
        **fields,
    }
    return enforcement_service.record_enforcement(
        session, actor=staff_user(session, "triager"), data=data, report=report, incident=incident
    )
