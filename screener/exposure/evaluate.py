"""Cumulative exposure of one expert, and the findings it gives (FRG510 coverage, EMP290 weak signals).

For a submission S of expert E, the history is E's counted submissions up to S in submission-time order (then
id). Coverage of a document: the union of the source ranges of the history's passages (at least
``min_similarity``) over the document's length in characters; covered words: each passage's words times the
share of its range not covered before. Weak-signal score of an employer: the sum of the policy weights of the
distinct (field, term) signals in the history. A finding is raised on S when S itself adds to a document or
employer over a threshold; it names the earlier submissions and gives the coverage after each step.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from screener.exposure.ledger import Entry, ExposureLedger, Range, Signal
from screener.exposure.policy import ExposurePolicy
from screener.model import Category, Evidence, Finding, Span

COVERAGE_RULE = "FRG510"
SIGNALS_RULE = "EMP290"
MAX_NAMED = 20  # earlier submissions named in a finding's note (then "+N more")


@dataclass(frozen=True, slots=True)
class Step:
    submission: str
    submitted_at: str
    value: float  # coverage share, or signal score
    words: int = 0


@dataclass(frozen=True, slots=True)
class DocumentExposure:
    corpus: str
    reference: str
    doc_chars: int
    covered: tuple[tuple[int, int], ...]  # merged source ranges
    steps: tuple[Step, ...]

    @property
    def coverage(self) -> float:
        return self.steps[-1].value if self.steps else 0.0

    @property
    def words(self) -> int:
        return self.steps[-1].words if self.steps else 0


@dataclass(frozen=True, slots=True)
class EmployerExposure:
    employer: str
    fields: tuple[tuple[str, int], ...]  # distinct signals per field
    steps: tuple[Step, ...]

    @property
    def score(self) -> float:
        return self.steps[-1].value if self.steps else 0.0


def _union_add(covered: list[tuple[int, int]], r: tuple[int, int]) -> int:
    """Add range ``r`` to the sorted disjoint ``covered``; return how many new characters it brought."""
    before = sum(b - a for a, b in covered)
    merged: list[tuple[int, int]] = []
    lo, hi = r
    for a, b in covered:
        if b < lo or hi < a:
            merged.append((a, b))
        else:
            lo, hi = min(lo, a), max(hi, b)
    merged.append((lo, hi))
    merged.sort()
    covered[:] = merged
    return sum(b - a for a, b in covered) - before


def documents(history: list[Entry], ranges: list[Range], policy: ExposurePolicy) -> list[DocumentExposure]:
    """Each document's coverage after each submission of ``history`` (already in order) that touched it."""
    by_seq: dict[int, list[Range]] = defaultdict(list)
    for r in ranges:
        if r.similarity >= policy.min_similarity and r.doc_chars > 0:
            by_seq[r.seq].append(r)
    state: dict[tuple[str, str], tuple[list[tuple[int, int]], list[Step], list[float], int]] = {}
    for e in history:
        for r in by_seq.get(e.seq, ()):
            covered, steps, words, size = state.setdefault((r.corpus, r.reference), ([], [], [0.0], r.doc_chars))
            new = _union_add(covered, (max(0, r.source[0]), min(size, r.source[1])))
            words[0] += r.words * new / max(1, r.source[1] - r.source[0])
            step = Step(e.submission, e.submitted_at, round(sum(b - a for a, b in covered) / size, 4), round(words[0]))
            if steps and steps[-1].submission == e.submission:
                steps[-1] = step
            else:
                steps.append(step)
    return [DocumentExposure(c, ref, size, tuple(cov), tuple(steps))
            for (c, ref), (cov, steps, _, size) in sorted(state.items())]


def employers(history: list[Entry], signals: list[Signal], policy: ExposurePolicy) -> list[EmployerExposure]:
    """Each employer's weak-signal score after each submission of ``history`` that carried one of its signals."""
    by_seq: dict[int, list[Signal]] = defaultdict(list)
    for s in signals:
        by_seq[s.seq].append(s)
    seen: dict[str, dict[tuple[str, str], None]] = defaultdict(dict)
    steps: dict[str, list[Step]] = defaultdict(list)
    for e in history:
        touched = set()
        for s in by_seq.get(e.seq, ()):
            seen[s.employer].setdefault((s.field, s.term))
            touched.add(s.employer)
        for employer in sorted(touched):
            score = sum(policy.weight(f) for f, _ in seen[employer])
            steps[employer].append(Step(e.submission, e.submitted_at, round(score, 4)))
    out = []
    for employer in sorted(steps):
        fields: dict[str, int] = defaultdict(int)
        for f, _ in seen[employer]:
            fields[f] += 1
        out.append(EmployerExposure(employer, tuple(sorted(fields.items())), tuple(steps[employer])))
    return out


def _named(steps: tuple[Step, ...], current: str) -> str:
    ids = list(dict.fromkeys(s.submission for s in steps if s.submission != current))
    more = f",+{len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else ""
    return ",".join(ids[:MAX_NAMED]) + more


def _trail(steps: tuple[Step, ...]) -> str:
    return ",".join(f"{s.value:g}" for s in steps[-60:])


def findings_for(ledger: ExposureLedger, expert: str, entry: Entry, policy: ExposurePolicy) -> list[Finding]:
    """FRG510 / EMP290 findings on the submission ``entry`` of ``expert`` (spans in its original text)."""
    history = [e for e in ledger.entries(expert) if (e.submitted_at, e.submission, e.seq)
               <= (entry.submitted_at, entry.submission, entry.seq)]
    seqs = {e.seq for e in history}
    own_ranges = [r for r in ledger.ranges(expert) if r.seq in seqs]
    own_signals = [s for s in ledger.signals(expert) if s.seq in seqs]
    out: list[Finding] = []
    for doc in documents(history, own_ranges, policy):
        mine = [r for r in own_ranges if r.seq == entry.seq and (r.corpus, r.reference) == (doc.corpus, doc.reference)
                and r.similarity >= policy.min_similarity]
        over = ((policy.coverage is not None and doc.coverage > policy.coverage)
                or (policy.words is not None and doc.words > policy.words))
        if not mine or not over:
            continue
        evidence = Evidence(
            detector="exposure", method="cumulative-coverage", entity="CUMULATIVE_PASSAGES", reference=doc.reference,
            matched_words=doc.words, similarity=doc.coverage,
            note=(f"corpus={doc.corpus}; covered={doc.coverage:.3f}; words={doc.words}; "
                  f"submissions={len(doc.steps)}; earlier={_named(doc.steps, entry.submission)}; "
                  f"steps={_trail(doc.steps)}" + (f"; threshold={policy.coverage:g}" if policy.coverage else "")),
        )
        span = min(r.span for r in mine)
        out.append(Finding(COVERAGE_RULE, Category.FRAGMENT, Span(*span), round(min(1.0, 0.5 + doc.coverage), 4),
                           evidence))
    for emp in employers(history, own_signals, policy):
        mine_s = [s for s in own_signals if s.seq == entry.seq and s.employer == emp.employer]
        if not mine_s or policy.employer_score is None or emp.score < policy.employer_score:
            continue
        fields = ", ".join(f"{f} x{n}" for f, n in emp.fields)
        evidence = Evidence(
            detector="exposure", method="weak-signals", entity="EMPLOYER_SIGNALS", employer=emp.employer,
            reference=f"{emp.employer}/weak-signals",
            note=(f"score={emp.score:g}; signals={fields}; submissions={len(emp.steps)}; "
                  f"earlier={_named(emp.steps, entry.submission)}; steps={_trail(emp.steps)}; "
                  f"threshold={policy.employer_score:g}"),
        )
        span = min(s.span for s in mine_s)
        out.append(Finding(SIGNALS_RULE, Category.EMPLOYER, Span(*span),
                           round(min(1.0, 0.5 * emp.score / policy.employer_score), 4), evidence))
    return out
