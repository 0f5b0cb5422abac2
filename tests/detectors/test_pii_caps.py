"""Names in capitals: found in prose and in memo header fields, with spans on the original characters;
headings and acronyms in capitals are not names."""

from __future__ import annotations

import pytest

from screener.detect.pii_caps import caps_lines
from screener.engine import Screener


def persons(engine: Screener, text: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in engine.screen(text).findings if f.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("She met JOHN SMITH there.", ["JOHN SMITH"]),
        ("PREPARED BY: SOPHY SANTINO", ["SOPHY SANTINO"]),
        ("MEMO\nFROM: DANA WHITFIELD\nTO: ALL STAFF\nCC: MARTA OKONKWO, IVO MARSH\nRE: Q3 PLAN\nSee the plan.",
         ["DANA WHITFIELD", "MARTA OKONKWO", "IVO MARSH"]),
        ("Our lawyer, PIETRO BELLANDI, called about it.", ["PIETRO BELLANDI"]),
        ("Attn: HELGA NORDQVIST\nPlease sign the attached form.", ["HELGA NORDQVIST"]),
    ],
    ids=["prose", "prepared-by", "memo-block", "apposition", "attn-mixed-case-label"],
)
def test_names_in_capitals_are_persons(engine: Screener, text: str, names: list[str]) -> None:
    assert persons(engine, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "THE FACTS\nThe applicant was born in 1960.",
        "CASE OF KESTREL v. RURITANIA",
        "She joined NATO and the WHO in 1999 and worked at IBM.",
        "TO: ALL STAFF\nThe office closes early.",
        "The EUROPEAN COURT OF HUMAN RIGHTS ruled.",
        "PLEASE READ THE ATTACHED NOTE before Friday.",
    ],
    ids=["heading", "case-title-line", "acronyms", "group-addressee", "institution", "shouted-words"],
)
def test_headings_acronyms_and_groups_are_not_persons(engine: Screener, text: str) -> None:
    assert persons(engine, text) == []


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("She met JOHN SMITH there.", ["John Smith"]),
        ("FROM: JEAN-PAUL O'BRIEN", ["Jean-Paul O'Brien"]),
        ("THE FACTS", []),
        ("She met JOHN there.", []),
        ("Files from IBM HSBC arrived.", []),
    ],
    ids=["prose-run", "header-hyphen-apostrophe", "heading-line", "one-word", "acronym-run"],
)
def test_caps_lines_restore_runs_in_place(text: str, runs: list[str]) -> None:
    got = [line.restored[a:b] for line in caps_lines(text) for a, b in line.runs]
    assert got == runs
    for line in caps_lines(text):  # same characters, same offsets: only the case changed
        assert line.restored.lower() == text[line.start : line.start + len(line.restored)].lower()
