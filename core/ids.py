"""Row ids that arrive in URLs and query strings.

Ids are 32-bit integers on PostgreSQL, and SQLite overflows at 64 bits: a larger number cannot
name a row, and passing it to the database fails (a 500). So every id is checked here first:
ASCII digits only (``int`` also reads "²" as a digit and "٣" as 3), at most ``MAX_ID``.
"""

from __future__ import annotations

import builtins
import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1
_ID_TEXT = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """Return the positive id that `text` spells, or None when it spells none that can exist."""
    if text is None or not _ID_TEXT.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """The app's ``<int:...>`` converter: a URL naming an id above MAX_ID matches no route, so it is a 404."""

    regex = r"[0-9]{1,10}"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # werkzeug's own parameter names
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else builtins.min(max, MAX_ID), signed)


def init_app(app: Flask) -> None:
    """Make every ``<int:...>`` route use IdConverter; call before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter


def id_arg(name: str) -> int | None:
    """Return the id in query argument `name`: None when it is absent, a 400 when it names no possible row."""
    text = request.args.get(name)
    if not text:
        return None
    value = parse_id(text)
    if value is None:
        abort(400)
    return value
