"""Helpers shared by the rule-driven detector tests (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from screener.model import Finding

RULES = Path(__file__).resolve().parents[2] / "rules"
Run = Callable[..., list[Finding]]


def spans(text: str, findings: list[Finding]) -> list[tuple[str, str]]:
    """``(rule id, original text under the span)`` of each finding, for readable assertions."""
    return [(f.rule_id, text[f.span.start:f.span.end]) for f in findings]
