"""Choosing among overlapping readings of one reused passage (passages.best_per_region)."""

from __future__ import annotations

import pytest

from screener.fingerprint.match import MatchParams
from screener.fingerprint.passages import Passage, best_per_region


def _p(q: tuple[int, int], words: int, similarity: float) -> Passage:
    return Passage("northwind", 1, "memo.txt", None, q, (q[0] + 500, q[1] + 500), words, similarity, 4, "index")


@pytest.mark.parametrize(("run", "wider", "kept"), [
    # a copied sentence inside a sentence-snapped edited reading that explains barely more words (the new-user
    # trial's kind: 27 words at 0.65 against a 16-word run)
    (_p((18, 128), 16, 1.0), _p((0, 157), 27, 0.65), "run"),
    (_p((0, 90), 14, 1.0), _p((0, 150), 24, 0.7), "run"),
    (_p((40, 200), 25, 0.95), _p((0, 260), 40, 0.7), "run"),
    # a long edited passage holding a short verbatim run: the edited passage, which explains far more
    (_p((100, 190), 13, 1.0), _p((0, 700), 110, 0.8), "wider"),
    (_p((0, 120), 18, 1.0), _p((0, 400), 60, 0.75), "wider"),
], ids=["trial-case", "run-at-start", "run-in-the-middle", "long-edited", "run-a-third-of-it"])
def test_a_verbatim_run_covering_most_of_a_wider_reading_is_reported_itself(run: Passage, wider: Passage,
                                                                          kept: str) -> None:
    assert wider.words * wider.similarity > run.words * run.similarity or kept == "wider"
    assert best_per_region([wider, run], MatchParams()) == [run if kept == "run" else wider]
    assert best_per_region([run, wider], MatchParams()) == [run if kept == "run" else wider]


def test_readings_that_do_not_overlap_are_both_kept() -> None:
    a, b = _p((0, 100), 15, 1.0), _p((300, 600), 45, 0.7)
    assert best_per_region([b, a], MatchParams()) == [a, b]


MEMO = """Tidewater Orchard Logistics - Internal memo

Root cause

The supplier changed the adhesive that bonds the thermistor to its copper housing without telling our
purchasing office. The new adhesive softens in humid air, and the thermistor lifts off the housing.
"""
COPIED = ("The supplier changed the adhesive that bonds the thermistor to its copper housing without telling our "
          "purchasing office.")


@pytest.mark.parametrize("after", [
    "That was the whole story.",  # a stray "the" two words on, as after "office." in the source
    "Then the new manager arrived.",  # "the new", as in the source's next sentence
    "Nobody checked the new parts.",
    "",
], ids=["stray-the", "stray-the-new", "stray-later", "nothing-after"])
def test_a_copied_sentence_is_reported_with_its_own_span(after: str) -> None:
    from screener.fingerprint.compare import compare

    submission = f"I remember the briefing well. {COPIED} {after}".strip()
    (match,) = compare(submission, [("memo.txt", MEMO)])
    start = submission.index(COPIED)
    assert match.rule_id == "FRG501" and match.similarity == 1.0
    assert match.submission_span.start >= start and match.submission_span.end <= start + len(COPIED)
    assert match.submission_span.end - match.submission_span.start >= len(COPIED) - len(" purchasing office.")
    copied_source = MEMO[match.source_span.start : match.source_span.end]
    assert " ".join(copied_source.split()) in COPIED
