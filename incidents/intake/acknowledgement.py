"""What the reporter is told about the duties owed to them: dates on their pages, and the automatic acknowledgement.

Sentences are built in the current locale (the reporter's), with dates from Flask-Babel, so the
receipt page, the follow-up page and the sealed acknowledgement all say the same thing.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from incidents.triage.duties import Clock, DutyKind

# A long date as the language writes it; English as "8 December 2026", as EU texts do.
DATE_PATTERNS = {"en": "d MMMM y"}


def long_date(moment: datetime) -> str:
    """Format a date for the reporter, in their language."""
    locale = get_locale()
    return format_date(moment, DATE_PATTERNS.get(locale.language if locale else "en", "long"))


def _sentence(clock: Clock) -> str | None:
    kind, due, met = clock.kind, clock.due_at, clock.met_at
    if kind is DutyKind.RECEIPT:
        return _("We confirmed receipt of your report on %(date)s.", date=long_date(met or due))
    if kind is DutyKind.ACKNOWLEDGE:
        if met:
            return _("We acknowledged your report on %(date)s.", date=long_date(met))
        return _("We will acknowledge your report by %(date)s.", date=long_date(due))
    if kind is DutyKind.FEEDBACK:
        if met:
            return _("We gave you feedback on %(date)s.", date=long_date(met))
        text = _("We will tell you what we are doing about your report by %(date)s.", date=long_date(due))
        if clock.extended:
            text += " " + _("This period was extended to six months, as the law allows in duly justified cases.")
        return text
    if kind is DutyKind.OUTCOME:
        if met:
            return _("We told you the final outcome on %(date)s.", date=long_date(met))
        if due is None:
            return _("When the case closes, we will tell you its final outcome here.")
        return _("The case is closed; we will tell you its final outcome here.")
    if kind is DutyKind.DECISION:
        if met:
            return _("We decided on your report on %(date)s.", date=long_date(met))
        return _(
            "We aim to decide on your report by %(date)s. This is our own service level, not a legal deadline.",
            date=long_date(due),
        )
    return None


def duty_sentences(clocks: list[Clock]) -> list[str]:
    """Return one sentence per duty: when it is due, or when it was met."""
    return [text for text in (_sentence(clock) for clock in clocks) if text]


def acknowledgement_text(clocks: list[Clock]) -> str:
    """Return the automatic acknowledgement: what happens next, and by when."""
    lines = [
        _(
            "This is an automatic message. Your report has reached us. It is sealed, so only the people "
            "designated to handle it can read it."
        ),
        _("What happens next:"),
        *(f"- {text}" for text in duty_sentences(clocks)),
        _("Come back to the follow-up page with your receipt to read our messages and to answer them."),
    ]
    return "\n".join(lines)
