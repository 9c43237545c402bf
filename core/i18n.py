"""Language choice from ?lang= or Accept-Language; never from a cookie."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale

babel = Babel()


def select_locale() -> str:
    """Pick the explicit ?lang= choice if supported, else the best Accept-Language match."""
    supported = current_app.config["LANGUAGES"]
    explicit = request.args.get("lang")
    if explicit in supported:
        return explicit
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our locale selector (translations live in ./translations)."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_template_helpers)


def _template_helpers() -> dict:
    return {"current_locale": lambda: str(get_locale() or "en")}
