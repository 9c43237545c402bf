"""The words a transparency report shows for its tables' cells, in the reader's language.

The cells are keyed by our vocabulary (reporting.aggregate, incidents.vocabulary); this module names
each in words, from the label tables the forms and staff pages use where they fit, marked with `N_`
and translated when shown. `cell_label` never shows a raw key when it knows the table.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext

from core.schemas import N_
from incidents.enforcement.schemas import ACTION_TYPES, AUTOMATION, GROUND_TYPES, TARGET_KINDS
from incidents.intake.kinds import KINDS
from incidents.labels import ACTOR_LABELS, CATEGORY_LABELS, MODEL_STATUSES
from incidents.models import Channel, Severity
from reporting.action_figures import OWN_INITIATIVE, WHISTLEBLOWER

CHANNELS = {Channel.PUBLIC.value: N_("Public channel"), Channel.WHISTLEBLOWER.value: N_("Whistleblower channel")}
SOURCES = {
    "individual": N_("Individuals (including those a model hub forwards)"),
    "trusted_flagger": N_("Trusted flaggers"),
    "authority": N_("Orders from authorities"),
}
# The report's own short words for the severities (the form's are sentences).
SEVERITIES = {
    Severity.HAZARD.value: N_("Hazard or near miss"),
    Severity.INCIDENT.value: N_("Incident"),
    Severity.SERIOUS_INCIDENT.value: N_("Serious incident"),
}
GROUPS = {
    "harmful content": N_("Harmful content"),
    "safety and security": N_("Safety and security"),
    "rights, privacy and fraud": N_("Rights, privacy and fraud"),
    "other": N_("Other"),
}
DEADLINES = {"on time": N_("Filed on time"), "late": N_("Filed late")}
NOTICE_CATEGORIES = {
    **{str(key): value for key, value in CATEGORY_LABELS.items()},
    WHISTLEBLOWER: N_("A whistleblower report (its category is not published)"),
    OWN_INITIATIVE: N_("None: on our own initiative"),
}
INCIDENTS = {"opened": N_("Opened this quarter"), "closed": N_("Closed this quarter")}
APPEALS = {
    "received": N_("Appeals received"),
    "decided": N_("Appeals decided"),
    "reversed": N_("Decision reversed, fully or in part"),
    "median_days_to_decide": N_("Median days to decide"),
}
# The measured tables (reporting.figures.DESIGN), as the methodology names them.
MEASURED = {
    "received_by_channel": N_("Reports by channel"),
    "public_by_category": N_("Public reports by category"),
    "public_by_actor": N_("Public reports by responsible party"),
    "public_by_severity_and_deadline": N_("Public reports by severity and filing deadline"),
    "public_by_source_and_kind": N_("Public reports by who sent them and kind"),
    "whistleblower_by_group": N_("Whistleblower reports in coarse groups"),
    "whistleblower_by_deadline": N_("Whistleblower reports by filing deadline"),
}


def _keyed(table: Mapping) -> dict[str, str]:
    return {str(key): value for key, value in table.items()}


TABLES: dict[str, dict[str, str]] = {
    "received_by_channel": CHANNELS,
    "notices_by_source": SOURCES,
    "public_by_kind": {str(kind): form.label for kind, form in KINDS.items()},
    "public_by_category": _keyed(CATEGORY_LABELS),
    "public_by_actor": _keyed(ACTOR_LABELS) | {"unspecified": N_("Not said")},
    "public_by_severity": SEVERITIES,
    "whistleblower_by_group": GROUPS,
    "deadlines_met": DEADLINES,
    "incidents": INCIDENTS,
    "actions_by_type": _keyed(ACTION_TYPES),
    "own_initiative_by_type": _keyed(ACTION_TYPES),
    "actions_by_ground": _keyed(GROUND_TYPES),
    "actions_by_decision": _keyed(AUTOMATION),
    "suspensions_by_target": _keyed(TARGET_KINDS),
    "appeals": APPEALS,
    "model_status": _keyed(MODEL_STATUSES),
    "restriction": _keyed(ACTION_TYPES),
    "notice_category": NOTICE_CATEGORIES,
    "detection": _keyed(AUTOMATION),
    "measured": MEASURED,
}


def cell_label(table: str, cell: str) -> str:
    """A cell's words in the current language; a cell no table names is shown as it is stored."""
    words = TABLES.get(table, {}).get(cell)
    return gettext(words) if words else cell


def restriction_cells(cell: str) -> tuple[str, str, str]:
    """The three columns of an `actions_by_restriction` cell ("type/category/detection"), in words."""
    restriction, category, detection = cell.split("/")
    return (
        cell_label("restriction", restriction),
        cell_label("notice_category", category),
        cell_label("detection", detection),
    )
