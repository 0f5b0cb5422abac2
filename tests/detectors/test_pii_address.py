"""Address completion around a street match, on fictional addresses."""

from __future__ import annotations

import pytest

from screener.detect.pii_address import complete_addresses
from screener.model import Category, Evidence, Finding, Span


def finding(text: str, phrase: str, entity: str, method: str) -> Finding:
    start = text.index(phrase)
    rule = "PII154" if method == "regex" else "PII104"
    return Finding(rule, Category.PERSONAL_DATA, Span(start, start + len(phrase)), 0.7,
                   Evidence(detector="x", method=method, entity=entity))


@pytest.mark.parametrize(
    ("text", "street", "expected"),
    [
        ("Billing address: Ada Vance\n    28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    SK\n    53650",
         "Puruntie 82", "28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA\n    SK\n    53650"),
        ("please send it to 1987 Diakou Street\n Suite 680\n Kissousa\n Cyprus 36903? I am away",
         "1987 Diakou Street", "1987 Diakou Street\n Suite 680\n Kissousa\n Cyprus 36903"),
        ("Ada Vance\n\n20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488", "Suite 501",
         "20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488"),
        ("We met at 12 Baker Street and talked.", "12 Baker Street", "12 Baker Street"),
        ("It is at 12 Baker Street, London.", "12 Baker Street", "12 Baker Street, London"),
    ],
    ids=["nordic-block", "stops-at-question", "unit-pulls-street-line", "stops-at-lowercase", "stops-at-sentence-end"],
)  # fmt: skip
def test_street_grows_over_its_block(text: str, street: str, expected: str) -> None:
    [out] = complete_addresses([finding(text, street, "LOCATION", "regex")], text)
    assert text[out.span.start : out.span.end] == expected


def test_model_pieces_inside_the_block_are_retired_others_stay() -> None:
    text = "Send to 28245 Puruntie 82\n LAPPEENRANTA on 3 May 2001"
    street = finding(text, "Puruntie 82", "LOCATION", "regex")
    inside = finding(text, "28245", "DATE_TIME", "SpacyRecognizer")
    outside = finding(text, "3 May 2001", "DATE_TIME", "SpacyRecognizer")
    out = complete_addresses([street, inside, outside], text)
    assert [text[f.span.start : f.span.end] for f in out] == ["28245 Puruntie 82\n LAPPEENRANTA", "3 May 2001"]


def test_without_street_findings_nothing_changes() -> None:
    text = "On 3 May 2001 in Oslo"
    f = finding(text, "Oslo", "LOCATION", "SpacyRecognizer")
    assert complete_addresses([f], text) == [f]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada lives at 846 31 Rue Al Imam\n Tunis. Call her.", ["846 31 Rue Al Imam\n Tunis"]),
        ("Address: 19902 Dobrovskeho 1394 Apt. 066", ["19902 Dobrovskeho 1394 Apt. 066"]),
        ("He lives at 12 and sleeps.", []),  # a number followed by a lower-case word is no address
        ("She lives at home near 12 Oak trees.", []),  # no house number right after the cue
    ],
    ids=["lives-at", "address-label", "number-then-lowercase", "no-number-after-cue"],
)
def test_house_number_after_a_cue_anchors_an_address(text: str, expected: list[str]) -> None:
    out = complete_addresses([], text)
    assert [text[f.span.start : f.span.end] for f in out] == expected
