"""The coverage picture in the HTML report: an inline SVG drawn from the finding's own note."""

from __future__ import annotations

import re

import pytest

from screener.exposure.picture import trend
from screener.model import Action, Category, Decision, Evidence, Finding, Metadata, ScreenResult, Span, Verdict
from screener.record.report.html import render_report

NOTE = ("corpus=demo; covered=0.320; words=64; submissions=4; earlier=s0,s1,s2; steps=0.08,0.16,0.24,0.32; "
        "threshold=0.25")


def _result(note: str, code: str = "FRG510") -> ScreenResult:
    category = Category.FRAGMENT if code.startswith("FRG") else Category.EMPLOYER
    ev = Evidence("exposure", "cumulative-coverage", "CUMULATIVE_PASSAGES", reference="memo.md", note=note)
    d = Decision(Finding(code, category, Span(0, 4), 0.8, ev), Action.FLAG, "flag: cumulative exposure")
    return ScreenResult("s3", Verdict.FLAG, (d,), (), Metadata.of("exp-1"), "0" * 64, 10)


def test_report_draws_the_coverage_over_time() -> None:
    page = render_report([_result(NOTE)])
    (svg,) = re.findall(r'<svg class="trend".*?</svg>', page, re.S)
    assert "32% after 4 submissions" in svg
    assert len(re.findall(r"<circle", svg)) == 4 and 'class="limit"' in svg
    assert "<script" not in page and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("note", [
    "corpus=demo; covered=0.3; steps=",
    "corpus=demo; steps=0.1,<script>,0.3",
    "no steps at all",
    "steps=0.1,0.2; threshold=high",
], ids=["empty-steps", "injected", "absent", "bad-threshold"])
def test_unreadable_steps_draw_nothing_and_escape(note: str) -> None:
    assert trend("FRG510", note) is None
    page = render_report([_result(note)])
    assert 'class="trend"' not in page and "<script>" not in page


def test_weak_signal_score_picture() -> None:
    t = trend("EMP290", "score=6; signals=locations x2; steps=1.5,3,4.5,6; threshold=6")
    assert t is not None and t.steps == 4 and t.threshold_y is not None and "score: 6 after 4" in t.label
    assert trend("FRG501", NOTE) is None
