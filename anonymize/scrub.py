"""One scrubber for every free-text field that leaves the platform, built on Presidio.

Only pattern recognizers run, over a blank spaCy tokenizer: no model is downloaded and nothing
is fetched (the e-mail check uses tldextract's bundled suffix list, never the network). Found
spans are replaced by a bracketed label such as [EMAIL]. Our own recognizers add street
addresses and this platform's receipt codes.
"""

from __future__ import annotations

import functools
import re

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
)
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

LANGUAGE = "en"
LABELS = {
    "EMAIL_ADDRESS": "[EMAIL]",
    "PHONE_NUMBER": "[PHONE]",
    "IP_ADDRESS": "[IP ADDRESS]",
    "CREDIT_CARD": "[CARD NUMBER]",
    "IBAN_CODE": "[IBAN]",
    "STREET_ADDRESS": "[ADDRESS]",
    "RECEIPT": "[RECEIPT]",
}
PHONE_REGIONS = (
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "BE",
    "AT",
    "CH",
    "IE",
    "PT",
    "PL",
    "SE",
    "DK",
    "NO",
    "FI",
    "CA",
    "AU",
    "IN",
    "BR",
    "MX",
    "JP",
)
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class _OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, checking domains against the bundled suffix list only."""

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_TLD(pattern_text).fqdn != ""


class _BlankSpacy(SpacyNlpEngine):
    """A spaCy engine with a blank English tokenizer: pattern recognizers need nothing more."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "blank"}])

    def load(self) -> None:
        # Presidio sets self.nlp = None unannotated in __init__, so mypy takes its type to be None.
        self.nlp = {LANGUAGE: spacy.blank(LANGUAGE)}  # type: ignore[assignment]


_STREET_WORDS = (
    r"(?:street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|dr|court|ct|place|pl|way|"
    r"terrace|square|sq|strasse|straße|str|weg|gasse|allee|platz|calle|avenida|rue|via|viale|laan|"
    r"straat|gracht)"
)
_NAME = r"[A-ZÄÖÜÉÈÀ][\w'’.-]+"
STREET_ADDRESS = PatternRecognizer(
    supported_entity="STREET_ADDRESS",
    name="street address",
    supported_language=LANGUAGE,
    patterns=[
        # 221B Baker Street / 1600 Pennsylvania Avenue NW
        Pattern("number first", rf"\b\d{{1,5}}[A-Za-z]?\s+(?:{_NAME}\s+){{0,3}}(?i:{_STREET_WORDS})\b\.?", 0.6),
        # Hauptstraße 5 / Calle Mayor 12 / Rue de Rivoli 99
        Pattern(
            "name first",
            rf"\b(?:{_NAME}(?i:{_STREET_WORDS})|(?i:{_STREET_WORDS})\s+(?:\w+\s+){{0,3}}?{_NAME})"
            rf"\s+\d{{1,5}}[a-z]?\b",
            0.6,
        ),
    ],
)
_C = "[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]"  # Crockford base32: no I, L, O or U
RECEIPT = PatternRecognizer(
    supported_entity="RECEIPT",
    name="receipt code",
    supported_language=LANGUAGE,
    patterns=[
        Pattern("receipt, dashed", rf"\b{_C}{{4}}(?:-{_C}{{4}}){{3}}\b", 0.6),
        Pattern("receipt, spaced", rf"\b{_C}{{4}}(?: {_C}{{4}}){{3}}\b", 0.5),
        Pattern("receipt, run together", rf"\b{_C}{{16}}\b", 0.5),
    ],
)


@functools.cache
def _engines() -> tuple[AnalyzerEngine, AnonymizerEngine]:
    nlp = _BlankSpacy()
    nlp.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in (
        _OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=PHONE_REGIONS),
        IpRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
        STREET_ADDRESS,
        RECEIPT,
    ):
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[LANGUAGE])
    return analyzer, AnonymizerEngine()  # type: ignore[no-untyped-call]  # presidio's __init__ is unannotated


DATE_LIKE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
)  # 2026-03-14, 14.3.2026, 20260314


# Legal citations such as Regulation (EU) 2024/1689 or Directive 2000/31: a year, a slash, a number.
LEGAL_NUMBER = re.compile(r"(?:19|20)\d\d/\d{1,5}(?:/[A-Z]{2,4})?")


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _plausible(entity: str, span: str) -> bool:
    """Drop the pattern matches that ordinary incident text produces."""
    if entity == "RECEIPT":
        # Dashed, it is the shape we print; spaced or run together, words can look alike, so a digit is required.
        return "-" in span or _has_digit(span)
    if entity == "PHONE_NUMBER":
        # phonenumbers reads dates and version strings as numbers of some region.
        span = span.strip()
        return (
            not DATE_LIKE.fullmatch(span) and not LEGAL_NUMBER.fullmatch(span) and sum(ch.isdigit() for ch in span) >= 7
        )
    return True


def scrub(text: str | None) -> str:
    """Replace personal data in free text with bracketed labels; other text comes back unchanged."""
    if not text:
        return text or ""
    analyzer, anonymizer = _engines()
    found = [
        r
        for r in analyzer.analyze(text=text, language=LANGUAGE, entities=list(LABELS))
        if _plausible(r.entity_type, text[r.start : r.end])
    ]
    if not found:
        return text
    operators = {entity: OperatorConfig("replace", {"new_value": label}) for entity, label in LABELS.items()}
    # The anonymizer types its input as its own RecognizerResult class but copies each analyzer result field by field.
    return anonymizer.anonymize(text=text, analyzer_results=found, operators=operators).text  # type: ignore[arg-type]
