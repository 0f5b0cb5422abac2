"""The folded view and its offset map: table cases plus properties over arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.model import Span
from screener.text.normalize import normalize

CASES = [
    ("plain", "Hello world", "Hello world"),
    ("space-run", "a   b", "a b"),
    ("newline-run", "a \n\n  b", "a\nb"),
    ("tab", "a\tb", "a b"),
    ("crlf", "a\r\nb", "a\nb"),
    ("zero-width", "Gold\u200bman", "Goldman"),
    ("soft-hyphen", "Gold\u00adman", "Goldman"),
    ("bidi-override", "ab\u202ecd", "abdc"),  # read as displayed: the override reverses "cd"
    ("bom", "\ufeffstart", "start"),
    ("fullwidth", "\uff27\uff4f\uff4c\uff44", "Gold"),
    ("ligature", "\ufb01nance", "finance"),
    ("cyrillic", "\u0421it\u0456bank", "Citibank"),
    ("greek", "\u0391\u0392\u0395", "ABE"),
    ("hyphen-break", "confi-\n  dential", "confidential"),
    ("hyphen-kept-before-capital", "North-\nWind", "North-\nWind"),
    ("hyphen-kept-inline", "well-known", "well-known"),
    ("control", "a\x00\x07b", "ab"),
    ("zw-between-spaces", "a \u200b b", "a b"),
    ("nbsp", "a\u00a0b", "a b"),
    ("empty", "", ""),
]


@pytest.mark.parametrize(("original", "folded"), [(o, f) for _, o, f in CASES], ids=[c[0] for c in CASES])
def test_folding(original: str, folded: str) -> None:
    assert normalize(original).text == folded


@pytest.mark.parametrize(
    ("original", "needle", "expected"),
    [
        ("x G\u200bold\u00adman y", "Goldman", "G\u200bold\u00adman"),
        ("see confi-\n dential memo", "confidential", "confi-\n dential"),
        ("\uff21\uff23\uff2d Corp", "ACM", "\uff21\uff23\uff2d"),
        ("to  Dana   Whitfield.", "Dana Whitfield", "Dana   Whitfield"),
    ],
    ids=["invisible", "hyphen-break", "fullwidth", "spaces"],
)
def test_to_original_covers_the_disguised_form(original: str, needle: str, expected: str) -> None:
    n = normalize(original)
    start = n.text.index(needle)
    span = n.to_original(start, start + len(needle))
    assert original[span.start : span.end] == expected


def test_to_original_rejects_out_of_range() -> None:
    n = normalize("abc")
    with pytest.raises(ValueError):
        n.to_original(2, 5)
    assert n.to_original(3, 3) == Span(3, 3)


NOISE = ["a", "b", "c", " ", "-", "\n", "\t", ".", ",", "'", "\u200b", "\u00ad", "\u0430", "\u0391", "\uff41",
         "\ufb01", "e\u0301", "\u00a0", "\r\n", "\x00", "\u202e", "\u00e9",
         # carriers and bidi controls: tag characters, variation selectors (one, a run), isolates, PDF, Hebrew
         "\U000e0041\U000e0062", "\U000e0020", "\ufe0f", "\U000e0151\U000e0152", "\ufe01\ufe02", "\u2067",
         "\u2069", "\u202c", "\u202d", "\u05d0", "1"]
TEXT = st.lists(st.sampled_from(NOISE), max_size=60).map("".join)
# Text whose bidi controls could not reorder what follows it (an open override reverses the rest of its line).
PLAIN_TEXT = st.lists(st.sampled_from([c for c in NOISE if c not in ("\u202e", "\u202d", "\u05d0")]),
                      max_size=60).map("".join)
# Disguises that the folded view undoes: each maps one letter to one or more original characters.
DISGUISE = st.sampled_from(["", "\u200b", "\u00ad", "\u2060", "\ufeff"])


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_map_is_total_and_monotonic(original: str) -> None:
    n = normalize(original)
    assert len(n.starts) == len(n.ends) == len(n.text)
    prev_start = prev_end = 0
    for s, e in zip(n.starts, n.ends, strict=True):
        assert 0 <= s < e <= len(original)
        assert s >= prev_start and e >= prev_end
        prev_start, prev_end = s, e


@settings(max_examples=300, deadline=None)
@given(PLAIN_TEXT, TEXT, st.text(alphabet="QZXJW", min_size=3, max_size=10),
       st.lists(DISGUISE, min_size=10, max_size=10), st.booleans())
def test_redacting_a_folded_span_removes_it_from_the_original(
    prefix: str, suffix: str, name: str, disguises: list[str], fullwidth: bool
) -> None:
    letters = [chr(ord(c) + 0xFEE0) if fullwidth else c for c in name]
    hidden = "".join(c + d for c, d in zip(letters, disguises, strict=False))
    original = f"{prefix} {hidden} {suffix}"
    n = normalize(original)
    start = n.text.index(name)
    span = n.to_original(start, start + len(name))
    redacted = original[: span.start] + "#" + original[span.end :]
    assert name not in normalize(redacted).text
    for i in range(start, start + len(name)):
        assert span.start <= n.starts[i] and n.ends[i] <= span.end


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_idempotent_on_its_own_output(original: str) -> None:
    once = normalize(original).text
    assert normalize(once).text == once


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, TEXT.map(lambda t: normalize(t).text)))
def test_settled_text_is_a_fixed_point_of_one_more_fold(text: str) -> None:
    from screener.text.normalize import _fold_once, _settled

    if _settled(text):
        assert _fold_once(text).text == text


@pytest.mark.parametrize(
    ("text", "settled"),
    [("plain words\nand a line", True), ("caf\u00e9 na\u00efve", True), ("two  spaces", False),
     ("tab\there", False), ("zero\u200bwidth", False), ("line-\nbreak", False), ("\u0430pple", False)],
    ids=["plain", "accents", "double-space", "tab", "zero-width", "hyphen-break", "cyrillic"],
)
def test_settled_examples(text: str, settled: bool) -> None:
    from screener.text.normalize import _settled

    assert _settled(text) is settled


# ASCII text the fold leaves alone takes a short cut (the identity map): it must give exactly what the fold gives,
# for every ASCII text, including those the short cut must not take (runs of white space, tabs, a hyphen at a
# line end, control characters, a line break after a space).
_ASCII_PIECES = st.sampled_from(["word", "Word", " ", "  ", "\n", "\n\n", " \n", "\t", "\r\n", "-", "con-\nfidential",
                                 "re-\n  port", ".", "\x00", "\x07", "\x7f", "a", "1", "$", "@"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=60),
                 st.lists(_ASCII_PIECES, max_size=30).map("".join)))
def test_the_ascii_short_cut_gives_what_the_fold_gives(text: str) -> None:
    from screener.text.normalize import _fold

    fast, slow = normalize(text), _fold(text)
    assert (fast.text, list(fast.starts), list(fast.ends)) == (slow.text, list(slow.starts), list(slow.ends))


@pytest.mark.parametrize("text", ["Plain words.\nA second line.", "", "x", "tab\there", "two  spaces",
                                  "confi-\ndential", "bell\x07"], ids=["plain", "empty", "one", "tab", "double-space",
                                                                     "hyphen-break", "control"])
def test_the_ascii_short_cut_on_named_cases(text: str) -> None:
    from screener.text.normalize import _fold

    fast, slow = normalize(text), _fold(text)
    assert (fast.text, list(fast.starts), list(fast.ends)) == (slow.text, list(slow.starts), list(slow.ends))
