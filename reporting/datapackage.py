"""datapackage.json: the report's CSV files described as a Frictionless (tabular) data package.

Each CSV file of a publication becomes a resource with its table schema, its size and its SHA-256,
at a path relative to the package (the files are served side by side under
/transparency/<period>/). The descriptor is written from the files themselves, so it is made when a
period is published, hashed and chained with the other files; publications from before it have none,
and still verify (reporting/verify.py). The tests validate it with the `frictionless` library.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime

from core.periods import Period

PROFILE = "tabular-data-package"
YES_NO = {"type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
# The columns report.csv writes (reporting.render.CSV_COLUMNS); a column not described here is a plain string.
FIELDS: dict[str, dict] = {
    "section": {
        "type": "string",
        "description": "The table the figure belongs to, as named in report.json (for example public_by_category).",
        "constraints": {"required": True},
    },
    "cell": {
        "type": "string",
        "description": "The row of that table: a category, a channel, 'total', or a model's name and version.",
        "constraints": {"required": True},
    },
    "value": {
        "type": "any",
        "description": "The figure: a whole number for counts, hours for a median, a status for a model. Empty when "
        "the figure is suppressed (under the display threshold) or unknown.",
    },
    "shown_as": {
        "type": "string",
        "description": "The figure as the report shows it: '<10' when it is suppressed; a model's effective date.",
    },
    "suppressed": {**YES_NO, "description": "yes when a noised figure is under the display threshold."},
    "error_bound_95": {
        "type": "integer",
        "description": "The 95% error bound of a noised figure (±); empty for exact figures and medians.",
        "constraints": {"minimum": 0},
    },
    "noised": {**YES_NO, "description": "yes when the figure comes from reporters' data and carries noise."},
}
DESCRIPTIONS = {
    "report.csv": "One row per published figure: the noised figures from reporters' data first, then the "
    "platform's own decisions, which are exact.",
}


def table_schema(content: bytes) -> dict:
    """The table schema of a CSV file, from its header row."""
    header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
    fields = [{"name": name, **FIELDS.get(name, {"type": "string"})} for name in header]
    return {"fields": fields, "missingValues": [""]}


def resource(name: str, content: bytes) -> dict:
    return {
        "name": name.removesuffix(".csv").replace("_", "-"),
        "path": name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "description": DESCRIPTIONS.get(name, ""),
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": table_schema(content),
    }


def datapackage(*, period: Period, revision: int, files: dict[str, bytes], generated_at: datetime) -> bytes:
    """Write datapackage.json for a publication's CSV files; the same files always give the same bytes."""
    descriptor = {
        "profile": PROFILE,
        "name": f"transparency-report-{str(period).lower()}",
        "title": f"Transparency report {period}, revision {revision}",
        "version": str(revision),
        "created": generated_at.isoformat(timespec="seconds"),
        "description": "The figures of a quarterly transparency report. report.json holds the same figures with "
        "their methodology; its JSON Schema is at /transparency/schema.json.",
        "resources": [resource(name, content) for name, content in sorted(files.items()) if name.endswith(".csv")],
    }
    return (json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
