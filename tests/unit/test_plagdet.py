"""Our plagdet implementation against hand-computed values."""

from __future__ import annotations

import math

import pytest

from bench.plagdet import Annotation, plagdet

P = "s1|r1"
CASE = Annotation(P, (100, 200), (0, 100))


@pytest.mark.parametrize(
    ("cases", "dets", "prec", "rec", "gran"),
    [
        ([CASE], [CASE], 1.0, 1.0, 1.0),
        ([CASE], [Annotation(P, (100, 150), (0, 50))], 1.0, 0.5, 1.0),
        ([CASE], [Annotation(P, (100, 150), (0, 50)), Annotation(P, (150, 200), (50, 100))], 1.0, 1.0, 2.0),
        ([CASE], [Annotation(P, (50, 200), (0, 150))], 200 / 300, 1.0, 1.0),
        ([CASE], [CASE, Annotation(P, (400, 500), (300, 400))], 0.5, 1.0, 1.0),
        ([CASE], [Annotation("s2|r1", (100, 200), (0, 100))], 0.0, 0.0, 1.0),
        ([CASE], [Annotation(P, (100, 200), (500, 600))], 0.0, 0.0, 1.0),
        ([CASE], [], 0.0, 0.0, 1.0),
    ],
    ids=["perfect", "half", "split-in-two", "too-long", "false-detection", "other-pair", "source-elsewhere", "none"],
)
def test_plagdet_table(cases: list[Annotation], dets: list[Annotation], prec: float, rec: float, gran: float) -> None:
    s = plagdet(cases, dets)
    assert s.precision == pytest.approx(prec)
    assert s.recall == pytest.approx(rec)
    assert s.granularity == pytest.approx(gran)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    assert s.plagdet == pytest.approx(f1 / math.log2(1 + gran))


def test_overlapping_detections_are_not_counted_twice() -> None:
    dets = [Annotation(P, (100, 180), (0, 80)), Annotation(P, (120, 200), (20, 100))]
    s = plagdet([CASE], dets)
    assert s.recall == pytest.approx(1.0)
    assert s.granularity == pytest.approx(2.0)


def test_macro_average_over_cases() -> None:
    other = Annotation(P, (1000, 1100), (500, 600))
    s = plagdet([CASE, other], [CASE])
    assert s.recall == pytest.approx(0.5) and s.precision == pytest.approx(1.0)


def test_empty_is_perfect() -> None:
    assert plagdet([], []).plagdet == 1.0
