"""Format recognizers through the whole engine: cards and IBANs in their less common forms are found over the
whole number; code names with dots (module paths, file names) are not web addresses. Card numbers are
published test numbers or Luhn-valid numbers made up for the test; IBANs are the registry's examples."""

from __future__ import annotations

import pytest

from screener.detect.pii_formats import iban_candidates, keep_url
from screener.engine import Screener


def found(engine: Screener, text: str, entity: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in engine.screen(text).findings if f.entity == entity]


@pytest.mark.parametrize(
    "number",
    [
        "2223 0031 2200 3222",
        "2223003122003222",
        "4000 0000 0000 0000 006",
        "2720-9900-0000-0007",
        "6304 0000 0000 0000 000",
        "4571000000000000006",
    ],
    ids=["mc2-spaced", "mc2-plain", "visa-19-spaced", "mc2-top-of-range-dashes", "maestro-19", "visa-19-plain"],
)
def test_cards_found_whole(engine: Screener, number: str) -> None:
    text = f"Charge card {number} for the renewal."
    assert found(engine, text, "CREDIT_CARD") == [number]


@pytest.mark.parametrize(
    "number",
    ["2223 0031 2200 3223", "2721 0000 0000 0007", "4000 0000 0000 0000 007"],
    ids=["mc2-bad-luhn", "above-2-series", "19-bad-luhn"],
)
def test_card_like_numbers_failing_luhn_or_range_are_not_cards(engine: Screener, number: str) -> None:
    assert found(engine, f"Reference {number} was logged.", "CREDIT_CARD") == []


@pytest.mark.parametrize(
    "iban",
    [
        "at611904300234573201",
        "Gb82 West 1234 5698 7654 32",
        "de89 3704 0044 0532 0130 00",
        "Fr14 2004 1010 0505 0001 3m02 606",
        "GB82 WEST 1234 5698 7654 32",
    ],
    ids=["lower-plain", "mixed-grouped", "lower-grouped", "mixed-with-letters-inside", "capitals-still"],
)
def test_ibans_in_any_case_found_whole(engine: Screener, iban: str) -> None:
    text = f"Please pay into {iban} before Friday."
    assert found(engine, text, "IBAN_CODE") == [iban]


@pytest.mark.parametrize(
    "text",
    ["Please pay into at61 1904 3002 3457 3202 now.", "The ab12 cdef ghij klmn code failed.",
     "Version de89 of the build."],
    ids=["bad-checksum", "no-country-format", "too-short"],
)
def test_iban_like_words_are_not_ibans(engine: Screener, text: str) -> None:
    assert found(engine, text, "IBAN_CODE") == []


def test_iban_candidates_end_at_word_ends() -> None:
    text = "x de89370400440532013000 please"
    assert (2, 24) in iban_candidates(text)
    assert all(e == len(text) or not text[e].isalnum() for _, e in iban_candidates(text))


@pytest.mark.parametrize(
    ("text", "redacted_keeps"),
    [
        ("I ran rpc.py and called os.system to rebuild model.xlsx each night.", "os.system"),
        ("We import numpy.linalg here.", "numpy.linalg"),
        ("Call os.path.join on the parts.", "os.path.join"),
        ("Edit config.py and README.md, then run build.sh.", "config.py and README.md"),
        ("The helper my_module.py is imported.", "my_module.py"),
    ],
    ids=["os-system", "numpy-linalg", "os-path-join", "file-names", "underscore-stem"],
)
def test_code_names_are_not_urls(engine: Screener, text: str, redacted_keeps: str) -> None:
    result = engine.screen(text)
    assert [f for f in result.findings if f.entity == "URL"] == []
    assert redacted_keeps in (result.redacted_text or text)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("See https://portal.example.com/docs?id=7 for the form.", "https://portal.example.com/docs?id=7"),
        ("Write to support at www.example.org today.", "www.example.org"),
        ("The help is at example.net/help today.", "example.net/help"),
        ("Its site is test.example.io.", "test.example.io"),
        ("Our partner runs shop.example.pl for us.", "shop.example.pl"),
    ],
    ids=["scheme", "www", "path", "subdomain", "file-like-suffix-with-subdomain"],
)
def test_web_addresses_still_found(engine: Screener, text: str, url: str) -> None:
    assert found(engine, text, "URL") == [url]


@pytest.mark.parametrize(
    ("text", "start", "end", "keep"),
    [
        ("os.system", 0, 5, False),
        ("xos.sy", 1, 6, False),
        ("example.com.", 0, 11, True),
        ("rpc.py", 0, 6, False),
        ("http://rpc.py", 0, 13, True),
        ("docs.internal", 0, 13, False),
    ],
    ids=["ends-in-word", "starts-in-word", "sentence-dot", "file-name", "scheme-wins", "no-public-suffix"],
)
def test_keep_url(text: str, start: int, end: int, keep: bool) -> None:
    assert keep_url(text, start, end) is keep
