"""Verify what was published: files, chain links, signatures, audit checkpoints, and the privacy ledger."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from reporting import ledger
from reporting.models import Publication, PublicationFile
from reporting.publish import GENESIS, MEDIA_TYPES, REQUIRED_FILES, chain_hash, signing_key


@dataclass
class Verification:
    ok: bool
    checked: int
    problems: list[str]


def _file_hashes(session: Session, publication: Publication, name: str, problems: list[str]) -> dict[str, str]:
    hashes = {}
    for stored in session.exec(select(PublicationFile).where(PublicationFile.publication_id == publication.id)):
        if hashlib.sha256(stored.content).hexdigest() != stored.sha256:
            problems.append(f"{name}: {stored.name} was altered")
        hashes[stored.name] = stored.sha256
    if not set(hashes) >= REQUIRED_FILES:
        problems.append(f"{name}: files are missing")
    if not set(hashes) <= set(MEDIA_TYPES):
        problems.append(f"{name}: it has files no publication writes")
    return hashes


def verify(app: Flask, session: Session) -> Verification:
    """Recompute every file hash and chain link, check signatures when signing is on, and cross-check the ledger."""
    problems: list[str] = []
    prev_hash = GENESIS
    key = signing_key(app)
    for publication in session.exec(select(Publication).order_by(Publication.id)).all():
        name = f"{publication.period} revision {publication.revision}"
        hashes = _file_hashes(session, publication, name, problems)
        if publication.prev_hash != prev_hash:
            problems.append(f"{name}: the link to the previous publication is broken")
        audit = (publication.audit_seq, publication.audit_hash or "") if publication.audit_seq is not None else None
        expected = chain_hash(publication.prev_hash, publication.period, publication.revision, hashes, audit)
        if expected != publication.chain_hash:
            problems.append(f"{name}: its chain hash does not match its files and checkpoint")
        if key is not None:
            try:
                key.verify_key.verify(publication.chain_hash.encode(), bytes.fromhex(publication.signature or ""))
            except Exception:  # noqa: BLE001  (any failure means the signature does not hold)
                problems.append(f"{name}: the signature does not verify")
        prev_hash = publication.chain_hash
    problems += ledger.checkpoint_problems(session) + ledger.cross_check(session)
    count = session.execute(select(func.count()).select_from(Publication)).scalar_one()
    return Verification(ok=not problems, checked=count, problems=problems)
