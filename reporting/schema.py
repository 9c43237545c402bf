"""The documented JSON Schema of a published report.json (served at /transparency/schema.json).

Two versions are published and both stay valid: `transparency-report/v1` (reports published before
issue 17: each breakdown noised alone, values under the threshold given as numbers) and
`transparency-report/v2` (one consistent release; a noised figure under the threshold is a flag
with no value). Published files are never rewritten, so the schema keeps describing the first.
"""

from __future__ import annotations

from typing import Any

_BREAKDOWN = {
    "type": "object",
    "description": "A noised breakdown: every cell listed (zeros included), clamped at zero; the total is "
    "the sum of the cells.",
    "required": ["cells", "total", "epsilon", "scale", "error_bound_95"],
    "properties": {
        "cells": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "total": {"type": "integer", "minimum": 0},
        "epsilon": {"type": "string", "description": "The epsilon this breakdown spent, as a decimal string."},
        "scale": {"type": "number", "description": "The discrete Laplace scale (sensitivity / epsilon)."},
        "error_bound_95": {
            "type": "integer",
            "minimum": 0,
            "description": "Each cell is within this distance of the true count with 95% confidence.",
        },
    },
    "additionalProperties": False,
}
_MEDIAN = {
    "type": "object",
    "required": ["median_hours", "buckets", "epsilon"],
    "properties": {
        "median_hours": {
            "type": ["integer", "null"],
            "description": "A private median chosen among the buckets; null with too few cases.",
        },
        "buckets": {"type": "array", "items": {"type": "integer"}},
        "epsilon": {"type": "string"},
    },
    "additionalProperties": False,
}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

_V1: dict[str, Any] = {
    "title": "Transparency report (transparency-report/v1)",
    "description": "One quarter's published figures. Figures under 'noised' come from reporters' data and carry "
    "differentially private noise; figures under 'exact' are the platform's own decisions.",
    "type": "object",
    "required": [
        "schema",
        "period",
        "revision",
        "starts",
        "ends",
        "generated_at",
        "noised",
        "exact",
        "deadline_compliance",
        "year_to_date",
        "methodology",
    ],
    "properties": {
        "schema": {"const": "transparency-report/v1"},
        "period": {"type": "string", "pattern": "^[0-9]{4}Q[1-4]$"},
        "revision": {"type": "integer", "minimum": 1, "description": "1 for the original; corrections count up."},
        "starts": {"type": "string", "format": "date", "description": "First day of the quarter (UTC)."},
        "ends": {"type": "string", "format": "date", "description": "First day after the quarter (UTC)."},
        "generated_at": {"type": "string", "format": "date-time"},
        "noised": {
            "type": "object",
            "required": [
                "received_by_channel",
                "public_by_category",
                "public_by_actor",
                "public_by_severity",
                "whistleblower_by_group",
                "deadlines_met",
                "hours_to_first_response",
                "hours_to_action",
            ],
            "properties": {
                "received_by_channel": _BREAKDOWN,
                "public_by_category": _BREAKDOWN,
                "public_by_actor": _BREAKDOWN,
                "public_by_severity": _BREAKDOWN,
                "whistleblower_by_group": _BREAKDOWN,
                "deadlines_met": _BREAKDOWN,
                "hours_to_first_response": _MEDIAN,
                "hours_to_action": _MEDIAN,
            },
            "additionalProperties": False,
        },
        "deadline_compliance": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "Share of serious incidents filed within their tier, from the "
            "noised counts; null with too few cases.",
        },
        "exact": {
            "type": "object",
            "required": [
                "incidents",
                "actions_by_type",
                "actions_by_ground",
                "actions_by_decision",
                "referrals",
                "models",
            ],
            "properties": {
                "incidents": {
                    "type": "object",
                    "required": ["opened", "closed"],
                    "properties": {
                        "opened": {"type": "integer", "minimum": 0},
                        "closed": {"type": "integer", "minimum": 0},
                    },
                },
                "actions_by_type": _COUNTS,
                "actions_by_ground": _COUNTS,
                "actions_by_decision": _COUNTS,
                "referrals": {"type": "integer", "minimum": 0},
                "models": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "version", "provider", "status", "effective_on", "reason"],
                        "properties": {
                            "name": {"type": "string"},
                            "version": {"type": "string"},
                            "provider": {"type": "string"},
                            "status": {"enum": ["suspended", "decommissioned"]},
                            "effective_on": {"type": ["string", "null"], "format": "date"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        },
        "year_to_date": {
            "type": "object",
            "required": ["quarters", "reports_received", "enforcement_actions"],
            "properties": {
                "quarters": {"type": "array", "items": {"type": "string"}},
                "reports_received": {"type": "integer", "minimum": 0},
                "enforcement_actions": {"type": "integer", "minimum": 0},
            },
        },
        "methodology": {
            "type": "object",
            "required": [
                "epsilon",
                "epsilon_spent",
                "display_threshold",
                "confidence",
                "privacy_unit",
                "mechanism",
                "weights",
            ],
        },
    },
}

_FIGURE = {
    "type": "object",
    "description": "A noised figure. Under the display threshold it is suppressed: the flag is true and there is "
    "no value. The same rule gives '<10' in the HTML tables, a marker without a bar in the chart, and "
    "suppressed=yes with an empty value in report.csv.",
    "required": ["value", "suppressed", "error_bound_95"],
    "properties": {
        "value": {"type": ["integer", "null"], "minimum": 0},
        "suppressed": {"type": "boolean"},
        "error_bound_95": {
            "type": "integer",
            "minimum": 0,
            "description": "The figure is within this distance of the true count with 95% confidence, after the "
            "reconciliation and rounding.",
        },
    },
    "additionalProperties": False,
    "if": {"properties": {"suppressed": {"const": True}}},
    "then": {"properties": {"value": {"type": "null"}}},
    "else": {"properties": {"value": {"type": "integer", "minimum": 10}}},
}
_TABLE = {
    "type": "object",
    "description": "A noised table of one consistent release: every cell listed (zeros included); its cells add up to "
    "its total, and every table of the same reports has the same total.",
    "required": ["cells", "total"],
    "properties": {"cells": {"type": "object", "additionalProperties": _FIGURE}, "total": _FIGURE},
    "additionalProperties": False,
}
_TABLES = (
    "received_by_channel",
    "public_by_category",
    "public_by_actor",
    "public_by_severity",
    "whistleblower_by_group",
    "deadlines_met",
)
_EXACT_V1: dict[str, Any] = _V1["properties"]["exact"]
# consistent-tables/2 adds the DSA template's exact tables; a /1 report has none of them.
_EXACT_V2 = {
    **_EXACT_V1,
    "properties": {
        **_EXACT_V1["properties"],
        "actions_by_restriction": {
            **_COUNTS,
            "description": "Restricting actions by 'action type/category of the notice/detection'; a category is "
            "'whistleblower' for a whistleblower report and 'own_initiative' when no notice prompted it. "
            "Only the combinations that happened.",
        },
        "own_initiative_by_type": _COUNTS,
        "suspensions_by_target": _COUNTS,
        "appeals": {
            "type": "object",
            "required": ["received", "decided", "reversed", "median_days_to_decide"],
            "properties": {
                "received": {"type": "integer", "minimum": 0},
                "decided": {"type": "integer", "minimum": 0},
                "reversed": {"type": "integer", "minimum": 0},
                "median_days_to_decide": {"type": ["number", "null"], "minimum": 0},
            },
        },
    },
}
_V2 = {
    **_V1,
    "title": "Transparency report (transparency-report/v2)",
    "properties": {
        **_V1["properties"],
        "schema": {"const": "transparency-report/v2"},
        "noised": {
            "type": "object",
            "required": [*_TABLES, "hours_to_first_response", "hours_to_action"],
            # consistent-tables/2 adds the notices by source and by kind (not required: /1 has neither).
            "properties": {name: _TABLE for name in (*_TABLES, "notices_by_source", "public_by_kind")}
            | {"hours_to_first_response": _MEDIAN, "hours_to_action": _MEDIAN},
            "additionalProperties": False,
        },
        "exact": _EXACT_V2,
        "qualitative": {
            "type": "object",
            "description": "The qualitative parts of the Commission's template, as written before publishing (absent "
            "from reports published before they were added).",
            "properties": {
                name: {"type": "string"} for name in ("automated_means", "staff_and_training", "safeguards")
            },
        },
        "year_to_date": {
            "type": "object",
            "required": ["quarters", "reports_received", "enforcement_actions"],
            "properties": {
                "quarters": {"type": "array", "items": {"type": "string"}},
                "reports_received": {
                    **_FIGURE,
                    "description": "The sum of the quarters' noised totals (no bound is stated for it yet).",
                    "required": ["value", "suppressed"],
                },
                "enforcement_actions": {"type": "integer", "minimum": 0},
            },
        },
        "methodology": {
            "type": "object",
            "required": [
                "method",
                "epsilon",
                "epsilon_spent",
                "shares",
                "display_threshold",
                "confidence",
                "privacy_unit",
                "mechanism",
                "measured",
                "per_report_epsilon",
                "bound_draws",
            ],
            "properties": {
                "method": {
                    "enum": ["consistent-tables/1", "consistent-tables/2"],
                    "description": "How the noised figures were made.",
                },
                "shares": {"type": "object", "additionalProperties": {"type": "string"}},
                "measured": {
                    "type": "object",
                    "description": "The noisy tables measured: their population, cells, epsilon and scale.",
                },
                "per_report_epsilon": {
                    "type": "object",
                    "description": "What one report of each channel costs: the sum of the epsilons of its tables.",
                },
            },
        },
    },
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "/transparency/schema.json",
    "title": "Transparency report",
    "description": "One quarter's published figures, in the version its 'schema' names. Figures under 'noised' come "
    "from reporters' data and carry differentially private noise; figures under 'exact' are the platform's own "
    "decisions.",
    "oneOf": [_V2, _V1],
}
