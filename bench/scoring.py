"""Scorers for personal-data detection: span-level P/R/F and the TAB masking measures.

Everything here is pure and dependency-free so that the unit tests can pin it down on tiny hand-made
cases. Offsets are half-open character offsets into one document's text.

Span level (NER quality):
  * ``exact``: a prediction is correct when a gold span of the same label has the same boundaries,
    after trimming whitespace and surrounding punctuation on both sides;
  * ``overlap``: a prediction is correct when it shares at least one character with a gold span of the
    same label. Precision counts predictions that hit a gold span, recall counts gold spans that are hit.
  * ``token``: every word token (``\\w+``) is one decision, labelled by the span covering it (as in
    presidio-research's evaluator, whose published figures are token-level).
  The pseudo-label ``ANY`` scores the same spans with labels ignored (did we flag the right text at all?).
  Predictions that overlap an *ignored* region (gold spans of unmapped types) are dropped before
  scoring, so a system is never punished for finding something the gold standard did not label.

TAB measures (Pilan et al. 2022, re-implemented from the paper's definitions):
  * entity recall: an entity that needs masking counts as protected only when every one of its
    mentions that needs masking is fully covered by the union of predicted spans; characters that are
    punctuation, whitespace, titles (Mr, Mrs, Ms, Dr) or function words need not be covered;
  * token precision: the union of predicted spans is split into word tokens (``\\w+``); a token is a
    true positive when it lies inside a gold mention that needs masking.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

MatchMode = Literal["exact", "overlap", "token"]
ANY = "ANY"
ALL = "ALL"

_TRIM = " \t\r\n.,;:!?\"'()[]{}“”‘’«»"

# Words that carry no identifying content; TAB's measures need not see them covered.
IGNORABLE_WORDS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "and",
        "or",
        "from",
        "until",
        "to",
        "about",
        "after",
        "as",
        "at",
        "before",
        "between",
        "by",
        "during",
        "for",
        "in",
        "into",
        "of",
        "on",
        "over",
        "since",
        "with",
        "the",
        "a",
        "an",
        "no",
        "nr",
        "'s",
        "’s",
    ]
)
_IGNORABLE_RE = re.compile(
    r"(?:"
    + "|".join(r"\b" + re.escape(w) + r"\b" for w in sorted(IGNORABLE_WORDS, key=len, reverse=True))
    + r"|[\s,.\-;:/&()\[\]–—'\"’‘“”])",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True, order=True)
class LabeledSpan:
    """A half-open span [start, end) with an entity label."""

    start: int
    end: int
    label: str

    def overlaps(self, other: LabeledSpan) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Counts:
    """Counts behind precision and recall (they differ under overlap matching, hence four numbers)."""

    pred_correct: int = 0
    pred_total: int = 0
    gold_found: int = 0
    gold_total: int = 0

    def add(self, other: Counts) -> None:
        self.pred_correct += other.pred_correct
        self.pred_total += other.pred_total
        self.gold_found += other.gold_found
        self.gold_total += other.gold_total

    @property
    def precision(self) -> float:
        return self.pred_correct / self.pred_total if self.pred_total else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold_total if self.gold_total else 0.0

    def f(self, beta: float = 1.0) -> float:
        p, r = self.precision, self.recall
        if p == 0.0 and r == 0.0:
            return 0.0
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past whitespace and surrounding punctuation (never to empty)."""
    s, e = start, end
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return (s, e) if s < e else (start, end)


def drop_ignored(
    pred: Iterable[LabeledSpan], ignore: Sequence[tuple[int, int]], gold: Sequence[LabeledSpan] = ()
) -> list[LabeledSpan]:
    """Predictions that touch an ignored region (an unmapped gold span) are left out of the scoring,
    unless they also overlap a scored gold span (nested annotations)."""
    return [
        p for p in pred if not any(p.start < e and s < p.end for s, e in ignore) or any(p.overlaps(g) for g in gold)
    ]


def _match(
    text: str, gold: Sequence[LabeledSpan], pred: Sequence[LabeledSpan], mode: MatchMode
) -> tuple[list[bool], list[bool]]:
    """For each prediction: does it hit a gold span? For each gold span: is it hit?"""
    pred_ok = [False] * len(pred)
    gold_ok = [False] * len(gold)
    if mode == "exact":
        index: dict[tuple[int, int, str], list[int]] = defaultdict(list)
        for gi, g in enumerate(gold):
            index[(*trim(text, g.start, g.end), g.label)].append(gi)
        for pi, p in enumerate(pred):
            for gi in index.get((*trim(text, p.start, p.end), p.label), []):
                if not gold_ok[gi]:  # one-to-one under exact matching
                    gold_ok[gi] = pred_ok[pi] = True
                    break
    else:
        for pi, p in enumerate(pred):
            for gi, g in enumerate(gold):
                if p.label == g.label and p.overlaps(g):
                    pred_ok[pi] = gold_ok[gi] = True
    return pred_ok, gold_ok


def _token_labels(text: str, spans: Sequence[LabeledSpan]) -> dict[int, str]:
    """Token start -> label of the first span covering the token (tokens are ``\\w+`` runs)."""
    out: dict[int, str] = {}
    for sp in sorted(spans):
        for m in _TOKEN_RE.finditer(text, sp.start, sp.end):
            out.setdefault(m.start(), sp.label)
    return out


def _score_tokens(text: str, gold: Sequence[LabeledSpan], pred: Sequence[LabeledSpan]) -> dict[str, Counts]:
    g, p = _token_labels(text, gold), _token_labels(text, pred)
    out: dict[str, Counts] = defaultdict(Counts)
    for tok, label in p.items():
        out[label].pred_total += 1
        out[label].pred_correct += g.get(tok) == label
    for tok, label in g.items():
        out[label].gold_total += 1
        out[label].gold_found += p.get(tok) == label
    out[ALL] = Counts(
        sum(g.get(t) == lb for t, lb in p.items()), len(p), sum(p.get(t) == lb for t, lb in g.items()), len(g)
    )
    out[ANY] = Counts(sum(t in g for t in p), len(p), sum(t in p for t in g), len(g))
    return dict(out)


def score_document(
    text: str,
    gold: Sequence[LabeledSpan],
    pred: Sequence[LabeledSpan],
    mode: MatchMode,
    labels: Iterable[str] | None = None,
) -> dict[str, Counts]:
    """Per-label counts plus ``ALL`` (typed, micro) and ``ANY`` (labels ignored) for one document.

    ``labels`` restricts scoring to those gold/predicted labels (default: the labels present in gold).
    """
    keep = set(labels) if labels is not None else {g.label for g in gold}
    gold_l = [g for g in gold if g.label in keep]
    pred_l = [p for p in pred if p.label in keep]
    if mode == "token":
        return _score_tokens(text, gold_l, pred_l)
    out: dict[str, Counts] = defaultdict(Counts)
    pred_ok, gold_ok = _match(text, gold_l, pred_l, mode)
    for p, ok in zip(pred_l, pred_ok, strict=True):
        out[p.label].pred_total += 1
        out[p.label].pred_correct += ok
    for g, ok in zip(gold_l, gold_ok, strict=True):
        out[g.label].gold_total += 1
        out[g.label].gold_found += ok
    out[ALL] = Counts(sum(pred_ok), len(pred_l), sum(gold_ok), len(gold_l))
    gold_a = [LabeledSpan(g.start, g.end, ANY) for g in gold_l]
    pred_a = [LabeledSpan(p.start, p.end, ANY) for p in pred_l]
    pred_ok, gold_ok = _match(text, gold_a, pred_a, mode)
    out[ANY] = Counts(sum(pred_ok), len(pred_a), sum(gold_ok), len(gold_a))
    return dict(out)


@dataclass(slots=True)
class SpanScore:
    """Accumulated span-level counts over a corpus."""

    by_label: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def add(self, doc_counts: dict[str, Counts]) -> None:
        for label, counts in doc_counts.items():
            self.by_label[label].add(counts)


# ----------------------------------------------------------------------------------------------- TAB
IdentifierType = Literal["DIRECT", "QUASI", "NO_MASK"]


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    needs_masking: bool


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """One TAB entity: DIRECT when any mention is a direct identifier, QUASI when any needs masking."""

    entity_id: str
    label: str
    identifier: IdentifierType
    mentions: tuple[Mention, ...]


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open intervals, sorted, adjacent ones joined."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _uncovered(start: int, end: int, covered: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    pos = start
    for s, e in covered:
        if e <= pos:
            continue
        if s >= end:
            break
        if s > pos:
            gaps.append((pos, s))
        pos = max(pos, e)
    if pos < end:
        gaps.append((pos, end))
    return gaps


def mention_masked(text: str, start: int, end: int, covered: Sequence[tuple[int, int]]) -> bool:
    """True when every character of the mention is covered, except ignorable ones (see module doc)."""
    gaps = _uncovered(start, end, covered)
    if not gaps:
        return True
    skip = merge((start + m.start(), start + m.end()) for m in _IGNORABLE_RE.finditer(text[start:end]))
    return all(not _uncovered(gs, ge, skip) for gs, ge in gaps)


@dataclass(slots=True)
class TabScore:
    """Accumulated TAB measures."""

    direct: Counts = field(default_factory=Counts)  # entity recall of DIRECT identifiers (gold side only)
    quasi: Counts = field(default_factory=Counts)
    mentions: Counts = field(default_factory=Counts)  # mention recall over all mentions that need masking
    tokens: Counts = field(default_factory=Counts)  # token precision (pred side only)
    by_label: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))  # entity recall per type

    def add(self, other: TabScore) -> None:
        self.direct.add(other.direct)
        self.quasi.add(other.quasi)
        self.mentions.add(other.mentions)
        self.tokens.add(other.tokens)
        for label, counts in other.by_label.items():
            self.by_label[label].add(counts)


def tab_score(text: str, entities: Sequence[GoldEntity], pred: Iterable[tuple[int, int]]) -> TabScore:
    """TAB measures for one document, given the spans a system would mask (labels do not matter)."""
    covered = merge(pred)
    score = TabScore()
    to_mask: list[tuple[int, int]] = []
    for ent in entities:
        needed = [m for m in ent.mentions if m.needs_masking]
        if ent.identifier == "NO_MASK" or not needed:
            continue
        hits = [mention_masked(text, m.start, m.end, covered) for m in needed]
        score.mentions.gold_total += len(hits)
        score.mentions.gold_found += sum(hits)
        to_mask.extend((m.start, m.end) for m in needed)
        bucket = score.direct if ent.identifier == "DIRECT" else score.quasi
        bucket.gold_total += 1
        bucket.gold_found += all(hits)
        score.by_label[ent.label].gold_total += 1
        score.by_label[ent.label].gold_found += all(hits)
    gold_mask = merge(to_mask)
    for s, e in covered:
        for m in _TOKEN_RE.finditer(text, s, e):
            score.tokens.pred_total += 1
            score.tokens.pred_correct += any(gs <= m.start() and m.end() <= ge for gs, ge in gold_mask)
    return score
