"""Invisible carriers and bidi reading order: decoding, what is (not) a carrier, and the folded view's map."""

from __future__ import annotations

import pytest

from screener.redact import strip_format
from screener.text.bidi import reading_order, reordered_blocks
from screener.text.carriers import carriers_in
from screener.text.normalize import normalize


def tags(s: str) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in s)


def selectors(s: str, supplement_only: bool = False) -> str:
    """One variation selector per UTF-8 byte: 0-15 as VS1-16, 16-255 as VS17-256 (or all as VS17+byte)."""
    if supplement_only:
        return "".join(chr(0xE0100 + b) for b in s.encode())
    return "".join(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16) for b in s.encode())


FLAG = "\U0001f3f4" + tags("gbsct") + "\U000e007f"


@pytest.mark.parametrize(
    ("text", "kind", "payload"),
    [
        ("ok." + tags("Northwind Bank"), "tag", "Northwind Bank"),
        ("ok." + "\U000e0001" + tags("en") + tags(" pw: hunter2") + "\U000e007f", "tag", "en pw: hunter2"),
        ("\U0001f600" + selectors("Project Kestrel"), "variation-selector", "Project Kestrel"),
        ("x" + selectors("café Kestrel"), "variation-selector", "café Kestrel"),
        ("\U0001f600" + selectors("Project Kestrel", supplement_only=True), "variation-selector", "Project Kestrel"),
        ("\U0001f600" + "\U000e01ef\U000e01ef\U000e01ef", "variation-selector", None),
        ("ok" + tags("\x01\x02"), "tag", None),
    ],
    ids=["tag", "tag-language-and-cancel", "vs-emoji", "vs-utf8-multibyte", "vs-supplement-only",
         "vs-undecodable", "tag-unreadable"],
)
def test_carriers_are_found_and_decoded(text: str, kind: str, payload: str | None) -> None:
    (carrier,) = carriers_in(text)
    assert carrier.kind == kind and carrier.payload == payload
    assert text[carrier.end:] == "" and carrier.start > 0
    if payload is not None:
        assert len(carrier.spans) == len(payload)
        assert all(carrier.start <= s < e <= carrier.end for s, e in carrier.spans)


@pytest.mark.parametrize(
    "text",
    ["I \u2764\ufe0f it", "\u8fbb\U000e0100 is a name", "Go " + FLAG + " team", "plain text", "\u2764\ufe0e"],
    ids=["emoji-presentation", "ideographic-variant", "subdivision-flag", "plain", "text-presentation"],
)
def test_legitimate_selectors_and_tags_are_not_carriers(text: str) -> None:
    assert carriers_in(text) == []


def _read(text: str) -> str:
    return "".join(text[i] for i in reading_order(text))


@pytest.mark.parametrize(
    ("text", "reads", "reordered"),
    [
        ("\u202eknaB dniwhtroN\u202c", "Northwind Bank", True),
        ("Hi \u202eknaB dniwhtroN\u202c ok", "Hi Northwind Bank ok", True),
        ("ab\u202ecd", "abdc", True),  # an open override runs to the end of the paragraph
        ("\u202eknaB \u202dNorthwind\u202c\u202c", "Northwind Bank", True),  # LRO inside RLO stays in order
        ("x \u2067\u202eknaB\u202c\u2069 y", "x \u2067Bank\u2069 y", True),  # an override inside an isolate
        ("Contact \u2067Harbor Point\u2069 today", "Contact \u2067Harbor Point\u2069 today", False),
        ("\u05e9\u05dc\u05d5\u05dd \u202dNorthwind Bank\u202c \u05ea\u05d5\u05d3\u05d4",
         "\u05e9\u05dc\u05d5\u05dd Northwind Bank \u05ea\u05d5\u05d3\u05d4", False),  # LRO inside RTL text
        ("\u05e9\u05dc\u05d5\u05dd \u202eknaB dniwhtroN\u202c", "\u05e9\u05dc\u05d5\u05dd Northwind Bank", True),
        ("a \u202d\u05e9\u05dc\u05d5\u05dd\u202c b", "a \u05dd\u05d5\u05dc\u05e9 b", True),  # Hebrew forced LTR
        ("\u202e2024 ,1 hcraM\u202c", "March 1, 4202", True),  # digits under an override read as displayed
        ("line one\n\u202eowt enil\u202c\nline three", "line one\nline two\nline three", True),
    ],
    ids=["rlo-name", "rlo-in-sentence", "open-rlo", "lro-inside-rlo", "rlo-inside-rli", "rli-latin",
         "lro-inside-rtl-text", "rlo-in-rtl-text", "lro-hebrew", "rlo-digits", "per-paragraph"],
)
def test_reading_order(text: str, reads: str, reordered: bool) -> None:
    assert _read(text) == reads
    assert bool(reordered_blocks(reading_order(text))) is reordered


def test_deep_nesting_is_bounded() -> None:
    text = "\u202e" * 200 + "abc" + "\u202c" * 200 + "\u2067" * 200 + "def" + "\u2069" * 200
    order = reading_order(text)
    assert sorted(order) == [i for i, c in enumerate(text) if c not in "\u202e\u202c"]


@pytest.mark.parametrize(
    ("text", "needle", "carrier"),
    [
        ("Review done." + tags("Northwind Bank"), "Northwind Bank", (12, 26)),
        ("Launch \U0001f600" + selectors("Project Kestrel") + " today", "Project Kestrel", (8, 23)),
        ("Formerly at \u202eknaB dniwhtroN\u202c.", "Northwind Bank", (13, 27)),
    ],
    ids=["tag", "variation-selector", "rlo"],
)
def test_payload_maps_inside_its_carrier(text: str, needle: str, carrier: tuple[int, int]) -> None:
    n = normalize(text)
    start = n.text.index(needle)
    span = n.to_original(start, start + len(needle))
    assert (span.start, span.end) == carrier
    assert list(n.starts) == sorted(n.starts) and list(n.ends) == sorted(n.ends)
    assert normalize(n.text).text == n.text


def test_carriers_nested_in_a_payload_are_bounded() -> None:
    inner = tags("Northwind Bank")
    text = "x" + selectors(selectors(inner))
    n = normalize(text)  # two levels of carriers decode; deeper ones are dropped, never recursed into
    assert "Northwind" not in n.text
    assert "Northwind Bank" in normalize("x" + selectors(inner)).text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a\u200bb\u00adc\u2060d\ufeff", "abcd"),
        ("\u202eabc\u202c \u2067x\u2069", "abc x"),
        ("ok" + tags("secret"), "ok"),
        ("x\ufe0f\ufe0f\U000e0100y", "xy"),
        ("I \u2764\ufe0f it", "I \u2764\ufe0f it"),
        ("\U0001f469\u200d\U0001f4bb and a\u200db", "\U0001f469\u200d\U0001f4bb and ab"),
        ("Go " + FLAG, "Go " + FLAG),
        ("e\u0301 \u05e9", "e\u0301 \u05e9"),
    ],
    ids=["zero-width", "bidi-controls", "tags", "selector-run", "emoji-presentation", "zwj-sequence",
         "subdivision-flag", "marks-and-letters-kept"],
)
def test_strip_format(text: str, kept: str) -> None:
    assert strip_format(text) == kept


def test_hostile_nesting_is_left_in_stored_order_and_reported() -> None:
    from screener.detect.hidden import bidi_runs
    from screener.text import bidi

    climb = "".join("\u202b\u202a"[i % 2] + "x" for i in range(120)) + "\u202c" * 120
    text = "head " + climb * 400
    reading = bidi.read(text)
    assert reading.unordered == ((0, len(text)),) and reading.order == list(range(len(text)))
    assert (0, len(text)) in {(s.start, s.end) for s in bidi_runs(text)}


def test_an_overlong_paragraph_with_controls_is_reported_whole() -> None:
    from screener.text import bidi

    text = "intro\n\u202e" + "word " * (bidi.MAX_PARAGRAPH // 5)
    assert bidi.read(text).unordered == ((6, len(text)),)
