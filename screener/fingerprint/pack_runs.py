"""Passages of a fingerprint pack from its seeds alone: diagonal runs, an estimated similarity, a precision guard.

A pack holds no text, so a passage cannot be aligned word by word; its only evidence is its seeds, the
shingles shared at query term ``q`` and source term ``s``. The seeds of one reused passage lie along one
diagonal (``s - q`` nearly constant: a dropped or inserted word moves it by one, a local swap leaves it),
while the chance seeds between two texts on one topic (common two-term phrases of the field) scatter.
A *run* is therefore a chain of seeds, in query order, each within ``run_gap`` query terms of the previous
one and at most ``drift`` terms off its diagonal (FASTA's diagonal runs of shared k-tuples, Pearson and
Lipman 1988, with a band that lets the diagonal drift as insertions and deletions move it).

Similarity of a run: the share of the query's shingles in its span that the pack also holds (a winnowed pack
keeps one shingle in ``(w + 1) / 2`` on average, Schleimer et al. 2003, so seeds count that many times),
raised to ``1 / k``: if each term survives an edit with probability ``p``, a ``k``-term shingle survives with
``p ** k``, so the result estimates the share of terms kept, comparable with an index's word similarity.

Precision guard (settings chosen on the CUAD scenario, ``bench/cuad_fragments.py``, over several seeds): a
run needs ``min_shingles`` estimated shared shingles and must span ``min_terms`` query terms (a document's
title and a party name can share ten consecutive terms with a text that only mentions them; in a winnowed
pack the shared stretch reaches up to ``w - 1`` shingles past the first and last seed, so ``w - 1`` terms are
added to the span); a run of fewer than ``edited_words`` words must be near-verbatim (``short_similarity``),
as FRG502 reports edited index passages from 25 words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

_BACK = 2  # source terms a seed may lie before the previous one of its run (a local swap)


@dataclass(frozen=True, slots=True)
class PackParams:
    run_gap: int = 12  # query terms between consecutive seeds of a run (times (w + 1) / 2 for a winnowed pack)
    drift: int = 5  # terms the diagonal (s - q) may move between consecutive seeds of a run
    min_shingles: float = 4.0  # estimated shared shingles of a passage (seeds x (w + 1) / 2)
    min_terms: int = 12  # query terms a passage spans
    edited_words: int = 25  # a passage of fewer words than this ...
    short_similarity: float = 0.84  # ... must be at least this similar (near-verbatim)


@dataclass(frozen=True, slots=True)
class Run:
    """A chain of seeds: query terms ``[q0, q1 + k)``, source terms ``[s0, s1 + k)``, distinct query seeds."""

    q0: int
    q1: int
    s0: int
    s1: int
    seeds: int
    similarity: float  # estimated share of terms kept, 0..1

    def span(self, k: int) -> int:
        return self.q1 + k - self.q0


def runs(seeds: Iterable[tuple[int, int]], k: int, window: int, prm: PackParams) -> list[Run]:
    """Diagonal runs of ``(query term, source term)`` seeds of one document of a pack with shingles of ``k``
    terms winnowed in windows of ``window`` (1: every position kept), with their similarity; sorted by query
    position; lone seeds are left out, nothing else is filtered (see :func:`passages`)."""
    scale = (window + 1) / 2 if window > 1 else 1.0
    gap = round(prm.run_gap * scale)
    chains: list[list[tuple[int, int]]] = []
    open_at: dict[int, set[int]] = defaultdict(set)  # diagonal of a chain's last seed -> ids of open chains
    for q, s in sorted(set(seeds)):
        d = s - q
        best, best_drift = -1, prm.drift + 1
        for diagonal in range(d - prm.drift, d + prm.drift + 1):
            ids = open_at.get(diagonal)
            if not ids:
                continue
            for cid in sorted(ids):
                lq, ls = chains[cid][-1]
                if q - lq > gap:  # seeds come in query order: this chain is closed for good
                    ids.discard(cid)
                    continue
                drift = abs(diagonal - d)
                if s >= ls - _BACK and (drift, cid) < (best_drift, best):
                    best, best_drift = cid, drift
        if best < 0:
            chains.append([(q, s)])
            open_at[d].add(len(chains) - 1)
        else:
            last = chains[best][-1]
            open_at[last[1] - last[0]].discard(best)
            chains[best].append((q, s))
            open_at[d].add(best)
    out = []
    for chain in chains:
        if len(chain) < 2:  # a lone seed is no run
            continue
        qs = {q for q, _ in chain}
        q0, q1 = min(qs), max(qs)
        shingles = q1 - q0 + 1  # shingle positions of the query in the run's span
        density = min(1.0, len(qs) * scale / shingles)
        out.append(Run(q0, q1, min(s for _, s in chain), max(s for _, s in chain), len(qs), density ** (1 / k)))
    return sorted(out, key=lambda r: (r.q0, r.s0))


def passages(found: list[Run], k: int, window: int, prm: PackParams, words: list[int]) -> list[int]:
    """Indices of the runs of ``found`` that pass the precision guard (module docstring), ``words[i]`` being the
    number of query words run ``found[i]`` covers; of runs overlapping in the query, the one with the most
    seeds (a clause repeated in the source gives parallel diagonals). In query order."""
    scale = (window + 1) / 2 if window > 1 else 1.0
    good = [
        i for i, (r, n) in enumerate(zip(found, words, strict=True))
        if r.seeds * scale >= prm.min_shingles and r.span(k) + window - 1 >= prm.min_terms
        and (n >= prm.edited_words or r.similarity >= prm.short_similarity)
    ]
    kept: list[int] = []
    for i in sorted(good, key=lambda i: (-found[i].seeds, -found[i].similarity, found[i].q0, found[i].s0)):
        r = found[i]
        if all(r.q1 + k <= found[o].q0 or found[o].q1 + k <= r.q0 for o in kept):
            kept.append(i)
    return sorted(kept, key=lambda i: (found[i].q0, found[i].s0))
