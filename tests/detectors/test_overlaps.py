"""One reading per identifier: a generic personal-data finding gives way to a specific rule's finding on the
same characters or inside one identifier; a name inside a longer passage stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.detect.overlaps import prefer_specific
from screener.model import Category, Evidence, Finding, Span

PROFILE = """schema: screener-employer/1
id: bravura
display_name: Bravura Ridge Ventures
description: Fictional private-equity firm for tests.
legal_names:
  - Bravura Ridge Ventures LLP
abbreviations:
  - BRV
reference_formats:
  - name: deal-reference
    regex: '\\bBRV-DL-[0-9]{6}\\b'
"""

METHOD = {Category.PERSONAL_DATA: "SpacyRecognizer", Category.EMPLOYER: "pattern", Category.SECRET: "regex",
          Category.MARKING: "regex", Category.FRAGMENT: "fingerprint-index"}


def at(text: str, phrase: str, rule: str, category: Category, method: str | None = None) -> Finding:
    start = text.index(phrase)
    return Finding(rule, category, Span(start, start + len(phrase)), 0.85,
                   Evidence(detector="t", method=method or METHOD[category], entity="X"))


def kept(text: str, findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule_id, text[f.span.start : f.span.end]) for f in prefer_specific(findings, text)]


@pytest.mark.parametrize(
    ("text", "generic", "specific", "expected"),
    [
        ("The deal reference BRV-DL-123456 closed.", ("BRV", "PII103"), ("BRV-DL-123456", "EMP208"),
         [("EMP208", "BRV-DL-123456")]),
        ("Write to ops@northwind-bank.example.com now.",
         ("ops@northwind-bank.example.com", "PII110", "EmailRecognizer"),
         ("ops@northwind-bank.example.com", "EMP203"), [("EMP203", "ops@northwind-bank.example.com")]),
        ("We ran Project Copperbeech.", ("Project Copperbeech", "PII101"), ("Project Copperbeech", "EMP205"),
         [("EMP205", "Project Copperbeech")]),
        ("Ticket INC-NWB-123456 was raised.", ("Ticket INC-NWB-123456", "PII103"), ("INC-NWB-123456", "EMP208"),
         [("EMP208", "INC-NWB-123456")]),
        ("key sk_live_Dana4eC39HqLyjWDarjtT1zdp7dc here", ("Dana4eC39HqLyjWDarjtT1zdp7dc", "PII101"),
         ("sk_live_Dana4eC39HqLyjWDarjtT1zdp7dc", "SEC405"), [("SEC405", "sk_live_Dana4eC39HqLyjWDarjtT1zdp7dc")]),
        ("Dana Whitfield of NWB signed.", ("Dana Whitfield of NWB", "PII101"), ("NWB", "EMP202"),
         [("PII101", "Dana Whitfield of NWB"), ("EMP202", "NWB")]),
        ("PRIVILEGED - prepared for Dana Whitfield", ("Dana Whitfield", "PII101"),
         ("PRIVILEGED - prepared for Dana Whitfield", "MRK301"),
         [("MRK301", "PRIVILEGED - prepared for Dana Whitfield"), ("PII101", "Dana Whitfield")]),
        ("Call Dana on 0117 496 0000 about RISK-LENS-2.", ("0117 496 0000", "PII111", "PhoneRecognizer"),
         ("RISK-LENS-2", "EMP206"), [("PII111", "0117 496 0000"), ("EMP206", "RISK-LENS-2")]),
    ],
    ids=["prefix-of-deal-reference", "same-email", "same-codename", "model-reads-id-with-a-word", "inside-secret",
         "name-beside-abbreviation-kept", "name-inside-banner-kept", "elsewhere-kept"],
)  # fmt: skip
def test_generic_gives_way_to_specific(text: str, generic: tuple[str, ...], specific: tuple[str, str],
                                       expected: list[tuple[str, str]]) -> None:
    phrase, rule, *method = generic
    g = at(text, phrase, rule, Category.PERSONAL_DATA, *method)
    category = {"EMP": Category.EMPLOYER, "SEC": Category.SECRET, "MRK": Category.MARKING}[specific[1][:3]]
    s = at(text, specific[0], specific[1], category)
    assert sorted(kept(text, [g, s])) == sorted(expected)


def test_name_inside_a_fragment_stays() -> None:
    text = "Approving the reset needs Dana Whitfield and the committee."
    frag = at(text, text, "FRG501", Category.FRAGMENT)
    name = at(text, "Dana Whitfield", "PII101", Category.PERSONAL_DATA)
    assert kept(text, [frag, name]) == [("FRG501", text), ("PII101", "Dana Whitfield")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The deal reference NWB-DL-2024-0117 was closed.", [("EMP208", "NWB-DL-2024-0117")]),
        ("Ticket INC-NWB-123456 was raised.", [("EMP208", "INC-NWB-123456")]),
        ("Write to ops-escalations@northwind-bank.example.com today.",
         [("EMP203", "ops-escalations@northwind-bank.example.com")]),
    ],
    ids=["deal-id", "ticket-in-longer-id", "employer-mailbox"],
)  # fmt: skip
def test_one_finding_per_identifier_through_the_engine(engine, text: str,  # type: ignore[no-untyped-def]
                                                      expected: list[tuple[str, str]]) -> None:
    found = engine.screen(text).findings
    assert [(f.rule_id, text[f.span.start : f.span.end]) for f in found] == expected


def test_quoted_deal_reference_with_its_profile(tmp_path: Path) -> None:
    from screener.engine import Screener

    (tmp_path / "bravura.yaml").write_text(PROFILE)
    engine = Screener.from_config(ScreenerConfig(profiles_dirs=(tmp_path,)))
    text = "The deal reference BRV-DL-123456 was closed."
    found = engine.screen(text).findings
    assert [(f.rule_id, text[f.span.start : f.span.end]) for f in found] == [("EMP208", "BRV-DL-123456")]
