"""Partners: issue, list and revoke their tokens, and tell who a request's token or webhook secret belongs to.

A token is 256 random bits (URL-safe base64 behind a `ptk_` prefix; a hub's webhook secret likewise behind
`whs_`), shown once when issued. Only its SHA-256 is stored: with 256 bits of entropy nothing can be guessed
from the hash, so a key would add nothing against a stolen database, and a plain hash keeps tokens working
when PLATFORM_SECRET is rotated (which does void receipts, whose 80 bits do need the keyed hash).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from incidents.models import Report
from incidents.partners.models import Partner
from incidents.vocabulary import PartnerKind

TOKEN_PREFIX = "ptk_"
SECRET_PREFIX = "whs_"
# What a token or secret may look like at all; anything else is refused before the database is asked.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,200}")
NAME_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}")


class PartnerError(ValueError):
    """A partner command that cannot be done: unknown kind or partner, a name taken."""


@dataclass(frozen=True)
class Issued:
    """A new partner with its secrets in clear: shown once, then only their hashes remain."""

    partner: Partner
    token: str
    webhook_secret: str | None


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_partner(session: Session, name: str, kind: str, *, actor_id: int | None = None) -> Issued:
    """Create a partner and return it with its API token (and, for a hub, its webhook secret)."""
    name = name.strip()
    if not NAME_SHAPE.fullmatch(name):
        raise PartnerError("A partner's name is 1 to 100 letters, digits, spaces, '.', '_' or '-'.")
    if kind not in set(PartnerKind):
        raise PartnerError(f"Unknown kind {kind!r}: choose one of {', '.join(PartnerKind)}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    webhook_secret = SECRET_PREFIX + secrets.token_urlsafe(32) if kind == PartnerKind.HUB else None
    partner = Partner(
        name=name,
        kind=kind,
        token_hash=secret_hash(token),
        webhook_secret_hash=secret_hash(webhook_secret) if webhook_secret else None,
    )
    session.add(partner)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise PartnerError(f"A partner named {name!r} exists already.") from None
    append_event(
        session,
        action="partner.added",
        actor_id=actor_id,
        target_type="partner",
        target_id=str(partner.id),
        details={"kind": kind},
    )
    session.commit()
    return Issued(partner=partner, token=token, webhook_secret=webhook_secret)


def all_partners(session: Session) -> list[Partner]:
    return list(session.exec(select(Partner).order_by(Partner.name)))


def revoke_partner(session: Session, name: str) -> Partner:
    """Revoke, by name, a partner's token and webhook secret (the CLI's way)."""
    partner = session.exec(select(Partner).where(Partner.name == name.strip())).first()
    if partner is None:
        raise PartnerError(f"No partner named {name!r}.")
    return revoke(session, partner)


def revoke(session: Session, partner: Partner, *, actor_id: int | None = None) -> Partner:
    """Revoke a partner's token and webhook secret at once (every request looks the partner up afresh).

    The UPDATE names the unrevoked row, so of two admins revoking at once one writes the time and the event."""
    revoked = session.execute(
        update(Partner).where(Partner.id == partner.id, Partner.revoked_at.is_(None)).values(revoked_at=clock.now())
    )
    if revoked.rowcount == 1:
        append_event(
            session, action="partner.revoked", actor_id=actor_id, target_type="partner", target_id=str(partner.id)
        )
    session.commit()
    session.refresh(partner)
    return partner


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    reports: int
    last_report_at: datetime | None


def partner_rows(session: Session) -> list[PartnerRow]:
    """Every partner with the number of reports it filed and when it last filed one (one GROUP BY)."""
    counts = {
        partner_id: (n, last)
        for partner_id, n, last in session.exec(
            select(Report.partner_id, func.count(), func.max(Report.created_at))
            .where(Report.partner_id.is_not(None))
            .group_by(Report.partner_id)
        )
    }
    return [PartnerRow(partner, *counts.get(partner.id, (0, None))) for partner in all_partners(session)]


def partner_for_token(session: Session, token: str) -> Partner | None:
    """Return the unrevoked partner whose token this is, or None."""
    if not SECRET_SHAPE.fullmatch(token):
        return None
    query = select(Partner).where(Partner.token_hash == secret_hash(token), Partner.revoked_at.is_(None))
    return session.exec(query).first()


def webhook_secret_matches(partner: Partner, given: str | None) -> bool:
    """Tell, in constant time, whether a hub sent its webhook secret; a revoked partner's never matches."""
    if partner.revoked_at is not None or not partner.webhook_secret_hash or not given:
        return False
    return hmac.compare_digest(secret_hash(given), partner.webhook_secret_hash)
