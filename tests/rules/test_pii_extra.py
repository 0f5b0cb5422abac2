"""The rules of rules/pii_extra.yaml run by the pii_regex detector: what each must find and must leave."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig
from screener.detect.base import ScanInput
from screener.detect.pii_regex import PiiRegexDetector, build_detector, personal_data_regex_rules
from screener.model import Metadata
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize


@pytest.fixture(scope="module")
def detector(config: ScreenerConfig) -> PiiRegexDetector:
    rules = load_rules([config.rules_dir / "pii_extra.yaml"])
    return PiiRegexDetector(personal_data_regex_rules(rules), config.regex_timeout)


def found(detector: PiiRegexDetector, text: str) -> list[tuple[str, str]]:
    return [
        (f.rule_id, text[f.span.start : f.span.end])
        for f in detector.detect(ScanInput(normalize(text), None, Metadata()))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The case originated in an application (no. 25929/05) against Ruritania.", [("PII150", "25929/05")]),
        ("applications nos. 29280/95, 26699/96 and 29700/96 were joined",
         [("PII150", "29280/95, 26699/96 and 29700/96")]),
        ("by a national of Ruritania, Mr Oğuz Atakan Köseoğlu, on 3 May", [("PII151", "Mr Oğuz Atakan Köseoğlu")]),
        ("represented by Mr Cz. Sławski, a lawyer", [("PII151", "Mr Cz. Sławski")]),
        ("Contact: Dr. Ana van der Berg today", [("PII151", "Dr. Ana van der Berg")]),
        ("Please call me on (99) 645-791 after six.", [("PII152", "(99) 645-791")]),
        ("Fax: +41 (0)96 471 07 95", [("PII152", "+41 (0)96 471 07 95")]),
        ("Date: 2003-08-28 12:13:52", [("PII153", "2003-08-28 12:13:52")]),
        ("Send it to 1987 Diakou Street, Suite 680.", [("PII154", "1987 Diakou Street"), ("PII154", "Suite 680")]),
        ("She lives at Puruntie 82 now", [("PII154", "Puruntie 82")]),
        ("the office at Rua do Arenque 1634", [("PII154", "Rua do Arenque 1634")]),
        ("Meet me at PSC 1437, Box 3833 APO AA 66791", [("PII154", "PSC 1437, Box 3833"), ("PII154", "APO AA 66791")]),
        ("The court awarded EUR 5,443.70 in damages.", [("PII155", "EUR 5,443.70")]),
        ("a fee of 200,000 Turkish liras was paid", [("PII155", "200,000 Turkish liras")]),
        ("a bonus of £12,500 was due", [("PII155", "£12,500")]),
    ],
    ids=[
        "application-number", "application-list", "title-name-unicode", "title-initials", "title-particles",
        "phone-in-context", "fax-international", "iso-timestamp", "street-and-suite", "street-suffix-number",
        "street-word-first", "military-address", "currency-code", "currency-word", "currency-symbol",
    ],
)  # fmt: skip
def test_rule_fires(detector: PiiRegexDetector, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The ratio was 3/4 of the total.",  # a fraction with no file context
        "Filed under file no. 10-12G on 8/26/1999.",  # a date is not a file number
        "New York, NY 10173-1922, Telephone: none",  # a ZIP+4 code is not a phone number
        "Mr and Mrs attended.",  # a title without a name
        "The total was 645 791 units.",  # digit groups with no phone context
        "In 1987 Street lighting improved.",  # capitalised sentence start after a year: no street type
        "It took 12 months.",
    ],
    ids=[
        "fraction",
        "us-date-with-context",
        "zip-plus-four",
        "title-alone",
        "digits-no-context",
        "year-then-capital",
        "duration",
    ],
)
def test_rule_stays_quiet(detector: PiiRegexDetector, text: str) -> None:
    assert found(detector, text) == []


def test_every_rule_is_documented_and_in_range(config: ScreenerConfig) -> None:
    rules = load_rules([config.rules_dir / "pii_extra.yaml"])
    for rule in rules.rules:
        assert 150 <= int(rule.id[3:]) <= 199
        assert all((rule.docs.what, rule.docs.why, rule.docs.example, rule.docs.remedy))


def test_no_detector_without_regex_rules(config: ScreenerConfig) -> None:
    assert build_detector(config, load_rules([config.rules_dir / "pii.yaml"])) is None


def test_build_detector_runs_only_enabled_rules(config: ScreenerConfig) -> None:
    rules = load_rules([config.rules_dir / "pii_extra.yaml"])
    enabled = [r for r in personal_data_regex_rules(rules) if r.enabled]
    built = build_detector(config, rules)
    assert (len(built) if built else 0) == len(enabled)
