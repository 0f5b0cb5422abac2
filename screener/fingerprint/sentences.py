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
            if n >= min_shared and 2 * n / (len(q_set) + len(s_sets[i])) >= min_dice:
                sa, sb = s_sents[i]
                seeds.append((qa, sa))
                seeds.append((qb - 1, sb - 1))
    return seeds
