import math
from datetime import timedelta

import pytest

from core import clock
from incidents.intake import receipts
from incidents.intake.schemas import ApiReportSchema, ReportSchema


def test_receipts_have_80_bits_and_read_forgivingly():
    assert math.log2(len(receipts.ALPHABET) ** receipts.LENGTH) >= 80
    receipt = receipts.new_receipt()
    assert len(receipt) == 19 and receipt.count("-") == 3
    assert receipts.normalise(receipt.lower().replace("-", " ")) == receipt.replace("-", "")
    assert receipts.normalise("ILO0-0000-0000-0000") == "1100000000000000"
    assert receipts.normalise("too short") is None
    assert receipts.normalise("UUUU-UUUU-UUUU-UUUU") is None
    assert len({receipts.new_receipt() for _ in range(1000)}) == 1000


def test_receipt_mac_is_keyed_and_canonical():
    key, other = receipts.receipt_key("secret-one"), receipts.receipt_key("secret-two")
    receipt = receipts.new_receipt()
    assert receipts.receipt_mac(key, receipt) == receipts.receipt_mac(key, receipt.lower())
    assert receipts.receipt_mac(key, receipt) != receipts.receipt_mac(other, receipt)
    assert receipt.replace("-", "") not in receipts.receipt_mac(key, receipt)


def valid(**overrides):
    data = {
        "title": "A clear title",
        "description": "Twenty characters or more of description.",
        "category": "privacy",
        "severity": "incident",
    }
    data.update(overrides)
    return data


def test_minimal_report_loads_with_defaults():
    loaded = ReportSchema().load(valid())
    assert loaded["evidence_links"] == [] and loaded["share_consent"] is False and loaded["model_name"] is None


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"title": "abc"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "short"}, "description"),
        ({"category": "weather"}, "category"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"severity": "serious_incident"}, "serious_flags"),
        ({"model_url": "javascript:alert(1)"}, "model_url"),
        ({"evidence_links": "https://a.example.org\nnot a link"}, "evidence_links"),
        ({"evidence_links": [f"https://e{i}.example.org" for i in range(21)]}, "evidence_links"),
        ({"occurred_from": (clock.today() + timedelta(days=2)).isoformat()}, "occurred_from"),
        ({"occurred_from": "2026-05-02", "occurred_to": "2026-05-01"}, "occurred_to"),
        ({"occurred_from": "yesterday"}, "occurred_from"),
        ({"country": "XX"}, "country"),
        ({"contact": "c" * 501}, "contact"),
        ({"serious_flags": ["alien"]}, "serious_flags"),
    ],
)
def test_each_rule_names_its_field(overrides, field):
    errors = ReportSchema().validate(valid(**overrides))
    assert field in errors, errors


def test_text_is_trimmed_and_links_split_per_line():
    loaded = ReportSchema().load(
        valid(
            title="  A clear title  ",
            country="de",
            model_name="   ",
            evidence_links="https://a.example.org/1\n\n https://b.example.org/2 ",
        )
    )
    assert loaded["title"] == "A clear title" and loaded["country"] == "DE" and loaded["model_name"] is None
    assert loaded["evidence_links"] == ["https://a.example.org/1", "https://b.example.org/2"]


def test_api_schema_adds_channel_and_rejects_unknown_fields():
    assert ApiReportSchema().load(valid())["channel"] == "public"
    assert "channel" in ApiReportSchema().validate(valid(channel="secret"))
    assert "extra" in ApiReportSchema().validate(valid(extra=1))
    assert "_schema" in ApiReportSchema().validate(["not", "an", "object"])
