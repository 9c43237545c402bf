"""The `partner` table: trusted flaggers, authorities and model hubs that file reports through the API."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class Partner(SQLModel, table=True):
    """A partner and the hashes of its secrets; the API token and webhook secret themselves are never stored."""

    __tablename__ = "partner"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: str = Field(max_length=20)  # vocabulary.PartnerKind
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # SHA-256 (hex) of the API token, and of a hub's webhook secret (incidents.partners.service).
    token_hash: str = Field(max_length=64, unique=True, index=True)
    webhook_secret_hash: str | None = Field(default=None, max_length=64)
