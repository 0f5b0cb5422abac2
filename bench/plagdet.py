"""PAN's plagdet measure (Potthast et al. 2010), written from the definition.

A case (gold) or a detection is a pair of character ranges: one in the suspicious document, one in the
source, for one (suspicious, source) document pair. Its characters are the union of both ranges (kept apart by
side). A detection *detects* a case when both ranges overlap on both sides in the same pair.

- macro recall: mean over cases of |case chars covered by detections that detect it| / |case chars|;
- macro precision: the same with the roles exchanged;
- granularity: mean over detected cases of the number of detections that detect it (>= 1);
- plagdet = F1 / log2(1 + granularity).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Annotation:
    pair: str  # "suspicious|source"
    this: tuple[int, int]  # [offset, offset + length) in the suspicious document
    source: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Scores:
    plagdet: float
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _detects(case: Annotation, det: Annotation) -> bool:
    return case.pair == det.pair and _overlap(case.this, det.this) and _overlap(case.source, det.source)


def _length(r: tuple[int, int]) -> int:
    return max(0, r[1] - r[0])


def _covered(target: tuple[int, int], others: list[tuple[int, int]]) -> int:
    """Characters of ``target`` covered by the union of ``others``."""
    lo, hi = target
    pieces = sorted((max(lo, a), min(hi, b)) for a, b in others if a < hi and lo < b)
    total, end = 0, lo
    for a, b in pieces:
        a = max(a, end)
        if b > a:
            total += b - a
            end = b
    return total


def _macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    by_pair: dict[str, list[Annotation]] = defaultdict(list)
    for d in detections:
        by_pair[d.pair].append(d)
    total = 0.0
    for case in cases:
        hits = [d for d in by_pair[case.pair] if _detects(case, d)]
        size = _length(case.this) + _length(case.source)
        if size == 0:
            continue
        got = _covered(case.this, [d.this for d in hits]) + _covered(case.source, [d.source for d in hits])
        total += got / size
    return total / len(cases)


def _granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    by_pair: dict[str, list[Annotation]] = defaultdict(list)
    for d in detections:
        by_pair[d.pair].append(d)
    counts = [sum(1 for d in by_pair[c.pair] if _detects(c, d)) for c in cases]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> Scores:
    if not cases and not detections:
        return Scores(1.0, 1.0, 1.0, 1.0, 0, 0)
    recall = _macro_recall(cases, detections) if cases and detections else 0.0
    precision = _macro_recall(detections, cases) if cases and detections else 0.0
    gran = _granularity(cases, detections)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(f1 / math.log2(1 + gran), precision, recall, gran, len(cases), len(detections))
