"""The matching views and the term matcher: exact offset maps, bounded base64 rescans, ORG corroboration."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.detect.base import Detector, DocChunk, NlpResult, ScanInput
from screener.detect.encoded import Budget, decoded_runs
from screener.detect.terms import Term, TermMatcher
from screener.detect.views import joined_view, main_view, reference_view, squeeze
from screener.model import Metadata
from screener.text.normalize import normalize
from tests.detectors.rules_support import Run

TEXT = st.text(alphabet=st.sampled_from(list("abcN0 1l.-@()dot\n\u200bαо&#32;%2D$|!O\u2013")), max_size=80)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_view_maps_are_total_and_monotonic(raw: str) -> None:
    base = normalize(raw).text
    for view in (main_view(base), main_view(base, punct=True), joined_view(base), reference_view(joined_view(base))):
        assert len(view.starts) == len(view.ends) == len(view.text) == len(view.cased)
        assert all(0 <= s < e <= len(base) for s, e in zip(view.starts, view.ends, strict=True))
        assert list(view.starts) == sorted(view.starts)
    sq = squeeze(main_view(base))
    assert list(sq.index) == sorted(set(sq.index)) and len(sq.index) == len(sq.text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Acme Ltd\u200b\u00ad .-\n0")), max_size=40), TEXT)
def test_hits_map_inside_the_original(noise: str, raw: str) -> None:
    matcher = TermMatcher([Term("Acme Ltd", 0, fuzzy=True), Term("acme.example.com", 1, kind="domain")])
    text = normalize(raw + noise + " Acme Ltd")
    hits = matcher.match(text.text)
    assert hits
    for h in hits:
        span = text.to_original(h.start, h.end)
        assert 0 <= span.start < span.end <= len(text.original)


def test_base64_budget_bounds_the_rescan() -> None:
    run = base64.b64encode(b"I worked at Northwind Bank plc for years.").decode()
    text = " ".join([run] * 100)
    assert len(list(decoded_runs(text, Budget(max_runs=5)))) == 5
    assert len(list(decoded_runs(text, Budget(max_total_bytes=100)))) == 3
    binary = base64.b64encode(bytes(range(200))).decode()
    assert list(decoded_runs(binary)) == []
    assert list(decoded_runs("internationalisation and characteristically")) == []


def test_org_entity_corroborates(run_employers: Run, employer_detector: Detector) -> None:
    import spacy
    from spacy.tokens import Span as SpacySpan

    nlp = spacy.blank("en")  # no model: the entity is set by hand
    text = "I joined LedgerWatch early."
    doc = nlp(text)
    doc.ents = [SpacySpan(doc, 2, 3, label="ORG")]
    result = NlpResult((DocChunk(0, 0, len(text), doc, text),), "blank")
    plain = run_employers(text, ("northwind",))
    assert plain and plain[0].evidence.context == ()
    with_org = list(employer_detector.detect(ScanInput(normalize(text), result, Metadata(), ("northwind",))))
    assert with_org[0].evidence.context == ("ORG",) and with_org[0].score > plain[0].score


@pytest.mark.parametrize(
    ("text", "expected"),
    [("jane (at) acme (dot) example (dot) com", "jane@acme.example.com"),
     ("jane [at] acme [dot] example [dot] com", "jane@acme.example.com"),
     ("jane at acme dot example dot com", "jane@acme.example.com"),
     ("jane at acme.example.com", "jane@acme.example.com"),
     ("we met at noon", "we met at noon"),
     ("polka dot dress", "polka dot dress")],
    ids=["parens", "brackets", "plain-words", "plain-at", "ordinary-at", "ordinary-dot"],
)
def test_at_dot_disguise_is_undone_only_around_addresses(text: str, expected: str) -> None:
    # The main view is also lower-cased and leet-folded ("l" and "i" share one class).
    assert main_view(text).text == expected.replace("l", "i")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Fenwick&#32;Marlow", "fenwick mariow"), ("Fenwick%20Marlow", "fenwick mariow"),
     ("Fen%2Dwick &amp; Co", "fen-wick & co"), ("&#x46;enwick&shy;s", "fenwicks"), ("a&nbsp;b", "a b"),
     ("&#8211;", "-"), ("&nosuch; 100%", "&nosuch; ioo%"), ("%C3%A9", "%ce%ag"),
     ("$NWBK |Northwind| G!ldman", "$nwbk |northwind| g!idman")],
    ids=["numeric-space", "percent-space", "percent-dash-amp", "hex-letter-and-soft-hyphen", "nbsp", "en-dash",
         "unknown-and-bare-percent", "non-ascii-percent-left", "punctuation-kept"],
)
def test_main_view_decodes_escapes_and_keeps_punctuation(text: str, expected: str) -> None:
    view = main_view(text)
    assert view.text == expected
    assert view.to_base(0, len(view.text)) == (0, len(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("FM M 2O4117", "FM-M-204117"), ("FM – M – 204117", "FM-M-204117"), ("CQ2O4I17", "CQ204117"),
     ("10482.OO31 HV", "10482.0031-HV"), ("INC_NWB_2045II", "INC-NWB-204511"), ("BOSS Inc", "BOSS-Inc")],
    ids=["spaces-and-o", "spaced-en-dashes", "glued-letters", "dot-kept", "underscores-and-i", "no-digit-no-fold"],
)
def test_reference_view_reads_separators_and_digit_lookalikes(text: str, expected: str) -> None:
    from screener.detect.views import identity_view

    view = reference_view(identity_view(text))
    assert view.text == expected
    assert view.to_base(0, len(view.text)) == (0, len(text))
