"""Report details: the masked label is the deciding finding's, and an unscanned card says why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from screener.model import Action, Category, Decision, Evidence, Finding, Metadata, ScreenResult, Span, Verdict
from screener.record.report.html import render_report

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = "Write to Alder Creek Holdings about the plan."


def _d(rule: str, cat: Category, entity: str, action: Action) -> Decision:
    start = TEXT.index("Alder Creek Holdings")
    return Decision(Finding(rule, cat, Span(start, start + 20), 0.9, Evidence("x", "y", entity)), action, "policy")


@pytest.mark.parametrize(("decisions", "label"), [
    ([_d("EMP207", Category.EMPLOYER, "EMPLOYER_CLIENT", Action.BLOCK),
      _d("SEC499", Category.SECRET, "TOKEN", Action.ALLOW)], "EMPLOYER_CLIENT"),
    ([_d("EMP207", Category.EMPLOYER, "EMPLOYER_CLIENT", Action.ALLOW),
      _d("SEC499", Category.SECRET, "TOKEN", Action.REDACT)], "TOKEN"),
    ([_d("PII103", Category.PERSONAL_DATA, "ORGANIZATION", Action.REDACT),
      _d("EMP207", Category.EMPLOYER, "EMPLOYER_CLIENT", Action.BLOCK)], "EMPLOYER_CLIENT"),
], ids=["allowed-higher-priority-loses", "acted-lower-first-listed", "both-acted-priority"])
def test_masked_label_is_the_deciding_findings(decisions: list[Decision], label: str) -> None:
    result = ScreenResult("s", Verdict.BLOCK, tuple(decisions), (), Metadata(), None, len(TEXT))
    page = render_report([result], {"s": TEXT}, generated_at=WHEN)
    assert f">{label} \u25aa" in page
    other = ({"EMPLOYER_CLIENT", "TOKEN", "ORGANIZATION"} - {label})
    assert not any(f">{o} \u25aa" in page for o in other)


@pytest.mark.parametrize(("texts", "note"), [
    (None, "Not screened, so no text is shown: empty submission."),
    ({"other": "x"}, "Not screened, so no text is shown: empty submission."),
], ids=["no-texts", "texts-given"])
def test_unscanned_card_says_why(texts: dict[str, str] | None, note: str) -> None:
    result = ScreenResult("u", Verdict.UNSCANNED, (), ("empty submission",), Metadata(), None, 0)
    page = render_report([result], texts, generated_at=WHEN)
    assert note in page and "give the submissions with --texts" not in page


def test_missing_text_among_texts_given_is_named() -> None:
    result = ScreenResult("s", Verdict.ALLOW, (), (), Metadata(), None, 3)
    page = render_report([result], {"other": "abc"}, generated_at=WHEN)
    assert "Text not found among the --texts given" in page


@pytest.mark.parametrize(("declared", "label"), [
    ("Northwind Bank", "northwind"), ("northwind", "northwind"), ("Elmstead Partners LLP", "no profile"),
], ids=["name-resolves", "id-resolves", "unknown-employer"])
def test_employers_table_says_when_a_declared_employer_has_no_profile(declared: str, label: str) -> None:
    from screener.config import ScreenerConfig
    from screener.ruleset.employers import load_profiles

    profiles = load_profiles(ScreenerConfig().rules_dir / "employers")
    result = ScreenResult("s", Verdict.ALLOW, (), (), Metadata.of(employers=[declared]), None, 3)
    page = render_report([result], None, generated_at=WHEN, profiles=profiles)
    row = page[page.index("<tbody>", page.index('id="by-employer"')):]
    row = row[:row.index("</tr>")]
    assert declared in row and label in row
    assert "no profile" not in render_report([result], None, generated_at=WHEN)  # unknown without profiles


def test_findings_on_one_span_are_one_card() -> None:
    two = [_d("EMP207", Category.EMPLOYER, "EMPLOYER_CLIENT", Action.BLOCK),
           _d("PII103", Category.PERSONAL_DATA, "ORGANIZATION", Action.REDACT)]
    start = TEXT.index("plan")
    other = Decision(Finding("MRK399", Category.MARKING, Span(start, start + 4), 0.9, Evidence("x", "y", "M")),
                     Action.FLAG, "policy")
    result = ScreenResult("s", Verdict.BLOCK, (*two, other), (), Metadata(), None, len(TEXT))
    page = render_report([result], {"s": TEXT}, generated_at=WHEN)
    assert page.count('<div class="finding ') == 2
    assert "2 findings on the same characters" in page
    card = page[page.index('id="s1-f1"'):page.index('id="s1-f3"')]
    assert "EMP207" in card and "PII103" in card and 'id="s1-f2"' in card  # every finding keeps its anchor
