"""Matching a text against fingerprint stores: candidates, seeds, passages, alignment, suppression.

1. Candidates: every shingle hash of the query is looked up, frequent ones included (the store's
   ``frequent`` table is not used to skip hashes: a pair's result must not depend on what else is indexed;
   boilerplate is silenced by suppression stores, step 4); documents sharing at least ``min_candidate_hits``
   fingerprints are kept: the ``max_candidates`` sharing the most, and besides them the
   ``max_weak_candidates`` sharing a single one (rarer first). A pair's passages can change with the rest of
   the index only when more than ``max_candidates`` other documents share at least as many fingerprints with
   the query (or, for a single shared fingerprint, more than ``max_weak_candidates`` others share one).
2. Seeds: for an index, every shingle of ``seed_k`` terms of the candidate's text is recomputed (all
   positions, not only the winnowed ones) and joined with the query's: the store's shorter shingles (k=2)
   make retrieval robust to edits, longer seeds keep alignment precise; for a pack, the stored fingerprints
   are the seeds.
3. Passages: seeds are clustered (align.cluster_seeds) and filtered by seed count and length; index passages
   are aligned word by word (align.align) for exact spans on both sides and a similarity. Edited passages
   are snapped to sentences and grown by overlapping neighbour sentences (sentences.extend), then by chunks
   of terms where sentence ends do not hold (sentences.extend_terms); pieces of one reused passage that the
   alignment split are joined (_merge_close). A pack's seeds, with no text to align, form diagonal runs
   (pack_runs).
4. Suppression: query terms covered by a passage of a suppression store (boilerplate, public text) give no
   seeds to protected stores.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Indel

from screener.errors import StoreError
from screener.fingerprint import pack_runs
from screener.fingerprint.align import Alignment, Cluster, align, cluster_seeds, word_range
from screener.fingerprint.pack_runs import PackParams
from screener.fingerprint.passages import Passage as Passage  # re-exported: Matcher.match returns them
from screener.fingerprint.passages import best_per_region as _best_per_region
from screener.fingerprint.passages import merge_close as _merge_close
from screener.fingerprint.passages import reportable as _reportable
from screener.fingerprint.passages import shared_terms as _shared
from screener.fingerprint.passages import weight as _weight
from screener.fingerprint.sentences import extend, extend_terms, sentence_ranges, sentence_seeds
from screener.fingerprint.shingle import Terms, Words, shingle_hashes, terms_of, tokens_of, words_of
from screener.fingerprint.store import DocInfo, FingerprintStore
from screener.fingerprint.summary import SummaryParams, summaries
from screener.text.normalize import NormalizedText, normalize

WINDOW_TERMS = 2_000  # longer candidate documents are aligned around their hits only
MARGIN = 400  # terms either side of the hits
_PUNCT = re.compile(r"[.!?;:,\"')\]]+")


@dataclass(frozen=True, slots=True)
class MatchParams:
    gap: int = 40  # terms between seeds of one passage
    min_seeds: int = 3
    min_terms: int = 6  # query terms a passage must span
    min_words: int = 8  # words of an aligned (index) passage
    min_similarity: float = 0.30  # word-level similarity of an aligned (index) passage
    min_candidate_hits: int = 1
    max_candidates: int = 100
    max_weak_candidates: int = 20  # candidates sharing a single fingerprint examined besides the strong ones
    pack: PackParams = field(default_factory=PackParams)  # passages of fingerprint packs (pack_runs)
    sentence_seeds: bool = True
    sentence_dice: float = 0.3
    verbatim_words: int = 12  # a run of this many identical words is reported on its own
    snap_below: float = 0.9  # passages less similar than this are snapped to sentences and extended
    extend_dice: float = 0.2  # neighbouring sentences join a passage at this term overlap
    term_chunk: int = 8  # then an edited passage grows by chunks of this many terms ...
    term_share: float = 0.5  # ... of which at least this share occurs on the other side (0: off)
    merge_chars: int = 250  # passages of one document this close on both sides become one (0: off)
    edited_words: int = 25  # a verbatim run stays itself rather than grow into an edited passage shorter than this
    verbatim_similarity: float = 0.9  # with verbatim_words: a passage reported as verbatim (FRG501's defaults)
    short_seeds: int = 2  # a cluster below min_seeds/min_terms with this many seeds is searched for verbatim runs
    seed_k: int = 3  # terms a seed shingle of an index spans (0: the store's k, which serves retrieval only)
    fallback_similarity: float = 0.6  # passages from the store's own shingles when seed_k gave nothing reportable
    # A loose edited passage (under loose_similarity and loose_words) is reported only when at least loose_share
    # of its query terms occur in the source passage: two pages on one topic align over their common words at
    # 0.3-0.45, but share fewer of their terms than a reworded copy does (PAN 2013 training split: false
    # detections on unrelated pairs 10 -> 2, overall plagdet 0.857 -> 0.866).
    loose_similarity: float = 0.45
    loose_words: int = 60
    loose_share: float = 0.6
    summary_q_gap: int = 30  # summary passages (summary.py): query terms between seeds of one summary
    summary_s_gap: int = 400  # ... source terms between them
    summary_ratio: float = 2.0  # ... source terms per query term, at least (0: no summary passages)
    summary_terms: int = 25  # ... query terms, at least
    summary_words: int = 40  # ... query words, at least (FRG504's default minimum)
    summary_sentences: float = 0.5  # ... share of the query sentences holding a seed
    summary_shared: float = 0.75  # ... share of the query terms found in the source side
    summary_sentence_share: float = 0.55  # ... mean share of a query sentence's terms in two source sentences
    summary_core: float = 1.5  # ... source terms per query term spanned by its seeds but the outer tenths
    summary_covered: float = 0.9  # ... unless reportable passages cover this share of its query side already
    summary_verbatim: float = 0.5  # ... or verbatim runs this share of its words


class _Source:
    """A candidate document prepared for matching: its folded text, terms, shingle positions and sentences;
    its words (the alignment's alphabet) are made from its tokens on first use, since most candidates give no
    seed cluster worth aligning."""

    __slots__ = ("_tokens", "_words", "base_char", "base_term", "doc_chars", "norm", "positions", "sentences",
                 "terms")

    def __init__(self, norm: NormalizedText, terms: Terms, tokens: list[tuple[str, int, int]],
                 positions: dict[int, list[int]],
                 sentences: list[tuple[int, int]], base_char: int = 0, base_term: int = 0,
                 doc_chars: int = 0) -> None:
        self.norm = norm
        self.terms = terms
        self.positions = positions
        self.sentences = sentences
        self.base_char = base_char  # where this (window of the) document starts in its original text
        self.base_term = base_term
        self.doc_chars = doc_chars
        self._tokens = tokens
        self._words: Words | None = None

    @property
    def words(self) -> Words:
        if self._words is None:
            self._words = words_of(self.norm.text, self._tokens)
        return self._words


class Matcher:
    def __init__(self, stores: list[FingerprintStore], params: MatchParams | None = None, cache: int = 64) -> None:
        self.protect = [s for s in stores if s.manifest.role == "protect"]
        self.suppress = [s for s in stores if s.manifest.role == "suppress"]
        self.params = params or MatchParams()
        self._cache: OrderedDict[tuple[str, int, int, int, int], _Source] = OrderedDict()
        self._cache_size = cache
        self._lock = threading.Lock()

    def match(self, text: NormalizedText, only: frozenset[str] | None = None,
              weak: list[Passage] | None = None) -> list[Passage]:
        """Passages of ``text`` shared with the protected stores, both sides in ORIGINAL character offsets:
        ``q_chars`` into ``text.original``, ``s_chars`` into the source document's text (indexes only).
        ``only`` restricts the protected documents examined to these ids, whatever their fingerprint hits
        (text alignment of given pairs). Sorted by query range, then document id and store name.

        ``weak``, when given, receives (also in original offsets) what fell short of a passage in index stores:
        seed clusters too small to be examined or that gave no passage (at least two seeds; ``kind`` "seeds",
        ``similarity`` the share of the cluster's query terms that are seeds) and alignments under
        ``min_words`` or ``min_similarity`` (``kind`` "index"); cumulative exposure reads them.

        Raises StoreError when a store part read is damaged (E413, E417) or a pack has no key (E416)."""
        first_weak = len(weak) if weak is not None else 0
        tokens = tokens_of(text.text)
        terms = terms_of(text.text, tokens)
        words = words_of(text.text, tokens)
        blocked: set[int] = set()
        for store in self.suppress:
            for p in self._match_store(store, text, terms, words, set()):
                lo = _first_at_or_after(terms.starts, p.q_chars[0])
                hi = _first_at_or_after(terms.starts, p.q_chars[1])
                blocked.update(range(lo, hi))
        out: list[Passage] = []
        for store in self.protect:
            out.extend(self._match_store(store, text, terms, words, blocked, only, weak))
        out = [replace(p, q_chars=_original(text, p.q_chars)) for p in out]
        if weak is not None:
            weak[first_weak:] = [replace(p, q_chars=_original(text, p.q_chars)) for p in weak[first_weak:]]
        return sorted(out, key=lambda p: (p.q_chars, p.ref, p.store))

    def _match_store(
        self, store: FingerprintStore, text: NormalizedText, terms: Terms, words: Words, blocked: set[int],
        only: frozenset[str] | None = None, weak: list[Passage] | None = None,
    ) -> list[Passage]:
        m, prm = store.manifest, self.params
        where = _positions(terms, m.k, _key(store), blocked)
        if not where:
            return []
        hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
        shared: dict[int, set[int]] = defaultdict(set)  # distinct fingerprints shared with each document
        df: dict[int, int] = defaultdict(int)
        for h, doc, spos in store.lookup(where, skip_frequent=False):
            hits[doc].extend((q, spos) for q in where[h])
            if h not in shared[doc]:
                shared[doc].add(h)
                df[h] += 1
        # more shared fingerprints first; among equals, rarer fingerprints first (more telling)
        ranked = sorted((d for d in hits if len(shared[d]) >= prm.min_candidate_hits),
                        key=lambda d: (-len(shared[d]), sum(df[h] for h in shared[d]), d))
        strong = [d for d in ranked if len(shared[d]) > 1][: prm.max_candidates]
        ranked = strong + [d for d in ranked if len(shared[d]) == 1][: prm.max_weak_candidates]
        if only is not None:
            ranked = [d.id for d in store.documents().values() if d.ref in only]
        out: list[Passage] = []
        q_sents: list[tuple[int, int]] | None = None
        seed_where: dict[int, dict[int, list[int]]] = {}  # query positions of the seed hashes, by shingle length
        for doc in ranked:
            info = store.document(doc)
            if info is None:
                continue
            if m.kind == "pack" or not info.has_text:
                out.extend(self._pack_passages(store, info, doc, hits[doc], terms, words))
                continue
            if q_sents is None and prm.sentence_seeds:
                q_sents = [r for r in sentence_ranges(text.text, terms) if not blocked.intersection(range(*r))]
            found: list[Passage] = []
            # seeds of seed_k terms first; where they give nothing reportable, the store's own (shorter) shingles
            for n, k in enumerate(dict.fromkeys((prm.seed_k or m.k, m.k))):
                if k not in seed_where:
                    seed_where[k] = where if k == m.k else _positions(terms, k, _key(store), blocked)
                source = self._source(store, info, [s for _, s in hits[doc]], k)
                found = self._index_passages(store, info, doc, source, seed_where[k], k, text, terms, words,
                                             q_sents or [], weak if n == 0 else None)
                if k != (prm.seed_k or m.k):  # the fall-back: only close passages (short seeds are noisier)
                    found = [p for p in found if p.similarity >= prm.fallback_similarity]
                if any(_reportable(p, prm) for p in found):
                    break
            out.extend(_merge_close(_best_per_region(found, prm), prm.merge_chars))
        return out

    def _index_passages(
        self, store: FingerprintStore, info: DocInfo, doc: int, source: _Source, seed_where: dict[int, list[int]],
        sk: int, text: NormalizedText, terms: Terms, words: Words, q_sents: list[tuple[int, int]],
        weak: list[Passage] | None = None,
    ) -> list[Passage]:
        """Aligned passages of one indexed document, from seeds of ``sk``-term shingles and sentence seeds; what
        falls short of a passage goes to ``weak`` when given (see ``match``)."""
        prm = self.params
        seeds = [(q, s) for h, qs in seed_where.items() for q in qs for s in source.positions.get(h, ())]
        if prm.sentence_seeds:
            seeds += sentence_seeds(terms, q_sents, source.terms, source.sentences, prm.sentence_dice)
        found: list[Passage] = []
        for c in cluster_seeds(seeds, prm.gap):
            # a cluster smaller than min_seeds / min_terms (a 12-word quotation of few content words) is
            # examined for verbatim runs only
            small = c.distinct < prm.min_seeds or c.q1 + sk - c.q0 < prm.min_terms
            before = len(found)
            if small and (c.distinct < prm.short_seeds or c.q1 + sk - c.q0 < sk + 1):
                if weak is not None and c.distinct >= 2:
                    weak.append(_seed_passage(store.manifest.name, doc, info, c, terms, words, source, sk))
                continue
            q_chars = (terms.starts[c.q0], terms.ends[min(c.q1 + sk, len(terms)) - 1])
            s_end = min(c.s1 + sk, len(source.terms)) - 1
            pieces = align(words, source.words, q_chars, (source.terms.starts[c.s0], source.terms.ends[s_end]),
                           prm.verbatim_words)
            for a in pieces:
                if small and not a.verbatim:
                    continue
                if prm.sentence_seeds and (a.verbatim or a.similarity < prm.snap_below):
                    a = self._snap(a, text.text, terms, q_sents, words, source, snap=not a.verbatim)
                short = a.similarity < prm.min_similarity or a.q_words[1] - a.q_words[0] < prm.min_words
                if short and weak is None:
                    continue
                s_span = source.norm.to_original(*a.s_chars)
                s_range = (s_span.start + source.base_char, s_span.end + source.base_char)
                s_term = bisect_left(source.terms.starts, a.s_chars[0]) + source.base_term
                (weak if short and weak is not None else found).append(Passage(
                    store.manifest.name, doc, info.ref, info.section_at(s_term), a.q_chars, s_range,
                    a.q_words[1] - a.q_words[0], a.similarity, c.seeds, "index",
                    (s_range[1] - s_range[0]) / max(1, source.doc_chars), _shared(terms, source.terms, a),
                ))
            if small and weak is not None and len(found) == before and c.distinct >= 2:
                weak.append(_seed_passage(store.manifest.name, doc, info, c, terms, words, source, sk))
        if prm.summary_ratio > 0 and prm.sentence_seeds and sk == (prm.seed_k or store.manifest.k):
            found = self._summaries(store, info, doc, source, seeds, text.text, terms, words, q_sents, found)
        return found

    def _summaries(
        self, store: FingerprintStore, info: DocInfo, doc: int, source: _Source, seeds: list[tuple[int, int]],
        text: str, terms: Terms, words: Words, q_sents: list[tuple[int, int]], found: list[Passage],
    ) -> list[Passage]:
        """``found`` with the summary passages of this document (summary.py) in place of the passages they
        overlap in the query, unless reportable ones cover ``summary_covered`` of its query side already or
        verbatim runs ``summary_verbatim`` of its words (a copied or edited passage whose source words recur
        further on is not a summary)."""
        prm = self.params
        sp = SummaryParams(prm.summary_q_gap, prm.summary_s_gap, prm.summary_ratio, prm.summary_terms,
                           prm.summary_sentences, prm.summary_shared, prm.summary_sentence_share,
                           core_ratio=prm.summary_core)
        out: list[Passage] = []
        for sm in summaries(terms, q_sents, source.terms, source.sentences, seeds, sp):
            q_chars = (terms.starts[sm.q_terms[0]], _tail(text, terms.ends[sm.q_terms[1] - 1]))
            s_folded = (source.terms.starts[sm.s_terms[0]], source.terms.ends[sm.s_terms[1] - 1])
            s_span = source.norm.to_original(*s_folded)
            s_range = (s_span.start + source.base_char, s_span.end + source.base_char)
            qa, qb = word_range(words, *q_chars)
            inside = [p for p in _best_per_region(found, prm)
                      if p.q_chars[0] < q_chars[1] and q_chars[0] < p.q_chars[1] and _reportable(p, prm)]
            covered = sum(min(p.q_chars[1], q_chars[1]) - max(p.q_chars[0], q_chars[0]) for p in inside)
            verbatim = sum(p.words for p in inside if p.similarity >= prm.verbatim_similarity)
            if (qb - qa < prm.summary_words or covered >= prm.summary_covered * (q_chars[1] - q_chars[0])
                    or verbatim >= prm.summary_verbatim * (qb - qa)):
                continue
            out.append(Passage(
                store.manifest.name, doc, info.ref, info.section_at(sm.s_terms[0] + source.base_term), q_chars,
                s_range, qb - qa, sm.shared, sm.seeds, "summary",
                (s_range[1] - s_range[0]) / max(1, source.doc_chars), sm.shared,
            ))
        if not out:
            return found
        kept = [p for p in found if all(p.q_chars[1] <= o.q_chars[0] or o.q_chars[1] <= p.q_chars[0] for o in out)]
        return sorted(kept + out, key=lambda p: p.q_chars)

    def _pack_passages(
        self, store: FingerprintStore, info: DocInfo, doc: int, seeds: list[tuple[int, int]], terms: Terms,
        words: Words,
    ) -> list[Passage]:
        """Passages of one pack document from its seeds alone: diagonal runs past the precision guard
        (pack_runs), each with its estimated similarity."""
        m, prm = store.manifest, self.params.pack
        found = pack_runs.runs(seeds, m.k, m.window, prm)
        spans = [(terms.starts[r.q0], terms.ends[min(r.q1 + m.k, len(terms)) - 1]) for r in found]
        n_words = [bisect_left(words.starts, b) - bisect_left(words.starts, a) for a, b in spans]
        out = []
        for i in pack_runs.passages(found, m.k, m.window, prm, n_words):
            r = found[i]
            out.append(Passage(
                m.name, doc, info.ref, info.section_at(r.s0), spans[i], None, n_words[i], r.similarity, r.seeds,
                "pack", min(1.0, (r.s1 + m.k - r.s0) / max(1, info.terms)),
            ))
        return out

    def _snap(self, a: Alignment, text: str, terms: Terms, q_sents: list[tuple[int, int]], words: Words,
              source: _Source, snap: bool = True) -> Alignment:
        """Whole sentences for an edited passage, grown by overlapping neighbours (sentences.extend) and then by
        chunks of shared terms (sentences.extend_terms). A verbatim run (``snap`` false) only gains neighbour
        sentences, and keeps its own alignment when the growth would explain fewer query words."""
        qr = (bisect_left(terms.starts, a.q_chars[0]), bisect_right(terms.ends, a.q_chars[1]))
        sr = (bisect_left(source.terms.starts, a.s_chars[0]), bisect_right(source.terms.ends, a.s_chars[1]))
        if qr[0] >= qr[1] or sr[0] >= sr[1]:
            return a
        grown = extend(terms, q_sents, source.terms, source.sentences, qr, sr, self.params.extend_dice, snap=snap)
        if not snap and grown == (qr, sr):
            return a
        qr, sr = grown
        if snap and self.params.term_share > 0:
            qr, sr = extend_terms(terms, source.terms, qr, sr, self.params.term_chunk, self.params.term_share)
        # never lose the alignment's own ends (words outside the terms, such as a leading "the", included)
        q_chars = (min(a.q_chars[0], terms.starts[qr[0]]), max(a.q_chars[1], _tail(text, terms.ends[qr[1] - 1])))
        s_chars = (min(a.s_chars[0], source.terms.starts[sr[0]]),
                   max(a.s_chars[1], _tail(source.norm.text, source.terms.ends[sr[1] - 1])))
        qa, qb = word_range(words, *q_chars)
        sa, sb = word_range(source.words, *s_chars)
        similarity = Indel.normalized_similarity(words.words[qa:qb], source.words.words[sa:sb])
        grown_a = Alignment((qa, qb), (sa, sb), q_chars, s_chars, similarity, a.verbatim and similarity >= 0.9)
        if a.verbatim and _weight(grown_a) < _weight(a):
            return a  # a verbatim run grown on one side only: the growth explains less of the query than before
        if a.verbatim and not grown_a.verbatim and qb - qa < self.params.edited_words:
            return a  # a short quotation grown into a short edited passage: the edited rule's minimum drops it
        return grown_a

    def _source(self, store: FingerprintStore, info: DocInfo, hit_terms: list[int], seed_k: int) -> _Source:
        """A candidate's text, normalised, with its terms, words, shingle positions and sentences. A document
        longer than WINDOW_TERMS is processed only around its hits (MARGIN terms either side)."""
        offsets = store.offsets(info.id) if info.terms > WINDOW_TERMS and hit_terms else None
        if offsets is not None and len(offsets) == info.terms:
            w0 = max(0, min(hit_terms) - MARGIN)
            w1 = min(info.terms, max(hit_terms) + MARGIN)
        else:
            w0, w1 = 0, info.terms
        key = (str(store.path), info.id, w0, w1, seed_k)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        text = store.text(info.id) or ""
        base = offsets[w0] if offsets is not None and w0 > 0 else 0
        end = offsets[w1] if offsets is not None and w1 < info.terms else len(text)
        norm = normalize(text[base:end])
        tokens = tokens_of(norm.text)
        terms = terms_of(norm.text, tokens)
        positions: dict[int, list[int]] = defaultdict(list)
        for pos, h in enumerate(shingle_hashes(terms.terms, seed_k, _key(store))):
            positions[h].append(pos)
        source = _Source(norm, terms, tokens, dict(positions), sentence_ranges(norm.text, terms), base, w0,
                         len(text))
        with self._lock:
            self._cache[key] = source
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return source


def _positions(terms: Terms, k: int, key: bytes, blocked: set[int]) -> dict[int, list[int]]:
    """Query positions of each ``k``-term shingle hash, without shingles touching a blocked term."""
    where: dict[int, list[int]] = defaultdict(list)
    for pos, h in enumerate(shingle_hashes(terms.terms, k, key)):
        if not any(p in blocked for p in range(pos, pos + k)):
            where[h].append(pos)
    return where


def _seed_passage(store: str, doc: int, info: DocInfo, c: Cluster, terms: Terms, words: Words, source: _Source,
                  k: int) -> Passage:
    """A seed cluster too small for a passage, as a Passage of kind "seeds" (exposure evidence only)."""
    q_end = min(c.q1 + k, len(terms)) - 1
    q_chars = (terms.starts[c.q0], terms.ends[q_end])
    s_end = min(c.s1 + k, len(source.terms)) - 1
    s_span = source.norm.to_original(source.terms.starts[c.s0], source.terms.ends[s_end])
    s_range = (s_span.start + source.base_char, s_span.end + source.base_char)
    n_words = sum(1 for st in words.starts if q_chars[0] <= st < q_chars[1])
    return Passage(store, doc, info.ref, info.section_at(c.s0 + source.base_term), q_chars, s_range, n_words,
                   min(1.0, c.distinct / max(1, q_end + 1 - c.q0)), c.seeds, "seeds",
                   (s_range[1] - s_range[0]) / max(1, source.doc_chars))


def _original(text: NormalizedText, folded: tuple[int, int]) -> tuple[int, int]:
    span = text.to_original(*folded)
    return span.start, span.end


def _key(store: FingerprintStore) -> bytes:
    if store.key is None:
        raise StoreError(f"{store.path}: opened without its key, cannot match", code="E416")
    return store.key


def _tail(text: str, end: int) -> int:
    """Include the closing punctuation of the sentence ending at ``end``."""
    m = _PUNCT.match(text, end)
    return m.end() if m else end


def _first_at_or_after(starts: tuple[int, ...], offset: int) -> int:
    from bisect import bisect_left

    return bisect_left(starts, offset)
