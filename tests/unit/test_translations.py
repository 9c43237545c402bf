"""Every marked string has a Spanish translation, and the compiled catalogue matches the source."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None, "lazy_gettext": None}


# Staff-only screens may show English where a translation is missing; everything a reporter or a
# member of the public can see must be complete in every shipped language.
STAFF_ONLY = (
    "core/home.py",
    "core/staff_admin.py",
    "core/staff_admin_views.py",
    "incidents/triage/home_panels.py",
    "reporting/home_panel.py",
    "incidents/errors.py",
    "incidents/triage/views.py",
    "incidents/triage/service.py",
    "incidents/triage/schemas.py",
    "incidents/triage/deadlines.py",
    "incidents/triage/duties.py",
    "incidents/triage/duty_service.py",
    "incidents/triage/duty_views.py",
    "incidents/triage/workflow.py",
    "incidents/triage/queue.py",
    "incidents/cases/views.py",
    "incidents/cases/service.py",
    "incidents/cases/schemas.py",
    "incidents/cases/source_views.py",
    "incidents/enforcement/views.py",
    "incidents/enforcement/service.py",
    "incidents/enforcement/schemas.py",
    "incidents/enforcement/appeal_schemas.py",
    "incidents/enforcement/statement_views.py",
    "incidents/enforcement/appeal_staff_views.py",
    "incidents/enforcement/licence_ground.py",
    "incidents/registry/views.py",
    "incidents/partners/views.py",
    "incidents/registry/service.py",
    "incidents/registry/schemas.py",
    "incidents/registry/cards.py",
    "incidents/registry/card_service.py",
    "incidents/registry/card_views.py",
    "incidents/registry/listing_service.py",
    "incidents/registry/review_views.py",
    "templates/reporting/admin.html",
    "exports/views.py",
    "exports/jobs.py",
)


def _staff_only(folder: str, filename: str) -> bool:
    path = f"{folder}/{filename}"
    return path in STAFF_ONLY or "/staff/" in f"/{path}"


def marked_strings() -> set[str]:
    found = set()
    for folder in ("core", "incidents", "anonymize", "reporting", "exports", "templates"):
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS, comment_tags=()
        ):
            if _staff_only(folder, filename):
                continue
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_public_string_is_translated_to_spanish():
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="es")
    translated = {m.id: m.string for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(marked_strings() - set(translated))
    assert missing == [], f"untranslated: {missing[:10]} (see translations/README.md)"


def test_compiled_catalogue_matches_the_source():
    with open(PO, "rb") as handle:
        source = {m.id: m.string for m in read_po(handle, locale="es") if m.id and m.string}
    with open(MO, "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source, "run: .venv/bin/pybabel compile -d translations"


def test_placeholders_survive_translation():
    import re

    with open(PO, "rb") as handle:
        for message in read_po(handle, locale="es"):
            if message.id and message.string:
                pattern = r"%\(\w+\)[sd]|\{\w+\}"
                assert sorted(re.findall(pattern, message.id)) == sorted(re.findall(pattern, message.string)), (
                    message.id
                )


def test_staff_action_labels_and_reply_templates_are_extracted():
    """The strings staff see are marked for extraction, so translators find them in the catalogue."""
    from incidents.triage.views import ACTION_LABELS, REPLY_TEMPLATES

    with open(PO, "rb") as handle:
        ids = {m.id for m in read_po(handle, locale="es")}
    wanted = set(ACTION_LABELS.values()) | {text for pair in REPLY_TEMPLATES.values() for text in pair}
    assert wanted - ids == set()


def test_the_words_of_a_statement_of_reasons_are_translated():
    """A statement goes to the affected party in their language: the enforcement vocabulary it prints, kept with
    the staff form's labels, is complete too (its templates are outside /staff/, so the first test covers them)."""
    from incidents.enforcement.schemas import ACTION_TYPES, AUTOMATION, GROUND_TYPES, TARGET_KINDS

    with open(PO, "rb") as handle:
        translated = {m.id for m in read_po(handle, locale="es") if m.id and m.string and "fuzzy" not in m.flags}
    wanted = {str(text) for table in (ACTION_TYPES, TARGET_KINDS, GROUND_TYPES, AUTOMATION) for text in table.values()}
    assert sorted(wanted - translated) == []
