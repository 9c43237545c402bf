"""The cells of AIID's snapshot CSV files, written as AIID's own backup writes them.

site/db-backup/bin/backup.sh in responsible-ai-collaborative/aiid (638678f2) makes two kinds:
- incidents.csv comes from `mongoexport --type=csv`: arrays as compact JSON, an ObjectId as
  `ObjectId(<hex>)`, a missing field as an empty cell, quoted only where Go's encoding/csv must
  quote (a comma, a quote, a line break, or a leading space), lines ending in LF;
- reports.csv comes from site/db-backup/bin/convert_json_to_csv.py over mongoexport's relaxed JSON:
  every cell quoted, the header too, a quote doubled and a backslash escaped as two, lines ending in LF,
  a list joined with ", ", a date or an ObjectId as the string inside it.
"""

from __future__ import annotations

import csv
import json
from typing import Any


def mongoexport_cell(value: Any) -> str:
    """One value as mongoexport's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, dict) and "$oid" in value:
        return f"ObjectId({value['$oid']})"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


# Go's unicode.IsSpace: the Latin-1 spaces, then the White_Space property (not Python's str.isspace,
# which also takes \x1c-\x1f).
GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | set(map(chr, range(0x2000, 0x200B)))


def _go_needs_quotes(field: str) -> bool:
    """encoding/csv's fieldNeedsQuotes, with the comma as separator."""
    if field == "":
        return False
    if field == "\\." or any(ch in field for ch in ',"\r\n'):
        return True
    return field[0] in GO_SPACE


def mongoexport_line(values: list[str]) -> str:
    """One CSV line as Go's encoding/csv writes it (mongoexport's writer): minimal quoting, LF."""
    cells = []
    for value in values:
        cells.append('"' + value.replace('"', '""') + '"' if _go_needs_quotes(value) else value)
    return ",".join(cells) + "\n"


def relaxed_cell(value: Any) -> Any:
    """One relaxed-JSON value as convert_json_to_csv.py flattens it."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict) and "$date" in value:
        return value["$date"]
    if isinstance(value, dict) and "$oid" in value:
        return value["$oid"]
    return value


def convert_json_writer(sink) -> Any:
    """A csv writer set up as convert_json_to_csv.py sets up its own."""
    return csv.writer(sink, delimiter=",", quotechar='"', quoting=csv.QUOTE_ALL, escapechar="\\", lineterminator="\n")
