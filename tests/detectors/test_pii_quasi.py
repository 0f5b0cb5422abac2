"""Quasi-identifiers the way masking benchmarks count them: whole amounts with their currency notes, whole
nationality phrases, dates with their day; and what is not personal data in a judgment (the state party to
the proceedings, a government office's seat, titles of laws, into-force dates, generic courts)."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig
from screener.detect.base import ScanInput
from screener.detect.pii_regex import build_detector
from screener.detect.rulematch import RuleDetector
from screener.model import Metadata
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize
from tests.detectors.test_pii_refine import model, spans


@pytest.fixture(scope="module")
def extra(config: ScreenerConfig) -> RuleDetector:
    built = build_detector(config, load_rules([config.rules_dir / "pii_extra.yaml"]))
    assert built is not None
    return built


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("The experts valued it at 11.590.000 Turkish Liras (TRL) in 1995.", "11.590.000 Turkish Liras (TRL)"),
        ("She was awarded 24,952.51 pounds sterling (GBP) in all.", "24,952.51 pounds sterling (GBP)"),
        ("He claimed 250,000 Swedish kronor (SEK; approximately 27,000 euros) in damages.",
         "250,000 Swedish kronor (SEK; approximately 27,000 euros)"),
        ("The tablets were worth approximately GBP 268,000 at the time.", "approximately GBP 268,000"),
        ("The fee was PLN 552.21 [approx. EUR 138] per month.", "PLN 552.21 [approx. EUR 138]"),
        ("The debt came to 100,000,000 TRL by then.", "100,000,000 TRL"),
        ("It paid EUR 80 (euros) in costs.", "EUR 80 (euros)"),
    ],
    ids=["capital-liras-code", "pounds-sterling", "conversion-in-brackets", "hedge-before-code",
         "conversion-in-square-brackets", "number-then-code", "currency-word-in-brackets"],
)  # fmt: skip
def test_money_amounts_found_whole(extra: RuleDetector, text: str, amount: str) -> None:
    got = [text[f.span.start : f.span.end] for f in extra.detect(ScanInput(normalize(text), None, Metadata()))
           if f.rule_id == "PII155"]
    assert got == [amount]


@pytest.mark.parametrize(
    "text",
    ["He paid EUR 500 (the whole sum) at once.", "Room 12 (Building B) was free.", "About 300 people came."],
    ids=["bracket-not-a-currency-note", "no-currency", "count-of-people"],
)
def test_money_amounts_stop_where_the_amount_ends(extra: RuleDetector, text: str) -> None:
    got = [text[f.span.start : f.span.end] for f in extra.detect(ScanInput(normalize(text), None, Metadata()))]
    assert all("(the" not in g for g in got) and "Building" not in "".join(got) and "people" not in "".join(got)


@pytest.mark.parametrize(
    ("text", "phrase", "entity", "expected"),
    [
        ("The case originated in an application (no. 1234/05) against the Republic of Turkey lodged with the Court.",
         "Republic of Turkey", "LOCATION", []),
        ("This is the case of Stec and Others v. the United Kingdom, decided in 2006.", "United Kingdom",
         "LOCATION", []),
        ("An application against the United Kingdom of Great Britain and Northern Ireland was lodged.",
         "Northern Ireland", "LOCATION", []),
        ("An application against the United Kingdom followed; she had arrived in the United Kingdom in 2001.",
         "United Kingdom", "LOCATION", []),
        ("She had arrived in the United Kingdom in 2001; an application against the United Kingdom followed.",
         "United Kingdom", "LOCATION", [("United Kingdom", "LOCATION")]),
        ("Their Agent, of the Foreign and Commonwealth Office, London, replied.", "London", "LOCATION", []),
        ("She lives in London with her son.", "London", "LOCATION", [("London", "LOCATION")]),
        ("He relied on the Asylum and Immigration Act 1996 in his appeal.", "Asylum and Immigration Act 1996",
         "ORGANIZATION", []),
        ("The application was transmitted on 1 November 1998, when Protocol No. 11 came into force.",
         "1 November 1998", "DATE_TIME", []),
        ("He was arrested on 3 May 1998 in Ankara.", "3 May 1998", "DATE_TIME", [("3 May 1998", "DATE_TIME")]),
        ("The case was assigned to the newly composed Fourth Section (Rule 52 § 1).", "Fourth Section (Rule",
         "ORGANIZATION", []),
        ("He alleged, inter alia, a breach.", "inter alia", "ORGANIZATION", []),
        ("He appealed to the Court of Cassation.", "Court of Cassation", "ORGANIZATION", []),
        ("He appealed to the Court of Cassation (yargıtay).", "Court of Cassation", "ORGANIZATION", []),
        ("It was upheld by the Supreme Court (Högsta domstolen) in 2009.", "Supreme Court", "ORGANIZATION",
         [("Supreme Court (Högsta domstolen)", "ORGANIZATION")]),
        ("It was lodged by a Ruritanian national, Mr Kaya.", "Ruritanian", "NRP", [("Ruritanian national", "NRP")]),
        ("By a partial decision of 12 November 2002 the Court ruled.", "November 2002", "DATE_TIME",
         [("12 November 2002", "DATE_TIME")]),
        ("The ratio was 1/2 November 2002 figures.", "November 2002", "DATE_TIME", [("November 2002", "DATE_TIME")]),
    ],
    ids=["party-state-official-form", "party-state-case-name", "party-state-long-form-part",
         "party-state-in-formula", "same-state-as-a-place-kept", "government-office-seat", "place-of-living-kept",
         "law-title",
         "into-force-date", "event-date-kept", "unbalanced-bracket-cut", "no-capital", "generic-court",
         "generic-court-with-generic-gloss", "court-with-own-name-kept-whole", "nationality-noun-joined",
         "day-number-joined", "fraction-not-a-day"],
)  # fmt: skip
def test_judgment_context(text: str, phrase: str, entity: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, [model(text, phrase, entity)]) == expected  # the first mention of the phrase
