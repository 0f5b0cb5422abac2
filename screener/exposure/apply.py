"""Screening against the exposure ledger: record a run's results once, then add the cumulative findings.

``apply(ledger, results, policy)`` records every result (exactly once per expert, submission id and text
digest), then evaluates them in submission-time order (``submitted_at`` metadata, then id) and returns them in
the order given, each with its FRG510 / EMP290 findings decided by the policy's ``exposure`` action and its
verdict raised to that action. A result whose ``submitted_at`` cannot be read becomes UNSCANNED with a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from screener.exposure.evaluate import findings_for
from screener.exposure.ledger import ExposureLedger
from screener.exposure.policy import ExposurePolicy
from screener.model import VERDICT_SEVERITY, Decision, ScreenResult, Verdict, sort_findings

log = logging.getLogger("screener")


def _with(result: ScreenResult, decisions: list[Decision], policy: ExposurePolicy) -> ScreenResult:
    if not decisions:
        return result
    kept = {(d.finding.rule_id, d.finding.span, d.finding.evidence.reference) for d in decisions}
    old = tuple(d for d in result.decisions
                if (d.finding.rule_id, d.finding.span, d.finding.evidence.reference) not in kept)
    order = {f: i for i, f in enumerate(sort_findings([*(d.finding for d in old), *(d.finding for d in decisions)]))}
    merged = tuple(sorted((*old, *decisions), key=lambda d: order[d.finding]))
    verdict = Verdict(policy.action.value)
    codes = ", ".join(sorted({d.finding.rule_id for d in decisions}))
    reasons = (*result.reasons, f"{policy.action.value}: {codes} (cumulative exposure of expert)")
    if VERDICT_SEVERITY[result.verdict] >= VERDICT_SEVERITY[verdict]:
        verdict = result.verdict
    return replace(result, decisions=merged, verdict=verdict, reasons=reasons)


def apply(ledger: ExposureLedger, results: Iterable[ScreenResult], policy: ExposurePolicy | None = None
          ) -> list[ScreenResult]:
    """Record ``results`` in ``ledger`` and return them (same order) with their cumulative-exposure findings."""
    policy = policy or ExposurePolicy()
    out = list(results)
    keys: dict[int, tuple[str, str, int]] = {}
    for i, result in enumerate(out):
        try:
            ledger.record(result)
        except ValueError:
            log.warning("submission %s: unreadable submitted_at", result.submission_id)
            out[i] = replace(result, verdict=Verdict.UNSCANNED, decisions=(),
                             reasons=("exposure: metadata submitted_at is not an ISO 8601 time", *result.reasons))
            continue
        expert = result.metadata.expert_id
        entry = ledger.entry(expert, result.submission_id, result.sha256) if expert and result.sha256 else None
        if entry is not None and result.scanned:
            keys[i] = (entry.submitted_at, entry.submission, entry.seq)
    for i in sorted(keys, key=keys.__getitem__):  # submission-time order, whatever the input order
        result = out[i]
        assert result.metadata.expert_id is not None and result.sha256 is not None
        entry = ledger.entry(result.metadata.expert_id, result.submission_id, result.sha256)
        if entry is None:
            continue
        found = findings_for(ledger, result.metadata.expert_id, entry, policy)
        decisions = [Decision(f, policy.action, f"{policy.action.value}: cumulative exposure (policy exposure)")
                     for f in found]
        out[i] = _with(result, decisions, policy)
    return out
