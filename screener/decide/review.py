"""Reviewer overrides: accept, dismiss or block a submission or one of its findings, with a reason and a name.

A review is tied to the content it was made on (the submission's sha256) and is recorded in the audit log.
Reviews become data the engine consults through the pure function ``apply_overrides(result, overrides)``:

- ``dismiss`` a finding (a false positive): its decision becomes ``allow``. Scoped to the submission (that
  rule at that position in that exact content), or as an allow-list entry for an ``expert`` or an
  ``employer``: that rule on the same matched words (compared by a salted fingerprint, never stored as
  text) in any submission of that expert, or of anyone declaring that employer.
- ``block`` a finding or a whole submission: the decision or the verdict becomes ``block``.
- ``accept`` a finding confirms it (the action stands, the reason names the reviewer); ``accept`` a whole
  submission releases it (``allow``, or ``redact`` when redactions remain), but only while its findings are
  the ones the reviewer saw: a new finding after a rule change voids the acceptance.

UNSCANNED is never overridden: what could not be read cannot have been reviewed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from screener.decide.policy import verdict_of
from screener.errors import InputError
from screener.model import Action, Decision, Finding, ScreenResult, Span, Verdict
from screener.text.normalize import normalize

if TYPE_CHECKING:
    from screener.record.audit import AuditLog


class ReviewAction(StrEnum):
    ACCEPT = "accept"
    DISMISS = "dismiss"
    BLOCK = "block"


class Scope(StrEnum):
    SUBMISSION = "submission"
    EXPERT = "expert"
    EMPLOYER = "employer"


@dataclass(frozen=True, slots=True)
class FindingRef:
    """A finding named by rule code and original offsets: ``PII101@346-357``."""

    rule_id: str
    span: Span

    @classmethod
    def parse(cls, text: str) -> FindingRef:
        try:
            rule, where = text.split("@", 1)
            start, end = where.split("-", 1)
            return cls(rule.strip(), Span(int(start), int(end)))
        except ValueError as exc:
            raise InputError(f"finding {text!r} must look like PII101@346-357 (rule@start-end)") from exc

    def key(self) -> str:
        return f"{self.rule_id}@{self.span.start}-{self.span.end}"

    def matches(self, finding: Finding) -> bool:
        return finding.rule_id == self.rule_id and finding.span == self.span


def match_fingerprint(text: str, span: Span, salt: str) -> str:
    """Salted sha256 of the matched words (folded, case-insensitive): lets an allow-list entry recognise the
    same words elsewhere without storing them."""
    words = normalize(text[span.start:span.end]).text.casefold().strip()
    return hashlib.sha256(f"{salt}\0{words}".encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Review:
    action: ReviewAction
    submission_id: str
    reviewer: str
    reason: str
    at: str
    sha256: str | None
    finding: FindingRef | None = None
    scope: Scope = Scope.SUBMISSION
    scope_value: str | None = None
    match: str | None = None  # fingerprint of the matched words, for expert and employer scopes
    reviewed: tuple[str, ...] = ()  # keys of the acted findings the reviewer saw (submission-level reviews)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action.value, "submission_id": self.submission_id, "reviewer": self.reviewer,
            "reason": self.reason, "at": self.at, "sha256": self.sha256,
            "finding": self.finding.key() if self.finding else None, "scope": self.scope.value,
            "scope_value": self.scope_value, "match": self.match, "reviewed": list(self.reviewed),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Review:
        return cls(ReviewAction(raw["action"]), str(raw["submission_id"]), str(raw["reviewer"]), str(raw["reason"]),
                   str(raw["at"]), raw.get("sha256"), FindingRef.parse(raw["finding"]) if raw.get("finding") else None,
                   Scope(raw.get("scope", "submission")), raw.get("scope_value"), raw.get("match"),
                   tuple(raw.get("reviewed") or ()))

    def signature(self) -> str:
        day = self.at[:16].replace("T", " ")
        where = f", {self.scope.value} {self.scope_value}" if self.scope is not Scope.SUBMISSION else ""
        return f"{self.action.value}ed by {self.reviewer} at {day} UTC{where}: {self.reason}"


def _acted(result: ScreenResult) -> tuple[str, ...]:
    return tuple(FindingRef(d.finding.rule_id, d.finding.span).key()
                 for d in result.decisions if d.action is not Action.ALLOW)


def make_review(action: ReviewAction, screening: Mapping[str, Any], reviewer: str, reason: str, *,
                finding: FindingRef | None = None, scope: Scope = Scope.SUBMISSION, employer: str | None = None,
                text: str | None = None, salt: str = "", at: datetime | None = None) -> Review:
    """Build a review of the screening recorded in the audit log (its ``body``); refuse what makes no sense."""
    if not reviewer.strip() or not reason.strip():
        raise InputError("a review needs a reviewer name and a reason")
    sub_id = str(screening["submission_id"])
    if screening.get("verdict") == Verdict.UNSCANNED.value and action is not ReviewAction.BLOCK:
        raise InputError(f"submission {sub_id} was not screened; it can be blocked, not {action.value}ed")
    recorded = {f"{f['rule_id']}@{f['span'][0]}-{f['span'][1]}": f for f in screening.get("findings", [])}
    if finding is not None and finding.key() not in recorded:
        raise InputError(f"submission {sub_id} has no finding {finding.key()} in its latest screening")
    if action is ReviewAction.DISMISS and finding is None:
        raise InputError("dismiss needs --finding RULE@START-END")
    value, match = None, None
    if scope is not Scope.SUBMISSION:
        if action is not ReviewAction.DISMISS or finding is None:
            raise InputError("only a dismissed finding can become an expert or employer allow-list entry")
        if scope is Scope.EXPERT:
            value = screening.get("expert_id")
        else:
            evidence_employer = recorded[finding.key()].get("evidence", {}).get("employer")
            value = employer or evidence_employer
            if value is None and len(screening.get("employers") or []) == 1:
                value = screening["employers"][0]
        if not value:
            raise InputError(f"submission {sub_id} has no {scope.value} to scope the entry to"
                             + (" (give --employer)" if scope is Scope.EMPLOYER else ""))
        if text is None:
            raise InputError(f"an {scope.value}-wide entry needs the submission text (--texts) to fingerprint "
                             "the matched words")
        match = match_fingerprint(text, finding.span, salt)
    acted = tuple(k for k, f in recorded.items() if f.get("action") != Action.ALLOW.value)
    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return Review(action, sub_id, reviewer.strip(), reason.strip(), when, screening.get("sha256"), finding,
                  scope, value, match, acted if finding is None else ())


@dataclass(frozen=True, slots=True)
class Overrides:
    """Every review in force (in log order; a later review of the same target wins) and the log's salt."""

    reviews: tuple[Review, ...] = ()
    salt: str = ""

    @classmethod
    def from_reviews(cls, reviews: Iterable[Review], salt: str = "") -> Overrides:
        return cls(tuple(reviews), salt)

    def _finding_review(self, result: ScreenResult, finding: Finding, text: str | None) -> Review | None:
        found = None
        for r in self.reviews:
            if r.finding is None or r.finding.rule_id != finding.rule_id:
                continue
            if r.scope is Scope.SUBMISSION:
                ok = (r.submission_id == result.submission_id and r.sha256 == result.sha256
                      and r.finding.matches(finding))
            else:
                in_scope = (result.metadata.expert_id == r.scope_value if r.scope is Scope.EXPERT else
                            r.scope_value in (*result.metadata.employers, finding.evidence.employer))
                ok = in_scope and text is not None and match_fingerprint(text, finding.span, self.salt) == r.match
            if ok:
                found = r
        return found

    def _verdict_review(self, result: ScreenResult) -> Review | None:
        found = None
        for r in self.reviews:
            if r.finding is None and r.submission_id == result.submission_id and r.sha256 == result.sha256:
                found = r
        return found


def _decide(d: Decision, review: Review) -> Decision:
    if review.action is ReviewAction.DISMISS:
        return Decision(d.finding, Action.ALLOW, f"{review.signature()} (policy said: {d.reason})")
    if review.action is ReviewAction.BLOCK:
        return Decision(d.finding, Action.BLOCK, f"{review.signature()} (policy said: {d.reason})")
    return Decision(d.finding, d.action, f"{d.reason}; confirmed: {review.signature()}")


def redecided(result: ScreenResult, decisions: Sequence[Decision], note: str) -> tuple[Verdict, tuple[str, ...]]:
    """The verdict and reasons of ``result`` after some of its decisions changed (reviews, a baseline): the
    verdict summary is recomputed from ``decisions``, ``note`` says what changed, and the reasons that were not
    part of the old summary (notes, decoding fallbacks) are kept."""
    verdict, summary = verdict_of(decisions)
    notes = tuple(r for r in result.reasons
                  if r.split(":", 1)[0] not in {*(a.value for a in Action), "highest severity"})
    return verdict, (*summary, note, *notes)


def apply_overrides(result: ScreenResult, allowlist: Overrides, text: str | None = None) -> ScreenResult:
    """The result with reviews applied: decisions, verdict and reasons say who overrode what and why.

    ``text`` (the submission's original text) is needed only for expert- and employer-wide entries; without
    it those entries do not apply (fail closed). Pure: the input result is not changed. Idempotent: a result
    that already carries a review (screened with the allow-list, then reported with it) is not changed twice.
    """
    if result.verdict is Verdict.UNSCANNED or not allowlist.reviews:
        return result
    decisions = []
    changed = 0
    for d in result.decisions:
        review = allowlist._finding_review(result, d.finding, text)
        if review is not None and review.signature() in d.reason:  # applied already (idempotent)
            review = None
        decisions.append(d if review is None else _decide(d, review))
        changed += review is not None
    verdict: Verdict = result.verdict
    reasons = result.reasons
    if changed:
        verdict, reasons = redecided(result, decisions, f"{changed} finding(s) overridden by review")
    top = allowlist._verdict_review(result)
    if top is not None and any(top.signature() in r for r in result.reasons):  # applied already
        top = None
    current = replace(result, decisions=tuple(decisions), verdict=verdict, reasons=reasons)
    if top is not None:
        if top.action is ReviewAction.BLOCK:
            verdict, reasons = Verdict.BLOCK, (top.signature(), *reasons)
        elif top.action is ReviewAction.ACCEPT and set(_acted(current)) <= set(top.reviewed):
            redacts = any(d.action is not Action.ALLOW for d in decisions)
            verdict = Verdict.REDACT if redacts else Verdict.ALLOW
            reasons = (f"{top.signature()} (released{' after redaction' if redacts else ''})", *reasons)
        elif top.action is ReviewAction.ACCEPT:
            reasons = (*reasons, f"acceptance by {top.reviewer} no longer applies: new findings since the review")
    return replace(current, verdict=verdict, reasons=reasons)


def overrides_from_log(log: AuditLog) -> Overrides:
    """Every review recorded in an audit log, ready for ``apply_overrides``."""
    return Overrides.from_reviews((Review.from_dict(e.body) for e in log.entries(kind="review")), log.salt)


def record_review(log: AuditLog, action: ReviewAction, submission_id: str, reviewer: str, reason: str, *,
                  finding: FindingRef | None = None, scope: Scope = Scope.SUBMISSION, employer: str | None = None,
                  text: str | None = None, at: datetime | None = None) -> Review:
    """Review the latest recorded screening of a submission and append the review to the log."""
    entry = log.latest_screening(submission_id)
    if entry is None:
        raise InputError(f"submission {submission_id} has no screening in the audit log {log.path}")
    if text is not None and entry.body.get("sha256") not in (None, _sha(text)):
        raise InputError(f"the text given for {submission_id} is not the text that was screened (sha256 differs)")
    review = make_review(action, entry.body, reviewer, reason, finding=finding, scope=scope, employer=employer,
                         text=text, salt=log.salt, at=at)
    log.record_review(review)
    return review


def _sha(text: str) -> str:
    from screener.model import text_sha256

    return text_sha256(text)
