"""The matching views and the term matcher: exact offset maps, bounded base64 rescans, ORG corroboration."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.detect.base import Detector, DocChunk, NlpResult, ScanInput
from screener.detect.encoded import Budget, decoded_runs
from screener.detect.terms import Term, TermMatcher
from screener.detect.views import joined_view, main_view, squeeze
from screener.model import Metadata
from screener.text.normalize import normalize
from tests.detectors.rules_support import Run

TEXT = st.text(alphabet=st.sampled_from(list("abcN0 1l.-@()dot\n\u200bαо")), max_size=80)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_view_maps_are_total_and_monotonic(raw: str) -> None:
    base = normalize(raw).text
    for view in (main_view(base), joined_view(base)):
        assert len(view.starts) == len(view.ends) == len(view.text)
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
