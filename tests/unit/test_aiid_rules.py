"""AIID's rules: entity ids as npm slugify 1.6.9 makes them, source domains, addresses, and the form's checks.

Every expected slug below is what `require('slugify')(name, {lower: true})` printed, version 1.6.9,
written in by hand (tests/e2e/test_slug_conformance.py runs the package itself on thousands more).
"""

from datetime import date

import pytest

from exports import aiid_rules as rules
from exports.aiid_rules import Problem
from exports.slug import slugify

# The rules take "today" as an argument and never read the clock, so a fixed day needs no freezing here.
AS_OF = date(2026, 11, 28)


@pytest.mark.parametrize(
    "name, slug",
    [
        # Greek and Cyrillic are transliterated by slugify's own map (θ is "8", ξ is "3", η is "h").
        ("Αθήνα Τεχνολογίες", "a8hna-texnologies"),
        ("Θεσσαλονίκη", "8essalonikh"),
        ("ΣΊΣΥΦΟΣ", "sisyfos"),
        ("Яндекс", "yandeks"),
        ("Москва Банк", "moskva-bank"),
        ("Привет, мир!", "privet-mir!"),
        ("Київ", "kiyiv"),
        ("Ъ Ь", "u"),
        # CJK and Hangul are not in the map: they vanish.
        ("百度", ""),
        ("한국어", ""),
        ("北京 Beijing", "beijing"),
        # Latin letters, symbols and punctuation.
        ("New York City Dept. of Education", "new-york-city-dept.-of-education"),
        ("Meta Platforms, Inc.", "meta-platforms-inc."),
        ("AT&T", "atandt"),
        ("€uro 100%", "eurouro-100percent"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("C'est la vie", "c'est-la-vie"),
        ("A–B", "a-b"),
        ("a - b", "a-b"),
        ("  spaced   out  ", "spaced-out"),
        ("nbsp\u00a0here", "nbsp-here"),
        ("émoji 😀 test", "emoji-test"),
        ("ﬁ ligature", "ligature"),
        ("x\u0301y", "xy"),
        ("İstanbul", "istanbul"),
        ("فارسی", "farsy"),
        # Short names.
        ("X", "x"),
        ("ab", "ab"),
    ],
)
def test_entity_ids_are_npm_slugify_outputs(name, slug):
    assert slugify(name) == slug


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
    assert rules.source_domain(url) == domain


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.example.com/news/2026/ai-story?id=3&x=y#top", True),
        ("http://example.org", True),
        ("https://example.org:8443/a%20b", True),
        ("https://192.0.2.10/path", True),
        ("ftp://example.com/x", False),  # yup takes ftp; AIID's reports are web pages
        ("https://localhost/x", False),
        ("https://exa mple.com/", False),
        ("https://example.com/a b", False),
        ("https://bücher.example/", False),  # an IDN must be written in punycode
        ("https://xn--bcher-kva.example/", True),
        ("not a url", False),
        ("", False),
    ],
)
def test_valid_url(url, ok):
    assert rules.valid_url(url) is ok


def test_lengths_count_utf16_code_units_as_javascript_does():
    assert rules.js_length("abc") == 3
    assert rules.js_length("😀") == 2
    assert rules.length("title", "ab😀de", rules.TITLE_LENGTH) == []  # 6 units, 5 code points


def source(**changes) -> dict:
    return {
        "title": "Chatbot gives dangerous dosing advice",
        "text": "x" * 80,
        "authors": ["Jane Reporter"],
        "url": "https://www.example.com/story",
        "source_domain": "example.com",
        "date_published": "2026-10-01",
        "date_downloaded": "2026-10-02",
        **changes,
    }


def test_a_good_source_passes():
    assert rules.source_problems(source(), AS_OF) == []


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"title": "short"}, Problem("title", "must be 6-500 characters, is 5")),
        ({"text": "x" * 79}, Problem("text", "must be 80-50,000 characters, is 79")),
        ({"text": "x" * 50_001}, Problem("text", "must be 80-50,000 characters, is 50,001")),
        ({"authors": []}, Problem("authors", "at least one is required")),
        ({"authors": ["Al"]}, Problem("authors", "'Al' must be 3-200 characters, is 2")),
        ({"date_published": ""}, Problem("date_published", "is required: record the source's publication date")),
        ({"date_published": "01/10/2026"}, Problem("date_published", "must be a date written YYYY-MM-DD")),
        ({"date_published": "2026-02-30"}, Problem("date_published", "is not a real date")),
        ({"date_downloaded": "2026-11-29"}, Problem("date_downloaded", "cannot be after today")),
        (
            {"url": "ftp://example.com/x"},
            Problem("url", "must be an http(s) address with an ASCII host name and no spaces"),
        ),
        ({"source_domain": "www.example.com"}, Problem("source_domain", "must be the URL's host without www. or m.")),
    ],
)
def test_each_source_rule_says_why(change, problem):
    assert rules.source_problems(source(**change), AS_OF) == [problem]


ENTITIES = {
    "deployers": ["Acme Health Apps"],
    "developers": ["Aurora Labs"],
    "harmed_parties": ["Insulin pump users"],
    "implicated_systems": [],
}


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"deployers": []}, Problem("deployers", "at least one is required")),
        ({"developers": []}, Problem("developers", "at least one is required")),
        ({"harmed_parties": []}, Problem("harmed_parties", "at least one is required")),
        ({"deployers": ["AI"]}, Problem("deployers", "'AI' must be 3-200 characters, is 2")),
        (
            {"developers": ["百度公司"]},
            Problem("developers", "'百度公司' has no letters AIID's entity ids can write (empty id)"),
        ),
        ({"harmed_parties": ["Ъ Ь"]}, Problem("harmed_parties", "'Ъ Ь' becomes the entity id 'u', under 3 letters")),
        (
            {"implicated_systems": ["x" * 201]},
            Problem("implicated_systems", f"'{'x' * 201}' must be 3-200 characters, is 201"),
        ),
    ],
)
def test_each_entity_rule_says_why(change, problem):
    assert rules.entity_problems({**ENTITIES, **change}) == [problem]


def test_greek_and_cyrillic_names_pass_and_implicated_systems_may_be_empty():
    entities = {**ENTITIES, "deployers": ["Αθήνα Τεχνολογίες"], "developers": ["Яндекс"]}
    assert rules.entity_problems(entities) == []
