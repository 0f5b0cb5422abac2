"""Reviewer overrides: recorded in the audit log, applied by apply_overrides, scoped allow-list entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screener.decide.review import (
    FindingRef,
    Overrides,
    ReviewAction,
    Scope,
    apply_overrides,
    overrides_from_log,
    record_review,
)
from screener.errors import InputError
from screener.model import Action, Category, Span, Verdict
from screener.record.audit import AuditLog
from tests.legal_support import TEXT, decision, finding, person_result, result, span_of

AT = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
NAME = FindingRef("PII101", Span(*span_of(TEXT, "Priya Hallam")))


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.db")
    log.record(person_result("sub-1", employers=["acme"]))
    return log


def _review(log: AuditLog, action: ReviewAction, finding: FindingRef | None = None, **kw: object) -> Overrides:
    record_review(log, action, kw.pop("sub", "sub-1"), "dana", "checked with legal",  # type: ignore[arg-type]
                  finding=finding, at=AT, **kw)  # type: ignore[arg-type]
    return overrides_from_log(log)


def test_dismissed_finding_becomes_allow_and_says_who(log: AuditLog) -> None:
    before = person_result("sub-1", employers=["acme"])
    after = apply_overrides(before, _review(log, ReviewAction.DISMISS, NAME))
    name, mail = after.decisions
    assert name.action is Action.ALLOW
    assert name.reason.startswith("dismissed by dana at 2026-03-04 05:06 UTC: checked with legal")
    assert "policy said: redact" in name.reason
    assert mail.action is Action.REDACT
    assert after.verdict is Verdict.REDACT
    assert "1 finding(s) overridden by review" in after.reasons
    assert before.decisions[0].action is Action.REDACT  # pure: the input is unchanged


def test_dismissing_every_acted_finding_allows(log: AuditLog) -> None:
    _review(log, ReviewAction.DISMISS, NAME)
    mail = FindingRef("PII110", person_result().decisions[1].finding.span)
    after = apply_overrides(person_result("sub-1", employers=["acme"]), _review(log, ReviewAction.DISMISS, mail))
    assert after.verdict is Verdict.ALLOW


@pytest.mark.parametrize(("changed", "applies"), [
    ({}, True),
    ({"sha256": "0" * 64}, False),
    ({"submission_id": "sub-2"}, False),
], ids=["same-content", "content-changed", "other-submission"])
def test_submission_scope_is_tied_to_content(log: AuditLog, changed: dict[str, str], applies: bool) -> None:
    overrides = _review(log, ReviewAction.DISMISS, NAME)
    target = replace(person_result("sub-1", employers=["acme"]), **changed)  # type: ignore[arg-type]
    assert (apply_overrides(target, overrides).decisions[0].action is Action.ALLOW) is applies


def test_block_finding_and_block_submission(log: AuditLog) -> None:
    after = apply_overrides(person_result("sub-1"), _review(log, ReviewAction.BLOCK, NAME))
    assert after.decisions[0].action is Action.BLOCK and after.verdict is Verdict.BLOCK
    after = apply_overrides(person_result("sub-1"), _review(log, ReviewAction.BLOCK))
    assert after.verdict is Verdict.BLOCK
    assert after.reasons[0].startswith("blocked by dana")


def test_accept_releases_a_flagged_submission_until_something_new_appears(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.db")
    flagged = person_result("sub-1", action=Action.FLAG)
    log.record(flagged)
    overrides = _review(log, ReviewAction.ACCEPT)
    released = apply_overrides(flagged, overrides)
    assert released.verdict is Verdict.REDACT  # flagged words are still redacted on release
    assert released.reasons[0].startswith("accepted by dana") and "released after redaction" in released.reasons[0]
    extra = decision(finding("SEC401", 0, 4, Category.SECRET, entity="API_KEY"), Action.BLOCK)
    newer = replace(flagged, decisions=(*flagged.decisions, extra), verdict=Verdict.BLOCK)
    kept = apply_overrides(newer, overrides)
    assert kept.verdict is Verdict.BLOCK
    assert any("no longer applies" in r for r in kept.reasons)


def test_accept_finding_confirms_it(log: AuditLog) -> None:
    after = apply_overrides(person_result("sub-1"), _review(log, ReviewAction.ACCEPT, NAME))
    assert after.decisions[0].action is Action.REDACT
    assert "confirmed: accepted by dana" in after.decisions[0].reason


OTHER = "A note from Priya Hallam about pricing."
DIFFERENT = "A note from Alex Moreno about pricing."


@pytest.mark.parametrize(("scope", "text", "expert", "employers", "applies"), [
    (Scope.EXPERT, OTHER, "EXP-1", (), True),
    (Scope.EXPERT, OTHER, "EXP-2", (), False),
    (Scope.EXPERT, DIFFERENT, "EXP-1", (), False),
    (Scope.EXPERT, None, "EXP-1", (), False),
    (Scope.EMPLOYER, OTHER, "EXP-9", ("acme",), True),
    (Scope.EMPLOYER, OTHER, "EXP-9", ("globex",), False),
], ids=["expert-same-words", "other-expert", "expert-other-words", "expert-no-text-fails-closed",
        "employer-same-words", "other-employer"])
def test_allow_list_scopes(log: AuditLog, scope: Scope, text: str | None, expert: str, employers: tuple[str, ...],
                           applies: bool) -> None:
    overrides = _review(log, ReviewAction.DISMISS, NAME, scope=scope, text=TEXT)
    words = "Alex Moreno" if text == DIFFERENT else "Priya Hallam"
    s, e = span_of(text or OTHER, words)
    other = result("sub-7", text or OTHER, [decision(finding("PII101", s, e))], expert=expert, employers=employers)
    after = apply_overrides(other, overrides, text=text)
    assert (after.decisions[0].action is Action.ALLOW) is applies
    if applies:
        assert f"{scope.value} " in after.decisions[0].reason


def test_allow_list_entry_stores_no_words(log: AuditLog) -> None:
    overrides = _review(log, ReviewAction.DISMISS, NAME, scope=Scope.EXPERT, text=TEXT)
    entry = overrides.reviews[0]
    assert entry.scope_value == "EXP-1" and entry.match is not None and len(entry.match) == 64
    assert "Hallam" not in str(entry.to_dict())


def test_unscanned_is_never_overridden(log: AuditLog) -> None:
    overrides = _review(log, ReviewAction.BLOCK)
    unscanned = replace(person_result("sub-1"), verdict=Verdict.UNSCANNED, decisions=())
    assert apply_overrides(unscanned, overrides) is unscanned


@pytest.mark.parametrize(("action", "kwargs", "message"), [
    (ReviewAction.DISMISS, {}, "dismiss needs --finding"),
    (ReviewAction.DISMISS, {"finding": FindingRef.parse("PII101@0-3")}, "has no finding PII101@0-3"),
    (ReviewAction.DISMISS, {"finding": NAME, "scope": Scope.EXPERT}, "needs the submission text"),
    (ReviewAction.BLOCK, {"finding": NAME, "scope": Scope.EXPERT}, "only a dismissed finding"),
    (ReviewAction.ACCEPT, {"sub": "missing"}, "no screening in the audit log"),
    (ReviewAction.DISMISS, {"finding": NAME, "text": "other text"}, "not the text that was screened"),
], ids=["dismiss-without-finding", "unknown-finding", "scope-without-text", "scope-on-block", "unknown-submission",
        "wrong-text"])
def test_review_refuses_what_makes_no_sense(log: AuditLog, action: ReviewAction, kwargs: dict[str, object],
                                            message: str) -> None:
    with pytest.raises(InputError, match=message):
        _review(log, action, **kwargs)  # type: ignore[arg-type]


def test_unscanned_can_be_blocked_but_not_accepted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.db")
    log.record(result("bad", None, verdict=Verdict.UNSCANNED, reasons=["empty submission"]))
    with pytest.raises(InputError, match="was not screened"):
        _review(log, ReviewAction.ACCEPT, sub="bad")
    _review(log, ReviewAction.BLOCK, sub="bad")


def test_reviews_are_in_the_chain(log: AuditLog) -> None:
    _review(log, ReviewAction.DISMISS, NAME)
    entries = log.entries("sub-1")
    assert [e.kind for e in entries] == ["screening", "review"]
    assert entries[1].body["reviewer"] == "dana" and entries[1].body["finding"] == NAME.key()
    assert log.verify().ok


@pytest.mark.parametrize("text", ["PII101", "PII101@3", "PII101@a-b", "PII101@9-3"],
                         ids=["no-span", "no-end", "not-numbers", "reversed"])
def test_finding_ref_parse_errors(text: str) -> None:
    with pytest.raises(InputError):
        FindingRef.parse(text)


@pytest.mark.parametrize("action", [ReviewAction.DISMISS, ReviewAction.BLOCK, ReviewAction.ACCEPT],
                         ids=["dismiss", "block", "accept"])
def test_applying_twice_changes_nothing_more(log: AuditLog, action: ReviewAction) -> None:
    _review(log, action, NAME if action is ReviewAction.DISMISS else None)
    overrides = _review(log, ReviewAction.ACCEPT, NAME)
    once = apply_overrides(person_result("sub-1", employers=["acme"]), overrides)
    assert once != person_result("sub-1", employers=["acme"])
    assert apply_overrides(once, overrides) == once
