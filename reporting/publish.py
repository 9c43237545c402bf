"""Publish a period's transparency report exactly once, store its files hashed and chained, verify them.

Publication computes the figures outside any lock (reads only), then takes the publication lock
(a PostgreSQL advisory lock; on SQLite the database write lock, taken by updating a lock row),
checks again that nobody published the period meanwhile, charges the privacy ledger, and stores
the files. A unique constraint on (period, revision) backs the lock up. A period already
published is returned as stored: no new noise is ever drawn for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import nacl.encoding
import nacl.signing
from flask import Flask, current_app
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from anonymize import privacy
from core import clock
from core.audit import append_event
from core.audit import checkpoint as audit_checkpoint
from core.db import lean_reads
from core.schemas import N_
from core.sealing import hkdf
from core.signals import publication_published
from reporting import ledger, notes
from reporting.aggregate import Period, raw_figures
from reporting.figures import protect
from reporting.ledger import release_epsilon
from reporting.models import PrivacyRelease, Publication, PublicationFile, PublicationLock
from reporting.render import render_files

GENESIS = "0" * 64
LOCK_KEY = 7_205_117  # the advisory lock id publishers share on PostgreSQL
MEDIA_TYPES = {
    "report.json": "application/json",
    "report.csv": "text/csv; charset=utf-8",
    "report.html": "text/html; charset=utf-8",
    "print.html": "text/html; charset=utf-8",
    "datapackage.json": "application/json",
}
# Every publication has these; datapackage.json came later, so publications from before it lack it.
REQUIRED_FILES = frozenset({"report.json", "report.csv", "report.html", "print.html"})


# The steps a publication reports to a caller that shows progress (the staff page's job), in order.
# Each is reported where no write lock is held: the job writes its progress in a transaction of its own.
COUNTING = N_("Counting the period's reports and actions")
NOISE = N_("Adding noise within the privacy budget")
STORING = N_("Rendering, hashing and storing the report")
STEPS = (COUNTING, NOISE, STORING)


class PublicationRefused(Exception):
    """The period cannot be published now; the message says why."""


@dataclass
class Outcome:
    publication: Publication
    created: bool


def signing_key(app: Flask) -> nacl.signing.SigningKey | None:
    """The Ed25519 key that signs publications, derived from PLATFORM_SECRET, when signing is on."""
    if not app.config.get("TRANSPARENCY_SIGN"):
        return None
    seed = hkdf(app.config["PLATFORM_SECRET"].encode(), salt=None, info=b"transparency-signing/v1")
    return nacl.signing.SigningKey(seed)


def latest(session: Session, period: str) -> Publication | None:
    return session.exec(
        select(Publication).where(Publication.period == period).order_by(Publication.revision.desc())
    ).first()


def _lock(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        return
    updated = connection.execute(text("UPDATE publication_lock SET counter = counter + 1 WHERE id = 1")).rowcount
    if not updated:
        session.add(PublicationLock(id=1, counter=1))
        session.flush()


def chain_hash(
    prev_hash: str, period: str, revision: int, file_hashes: dict[str, str], audit: tuple[int, str] | None = None
) -> str:
    """Hash a publication's place in the chain: its files, the link before it, and its audit checkpoint."""
    content: dict = {"prev": prev_hash, "period": period, "revision": revision, "files": file_hashes}
    if audit is not None:  # publications from before checkpoints keep the hash they were given
        content["audit"] = {"seq": audit[0], "hash": audit[1]}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def year_to_date(session: Session, period: Period, figures: dict) -> dict:
    """Sums of this year's quarterly figures published so far, this one included."""
    quarters = []
    received = actions = 0
    for quarter in range(1, period.quarter + 1):
        name = str(Period(period.year, quarter))
        if name == str(period):
            source = figures
        else:
            stored = latest(session, name)
            if stored is None or stored.status != "published":
                continue
            source = stored.figures
        quarters.append(name)
        received += source["noised"]["received_by_channel"]["total"]
        actions += sum(source["exact"]["actions_by_type"].values())
    return {"quarters": quarters, "reports_received": received, "enforcement_actions": actions}


def refuse_unpublishable(session: Session, period: Period, *, existing: Publication | None, correction: bool) -> None:
    """Refuse a correction of nothing, or a period that overlaps one already published."""
    if correction and existing is None:
        raise PublicationRefused(f"{period} has no publication to correct")
    for other in session.exec(select(Publication).where(Publication.period != str(period))):
        if period.overlaps(other.starts_at, other.ends_at):
            raise PublicationRefused(f"{period} overlaps the published period {other.period}")


def charge_budget(session: Session, period: Period, *, total: Decimal, epsilon: Decimal) -> None:
    """Refuse the release when the period's privacy budget (fixed at its first release) cannot pay for it."""
    try:
        ledger.budget_of(session, str(period), total).charge(epsilon)
    except ledger.BudgetChanged as err:
        raise PublicationRefused(str(err)) from err
    except privacy.BudgetExceeded as err:
        raise PublicationRefused(f"the privacy budget of {period} is spent: {err}") from err


def claim_period(session: Session, period: Period) -> Publication | None:
    """Take the publication lock and return the period's latest publication as it stands under it."""
    _lock(session)
    return latest(session, str(period))


def new_publication(
    app: Flask, session: Session, *, period: Period, revision: int, figures: dict, epsilon: Decimal, now: datetime
) -> Publication:
    """Build the publication row, linked to the publication before it; `seal_publication` completes it."""
    previous = session.exec(select(Publication).order_by(Publication.id.desc())).first()
    draft = app.config.get("TRANSPARENCY_MODE") == "draft"
    return Publication(
        period=str(period),
        revision=revision,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        status="draft" if draft else "published",
        generated_at=now,
        published_at=None if draft else now,
        epsilon=str(epsilon),
        figures=figures,
        prev_hash=previous.chain_hash if previous else GENESIS,
        chain_hash="",
    )


def seal_publication(app: Flask, session: Session, publication: Publication, hashes: dict[str, str]) -> None:
    """Fix the audit checkpoint (its own events included), chain the publication and sign it when signing is on."""
    checkpoint = audit_checkpoint(session)
    if checkpoint is not None:
        publication.audit_seq, publication.audit_hash = checkpoint
    publication.chain_hash = chain_hash(
        publication.prev_hash, publication.period, publication.revision, hashes, checkpoint
    )
    key = signing_key(app)
    if key is not None:
        signed = key.sign(publication.chain_hash.encode(), encoder=nacl.encoding.HexEncoder)
        publication.signature = signed.signature.decode()
    session.add(publication)


def store_files(
    session: Session,
    publication: Publication,
    *,
    files: dict[str, bytes],
    hashes: dict[str, str],
    shares: dict,
    now: datetime,
) -> None:
    """Add the publication's files and the privacy releases its figures spent."""
    for name, content in files.items():
        session.add(
            PublicationFile(
                publication_id=publication.id,
                name=name,
                media_type=MEDIA_TYPES[name],
                content=content,
                sha256=hashes[name],
            )
        )
    for statistic, share in shares.items():
        session.add(
            PrivacyRelease(
                period=publication.period,
                publication_id=publication.id,
                statistic=statistic,
                epsilon=str(share),
                released_at=now,
            )
        )


def record_publication(
    session: Session, publication: Publication, *, spent: Decimal, budget: Decimal, actor_id: int | None = None
) -> None:
    """Record the publication (by whom, when a publisher started it), and the privacy release it spent."""
    append_event(
        session,
        action="publication.created",
        actor_id=actor_id,
        target_type="publication",
        target_id=str(publication.id),
        details={"period": publication.period, "revision": publication.revision, "status": publication.status},
    )
    ledger.record_release(session, publication, spent=spent, budget=budget)


def protected_figures(
    session: Session, period: Period, epsilon: Decimal, step: Callable[[str], None]
) -> tuple[dict, dict]:
    """Count the period from plain columns (reads only), then noise the counts; each step is reported.

    The counts read with SQLite's small cache and no memory map: with the app's settings their pages
    took the publishing process over 512 MiB at a million reports (bench_publish).
    """
    step(COUNTING)
    with lean_reads(session):
        raw = raw_figures(session, period)
    step(NOISE)
    return protect(raw, epsilon)


def publish(
    app: Flask,
    session: Session,
    period_text: str,
    *,
    correction: bool = False,
    now: datetime | None = None,
    actor_id: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Publish (or draft) a period's report once; a published period is returned as it was stored.

    `progress` hears each of STEPS. Once committed, a publication sends `publication_published`, whose
    receivers queue their work (the exports refresh): none of it runs inside this call."""
    step = progress or (lambda _label: None)
    period = Period.parse(period_text)
    now = now or clock.now()
    if period.ends_at > now:
        raise PublicationRefused(
            f"{period} has not ended yet; it can be published from {period.ends_at.date().isoformat()}"
        )
    existing = latest(session, str(period))
    if existing is not None and not correction:
        return Outcome(existing, created=False)
    refuse_unpublishable(session, period, existing=existing, correction=correction)
    total, epsilon = release_epsilon(app)
    charge_budget(session, period, total=total, epsilon=epsilon)
    figures, shares = protected_figures(session, period, epsilon, step)
    session.rollback()  # end the read transaction before taking the lock
    step(STORING)
    current = claim_period(session, period)
    if current is not None and (not correction or current.revision != existing.revision):
        session.rollback()
        return Outcome(current, created=False)  # someone else published it meanwhile
    try:
        charge_budget(session, period, total=total, epsilon=epsilon)  # again: a rival may have spent it meanwhile
    except PublicationRefused:
        session.rollback()
        raise
    revision = (current.revision + 1) if current else 1
    figures["year_to_date"] = year_to_date(session, period, figures)
    figures["qualitative"] = notes.qualitative(session, str(period))  # frozen with the files from now on
    files = render_files(app, period=period, revision=revision, figures=figures, generated_at=now)
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    publication = new_publication(
        app, session, period=period, revision=revision, figures=figures, epsilon=epsilon, now=now
    )
    session.add(publication)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return Outcome(latest(session, str(period)), created=False)
    store_files(session, publication, files=files, hashes=hashes, shares=shares, now=now)
    record_publication(session, publication, spent=sum(shares.values(), Decimal(0)), budget=total, actor_id=actor_id)
    seal_publication(app, session, publication, hashes)
    session.commit()
    if publication.status == "published":
        publication_published.send(app, period=str(period))
    return Outcome(publication, created=True)


def approve(session: Session, publication: Publication, *, actor_id: int, app: Flask | None = None) -> Publication:
    """A publisher releases a draft; its files were fixed when it was drafted."""
    if publication.status != "draft":
        raise PublicationRefused("only a draft can be approved")
    now = clock.now()
    # Conditional on its still being a draft: of two approvals at once, one finds it so.
    released = session.execute(
        update(Publication)
        .where(col(Publication.id) == publication.id, col(Publication.status) == "draft")
        .values(status="published", published_at=now, approved_by=actor_id)
    )
    if getattr(released, "rowcount", 0) != 1:  # nothing was written
        raise PublicationRefused("it was approved meanwhile")
    session.refresh(publication)
    append_event(
        session,
        action="publication.approved",
        actor_id=actor_id,
        target_type="publication",
        target_id=str(publication.id),
        details={"period": publication.period},
    )
    session.commit()
    publication_published.send(app or current_app._get_current_object(), period=publication.period)
    return publication
