"""From seeds (shared shingles) to aligned passages.

Seeds ``(query term, source term)`` are clustered into passages: a seed joins a passage when it lies within
``gap`` terms of it on both sides, so local reordering, insertions and deletions (PAN's random obfuscation)
keep one passage together. Where the source text is known, each passage is then aligned word by word with
rapidfuzz (an Indel alignment over word sequences): its ends are extended over identical neighbouring words
(function words are not shingled) and trimmed to the first and last aligned words, which gives exact
character spans on both sides and a similarity.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel, Opcode

from screener.fingerprint.shingle import Words

_EXTEND = 12  # words an end may grow over identical neighbours
_GLUE = 2  # words skipped inside a verbatim run (a changed or dropped word)
_MOSTLY = 0.75  # share of a passage's words in verbatim runs that makes it a quotation
_BREAK = 24  # words between aligned blocks that split a passage
_EDGE = 3  # words beyond each end of the ranges searched for exact runs
_STRAY = 3  # an end block of a verbatim run shorter than this, across a gap, is not part of the copy


@dataclass(slots=True)
class Cluster:
    q0: int
    q1: int
    s0: int
    s1: int
    seeds: int
    qs: set[int] = field(default_factory=set)
    ss: set[int] = field(default_factory=set)

    @property
    def distinct(self) -> int:
        """Seeds at distinct positions on both sides (a phrase repeated on one side counts once)."""
        return min(len(self.qs), len(self.ss))

    def near(self, other: Cluster, gap: int) -> bool:
        return (
            other.q0 <= self.q1 + gap and self.q0 <= other.q1 + gap
            and other.s0 <= self.s1 + gap and self.s0 <= other.s1 + gap
            and not self.inverted(other.q0, other.q1, other.s0, other.s1)
        )

    def inverted(self, q0: int, q1: int, s0: int, s1: int) -> bool:
        """The box ``[q0, q1] x [s0, s1]`` lies wholly after this cluster in the query and wholly before it in
        the source, or the other way round: two passages reused in reverse order, never one passage."""
        return (q0 > self.q1 and s1 < self.s0) or (q1 < self.q0 and s0 > self.s1)

    def absorb(self, other: Cluster) -> None:
        self.q0, self.q1 = min(self.q0, other.q0), max(self.q1, other.q1)
        self.s0, self.s1 = min(self.s0, other.s0), max(self.s1, other.s1)
        self.seeds += other.seeds
        self.qs |= other.qs
        self.ss |= other.ss


def cluster_seeds(seeds: Iterable[tuple[int, int]], gap: int) -> list[Cluster]:
    """Single-linkage clusters of seeds within ``gap`` terms on both axes, sorted by query position."""
    done: list[Cluster] = []
    active: list[Cluster] = []
    for q, s in sorted(set(seeds)):
        still: list[Cluster] = []
        for c in active:
            (still if c.q1 >= q - gap else done).append(c)
        active = still
        best: Cluster | None = None
        best_dist = gap + 1
        for c in active:
            dist = 0 if c.s0 <= s <= c.s1 else min(abs(s - c.s0), abs(s - c.s1))
            if dist <= gap and dist < best_dist:
                best, best_dist = c, dist
        if best is None:
            active.append(Cluster(q, q, s, s, 1, {q}, {s}))
        else:
            best.absorb(Cluster(q, q, s, s, 1, {q}, {s}))
    clusters = sorted(done + active, key=lambda c: (c.q0, c.s0))
    merged = True
    while merged:  # boxes that grew may now touch: merge until stable
        merged = False
        out: list[Cluster] = []
        for c in clusters:
            for o in out:
                if o.near(c, gap):
                    o.absorb(c)
                    merged = True
                    break
            else:
                out.append(c)
        clusters = sorted(out, key=lambda c: (c.q0, c.s0))
    return clusters


def _grow(
    q: tuple[str, ...], s: tuple[str, ...], qa: int, sa: int, qb: int, sb: int
) -> tuple[int, int, int, int]:
    """Extend ``[qa, qb)`` / ``[sa, sb)`` over identical neighbouring words (at most ``_EXTEND`` each way)."""
    for _ in range(_EXTEND):
        if qa > 0 and sa > 0 and q[qa - 1] == s[sa - 1]:
            qa, sa = qa - 1, sa - 1
    for _ in range(_EXTEND):
        if qb < len(q) and sb < len(s) and q[qb] == s[sb]:
            qb, sb = qb + 1, sb + 1
    return qa, sa, qb, sb


def _core(blocks: list[Opcode]) -> list[Opcode]:
    """The run of aligned blocks with the most aligned words, cutting wherever two consecutive blocks are more
    than ``_BREAK`` words apart on either side (stray common words far from the passage body)."""
    best: list[Opcode] = []
    best_size = 0
    run: list[Opcode] = []
    for b in blocks:
        if run and max(b.src_start - run[-1].src_end, b.dest_start - run[-1].dest_end) > _BREAK:
            run = []
        run.append(b)
        size = sum(x.src_end - x.src_start for x in run)
        if size > best_size:
            best, best_size = list(run), size
    return best


@dataclass(frozen=True, slots=True)
class Alignment:
    q_words: tuple[int, int]  # word index range [a, b) in the query
    s_words: tuple[int, int]
    q_chars: tuple[int, int]  # folded character range in the query
    s_chars: tuple[int, int]  # folded character range in the source
    similarity: float  # Indel similarity of the two word sequences, 0..1
    verbatim: bool = False  # one run of identical words (gaps of at most _GLUE words)


def word_range(words: Words, start: int, end: int) -> tuple[int, int]:
    """Indices ``[a, b)`` of the words lying inside the character range ``[start, end)``."""
    return bisect_left(words.starts, start), bisect_right(words.ends, end)


def _piece(qw: Words, sw: Words, blocks: list[tuple[int, int, int, int]], verbatim: bool) -> Alignment:
    qa, qb, sa, sb = blocks[0][0], blocks[-1][1], blocks[0][2], blocks[-1][3]
    # the global alignment may have matched a neighbouring word elsewhere, or the ranges aligned may have cut
    # it off (a leading "the" before the first shingled term): grow over identical neighbours
    qa, sa, qb, sb = _grow(qw.words, sw.words, qa, sa, qb, sb)
    similarity = Indel.normalized_similarity(qw.words[qa:qb], sw.words[sa:sb])
    return Alignment((qa, qb), (sa, sb), (qw.starts[qa], qw.ends[qb - 1]), (sw.starts[sa], sw.ends[sb - 1]),
                     similarity, verbatim)


def align(
    qw: Words, sw: Words, q_chars: tuple[int, int], s_chars: tuple[int, int], verbatim_words: int = 12
) -> list[Alignment]:
    """Align the words of two character ranges. A passage holding runs of at least ``verbatim_words``
    identical words is cut into those verbatim runs and the edited stretches between them."""
    qa, qb = word_range(qw, *q_chars)
    sa, sb = word_range(sw, *s_chars)
    if qa >= qb or sa >= sb:
        return []
    q, s = qw.words, sw.words
    qa, sa, qb, sb = _grow(q, s, qa, sa, qb, sb)
    blocks = [
        (qa + b.src_start, qa + b.src_end, sa + b.dest_start, sa + b.dest_end)
        for b in _core([op for op in Indel.opcodes(q[qa:qb], s[sa:sb]) if op.tag == "equal"])
    ]
    if not blocks:
        return []
    runs: list[list[tuple[int, int, int, int]]] = [[blocks[0]]]
    for b in blocks[1:]:
        last = runs[-1][-1]
        if b[0] - last[1] <= _GLUE and b[2] - last[3] <= _GLUE:
            runs[-1].append(b)
        else:
            runs.append([b])
    whole = _piece(qw, sw, blocks, False)
    verbatim = [r for r in runs if sum(b[1] - b[0] for b in r) >= verbatim_words]
    if verbatim and len(verbatim) == len(runs):
        return [whole] if len(runs) > 1 else [_piece(qw, sw, blocks, True)]
    # The alignment may have matched a word of a verbatim run elsewhere (an earlier "the"), cutting the run:
    # exact runs of identical words are found directly as well.
    # The terms bounding the ranges leave out function words at their ends ("Where" before a heading's first
    # term): exact runs are looked for a few words further out on both sides.
    qx = (max(0, qa - _EDGE), min(len(q), qb + _EDGE))
    sx = (max(0, sa - _EDGE), min(len(s), sb + _EDGE))
    verbatim += [[b] for b in exact_runs(q, s, qx, sx, verbatim_words)
                 if not any(b[0] < r[-1][1] and r[0][0] < b[1] for r in verbatim)]
    if not verbatim:
        return [whole]
    # Verbatim runs making up most of the passage (a quotation with a few stray words around it): the runs
    # alone. Otherwise both readings, the edited passage as a whole and its runs; the matcher keeps the
    # stronger of overlapping ones (a quotation among stray common words is not diluted into them).
    verbatim.sort()
    inside = sum(r[-1][1] - r[0][0] for r in verbatim)
    pieces = [_piece(qw, sw, _trimmed(r), True) for r in verbatim]
    if inside < _MOSTLY * (whole.q_words[1] - whole.q_words[0]):
        return [whole, *pieces]
    return pieces


def _trimmed(run: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """A verbatim run without the blocks of fewer than ``_STRAY`` matched words glued at its ends across a gap
    (a stray "the" or "the new" two words after a copied sentence ends, in the writer's next sentence and in
    the source's): its span ends where the copy does. Only the span of a reported run is trimmed; which runs
    are verbatim is decided before."""
    run = list(run)
    while len(run) > 1 and run[-1][1] - run[-1][0] < _STRAY and (run[-1][0], run[-1][2]) != (run[-2][1], run[-2][3]):
        run.pop()
    while len(run) > 1 and run[0][1] - run[0][0] < _STRAY and (run[0][1], run[0][3]) != (run[1][0], run[1][2]):
        run.pop(0)
    return run


def exact_runs(
    q: tuple[str, ...], s: tuple[str, ...], qr: tuple[int, int], sr: tuple[int, int], n: int
) -> list[tuple[int, int, int, int]]:
    """Maximal runs ``(qa, qb, sa, sb)`` of at least ``n`` identical consecutive words of ``q[qr]`` and
    ``s[sr]``, left to right in the query, not overlapping in the query (the longest at each start)."""
    if n <= 0 or qr[1] - qr[0] < n or sr[1] - sr[0] < n:
        return []
    grams: dict[tuple[str, ...], list[int]] = {}
    for j in range(sr[0], sr[1] - n + 1):
        grams.setdefault(s[j : j + n], []).append(j)
    out: list[tuple[int, int, int, int]] = []
    i = qr[0]
    while i <= qr[1] - n:
        best = (0, 0)
        for j in grams.get(q[i : i + n], ()):
            length = n
            while i + length < qr[1] and j + length < sr[1] and q[i + length] == s[j + length]:
                length += 1
            if length > best[0]:
                best = (length, j)
        if best[0]:
            out.append((i, i + best[0], best[1], best[1] + best[0]))
            i += best[0]
        else:
            i += 1
    return out
