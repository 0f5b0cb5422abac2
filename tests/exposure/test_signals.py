"""Weak employer signals: whole words of a profile's weak fields, any case, every profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.exposure import SignalFinder
from screener.ruleset.employers import load_profiles

PROFILES = load_profiles(Path(__file__).resolve().parents[2] / "rules" / "employers")
FINDER = SignalFinder(PROFILES)


@pytest.mark.parametrize("text,expected", [
    ("We met near HARROWGATE   QUAY in 2019.", [("northwind", "locations"), ("northwind", "years")]),
    ("A scheme of arrangement, then vendor due diligence.", [("hartwell-voss", "deal_types")] * 2),
    ("Carve-out diligence for a client in Kelstone.", [("castellan-quay", "deal_types"),
                                                       ("castellan-quay", "locations")]),
], ids=["case-and-spacing", "two-deal-types", "hyphenated"])
def test_signals_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(e, f) for e, f, _, _, _ in FINDER.find(text)] == expected


@pytest.mark.parametrize("text", [
    "The figure 20190 is a code, not a year; nor is 2019x.",
    "Kelstones and Eastmarshes are not places in any profile.",
    "Nothing here at all.",
], ids=["year-inside-number", "longer-words", "nothing"])
def test_no_signal_inside_longer_words(text: str) -> None:
    assert FINDER.find(text) == []


def test_no_profiles_no_signals() -> None:
    assert SignalFinder(None).find("Harrowgate Quay 2019") == []
