"""AIID conventions: entity ids as its slugify makes them, source domains, and the submit form's rules."""

from datetime import date

import pytest

from exports import aiid

# The rules take "today" as an argument and never read the clock, so a fixed day needs no freezing here.
AS_OF = date(2026, 11, 28)


@pytest.mark.parametrize(
    "name, slug",
    [
        ("New York City Dept. of Education", "new-york-city-dept.-of-education"),
        ("OpenAI", "openai"),
        ("Tesla drivers", "tesla-drivers"),
        ("McDonald's", "mcdonald's"),
        ("snake_case Org", "snake_case-org"),
        ("Société Générale", "societe-generale"),
        ("Straße & Co", "strasse-and-co"),
        ("  Spaces   around  ", "spaces-around"),
        ("A - B", "a-b"),
        ("Emoji 🤖 Labs", "emoji-labs"),
    ],
)
def test_entity_ids_match_aiid_slugs(name, slug):
    assert aiid.entity_id(name) == slug


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://www.example.com/news/1", "example.com"),
        ("https://m.example.com/story", "example.com"),
        ("https://news.example.co.uk/a", "news.example.co.uk"),
        ("http://WWW.Example.org", "example.org"),
        ("https://mobile.example.com", "mobile.example.com"),
    ],
)
def test_source_domain(url, domain):
    assert aiid.source_domain(url) == domain


def good() -> dict:
    return {
        "title": "Chatbot gives dangerous dosing advice",
        "text": "x" * 80,
        "description": "Dosing advice",
        "url": "https://www.example.com/story",
        "source_domain": "example.com",
        "date_published": "2026-10-01",
        "date_downloaded": "2026-10-02",
        "date_submitted": "2026-11-28",
        "date_modified": "2026-11-28",
    }


def test_a_good_record_passes():
    assert aiid.check_submission(good(), AS_OF) == []


@pytest.mark.parametrize(
    "change, field, reason",
    [
        ({"title": "short"}, "title", "6-500"),
        ({"title": "t" * 501}, "title", "6-500"),
        ({"text": "too short"}, "text", "80-50,000"),
        ({"text": "x" * 50_001}, "text", "80-50,000"),
        ({"description": "ab"}, "description", "3-500"),
        ({"url": "not a url"}, "url", "http(s)"),
        ({"url": "ftp://example.com/x"}, "url", "http(s)"),
        ({"source_domain": "www.example.com"}, "source_domain", "without www."),
        ({"date_published": "01/10/2026"}, "date_published", "YYYY-MM-DD"),
        ({"date_published": "2026-02-30"}, "date_published", "real date"),
        ({"date_submitted": "2026-11-29"}, "date_submitted", "future"),
    ],
)
def test_each_rule_rejects_with_its_reason(change, field, reason):
    problems = aiid.check_submission({**good(), **change}, AS_OF)
    assert [p.field for p in problems] == [field] and reason in problems[0].reason
