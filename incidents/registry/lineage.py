"""Lineage: which registry records a model is derived from, and which derive from it.

A record is known by its hub repo id, `org/name`, read from its `hub_url` (huggingface.co or hf.co,
case-insensitive). A `base_models` entry links to the record whose repo id it names; an entry may be
the repo id or the hub URL. Names and versions are not matched: they are free text, and a card's
`base_model` is always a repo id, so only that link is exact. An entry no record matches stays text.
The registry is small (hundreds of rows), so the links are worked out in Python over its rows, with
the cards' text left unloaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import load_only
from sqlmodel import Session, select

from incidents.models import ModelRecord

HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
NOT_MODELS = frozenset({"datasets", "spaces", "docs", "collections", "papers"})


def repo_id(url: str | None) -> str | None:
    """'https://huggingface.co/Org/Name/tree/main' -> 'org/name'; None for anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in HUB_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in NOT_MODELS:
        return None
    return f"{segments[0]}/{segments[1]}".lower()


def base_key(entry: str) -> str:
    """A `base_models` entry as a repo id to match: a hub URL is cut to its repo id, and case is ignored."""
    entry = entry.strip()
    return repo_id(entry) or entry.lower()


@dataclass(frozen=True)
class Base:
    name: str  # as the record or the card writes it
    record: ModelRecord | None  # the registry's record, when one matches


class Lineage:
    """The registry's links, worked out once: repo id -> records, record id -> records derived from it.

    Several records may share one repo id (versions of one hub repository): a model derived from that repo
    is derived from each of them, and a base shown on a page links the newest record of the repo.
    """

    def __init__(self, records: list[ModelRecord]) -> None:
        self.by_key: dict[str, list[ModelRecord]] = defaultdict(list)
        for r in sorted(records, key=lambda r: r.id or 0):
            if key := repo_id(r.hub_url):
                self.by_key[key].append(r)
        self.children: dict[int, list[ModelRecord]] = defaultdict(list)
        for record in records:
            for entry in record.base_models or []:
                for parent in self.by_key.get(base_key(str(entry)), []):
                    if parent.id != record.id:
                        self.children[parent.id or 0].append(record)

    def bases(self, model: ModelRecord) -> list[Base]:
        found = []
        for entry in model.base_models or []:
            matches = self.by_key.get(base_key(str(entry)), [])
            found.append(Base(str(entry), matches[-1] if matches else None))
        return found

    def derived(self, model: ModelRecord, *, transitive: bool = True) -> list[ModelRecord]:
        """Models derived from `model`, nearest first; each once, so a cycle ends the walk."""
        seen = {model.id}
        found: list[ModelRecord] = []
        level = [model]
        while level:
            following = []
            for parent in level:
                for child in sorted(self.children.get(parent.id or 0, []), key=lambda r: (r.name, r.version)):
                    if child.id not in seen:
                        seen.add(child.id)
                        found.append(child)
                        following.append(child)
            level = following if transitive else []
        return found

    def ancestors(self, model: ModelRecord) -> list[ModelRecord]:
        """The registry's models `model` derives from, directly or through others, nearest first; a cycle ends it."""
        seen = {model.id}
        found: list[ModelRecord] = []
        level = [model]
        while level:
            following = []
            for child in level:
                for entry in child.base_models or []:
                    for parent in self.by_key.get(base_key(str(entry)), []):
                        if parent.id not in seen:
                            seen.add(parent.id)
                            found.append(parent)
                            following.append(parent)
            level = following
        return found


def lineage(session: Session) -> Lineage:
    """The registry's links, from the columns they need (and the status and listing the pages and criteria read)."""
    columns = (
        ModelRecord.id,
        ModelRecord.name,
        ModelRecord.version,
        ModelRecord.hub_url,
        ModelRecord.base_models,
        ModelRecord.status,
        ModelRecord.listing,
    )
    records = session.exec(select(ModelRecord).options(load_only(*columns))).all()
    return Lineage(list(records))


def derived_models(session: Session, model: ModelRecord) -> list[ModelRecord]:
    """Every model derived from `model`, directly or through others (fine-tunes of fine-tunes), cycles guarded."""
    return lineage(session).derived(model)
