"""Seed clustering, word alignment and sentence seeds."""

from __future__ import annotations

import pytest

from screener.fingerprint.align import align, cluster_seeds, exact_runs
from screener.fingerprint.sentences import sentence_ranges, sentence_seeds
from screener.fingerprint.shingle import terms_of, words_of
from tests.fragments_support import PRICING


@pytest.mark.parametrize(
    ("seeds", "gap", "boxes"),
    [
        ([(i, 100 + i) for i in range(0, 30, 3)], 5, [(0, 27, 100, 127)]),
        ([(i, i) for i in range(10)] + [(i, 500 + i) for i in range(200, 210)], 5,
         [(0, 9, 0, 9), (200, 209, 700, 709)]),
        ([(0, 0), (1, 1), (40, 41), (41, 42)], 10, [(0, 1, 0, 1), (40, 41, 41, 42)]),
        ([(0, 10), (3, 2), (6, 14), (9, 6)], 8, [(0, 9, 2, 14)]),
        ([(i, 100 + i) for i in range(10)] + [(i, 75 + i) for i in range(10, 20)], 10,
         [(0, 9, 100, 109), (10, 19, 85, 94)]),
        ([(i, 100 + i) for i in range(10)] + [(i, 75 + i) for i in range(10, 20)] + [(25, 110)], 10,
         [(0, 9, 100, 109), (10, 19, 85, 94), (25, 25, 110, 110)]),
        ([], 5, []),
    ],
    ids=["one-diagonal", "two-passages", "gap-splits", "local-reordering", "reverse-order-neighbours",
         "reverse-order-neighbours-then-a-seed-after-both", "no-seeds"],
)
def test_cluster_seeds(seeds: list[tuple[int, int]], gap: int, boxes: list[tuple[int, int, int, int]]) -> None:
    assert [(c.q0, c.q1, c.s0, c.s1) for c in cluster_seeds(seeds, gap)] == boxes


def test_repeated_phrase_counts_once() -> None:
    (c,) = cluster_seeds([(5, 1), (5, 9), (5, 17)], 20)
    assert c.seeds == 3 and c.distinct == 1


SOURCE = "Internal memo. The committee agreed that the Aurora desk will quote municipal bonds at eleven points."


@pytest.mark.parametrize(
    ("query", "quoted"),
    [
        ("As I recall, the committee agreed that the\nAurora desk will quote municipal bonds at eleven points, "
         "full stop.", "the committee agreed that the\nAurora desk will quote municipal bonds at eleven points"),
        ("THE COMMITTEE AGREED THAT THE AURORA DESK WILL QUOTE MUNICIPAL BONDS AT ELEVEN POINTS",
         "THE COMMITTEE AGREED THAT THE AURORA DESK WILL QUOTE MUNICIPAL BONDS AT ELEVEN POINTS"),
    ],
    ids=["reflowed-inside-commentary", "upper-case"],
)
def test_align_gives_exact_spans_on_both_sides(query: str, quoted: str) -> None:
    qw, sw = words_of(query), words_of(SOURCE)
    start = query.index(quoted)
    # a seed region that misses the function words at both ends: extension recovers them
    inner = query.index("agreed") if "agreed" in query else query.index("AGREED")
    (a,) = align(qw, sw, (inner, start + len(quoted) - 8), (SOURCE.index("agreed"), len(SOURCE) - 10))
    assert query[a.q_chars[0] : a.q_chars[1]] == quoted
    assert SOURCE[a.s_chars[0] : a.s_chars[1]].lower() == " ".join(quoted.lower().split())
    assert a.similarity == 1.0 and a.verbatim


def test_align_scores_an_edited_passage_below_one() -> None:
    query = "the committee decided that the Aurora desk would quote city bonds at eleven points"
    (a,) = align(words_of(query), words_of(SOURCE), (0, len(query)), (0, len(SOURCE)))
    assert 0.5 < a.similarity < 0.9 and not a.verbatim


def test_sentence_seeds_link_reworded_sentences() -> None:
    query = ("Orders above ten million dollars go to the head of fixed income before a quote is released. "
             "Nothing else was decided.")
    q, s = terms_of(query), terms_of(PRICING)
    seeds = sentence_seeds(q, sentence_ranges(query, q), s, sentence_ranges(PRICING, s), min_dice=0.4)
    target = next(r for r in sentence_ranges(PRICING, s) if s.terms[r[0]] == "trades")
    assert seeds and all(target[0] <= j < target[1] for _, j in seeds)
    assert all(i < len(q) and q.starts[i] < query.index("Nothing") for i, _ in seeds)


SHUFFLED_SOURCE = ("quarterly reconciliation breaks escalate regional controller within three business days "
                   "unless treasury operations approves written exception signed deputy controller")


@pytest.mark.parametrize(
    ("query", "core", "expected"),
    [
        # the passage's words, shuffled, between unrelated text: both sides grow to the last shared term
        ("weather stayed mild harvest festival drew crowds deputy controller signed written exception "
         "treasury approves unless days business three within controller regional escalate breaks "
         "puppet theatre opened downtown", ((12, 16), (10, 14)), ((7, 23), (2, 19))),
        # nothing outside the core is shared: no growth
        ("weather stayed mild harvest festival reconciliation breaks escalate regional puppet theatre opened",
         ((5, 9), (1, 5)), ((5, 9), (1, 5))),
    ],
    ids=["shuffled-passage", "no-neighbours"],
)
def test_extend_terms_grows_over_shuffled_words_only(
    query: str, core: tuple[tuple[int, int], tuple[int, int]], expected: tuple[tuple[int, int], tuple[int, int]],
) -> None:
    from screener.fingerprint.sentences import extend_terms

    q, s = terms_of(query), terms_of(SHUFFLED_SOURCE)
    assert extend_terms(q, s, core[0], core[1], chunk=4, min_share=0.5) == expected


def test_merge_close_joins_pieces_of_one_passage_only() -> None:
    from screener.fingerprint.passages import Passage
    from screener.fingerprint.passages import merge_close as _merge_close

    def piece(q: tuple[int, int], s: tuple[int, int], words: int, sim: float) -> Passage:
        return Passage("c", 1, "doc", None, q, s, words, sim, 5, "index", 0.1)

    a, b = piece((0, 100), (0, 100), 10, 1.0), piece((150, 300), (120, 260), 30, 0.5)
    far = piece((2000, 2100), (50, 90), 5, 1.0)
    (joined, other) = _merge_close([b, far, a], 100)
    assert joined.q_chars == (0, 300) and joined.s_chars == (0, 260) and joined.words == 40
    assert joined.similarity == pytest.approx((1.0 * 10 + 0.5 * 30) / 40)
    assert other == far
    assert _merge_close([a, b], 0) == [a, b]  # off


@pytest.mark.parametrize(("q", "s", "n", "runs"), [
    pytest.param("a b c d e", "x a b c d e y", 3, [(0, 5, 1, 6)], id="whole-query"),
    pytest.param("the x the first ninety days", "the first ninety days", 4, [(2, 6, 0, 4)],
                 id="first-word-recurs-before"),
    pytest.param("a b c z a b c d", "a b c d", 3, [(0, 3, 0, 3), (4, 8, 0, 4)], id="longest-at-each-start"),
    pytest.param("a b c", "a b", 2, [(0, 2, 0, 2)], id="source-shorter"),
    pytest.param("a b c", "c b a", 2, [], id="no-run"),
    pytest.param("a b", "a b", 0, [], id="zero-length-asked"),
])
def test_exact_runs(q: str, s: str, n: int, runs: list[tuple[int, int, int, int]]) -> None:
    qt, st = tuple(q.split()), tuple(s.split())
    assert exact_runs(qt, st, (0, len(qt)), (0, len(st)), n) == runs


@pytest.mark.parametrize("before", [
    pytest.param("Notes from the desk and the first", id="first-word-recurs-before"),
    pytest.param("and the and the and the", id="stray-common-words-before"),
])
def test_a_twelve_word_quotation_among_stray_common_words_is_a_verbatim_piece(before: str) -> None:
    quoted = "the Aurora desk will quote municipal bonds at a spread of eleven basis points"
    query = f"{before} {quoted} and the weather and the rest"
    qw, sw = words_of(query), words_of(PRICING)
    pieces = align(qw, sw, (0, len(query)), (0, len(PRICING)), 12)
    at = query.index(quoted)
    assert any(a.verbatim and a.similarity >= 0.9 and a.q_chars[0] <= at and a.q_chars[1] >= at + len(quoted)
               and a.q_words[1] - a.q_words[0] <= 16 for a in pieces)
