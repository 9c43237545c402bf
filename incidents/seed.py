"""Synthetic reports for demos and benchmarks: plausible mixes, no real people."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from nacl.public import PublicKey
from sqlalchemy import insert
from sqlmodel import Session

from core import auth, clock
from core.cli import refuse_in_production
from core.db import get_engine
from core.sealing import seal_json
from incidents.models import Actor, Category, Channel, Report, ReportStatus, Severity, model_key
from incidents.triage import deadlines, duties, duty_service
from incidents.vocabulary import REPORTER_FLAGS

# Fictional models and providers: (name, versions, provider).
MODELS = [
    ("Aurora", ["7B", "13B", "70B-instruct"], "Northwind Labs"),
    ("Kestrel", ["1.0", "1.5", "2.0"], "Kestrel AI"),
    ("Lumen-Chat", ["v3", "v4"], "Lumen Systems"),
    ("Orca-Vision", ["0.9", "1.1"], "Bluewater Research"),
    ("Sable-Coder", ["3B", "15B"], "Sable Open Models"),
    ("Tessera", ["2024-06", "2025-01"], "Tessera Inc."),
    ("Mistwood-Voice", ["1.2"], "Mistwood Audio"),
    ("Quill-Diffusion", ["XL", "Turbo"], "Quill Creative"),
]
COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IN", "BR", "NG", "KE", "JP", "CA", "AU", "NL", "PL", "MX"]
CATEGORY_WEIGHTS = {
    Category.SAFETY_FAILURE: 18,
    Category.BIAS_DISCRIMINATION: 12,
    Category.FRAUD_DECEPTION: 11,
    Category.PRIVACY: 10,
    Category.HATE_HARASSMENT: 9,
    Category.SECURITY_VULNERABILITY: 8,
    Category.ACCEPTABLE_USE: 8,
    Category.INTELLECTUAL_PROPERTY: 6,
    Category.DANGEROUS_CAPABILITY: 4,
    Category.NCII: 4,
    Category.VIOLENT_EXTREMISM: 3,
    Category.CHILD_SAFETY: 2,
    Category.OTHER: 5,
}
SEVERITY_WEIGHTS = {Severity.HAZARD: 45, Severity.INCIDENT: 45, Severity.SERIOUS_INCIDENT: 10}
STATUS_WEIGHTS = {
    ReportStatus.RECEIVED: 10,
    ReportStatus.ACKNOWLEDGED: 15,
    ReportStatus.NEEDS_INFO: 5,
    ReportStatus.IN_PROGRESS: 15,
    ReportStatus.ESCALATED: 3,
    ReportStatus.DUPLICATE: 7,
    ReportStatus.DISMISSED: 15,
    ReportStatus.RESOLVED: 30,
}
# What synthetic reporters write: a title and a first sentence per category.
STORIES = {
    Category.SAFETY_FAILURE: (
        "gave dangerous medical advice",
        "When asked about medication doses it recommended "
        "an amount several times the safe maximum, without any warning.",
    ),
    Category.BIAS_DISCRIMINATION: (
        "ranks CVs lower for women",
        "In a hiring tool built on it, otherwise identical "
        "CVs scored lower when the name was changed to a woman's name.",
    ),
    Category.FRAUD_DECEPTION: (
        "used to clone a bank's support voice",
        "Callers received convincing calls in the voice of the bank's support line asking for one-time codes.",
    ),
    Category.PRIVACY: (
        "reveals personal data from its training set",
        "With a simple prompt it repeated what looks like real people's phone numbers and home addresses.",
    ),
    Category.HATE_HARASSMENT: (
        "generates targeted harassment",
        "It wrote a series of abusive messages aimed at a named journalist when asked for 'replies'.",
    ),
    Category.SECURITY_VULNERABILITY: (
        "jailbreak bypasses all safety filters",
        "A role-play prompt makes it ignore its safety instructions for the rest of the conversation.",
    ),
    Category.ACCEPTABLE_USE: (
        "fine-tune sold for spam campaigns",
        "A downstream developer offers a fine-tuned copy advertised for mass spam, against the licence terms.",
    ),
    Category.INTELLECTUAL_PROPERTY: (
        "reproduces copyrighted books verbatim",
        "It printed several chapters of a recent novel word for word.",
    ),
    Category.DANGEROUS_CAPABILITY: (
        "gives step-by-step synthesis instructions",
        "It provided detailed instructions that a chemist colleague judged to be a real uplift.",
    ),
    Category.NCII: (
        "creates intimate images of real people",
        "The image model produces sexualised images of a real person from a single photo.",
    ),
    Category.VIOLENT_EXTREMISM: (
        "writes recruitment propaganda",
        "It produced polished recruitment material for a banned extremist group.",
    ),
    Category.CHILD_SAFETY: (
        "fails to refuse requests involving minors",
        "The filter did not trigger on a request that clearly involved a child; the request was refused only on retry.",
    ),
    Category.OTHER: (
        "behaves unpredictably after update",
        "Since the last update the assistant sometimes answers in a different language and invents citations.",
    ),
}

SERIOUS_FLAGS = [flag.column for flag in REPORTER_FLAGS]


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic_report_rows(
    count: int, rng: random.Random, now: datetime, readers: dict[str, dict[str, PublicKey]], days: int = 400
) -> Iterator[dict]:
    """Yield column dicts for synthetic sealed reports spread over the last `days` days.

    `readers` maps each channel to the keys its content is sealed for.
    """
    policy = duty_service.current_policy()
    for _ in range(count):
        created = now - timedelta(seconds=rng.randrange(days * 86400))
        name, versions, provider = rng.choice(MODELS)
        severity = pick(rng, SEVERITY_WEIGHTS)
        age_days = (now - created).days
        status = ReportStatus.RECEIVED if age_days < 2 else pick(rng, STATUS_WEIGHTS)
        channel = Channel.WHISTLEBLOWER if rng.random() < 0.12 else Channel.PUBLIC
        category = pick(rng, CATEGORY_WEIGHTS)
        headline, story = STORIES[category]
        content: dict[str, object] = {
            "title": f"{name} {headline}",
            "description": f"{story} Seen with version {versions[0]}.",
            "affected": None,
            "steps": None,
            "evidence_links": [],
            "contact": None,
        }
        sealed = seal_json(content, readers[channel])
        row = {
            "channel": channel.value,
            "category": category.value,
            "sealed": sealed.ciphertext,
            "wrapped_keys": sealed.wrapped_keys,
            "language": "en",
            "actor": rng.choice(list(Actor)).value,
            "severity": severity.value,
            "model_name": name,
            "model_key": model_key(name),
            "model_version": rng.choice(versions),
            "model_provider": provider,
            "country": rng.choice(COUNTRIES),
            "occurred_from": (created - timedelta(days=rng.randrange(0, 20))).date(),
            "share_consent": rng.random() < 0.6,
            "status": status.value,
            "created_at": created,
            "updated_at": created + timedelta(hours=rng.randrange(0, 24 * 10)) if age_days >= 2 else created,
            "version": 1,
        }
        row.update({flag: False for flag in SERIOUS_FLAGS})
        if severity is Severity.SERIOUS_INCIDENT:
            row[rng.choice(SERIOUS_FLAGS)] = True
        row.update(_triage_fields(row, status, created, now, rng))
        row.update(duties.next_duty(row, policy))  # the next unmet duty, as triage would have stored it
        yield row


def _triage_fields(row: dict, status: ReportStatus, created: datetime, now: datetime, rng: random.Random) -> dict:
    """Timestamps and regulatory deadlines as triage would have left them (every row gets every key)."""
    fields: dict = dict.fromkeys(
        (
            "acknowledged_at",
            "first_response_at",
            "closed_at",
            "resolved_at",
            "deadline_tier",
            "initial_filed_at",
            "last_filed_at",
            "final_filed_at",
            "due_at",
            "due_kind",
        )
    )
    if status is not ReportStatus.RECEIVED:
        touched = min(now, created + timedelta(hours=rng.randrange(1, 96)))
        fields.update(acknowledged_at=touched, first_response_at=touched)
    if status in (ReportStatus.DUPLICATE, ReportStatus.DISMISSED, ReportStatus.RESOLVED):
        fields["closed_at"] = min(now, created + timedelta(days=rng.randrange(1, 40)))
        if status is ReportStatus.RESOLVED:
            fields["resolved_at"] = fields["closed_at"]
    tier = deadlines.tier_for(row["severity"], row)
    if tier is None or status.value in deadlines.NO_FILING_STATUSES:
        return fields
    fields["deadline_tier"] = tier.name
    initial_due = created + timedelta(days=tier.days)
    if initial_due < now and rng.random() < 0.9:
        filed = initial_due - timedelta(hours=rng.randrange(1, 24))
        # Most open cases keep up with the four-weekly intermediate reports; some fall behind.
        latest = now - timedelta(days=rng.randrange(0, 32))
        fields.update(initial_filed_at=filed, last_filed_at=max(filed, latest))
        if fields.get("resolved_at") and fields["resolved_at"] + deadlines.FINAL_WITHIN < now and rng.random() < 0.95:
            fields["final_filed_at"] = fields["resolved_at"] + timedelta(days=rng.randrange(1, 55))
    due = deadlines.next_due(
        tier=tier,
        aware_at=created,
        initial_filed_at=fields.get("initial_filed_at"),
        last_filed_at=fields.get("last_filed_at"),
        resolved_at=fields.get("resolved_at"),
        final_filed_at=fields.get("final_filed_at"),
    )
    if due:
        fields.update(due_at=due.at, due_kind=due.kind.value)
    return fields


def seed_reports(
    *,
    session: Session,
    count: int,
    rng: random.Random,
    now: datetime,
    readers: dict[str, dict[str, PublicKey]],
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
    days: int = 400,
) -> int:
    """Insert `count` synthetic reports from the last `days` days in batches, committing each batch."""
    rows: list[dict] = []
    written = 0
    for row in synthetic_report_rows(count, rng, now, readers, days=days):
        rows.append(row)
        if len(rows) == batch:
            written += _flush(session, rows, progress)
    written += _flush(session, rows, progress)
    return written


def _flush(session: Session, rows: list[dict], progress) -> int:
    if not rows:
        return 0
    session.execute(insert(Report), rows)
    session.commit()
    done = len(rows)
    rows.clear()
    if progress:
        progress(done)
    return done


@click.command("seed")
@with_appcontext
@click.option("--reports", "report_count", default=200, show_default=True, help="How many synthetic reports.")
@click.option("--seed", "random_seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def demo_seed(report_count: int, random_seed: int) -> None:
    """Fill the database with demo staff and reports, filed and worked through the real services."""
    from core import demo
    from core.cli import print_demo_account
    from incidents import seed_cases, seed_flow
    from incidents.intake import service as intake

    refuse_in_production()
    app = current_app._get_current_object()
    rng = random.Random(random_seed)
    with Session(get_engine(), expire_on_commit=False) as session:
        accounts = demo.ensure_accounts(app, session)  # the recipients first: they open the whistleblower channel
        workers = seed_flow.Workers(
            public=demo.demo_user(app, session, auth.Role.TRIAGER),
            whistleblower=demo.demo_user(app, session, auth.Role.RECIPIENT),
            keys=intake.platform_keys(app),
        )
        with click.progressbar(length=report_count, label="Filing and triaging reports") as bar:
            written = seed_flow.replay(
                session, workers, count=report_count, rng=rng, now=clock.now(), progress=bar.update
            )
        shared = seed_cases.seed_shared_incidents(session, rng, clock.today())
        quarter = seed_cases.last_quarter(clock.now())
        actions = seed_cases.seed_enforcement(session, rng, quarter)
        retired = seed_cases.seed_decommission(session, clock.now())
        done = [step(app, session) for step in demo.demo_steps(app)]
    click.echo(f"Filed and triaged {written} reports through intake and triage, each with its history.")
    click.echo(
        f"Shared {len(shared)} incidents with their sources; recorded {actions} enforcement actions in {quarter}. "
        f"Try: flask --app wsgi export aiid, and flask --app wsgi export dsa --period {quarter}"
    )
    click.echo(retired)
    for line in done:
        click.echo(line)
    click.echo("\n=== Demo staff accounts: sign in at http://127.0.0.1:5000/staff/login ===")
    for account in accounts:
        print_demo_account(account)
