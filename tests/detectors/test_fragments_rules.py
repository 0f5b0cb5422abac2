"""How passages become FRG50x findings: the loose edited-passage rule (term share) and what it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.detect.fragments import FragmentDetector
from screener.fingerprint.compare import build_index
from screener.fingerprint.match import MatchParams
from screener.fingerprint.passages import Passage
from screener.fingerprint.store import FingerprintStore
from screener.text.normalize import normalize
from tests.fragments_support import KEY, ONBOARDING, PRICING

LOOSE = MatchParams()
# The pricing decision retold: other words, same facts (thresholds, names, figures).
REWORDED = (
    "The committee decided that the Aurora desk quotes municipal bonds at eleven basis points over the composite "
    "curve when an order is under two million dollars, widening the spread by four basis points per extra "
    "million up to a cap of twenty-five basis points; trades over ten million go to the head of fixed income "
    "before a quote reaches the client."
)
# The same sentence frame filled with other facts: a template, not the committee's decision.
SAME_FRAME = (
    "The committee agreed that the desk will quote corporate loans at a margin of nine points over the base rate "
    "for loans below five million pounds, and will raise the margin by two points for every additional million, "
    "up to a cap of twenty points. Loans above ten million pounds are sent to the head of credit before any offer "
    "is released to the borrower."
)


def _passage(similarity: float, words: int, shared: float, kind: str = "index") -> Passage:
    return Passage("c", 1, "doc", None, (0, words * 6), (0, words * 6), words, similarity, 5, kind, 0.1, shared)


@pytest.mark.parametrize(("similarity", "words", "shared", "code"), [
    pytest.param(0.40, 40, 0.50, None, id="loose-short-few-shared-terms"),
    pytest.param(0.31, 59, 0.59, None, id="just-under-every-bound"),
    pytest.param(0.40, 40, LOOSE.loose_share, "FRG502", id="loose-but-sharing-terms"),
    pytest.param(0.40, LOOSE.loose_words, 0.30, "FRG502", id="loose-but-long"),
    pytest.param(LOOSE.loose_similarity, 30, 0.30, "FRG502", id="close-enough-few-shared-terms"),
    pytest.param(0.95, 14, 0.20, "FRG501", id="verbatim-unaffected"),
])
def test_a_loose_edited_passage_needs_shared_terms_or_length(
    similarity: float, words: int, shared: float, code: str | None,
) -> None:
    rule = FragmentDetector([]).classify(_passage(similarity, words, shared))
    assert (rule.id if rule else None) == code


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FingerprintStore:
    path: Path = tmp_path_factory.mktemp("rules") / "halvorsen.db"
    build_index([("pricing", PRICING), ("onboarding", ONBOARDING)], path, key=KEY)
    return FingerprintStore.open(path)


def _passages(store: FingerprintStore, text: str) -> list[Passage]:
    return FragmentDetector([store]).matcher.match(normalize(text), only=frozenset({"pricing", "onboarding"}))


def test_a_reworded_copy_shares_most_terms_a_filled_in_frame_fewer(store: FingerprintStore) -> None:
    (reworded,) = _passages(store, REWORDED)
    (frame,) = _passages(store, SAME_FRAME)
    assert reworded.shared >= 0.7
    assert frame.shared < LOOSE.loose_share
    assert frame.similarity > 0.3  # aligned over the frame's words: the share, not the similarity, tells
