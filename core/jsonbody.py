"""JSON request bodies: a size cap checked before anything is read, and a cap on nesting."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

MAX_DEPTH = 20  # objects and lists inside each other; a report needs 3


class BadJSON(ValueError):
    """A body that is not JSON this app accepts; str() says why, in the reader's language."""


def read_json(max_bytes: int) -> Any:
    """Return the request's JSON body, parsed.

    A body above `max_bytes` is refused with 413 from its Content-Length, before a byte is read
    (a body sent without a length is cut off at the limit, with the same 413). A body that is not
    JSON, is nested deeper than MAX_DEPTH or holds a NUL character raises BadJSON.
    """
    request.max_content_length = max_bytes
    data = request.get_data(cache=False)
    try:
        value = json.loads(data)
    except RecursionError as err:
        raise BadJSON(_too_deep()) from err
    except ValueError as err:  # not JSON, or not UTF-8
        raise BadJSON(_("Send the report as a JSON object with Content-Type application/json.")) from err
    _inspect(value)
    return value


def _too_deep() -> str:
    message: str = _("The JSON is nested too deeply: at most %(n)d levels of objects and lists.", n=MAX_DEPTH)
    return message


def _inspect(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH, and the NUL character, which PostgreSQL cannot hold in text."""
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            raise BadJSON(_("Text may not contain the NUL character."))
        if isinstance(item, dict | list):
            if level > MAX_DEPTH:
                raise BadJSON(_too_deep())
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested past Python's recursion limit is bad input (400), not a crash (500)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; too deep a nesting is a ValueError, which request.get_json answers with 400."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError as err:
            raise ValueError("the JSON is nested too deeply") from err


def init_app(app: Flask) -> None:
    """Parse every request's JSON through BoundedJSONProvider."""
    app.json = BoundedJSONProvider(app)
