"""AIID's `classifications` documents, as pure functions: build one from a stored classification, and check it.

The shape is the one AIID's database keeps (responsible-ai-collaborative/aiid at 638678f2a065,
site/gatsby-site/server/types/classification.ts, and the documents in playwright/seeds/aiidprod/
classifications.ts): `namespace`, `attributes` as [{short_name, value_json}], `incidents` (AIID incident
numbers), `reports` (AIID report numbers), `notes` and `publish`. `value_json` is JSON.stringify of the
value (utils/classifications.js serializeClassification, and the CSV import script): compact, with
non-ASCII characters as they are.

AIID assigns incident and report numbers, so `incidents` and `reports` stay empty, and the document has
no field for an outside id. `notes` (free text that AIID shows only to its editors) carries our
identifier of the incident instead, so an editor can link the classification to the incident they
import. Our staff's own notes are unscrubbed free text and stay on the platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from exports.aiid_rules import Problem
from incidents.cases.classify import Classification
from incidents.cases.taxonomy import Kind, Taxonomy, taxonomies, value_problem

DOCUMENT_KEYS = ("namespace", "attributes", "incidents", "reports", "notes", "publish")


def value_json(value: Any) -> str:
    """Encode a value as AIID's JSON.stringify does: no spaces, non-ASCII characters kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def classification_document(classification: Classification, *, identifier: str) -> dict:
    """Build AIID's document for one classification; attributes in the taxonomy's order, unknown ones last."""
    taxonomy = taxonomies().get(classification.namespace)
    order = {a.short_name: i for i, a in enumerate(taxonomy.attributes)} if taxonomy else {}
    names = sorted(classification.attributes, key=lambda name: (order.get(name, len(order)), name))
    return {
        "namespace": classification.namespace,
        "attributes": [{"short_name": n, "value_json": value_json(classification.attributes[n])} for n in names],
        "incidents": [],
        "reports": [],
        "notes": identifier,
        "publish": classification.publish,
    }


def _attribute_problems(doc_attributes: Any, taxonomy: Taxonomy) -> list[Problem]:
    if not isinstance(doc_attributes, list):
        return [Problem("attributes", "must be a list")]
    problems, seen = [], set()
    for item in doc_attributes:
        if not isinstance(item, dict) or set(item) != {"short_name", "value_json"}:
            problems.append(Problem("attributes", "each must have exactly short_name and value_json"))
            continue
        name, encoded = item["short_name"], item["value_json"]
        attribute = taxonomy.by_name.get(name) if isinstance(name, str) else None
        if attribute is None:
            problems.append(Problem("attributes", f"{name!r} is not a field of {taxonomy.namespace}"))
            continue
        if name in seen:
            problems.append(Problem(name, "appears twice"))
        seen.add(name)
        try:
            value = json.loads(encoded) if isinstance(encoded, str) else None
        except (ValueError, RecursionError):
            value = None
        if value is None or value_json(value) != encoded:
            problems.append(Problem(name, "value_json must be the value as JSON.stringify writes it"))
            continue
        problem = value_problem(attribute, value)
        if problem:
            problems.append(Problem(name, problem))
    return problems


def check_classification(doc: dict, taxonomy: Taxonomy) -> list[Problem]:
    """Check a document against AIID's shape and the taxonomy's rules; an empty list means it may be written."""
    if set(doc) != set(DOCUMENT_KEYS):
        return [Problem("classification", f"must have exactly the keys {', '.join(DOCUMENT_KEYS)}")]
    problems = []
    if doc["namespace"] != taxonomy.namespace:
        problems.append(Problem("namespace", f"must be {taxonomy.namespace}"))
    for name in ("incidents", "reports"):
        if doc[name] != []:
            problems.append(Problem(name, "must be empty: AIID assigns incident and report numbers"))
    if not isinstance(doc["notes"], str) or not doc["notes"]:
        problems.append(Problem("notes", "must carry our identifier of the incident"))
    if not isinstance(doc["publish"], bool):
        problems.append(Problem("publish", "must be true or false"))
    if not doc["attributes"]:
        problems.append(Problem("attributes", "the classification sets no value"))
    return problems + _attribute_problems(doc["attributes"], taxonomy)


def free_text_problems(
    classification: Classification, taxonomy: Taxonomy, scrub: Callable[[str], str]
) -> list[Problem]:
    """Free labels (GMF's lists) leave as staff typed them: one the scrubber would change holds personal data."""
    problems = []
    for attribute in taxonomy.attributes:
        values = classification.attributes.get(attribute.short_name)
        if attribute.kind is Kind.LIST and isinstance(values, list):
            for value in values:
                if isinstance(value, str) and scrub(value) != value:
                    problems.append(
                        Problem(attribute.short_name, "a label holds personal data (an address, a number); reword it")
                    )
                    break
    return problems


def build_classifications(
    classifications: list[Classification], *, identifier: str, scrub: Callable[[str], str] = lambda text: text
) -> tuple[list[dict], list[Problem]]:
    """Build an incident's documents; return those that pass and the problems of those held back.

    A classification with no value left (staff cleared every field) says nothing, and is left out quietly.
    `scrub` is anonymize.scrub in the export: a free label it would change holds the classification back.
    """
    documents, problems = [], []
    for classification in classifications:
        if not classification.attributes:
            continue
        taxonomy = taxonomies().get(classification.namespace)
        if taxonomy is None:
            problems.append(Problem("namespace", f"{classification.namespace!r} is not a taxonomy we export"))
            continue
        doc = classification_document(classification, identifier=identifier)
        found = check_classification(doc, taxonomy) + free_text_problems(classification, taxonomy, scrub)
        if found:
            problems += [Problem(f"{taxonomy.namespace} {p.field}", p.reason) for p in found]
        else:
            documents.append(doc)
    return documents, problems
