"""Language choice from ?lang= or Accept-Language; never from a cookie."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale

babel = Babel()


def select_locale() -> str:
    """Pick the explicit ?lang= choice if supported, else the best Accept-Language match."""
    supported: list[str] = current_app.config["LANGUAGES"]
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # CLI and scheduler: the default language
        return default
    explicit = request.args.get("lang")
    if explicit in supported:
        return explicit
    return request.accept_languages.best_match(supported) or default


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our locale selector (translations live in ./translations)."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_template_helpers)
    app.before_request(_remember_explicit_language)
    app.url_defaults(_carry_language)


def _remember_explicit_language() -> None:
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        g.explicit_lang = lang


def _carry_language(endpoint: str, values: dict[str, Any]) -> None:
    """Keep an explicit ?lang= choice in every link and form we build, instead of in a cookie."""
    lang = g.get("explicit_lang") if g else None
    if lang and endpoint != "static" and "lang" not in values:
        values["lang"] = lang


def language_names() -> list[tuple[str, str]]:
    """Return (code, name in its own language) for each language the app speaks, in the configured order."""
    return [(code, _own_name(code)) for code in current_app.config["LANGUAGES"]]


def _language_links() -> list[tuple[str, str, bool]]:
    """Return (code, name in its own language, is current) for the language switcher."""
    current = str(get_locale() or "en")
    return [(code, name, code == current) for code, name in language_names()]


def _own_name(code: str) -> str:
    """Return a language's name in that language, capitalised (Español, not español)."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(code)
    # A few languages have no name of their own in CLDR (ary, pi, ...): the switcher shows the code.
    return name.capitalize() if name else code


def _template_helpers() -> dict[str, Any]:
    return {"current_locale": lambda: str(get_locale() or "en"), "language_links": _language_links}
