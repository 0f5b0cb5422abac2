"""Summaries: a long source passage retold in a much shorter one (PAN's summary obfuscation).

A summary keeps few word runs of its source and spreads the ones it keeps over a source passage several times
longer than itself, so the ordinary clustering (one ``gap`` on both sides) cuts it into small pieces or drops
it. Here the seeds of one candidate document (shingle and sentence seeds, as for its other passages) are
clustered again with a short gap on the query side and a long one on the source side, and a cluster becomes a
summary passage when, snapped to whole sentences on both sides,

- its source side is at least ``ratio`` times longer than its query side (in terms), and its seeds without
  the outermost ``trim`` share at each end of the source still span ``core_ratio`` times the query side (a
  few stray seeds far off do not make a copied passage a summary),
- its query side has at least ``min_terms`` terms, most of its sentences seeded (``min_sentences`` share), and
- at least ``min_shared`` of its query terms occur in its source side, and on average ``min_sentence_share`` of
  a query sentence's terms occur in two consecutive source sentences (a summary sentence retells one or two
  source sentences; a page on the same topic shares words spread over the whole passage).

After the summary-specific second extension pass of Sanchez-Perez, Sidorov and Gelbukh (PAN 2014), which
re-ran its extension with a larger gap and kept the result when the source side came out much longer than the
suspicious side.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from screener.fingerprint.shingle import Terms


@dataclass(frozen=True, slots=True)
class SummaryParams:
    q_gap: int = 30  # query terms between seeds of one summary
    s_gap: int = 400  # source terms between seeds of one summary
    ratio: float = 2.0  # source terms per query term, at least
    min_terms: int = 25  # query terms
    min_sentences: float = 0.5  # share of the query sentences holding a seed
    min_shared: float = 0.75  # share of the query terms found in the source side
    min_sentence_share: float = 0.55  # mean share of a query sentence's terms found in two source sentences
    trim: float = 0.1  # share of the seeds left out at each end of the source side for ``core_ratio``
    core_ratio: float = 1.5  # source terms per query term the remaining seeds span, at least


@dataclass(frozen=True, slots=True)
class Summary:
    q_terms: tuple[int, int]  # term range [a, b) in the query
    s_terms: tuple[int, int]  # term range [a, b) in the source
    seeds: int
    shared: float  # share of the query terms found in the source side
    seeded: float  # share of the query sentences holding a seed
    sentence_share: float  # mean share of a query sentence's terms found in two consecutive source sentences


@dataclass(slots=True)
class _Cluster:
    q0: int
    q1: int
    s0: int
    s1: int
    sources: list[int]  # source positions of its seeds


def _clusters(seeds: Iterable[tuple[int, int]], q_gap: int, s_gap: int) -> list[_Cluster]:
    """Single-linkage clusters of seeds within ``q_gap`` query terms and ``s_gap`` source terms of a cluster,
    in query order."""
    out: list[_Cluster] = []
    for q, s in sorted(set(seeds)):
        best: _Cluster | None = None
        best_dist = s_gap + 1
        for c in out:
            if c.q1 < q - q_gap:
                continue
            dist = 0 if c.s0 <= s <= c.s1 else min(abs(s - c.s0), abs(s - c.s1))
            if dist < best_dist:
                best, best_dist = c, dist
        if best is None:
            out.append(_Cluster(q, q, s, s, [s]))
        else:
            best.q0, best.q1 = min(best.q0, q), max(best.q1, q)
            best.s0, best.s1 = min(best.s0, s), max(best.s1, s)
            best.sources.append(s)
    return out


def _core(sources: list[int], trim: float) -> int:
    """Source terms spanned by the seeds once the outermost ``trim`` share of them on each side is left out."""
    xs = sorted(set(sources))
    cut = int(len(xs) * trim)
    return xs[len(xs) - 1 - cut] - xs[cut] + 1


def _snap(sents: list[tuple[int, int]], a: int, b: int) -> tuple[int, int]:
    """The whole sentences holding term positions ``a`` to ``b`` (inclusive)."""
    starts = [x for x, _ in sents]
    i = max(0, bisect_right(starts, a) - 1)
    j = max(0, bisect_right(starts, b) - 1)
    return sents[i][0], sents[j][1]


def summaries(
    q: Terms, q_sents: list[tuple[int, int]], s: Terms, s_sents: list[tuple[int, int]],
    seeds: Iterable[tuple[int, int]], prm: SummaryParams,
) -> list[Summary]:
    """Summary passages of a query against one source, from seeds ``(query term, source term)``; term ranges
    of both sides, in query order, not overlapping in the query."""
    if not q_sents or not s_sents:
        return []
    seeds = list(seeds)
    out: list[Summary] = []
    for c in _clusters(seeds, prm.q_gap, prm.s_gap):
        qa, qb = _snap(q_sents, c.q0, c.q1)
        sa, sb = _snap(s_sents, c.s0, c.s1)
        if qb - qa < prm.min_terms or sb - sa < prm.ratio * (qb - qa):
            continue
        if _core(c.sources, prm.trim) < prm.core_ratio * (qb - qa):
            continue
        if out and qa < out[-1].q_terms[1]:
            continue
        inside = [(a, b) for a, b in q_sents if qa <= a and b <= qb]
        seeded = sum(1 for a, b in inside if any(a <= sq < b and sa <= ss < sb for sq, ss in seeds))
        if seeded < prm.min_sentences * len(inside):
            continue
        seeded_share = seeded / max(1, len(inside))
        source = frozenset(s.terms[sa:sb])
        shared = sum(t in source for t in q.terms[qa:qb]) / (qb - qa)
        if shared < prm.min_shared:
            continue
        sentence_share = _sentence_share(q, inside, s, s_sents, sa, sb)
        if sentence_share < prm.min_sentence_share:
            continue
        out.append(Summary((qa, qb), (sa, sb), len(c.sources), shared, seeded_share, sentence_share))
    return out


def _sentence_share(
    q: Terms, inside: list[tuple[int, int]], s: Terms, s_sents: list[tuple[int, int]], sa: int, sb: int,
) -> float:
    """Mean over the query sentences ``inside`` of the share of their terms found in the best window of two
    consecutive source sentences of ``[sa, sb)``: a summary sentence retells one or two source sentences."""
    span = [(a, b) for a, b in s_sents if sa <= a and b <= sb]
    windows = [frozenset(s.terms[span[i][0] : span[min(i + 1, len(span) - 1)][1]]) for i in range(len(span))]
    if not windows or not inside:
        return 0.0
    total = 0.0
    for a, b in inside:
        terms = q.terms[a:b]
        total += max(sum(t in w for t in terms) for w in windows) / max(1, len(terms))
    return total / len(inside)
