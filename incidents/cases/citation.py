"""How to cite a shared incident: BibTeX and a plain-text reference, both with the incident's stable URL."""

from __future__ import annotations

from datetime import date

# BibTeX's special characters, each written so that it prints as itself.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Escape text for a BibTeX field, on one line."""
    return "".join(_BIBTEX.get(c, c) for c in " ".join(text.split()))


def bibtex(*, incident_id: int, title: str, publisher: str, shared_on: date, url: str, accessed_on: date, words) -> str:
    """A BibTeX @misc entry for the incident, keyed by its number; `words` as for `plain`."""
    fields = [
        ("title", "{" + bibtex_escape(title) + "}"),
        ("author", "{" + bibtex_escape(publisher) + "}"),
        ("howpublished", f"{bibtex_escape(publisher)}, {bibtex_escape(words['incident'])} {incident_id}"),
        ("year", str(shared_on.year)),
        ("month", str(shared_on.month)),
        ("url", url),
        ("urldate", accessed_on.isoformat()),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{incident-{incident_id},\n{body}\n}}"


def plain(*, incident_id: int, title: str, publisher: str, shared_on: date, url: str, accessed_on: date, words) -> str:
    """A plain-text reference; `words` gives the translated connecting words (incident, shared, accessed)."""
    title = " ".join(title.split())
    return (
        f"{publisher}. “{title}”. {words['incident']} {incident_id}, {words['shared']} {shared_on.isoformat()}. "
        f"{url} ({words['accessed']} {accessed_on.isoformat()})."
    )
