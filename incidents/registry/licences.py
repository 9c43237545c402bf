"""The licence registry: the built-in licences (licence_data), plus those an operator's TOML file adds or replaces.

LICENCE_REGISTRY_FILE names the file. Each `[[licence]]` table has `id` (the cards' `license` identifier),
`name`, and optionally `spdx`, `url`, `vague` (why it cannot be acted on) and `[[licence.clause]]` tables
with `id`, `reference` and `summary`. An entry whose id is built in replaces it. A file that cannot be read
stops the app at start with a ConfigError naming the entry, never at the first takedown request.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context

from core.schemas import N_
from core.settings import ConfigError
from incidents.registry.licence_data import BUILT_IN, Clause, Licence

EXTENSION = "licences"
SEPARATOR = ":"  # between a licence's id and a clause's, where a form names both in one value


def load(path: str | Path | None = None) -> dict[str, Licence]:
    """The registry, keyed by identifier: the built-in licences, then the file's, in the file's order."""
    licences = {licence.id: licence for licence in BUILT_IN}
    if not path:
        return licences
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"LICENCE_REGISTRY_FILE {path}: {error}") from error
    entries = document.get("licence", [])
    if not isinstance(entries, list):
        raise ConfigError(f"LICENCE_REGISTRY_FILE {path}: write each licence as a [[licence]] table.")
    for number, entry in enumerate(entries, start=1):
        licence = _licence(entry, f"LICENCE_REGISTRY_FILE {path}, licence {number}")
        licences[licence.id] = licence
    return licences


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = True, limit: int = 1000) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ConfigError(f"{where}: '{key}' must be text of 1 to {limit} characters.")
    return value.strip()


def _licence(entry: Any, where: str) -> Licence:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: write it as a [[licence]] table.")
    identifier = str(_text(entry, "id", where, limit=100)).lower()
    where = f"{where} ({identifier})"
    raw_clauses = entry.get("clause", [])
    if not isinstance(raw_clauses, list):
        raise ConfigError(f"{where}: write each clause as a [[licence.clause]] table.")
    clauses = []
    for number, raw in enumerate(raw_clauses, start=1):
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}, clause {number}: write it as a [[licence.clause]] table.")
        place = f"{where}, clause {number}"
        clauses.append(
            Clause(
                str(_text(raw, "id", place, limit=20)),
                str(_text(raw, "reference", place, limit=100)),
                str(_text(raw, "summary", place)),
            )
        )
    ids = [clause.id for clause in clauses]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{where}: two clauses share an id.")
    vague = _text(entry, "vague", where, required=False)
    if vague is None and not clauses:
        raise ConfigError(f"{where}: give its clauses, or say in 'vague' why it cannot be acted on.")
    return Licence(
        identifier,
        str(_text(entry, "name", where, limit=200)),
        _text(entry, "spdx", where, required=False, limit=100),
        _text(entry, "url", where, required=False, limit=500),
        tuple(clauses),
        vague,
    )


def init_app(app: Flask) -> None:
    """Read the registry once at start, so that a broken file stops the app there."""
    app.extensions[EXTENSION] = load(app.config.get("LICENCE_REGISTRY_FILE"))


def registry() -> dict[str, Licence]:
    """The app's registry; the built-in one outside an app."""
    if has_app_context() and EXTENSION in current_app.extensions:
        return current_app.extensions[EXTENSION]
    return load()


def find(identifier: str | None) -> Licence | None:
    """The licence a card's `license` identifier names (case and spaces ignored), or None."""
    if not identifier:
        return None
    return registry().get(identifier.strip().lower())


def citation_problem(licence_id: str | None, clause_id: str | None) -> str | None:
    """Why a licence and clause cannot be cited (a message for people, untranslated), or None when they can."""
    licence = find(licence_id)
    if licence is None:
        return N_("We do not act on this licence: choose one from our list of licences.")
    if licence.vague is not None:
        return licence.vague
    if not clause_id or licence.clause(clause_id) is None:
        return N_("Choose a clause of this licence from the list.")
    return None


def split_citation(value: str) -> tuple[str | None, str]:
    """Read `licence_id:clause_id` as its two ids, a registry id matched whole (separator and all, so the longest
    that fits wins); a value naming no registry licence is (None, value), a bare clause id."""
    for licence_id in sorted(registry(), key=len, reverse=True):
        if value.startswith(licence_id + SEPARATOR):
            return licence_id, value[len(licence_id) + len(SEPARATOR) :]
    return None, value
