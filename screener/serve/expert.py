"""The expert's view of a result: what to fix, where and why, without turning the check into an oracle.

What an expert sees of each finding the policy acts on (``allow`` decisions are left out):

- a proprietary-fragment finding (FRG5xx, any rule) becomes one fixed item, "this passage closely follows a
  protected document; rewrite it from your own knowledge", over the whole paragraph(s) it touches: no rule
  code, document, section, source text, similarity, score or action, so that a probe editing a protected
  passage one word at a time learns only whether it is still "rewrite this";
- an employer identifier is shown only as the words the expert wrote, never the profile or employer it
  matched;
- a secret is masked (first two characters and a count);
- every other finding: its own words, with what, why and remedy from the rule's docs.

Scores, rule examples and verdict reasons are never shown (examples may name protected terms). Positions are
1-based lines and columns of the submitted text. Nothing here is stored or logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.model import Action, Category, ScreenResult, Span, Verdict
from screener.ruleset.loader import RuleSet

FRAGMENT_TITLE = "This passage closely follows a protected document"
FRAGMENT_REMEDY = "Rewrite it from your own knowledge."
FRAGMENT_WHY = ("Reusing the wording, figures or structure of an employer's confidential documents discloses "
                "them, however the passage is edited.")
QUOTE_MAX = 80
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class Fix:
    """One thing for the expert to fix. ``must_fix`` is false when the policy would only redact it."""

    kind: str  # a Category value
    title: str
    span: Span
    line: int
    column: int
    end_line: int
    quote: str | None  # the expert's own words (masked for secrets); None for fragments
    what: str
    why: str
    remedy: str
    must_fix: bool

    def to_dict(self) -> dict[str, object]:
        """JSON form (no rule code, score or evidence)."""
        return {"kind": self.kind, "title": self.title, "span": self.span.to_list(), "line": self.line,
                "column": self.column, "end_line": self.end_line, "quote": self.quote, "what": self.what,
                "why": self.why, "remedy": self.remedy, "must_fix": self.must_fix}


@dataclass(frozen=True, slots=True)
class ExpertView:
    """What the self-check page shows: scanned or not (with the reason), and the fixes in text order."""

    scanned: bool
    fixes: tuple[Fix, ...]
    unscanned_reason: str | None = None

    @property
    def must_fix(self) -> int:
        """How many fixes hold the draft back (the rest would only be redacted)."""
        return sum(f.must_fix for f in self.fixes)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def paragraph_span(text: str, span: Span) -> Span:
    """``span`` widened to the whole blank-line-separated paragraph(s) it touches, trailing space trimmed."""
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text, 0, span.start):
        start = m.end()
    stop = _PARAGRAPH_BREAK.search(text, max(span.end, start))
    end = stop.start() if stop else len(text)
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Span(start, max(end, start))


def _quote(text: str, span: Span, category: Category) -> str:
    words = " ".join(text[span.start:span.end].split())
    if category is Category.SECRET:
        return f"{words[:2]}\u2026 ({len(words)} characters)"
    return words if len(words) <= QUOTE_MAX else words[:QUOTE_MAX - 1] + "\u2026"


def _fragment_fixes(text: str, spans: list[Span]) -> list[Fix]:
    merged: list[Span] = []
    for span in sorted(paragraph_span(text, s) for s in spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    out = []
    for span in merged:
        line, column = _position(text, span.start)
        end_line, _ = _position(text, max(span.start, span.end - 1))
        out.append(Fix(Category.FRAGMENT.value, FRAGMENT_TITLE, span, line, column, end_line, None,
                       FRAGMENT_TITLE + ".", FRAGMENT_WHY, FRAGMENT_REMEDY, True))
    return out


def expert_view(result: ScreenResult, text: str | None, rules: RuleSet) -> ExpertView:
    """The expert's view of ``result`` screened from ``text`` (the extracted text its spans point into)."""
    if result.verdict is Verdict.UNSCANNED or text is None:
        reason = "; ".join(result.reasons[:1]) or "the draft could not be read"
        return ExpertView(False, (), reason)
    fixes: list[Fix] = []
    fragments: list[Span] = []
    for decision in result.decisions:
        finding = decision.finding
        if decision.action is Action.ALLOW:
            continue
        if finding.category is Category.FRAGMENT:
            fragments.append(finding.span)
            continue
        rule = rules.get(finding.rule_id)
        docs = rule.docs if rule is not None else None
        line, column = _position(text, finding.span.start)
        end_line, _ = _position(text, max(finding.span.start, finding.span.end - 1))
        title = (rule.name.replace("-", " ").capitalize() if rule is not None else finding.category.value)
        fixes.append(Fix(finding.category.value, title, finding.span, line, column, end_line,
                         _quote(text, finding.span, finding.category),
                         docs.what.strip() if docs else "", docs.why.strip() if docs else "",
                         docs.remedy.strip() if docs else "", decision.action is not Action.REDACT))
    fixes.extend(_fragment_fixes(text, fragments))
    fixes.sort(key=lambda f: (f.span.start, f.span.end, f.kind, f.title))
    return ExpertView(True, tuple(fixes))
