"""The pure pieces of the public incident pages: the search folding, the page cursor, the citation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from incidents.cases.citation import bibtex, bibtex_escape, plain
from incidents.cases.public import fold, search_text
from incidents.cases.public_list import Cursor


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("MÉDICO", "medico"),
        ("Straße  über\n\tNiño", "strasse uber nino"),
        ("ﬁle Ⅻ", "file xii"),
        ("100% _sure_", "100% _sure_"),
    ],
)
def test_fold_removes_case_accents_and_extra_space(text, folded):
    assert fold(text) == folded


def test_search_text_is_the_folded_title_and_description():
    assert (
        search_text({"title": "Asistente Médico", "description": "Falló  OTRA vez"})
        == "asistente medico fallo otra vez"
    )
    assert search_text({"title": "Only a title", "description": None}) == "only a title"


def test_a_cursor_survives_its_token_to_the_microsecond():
    # 2026-01-01 is 1,767,225,600 s after the epoch; 28 November noon is 331.5 days later.
    cursor = Cursor(datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC), 42)
    assert cursor.token() == "1795867200123456-42"
    assert Cursor.parse(cursor.token()) == cursor


@pytest.mark.parametrize(
    "token", ["", "-", "12", "12-", "-3", "a-1", "1-b", "1-0", "1-2147483648", "١٢-3", "1²-3", "123456789012345678-1"]
)
def test_a_damaged_cursor_reads_as_none(token):
    assert Cursor.parse(token) is None


def test_the_citation_escapes_bibtex_and_names_the_url():
    assert (
        bibtex_escape("50% & {x}_#$~^\\") == r"50\% \& \{x\}\_\#\$\textasciitilde{}\textasciicircum{}\textbackslash{}"
    )
    words = {"incident": "Incident", "shared": "shared on", "accessed": "accessed on"}
    cite = {
        "incident_id": 7,
        "title": "A  title\nover lines",
        "publisher": "AI Incident Reports",
        "shared_on": date(2026, 8, 20),
        "url": "https://example.org/incidents/7",
        "accessed_on": date(2026, 11, 28),
    }
    assert bibtex(**cite, words=words) == (
        "@misc{incident-7,\n"
        "  title = {{A title over lines}},\n"
        "  author = {{AI Incident Reports}},\n"
        "  howpublished = {AI Incident Reports, Incident 7},\n"
        "  year = {2026},\n"
        "  month = {8},\n"
        "  url = {https://example.org/incidents/7},\n"
        "  urldate = {2026-11-28}\n"
        "}"
    )
    assert plain(**cite, words=words) == (
        "AI Incident Reports. “A title over lines”. Incident 7, shared on 2026-08-20. "
        "https://example.org/incidents/7 (accessed on 2026-11-28)."
    )
