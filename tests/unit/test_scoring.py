"""The evaluation scorers on tiny hand-made cases whose precision and recall are known by hand."""

from __future__ import annotations

import pytest

from bench.scoring import (
    ALL,
    ANY,
    Counts,
    GoldEntity,
    LabeledSpan,
    Mention,
    drop_ignored,
    mention_masked,
    merge,
    score_document,
    tab_score,
    trim,
)

TEXT = "Mr John Smith met Jane Doe of Acme Corp in Paris on 3 May 2001."
#       0123456789012345678901234567890123456789012345678901234567890123
JOHN = LabeledSpan(3, 13, "PERSON")
JANE = LabeledSpan(18, 26, "PERSON")
ACME = LabeledSpan(30, 39, "ORGANIZATION")
PARIS = LabeledSpan(43, 48, "LOCATION")
DATE = LabeledSpan(52, 62, "DATE_TIME")
GOLD = [JOHN, JANE, ACME, PARIS, DATE]


def test_fixture_offsets_are_what_the_cases_assume() -> None:
    assert [TEXT[s.start : s.end] for s in GOLD] == ["John Smith", "Jane Doe", "Acme Corp", "Paris", "3 May 2001"]


@pytest.mark.parametrize(
    ("pred", "mode", "label", "expected"),
    [
        (GOLD, "exact", ALL, (5, 5, 5, 5)),
        ([], "exact", ALL, (0, 0, 0, 5)),
        ([JOHN, JANE], "exact", ALL, (2, 2, 2, 5)),
        ([JOHN, LabeledSpan(0, 5, "LOCATION")], "exact", ALL, (1, 2, 1, 5)),
        # "Mr John Smith" vs "John Smith": wrong boundary under exact, fine under overlap
        ([LabeledSpan(0, 13, "PERSON")], "exact", "PERSON", (0, 1, 0, 2)),
        ([LabeledSpan(0, 13, "PERSON")], "overlap", "PERSON", (1, 1, 1, 2)),
        # surrounding whitespace and punctuation are trimmed before exact comparison
        ([LabeledSpan(51, 63, "DATE_TIME")], "exact", "DATE_TIME", (1, 1, 1, 1)),
        # right place, wrong label: counts in ANY only
        ([LabeledSpan(30, 39, "PERSON")], "exact", "PERSON", (0, 1, 0, 2)),
        ([LabeledSpan(30, 39, "PERSON")], "exact", ANY, (1, 1, 1, 5)),
        # one long prediction covering two gold persons: overlap credits both gold spans, one prediction
        ([LabeledSpan(3, 26, "PERSON")], "overlap", "PERSON", (1, 1, 2, 2)),
        # duplicate predictions: exact matching is one-to-one, the second copy is a false positive
        ([JOHN, JOHN], "exact", "PERSON", (1, 2, 1, 2)),
        # token level: "Mr" is a false-positive token, John and Smith are right, Jane Doe missed
        ([LabeledSpan(0, 13, "PERSON")], "token", "PERSON", (2, 3, 2, 4)),
        # token level, wrong label on "Acme Corp": two false PERSON tokens, two missed ORGANIZATION tokens
        ([JOHN, LabeledSpan(30, 39, "PERSON")], "token", ALL, (2, 4, 2, 10)),
        ([JOHN, LabeledSpan(30, 39, "PERSON")], "token", ANY, (4, 4, 4, 10)),
    ],
    ids=[
        "perfect",
        "nothing-predicted",
        "half-recall",
        "one-false-positive",
        "title-inside-exact",
        "title-inside-overlap",
        "trimmed-exact",
        "wrong-label-typed",
        "wrong-label-any",
        "merged-span-overlap",
        "duplicate-exact",
        "title-token",
        "wrong-label-token-typed",
        "wrong-label-token-any",
    ],
)
def test_span_counts(pred: list[LabeledSpan], mode: str, label: str, expected: tuple[int, int, int, int]) -> None:
    counts = score_document(TEXT, GOLD, pred, mode, labels={"PERSON", "ORGANIZATION", "LOCATION", "DATE_TIME"})  # type: ignore[arg-type]
    got = counts.get(label, Counts())
    assert (got.pred_correct, got.pred_total, got.gold_found, got.gold_total) == expected


def test_labels_outside_the_dataset_scheme_are_not_scored() -> None:
    pred = [JOHN, LabeledSpan(0, 2, "EMAIL_ADDRESS")]
    counts = score_document(TEXT, [JOHN], pred, "exact")
    assert (counts[ALL].pred_correct, counts[ALL].pred_total) == (1, 1)
    assert "EMAIL_ADDRESS" not in counts


@pytest.mark.parametrize(
    ("counts", "p", "r", "f1", "f2"),
    [
        (Counts(1, 2, 1, 4), 0.5, 0.25, 1 / 3, 5 * 0.125 / (4 * 0.5 + 0.25)),
        (Counts(3, 3, 3, 3), 1.0, 1.0, 1.0, 1.0),
        (Counts(0, 0, 0, 3), 0.0, 0.0, 0.0, 0.0),
        (Counts(2, 8, 9, 10), 0.25, 0.9, 2 * 0.225 / 1.15, 5 * 0.225 / 1.9),
    ],
    ids=["p-half-r-quarter", "perfect", "empty", "recall-heavy"],
)
def test_precision_recall_f(counts: Counts, p: float, r: float, f1: float, f2: float) -> None:
    assert counts.precision == pytest.approx(p)
    assert counts.recall == pytest.approx(r)
    assert counts.f(1) == pytest.approx(f1)
    assert counts.f(2) == pytest.approx(f2)


def test_f2_weighs_recall_over_precision() -> None:
    assert Counts(1, 1, 1, 2).f(2) < Counts(1, 2, 2, 2).f(2)


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(5, 9), (0, 3), (2, 4)], [(0, 4), (5, 9)]),
        ([(0, 3), (3, 6)], [(0, 6)]),
        ([(4, 4), (1, 2)], [(1, 2)]),
    ],
    ids=["overlapping", "adjacent", "empty-dropped"],
)
def test_merge(spans: list[tuple[int, int]], expected: list[tuple[int, int]]) -> None:
    assert merge(spans) == expected


def test_trim_never_empties_a_span() -> None:
    assert trim(" (x) ", 0, 5) == (2, 3)
    assert trim("...", 0, 3) == (0, 3)


def test_predictions_on_ignored_regions_are_dropped() -> None:
    pred = [JOHN, LabeledSpan(40, 50, "LOCATION")]
    assert drop_ignored(pred, [(45, 47)]) == [JOHN]
    assert drop_ignored(pred, [(45, 47)], gold=[PARIS]) == pred  # nested gold inside an ignored region


@pytest.mark.parametrize(
    ("covered", "expected"),
    [
        ([(3, 13)], True),  # "John Smith" masked, "Mr " need not be
        ([(0, 13)], True),
        ([(3, 8)], False),  # "Smith" left
        ([(3, 7), (8, 13)], True),  # the space between need not be covered
        ([], False),
    ],
    ids=["name-without-title", "with-title", "surname-missed", "gap-is-space", "nothing"],
)
def test_mention_masked_ignores_titles_and_punctuation(covered: list[tuple[int, int]], expected: bool) -> None:
    assert mention_masked(TEXT, 0, 13, covered) is expected


def test_mention_masked_ignores_function_words() -> None:
    text = "the University of Oslo"
    assert mention_masked(text, 0, len(text), [(4, 14), (18, 22)])
    assert not mention_masked(text, 0, len(text), [(4, 14)])


CASE = "Mr John Smith sued Acme Corp. Smith won on 3 May 2001 in Oslo."
#       012345678901234567890123456789012345678901234567890123456789012
SMITH = GoldEntity("e1", "PERSON", "DIRECT", (Mention(3, 13, True), Mention(30, 35, True)))
ACME_NO_MASK = GoldEntity("e2", "ORG", "NO_MASK", (Mention(19, 28, False),))
DAY = GoldEntity("e3", "DATETIME", "QUASI", (Mention(43, 53, True),))
OSLO = GoldEntity("e4", "LOC", "QUASI", (Mention(57, 61, True), Mention(0, 2, False)))
ENTITIES = [SMITH, ACME_NO_MASK, DAY, OSLO]


def test_tab_fixture_offsets() -> None:
    assert [CASE[m.start : m.end] for e in ENTITIES for m in e.mentions] == [
        "John Smith",
        "Smith",
        "Acme Corp",
        "3 May 2001",
        "Oslo",
        "Mr",
    ]


@pytest.mark.parametrize(
    ("pred", "direct", "quasi", "tokens"),
    [
        ([(3, 13), (30, 35), (43, 53), (57, 61)], (1, 1), (2, 2), (7, 7)),
        # one mention of Smith missed: the whole entity is unprotected
        ([(3, 13), (43, 53), (57, 61)], (0, 1), (2, 2), (6, 6)),
        # Acme is NO_MASK: masking it costs precision, not recall
        ([(3, 13), (30, 35), (19, 28)], (1, 1), (0, 2), (3, 5)),
        # the NO_MASK mention of Oslo's entity need not be masked
        ([(57, 61)], (0, 1), (1, 2), (1, 1)),
        # overlapping predictions are merged before counting tokens
        ([(3, 13), (3, 8), (30, 35)], (1, 1), (0, 2), (3, 3)),
        ([], (0, 1), (0, 2), (0, 0)),
    ],
    ids=["all", "one-mention-missed", "no-mask-entity", "no-mask-mention", "overlaps-merged", "nothing"],
)
def test_tab_measures(
    pred: list[tuple[int, int]], direct: tuple[int, int], quasi: tuple[int, int], tokens: tuple[int, int]
) -> None:
    s = tab_score(CASE, ENTITIES, pred)
    assert (s.direct.gold_found, s.direct.gold_total) == direct
    assert (s.quasi.gold_found, s.quasi.gold_total) == quasi
    assert (s.tokens.pred_correct, s.tokens.pred_total) == tokens


def test_tab_entity_recall_per_type() -> None:
    s = tab_score(CASE, ENTITIES, [(57, 61)])
    assert (s.by_label["LOC"].gold_found, s.by_label["LOC"].gold_total) == (1, 1)
    assert (s.by_label["PERSON"].gold_found, s.by_label["PERSON"].gold_total) == (0, 1)
    assert "ORG" not in s.by_label
