"""Sentence-pair seeds: robust to heavy rewording, where few k-term shingles survive.

Used only for candidate documents whose text is known. Both texts are cut into sentences (term ranges);
a query sentence and a source sentence whose term sets have a Dice coefficient of at least ``min_dice`` (and
share at least ``min_shared`` terms) give seeds at their first and last terms, which the clustering step then
joins with the shingle seeds (after Sanchez-Perez et al., PAN 2014).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict

from screener.fingerprint.shingle import Terms

_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n")
MIN_TERMS = 4  # shorter sentences are joined to the next one


def sentence_ranges(text: str, terms: Terms) -> list[tuple[int, int]]:
    """Term ranges ``[a, b)`` of the sentences of ``text`` (short ones merged forward)."""
    cuts = sorted({bisect_left(terms.starts, m.end()) for m in _END.finditer(text)} | {len(terms)})
    out: list[tuple[int, int]] = []
    start = 0
    for cut in cuts:
        if cut - start >= MIN_TERMS or (cut == len(terms) and cut > start):
            out.append((start, cut))
            start = cut
    return out


def sentence_seeds(
    q: Terms, q_sents: list[tuple[int, int]], s: Terms, s_sents: list[tuple[int, int]],
    min_dice: float = 0.4, min_shared: int = 3,
) -> list[tuple[int, int]]:
    s_sets = [frozenset(s.terms[a:b]) for a, b in s_sents]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, terms in enumerate(s_sets):
        for t in terms:
            postings[t].append(i)
    seeds: list[tuple[int, int]] = []
    for qa, qb in q_sents:
        q_set = frozenset(q.terms[qa:qb])
        shared: dict[int, int] = defaultdict(int)
        for t in q_set:
            for i in postings.get(t, ()):
                shared[i] += 1
        for i, n in shared.items():
            dice = 2 * n / (len(q_set) + len(s_sets[i]))
            if n >= min_shared and (dice >= min_dice or (n >= 4 and n / min(len(q_set), len(s_sets[i])) >= 0.6)):
                sa, sb = s_sents[i]
                seeds.append((qa, sa))
                seeds.append((qb - 1, sb - 1))
    return seeds


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _index(sents: list[tuple[int, int]], term: int) -> int:
    """The sentence holding term position ``term``."""
    starts = [a for a, _ in sents]
    return max(0, bisect_left(starts, term + 1) - 1)


def extend(
    q: Terms, q_sents: list[tuple[int, int]], s: Terms, s_sents: list[tuple[int, int]],
    q_range: tuple[int, int], s_range: tuple[int, int], min_dice: float = 0.3, steps: int = 4, snap: bool = True,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Snap an edited passage to whole sentences on both sides (``snap``), then grow it by neighbouring
    sentences whose terms overlap the other side's passage (``min_dice``). Term ranges in, term ranges out;
    without ``snap`` an end moves only when a neighbour sentence is added there."""
    if not q_sents or not s_sents:
        return q_range, s_range
    qi, qj = _index(q_sents, q_range[0]), _index(q_sents, q_range[1] - 1)
    si, sj = _index(s_sents, s_range[0]), _index(s_sents, s_range[1] - 1)
    qi0, qj0, si0, sj0 = qi, qj, si, sj

    def terms(t: Terms, sents: list[tuple[int, int]], i: int, j: int) -> frozenset[str]:
        return frozenset(t.terms[sents[i][0] : sents[j][1]])

    for _ in range(steps):
        grown = False
        s_near = terms(s, s_sents, max(0, si - 1), min(len(s_sents) - 1, sj + 1))
        q_near = terms(q, q_sents, max(0, qi - 1), min(len(q_sents) - 1, qj + 1))
        if qi > 0 and _dice(terms(q, q_sents, qi - 1, qi - 1), s_near) >= min_dice:
            qi, grown = qi - 1, True
        if qj + 1 < len(q_sents) and _dice(terms(q, q_sents, qj + 1, qj + 1), s_near) >= min_dice:
            qj, grown = qj + 1, True
        if si > 0 and _dice(terms(s, s_sents, si - 1, si - 1), q_near) >= min_dice:
            si, grown = si - 1, True
        if sj + 1 < len(s_sents) and _dice(terms(s, s_sents, sj + 1, sj + 1), q_near) >= min_dice:
            sj, grown = sj + 1, True
        if not grown:
            break
    if snap:
        return (q_sents[qi][0], q_sents[qj][1]), (s_sents[si][0], s_sents[sj][1])
    return (
        (q_sents[qi][0] if qi < qi0 else q_range[0], q_sents[qj][1] if qj > qj0 else q_range[1]),
        (s_sents[si][0] if si < si0 else s_range[0], s_sents[sj][1] if sj > sj0 else s_range[1]),
    )


def extend_terms(
    q: Terms, s: Terms, q_range: tuple[int, int], s_range: tuple[int, int], chunk: int = 8,
    min_share: float = 0.5, steps: int = 64,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Grow an edited passage term by term where sentence ends do not hold (shuffled or reflowed text).

    On each side, the next ``chunk`` terms outside the passage join it when at least ``min_share`` of them
    occur in the other side's passage (with a margin of one chunk); the passage then ends at the outermost
    of those shared terms, never past it. Both sides grow in turn until neither does.
    """
    (qa, qb), (sa, sb) = q_range, s_range
    for _ in range(steps):
        s_near = frozenset(s.terms[max(0, sa - chunk) : sb + chunk])
        q_near = frozenset(q.terms[max(0, qa - chunk) : qb + chunk])
        na = _grow_left(q.terms, qa, s_near, chunk, min_share)
        nb = _grow_right(q.terms, qb, s_near, chunk, min_share)
        ma = _grow_left(s.terms, sa, q_near, chunk, min_share)
        mb = _grow_right(s.terms, sb, q_near, chunk, min_share)
        if (na, nb, ma, mb) == (qa, qb, sa, sb):
            break
        qa, qb, sa, sb = na, nb, ma, mb
    return (qa, qb), (sa, sb)


def _grow_left(terms: tuple[str, ...], start: int, near: frozenset[str], chunk: int, min_share: float) -> int:
    window = terms[max(0, start - chunk) : start]
    if not window or sum(t in near for t in window) < min_share * chunk:
        return start
    for i, t in enumerate(window):  # the outermost shared term
        if t in near:
            return start - len(window) + i
    return start


def _grow_right(terms: tuple[str, ...], end: int, near: frozenset[str], chunk: int, min_share: float) -> int:
    window = terms[end : end + chunk]
    if not window or sum(t in near for t in window) < min_share * chunk:
        return end
    for i in range(len(window) - 1, -1, -1):
        if window[i] in near:
            return end + i + 1
    return end
