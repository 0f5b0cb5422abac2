"""The Screener: extract -> normalise -> detect -> decide -> redact, for one submission or many.

Built once and reused: the model, rules, policy and detectors load in ``from_config``; screening holds no
per-call state on the instance, so one Screener may serve many threads (the spaCy call is serialised).
``screen_many`` batches the NLP step over its input with ``nlp.pipe`` and yields results in input order,
exactly one per submission. Any part that cannot be screened makes that submission UNSCANNED with a reason;
it never passes as clean and never stops the batch.

The fault boundary is per submission: whatever its extraction, normalisation, model pass, detectors, policy,
redaction or serialisation raises becomes its UNSCANNED result whose reason names the stage and the
exception class (never the exception's message, which can quote the text), and the run goes on. Each
submission has a CPU-time and memory budget (``ScreenerConfig.time_budget`` / ``memory_budget_mb``,
``screener.budget``) checked between stages, between detectors and between model batches.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

from screener.boundary import failure, sealed, writable
from screener.budget import BudgetExceeded, Deadline
from screener.config import ScreenerConfig
from screener.decide.policy import Policy
from screener.decide.policy_layers import PolicyResolver, PolicyStack, matched_profiles
from screener.decide.review import Overrides, apply_overrides
from screener.detect.base import Detector, NlpResult, ScanInput
from screener.detect.overlaps import prefer_specific
from screener.detect.pii_refine import refine
from screener.errors import ExtractionError
from screener.exposure.signals import SignalFinder, exposure_of
from screener.model import (
    Action,
    Finding,
    Metadata,
    ScreenResult,
    Submission,
    Verdict,
    line_starts,
    sort_findings,
    text_sha256,
)
from screener.nlp import NlpRunner, Progress, load_model
from screener.provenance import profiles_in_force, run_provenance, with_declared
from screener.redact import Redactor
from screener.ruleset.loader import RuleSet, load_rules
from screener.ruleset.regex import PatternTimeout
from screener.ruleset.select import RuleSelection
from screener.safe_text import utf8_text
from screener.text.extract import Limits, Part, extract, part_at
from screener.text.normalize import NormalizedText, normalize

log = logging.getLogger("screener")

Factory = Callable[[ScreenerConfig, RuleSet], Detector | None]


def detector_factories() -> list[Factory]:
    """Detector families beyond personal data; each returns None when its rules or corpora are absent."""
    found: list[Factory] = []
    for module in ("pii_regex", "employers", "markings", "secrets", "fragments", "hidden"):
        try:
            mod = __import__(f"screener.detect.{module}", fromlist=["build_detector"])
        except ModuleNotFoundError as exc:
            if exc.name != f"screener.detect.{module}":
                raise
            continue
        found.append(mod.build_detector)
    return found


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class _Prepared:
    submission: Submission
    text: str | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None
    folded: NormalizedText | None = field(default=None)
    parts: tuple[Part, ...] = ()
    deadline: Deadline = field(default_factory=lambda: Deadline(float("inf")))


class Screener:
    """The engine: build once with ``Screener.from_config(...)`` (rules, policy, detectors, model), then
    ``screen(item)`` / ``screen_many(items)`` / ``redact(item)``. An item is a Submission or a str. Results
    are ScreenResult values; nothing raises for a bad submission: it becomes UNSCANNED with a reason.
    ConfigError / ModelError come from ``from_config`` only."""

    def __init__(self, config: ScreenerConfig, rules: RuleSet, policy: Policy, detectors: Sequence[Detector],
                 runner: NlpRunner | None, allowlist: Overrides | None = None) -> None:
        self.config = config
        self.rules = rules
        self.policy = policy
        self.policies = PolicyResolver(policy, config.rules_dir / "policies")
        self.allowlist = allowlist or Overrides()
        self.detectors = tuple(detectors)
        # Declared employers are free-form names; policy layers are keyed by profile id.
        self._profiles = next((d.profiles for d in self.detectors if hasattr(d, "profiles")), None)
        self._signals = SignalFinder(self._profiles)
        self.runner = runner
        self.screened_with = run_provenance(config, rules, self.detectors, profiles_in_force(config, self._profiles))
        operators: dict[str, str] = {r.id: r.operator for r in rules.rules if r.operator}
        operators.update(config.operators)
        self.redactor = Redactor(operators, config.redaction_key)
        self.limits = Limits(max_bytes=config.max_bytes)
        self.selection = RuleSelection.of(config.select, config.extend_select, config.ignore)
        self.selection.check(r.id for r in rules.rules)
        from screener.decide.baseline import Baseline

        self.baseline = Baseline.load(config.baseline) if config.baseline is not None else None
        self._nlp_lock = threading.Lock()
        model = "none"
        if runner is not None:
            meta = runner.nlp.meta
            model = f"{meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
        self.versions: tuple[tuple[str, str], ...] = (
            ("screener", _version("screener")),
            ("rules", rules.digest[:16]),
            ("policy", policy.stamp),
            ("model", model),
            *((f"detector:{d.name}", getattr(d, "version", "1")) for d in self.detectors),
            *((f"corpus:{name}", version) for d in self.detectors
              for name, version in sorted(getattr(d, "corpora", {}).items())),
            *((("selection", self.selection.stamp()),) if not self.selection.is_default else ()),
            *((("baseline", self.baseline.stamp()),) if self.baseline is not None else ()),
        )

    @classmethod
    def from_config(cls, config: ScreenerConfig | None = None, *, allowlist: Overrides | None = None,
                    **overrides: Any) -> Screener:
        """Build from a config (default: the bundled rules, every employer profile and every corpus in the
        bundled corpora directory, the default policy and model). Each detector family that ends up off is
        logged as a warning and named in every result's ``screened_with``."""
        if config is None:
            config = ScreenerConfig.load(**overrides)
        elif overrides:
            config = config.model_copy(update=overrides)
        rules = load_rules(config.rule_files())
        policy = Policy.load(config.policy_file())
        from screener.detect import pii

        needs_nlp = any(r.kind == "presidio" for r in rules.rules)
        nlp = load_model(config.nlp_model) if needs_nlp else None
        detectors: list[Detector] = []
        pii_detector = pii.build_detector(config, rules, nlp)
        if pii_detector is not None:
            detectors.append(pii_detector)
        for factory in detector_factories():
            detector = factory(config, rules)
            if detector is not None:
                detectors.append(detector)
        runner = None
        if nlp is not None:
            runner = NlpRunner(nlp, config.nlp_model, config.chunk_chars, config.chunk_overlap, config.nlp_batch_size)
        return cls(config, rules, policy, detectors, runner, allowlist)

    # -- stages ------------------------------------------------------------------------------------------

    def _coerce(self, item: Submission | str) -> Submission:
        if isinstance(item, Submission):
            return writable(item)
        if isinstance(item, str):
            return Submission(id="text-" + hashlib.sha256(item.encode("utf-8", "surrogatepass")).hexdigest()[:12],
                              text=item)
        raise TypeError(f"expected a Submission or str, got {type(item).__name__}")

    def budget_of(self, sub: Submission) -> Deadline:
        """The budget of one submission: ``time_budget`` CPU seconds plus ``time_budget_per_mb`` per 10^6 bytes."""
        size = len(sub.data) if sub.data is not None else len(sub.text or "")
        seconds = self.config.time_budget + self.config.time_budget_per_mb * size / 1e6
        return Deadline(seconds, self.config.memory_budget_mb)

    def _prepare(self, sub: Submission) -> _Prepared:
        """Extract and normalise one submission; whatever that raises becomes its error (fail closed)."""
        if sub.error:
            return _Prepared(sub, error=sub.error)
        deadline = self.budget_of(sub)
        stage = "extraction"
        try:
            with deadline.running():
                text, notes, parts = self._extract(sub)
                text, replaced = utf8_text(text)
                if replaced:
                    notes = (*notes, f"{replaced} unpaired surrogate code points replaced by U+FFFD")
                deadline.check()
                stage = "normalisation"
                folded = normalize(text)
                deadline.check()
        except ExtractionError as exc:
            return _Prepared(sub, error=exc.message)
        except Exception as exc:  # the boundary: an extractor bug, a RecursionError, a budget overrun
            log.warning("submission %s: %s failed: %s", sub.id, stage, exc.__class__.__name__)
            return _Prepared(sub, error=failure(stage, exc))
        return _Prepared(sub, text=text, notes=notes, folded=folded, parts=parts, deadline=deadline)

    def _extract(self, sub: Submission) -> tuple[str, tuple[str, ...], tuple[Part, ...]]:
        """The text of one submission, its notes and its named parts (none for plain text)."""
        if sub.text is not None:
            size = len(sub.text.encode("utf-8", "surrogatepass"))
            if size > self.config.max_bytes:
                raise ExtractionError(f"submission of {size} bytes exceeds the {self.config.max_bytes}-byte limit")
            if not sub.text.strip():
                raise ExtractionError("empty submission")
            return sub.text, (), ()
        if sub.data is not None:
            extracted = extract(sub.data, sub.name, self.limits)
            return extracted.text, tuple(extracted.notes), tuple(extracted.parts)
        raise ExtractionError("submission has neither text nor data")

    def _employers(self, meta: Metadata) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*meta.employers, *self.config.employers)))

    def _profile_ids(self, meta: Metadata) -> tuple[str, ...]:
        """The employer profile ids behind a submission's declared employers (names without a profile drop out)."""
        if self._profiles is None:
            return ()
        found = (self._profiles.resolve(name) for name in meta.employers)
        return tuple(sorted({p.id for p in found if p is not None}))

    def _missing_profiles(self, meta: Metadata) -> tuple[str, ...]:
        """Declared employers with no profile in force to check them against (all of them with no profiles)."""
        known = self._profiles
        return tuple(name for name in dict.fromkeys(meta.employers) if known is None or known.resolve(name) is None)

    def _policy_for(self, meta: Metadata, findings: Iterable[Finding]) -> PolicyStack:
        """Declared employers' policy, and the policy of every profile that matched, strictest decision wins."""
        return self.policies.for_submission(self._profile_ids(meta), matched_profiles(findings))

    def _detect(self, prep: _Prepared, nlp: NlpResult | None, evidence: list[object] | None = None
                ) -> tuple[list[Finding], tuple[str, ...], str | None]:
        """Findings of every detector, their notes (e.g. a declared employer without a profile), or an error.
        Detectors' side-channel data (``ScanInput.evidence``) goes to ``evidence``."""
        assert prep.folded is not None
        item = ScanInput(prep.folded, nlp, prep.submission.metadata, self._employers(prep.submission.metadata),
                         evidence if evidence is not None else [])
        findings: list[Finding] = []
        notes: list[str] = []
        for detector in self.detectors:
            prep.deadline.check()
            try:
                findings.extend(detector.detect(item))
                notes_of = getattr(detector, "notes", None)
                if notes_of is not None:
                    notes.extend(notes_of(item))
            except PatternTimeout:
                log.warning("submission %s: detector %s: pattern timed out", prep.submission.id, detector.name)
                return [], (), f"detector {detector.name}: a rule pattern exceeded its time budget"
            except (BudgetExceeded, MemoryError):
                raise
            except Exception as exc:  # fail closed, keep the text out of the log
                log.warning("submission %s: detector %s failed: %s", prep.submission.id, detector.name,
                            exc.__class__.__name__)
                return [], (), f"detector {detector.name} failed ({exc.__class__.__name__})"
        prep.deadline.check()
        if self.config.refine:
            findings = refine(findings, prep.folded, nlp, skip=self.config.refine_skip)
        return findings, tuple(notes), None

    def _unscanned(self, prep: _Prepared, reason: str) -> ScreenResult:
        return ScreenResult(
            submission_id=prep.submission.id,
            verdict=Verdict.UNSCANNED,
            decisions=(),
            reasons=(reason, *prep.notes),
            metadata=prep.submission.metadata,
            sha256=text_sha256(prep.text) if prep.text is not None else None,
            chars=len(prep.text or ""),
            versions=self.versions,
            screened_with=with_declared(self.screened_with, self._profile_ids(prep.submission.metadata)),
        )

    def _finish(self, prep: _Prepared, nlp: NlpResult | None) -> ScreenResult:
        """Detect, decide and redact one prepared submission; whatever that raises makes it UNSCANNED."""
        if prep.error is not None or prep.text is None:
            return self._sealed(self._unscanned(prep, prep.error or "nothing to screen"))
        try:
            with prep.deadline.running():
                result = self._screen(prep, nlp)
                prep.deadline.check()
        except Exception as exc:
            log.warning("submission %s: screening failed: %s", prep.submission.id, exc.__class__.__name__)
            return self._sealed(self._unscanned(prep, failure("screening", exc)))
        return self._sealed(result)

    def _sealed(self, result: ScreenResult) -> ScreenResult:
        return sealed(result)

    def _screen(self, prep: _Prepared, nlp: NlpResult | None) -> ScreenResult:
        assert prep.text is not None
        evidence: list[object] = []
        findings, notes, error = self._detect(prep, nlp, evidence)
        if error is not None:
            return self._unscanned(prep, error)
        starts = line_starts(prep.text)
        selected = prefer_specific((f for f in set(findings) if self.selection.selects(f.rule_id)), prep.text)
        findings_sorted = tuple(f.located(prep.text, starts) for f in sort_findings(selected))
        if prep.parts:  # name the document part each finding lies in
            names = part_at(prep.parts, prep.text, (f.span.start for f in findings_sorted))
            findings_sorted = tuple(replace(f, part=n) for f, n in zip(findings_sorted, names, strict=True))
        meta = prep.submission.metadata
        policy = self._policy_for(meta, findings_sorted)
        decisions = tuple(policy.decide(f) for f in findings_sorted)
        verdict, reasons = policy.verdict(decisions)
        result = ScreenResult(
            submission_id=prep.submission.id,
            verdict=verdict,
            decisions=decisions,
            reasons=(*reasons, *notes, *prep.notes),
            metadata=prep.submission.metadata,
            sha256=text_sha256(prep.text),
            chars=len(prep.text),
            versions=tuple((k, policy.stamp if k == "policy" else v) for k, v in self.versions),
            screened_with=with_declared(self.screened_with, self._profile_ids(meta)),
            parts=tuple((p.name, p.start, p.end) for p in prep.parts),
        )
        result = apply_overrides(result, self.allowlist, prep.text)
        if self.baseline is not None:
            result = self.baseline.apply(result, prep.text)
        verdict, reasons = policy.hold_missing(result.verdict, result.reasons, self._missing_profiles(meta))
        result = replace(result, verdict=verdict, reasons=reasons)
        acted = [d.finding for d in result.decisions if d.action is not Action.ALLOW]
        return replace(result, redacted_text=self.redactor.redact(prep.text, acted),
                       exposure=exposure_of(prep.folded, evidence, self._signals))

    def fails(self, result: ScreenResult) -> bool:
        """Whether a result fails the run under the policy in force for it (UNSCANNED always fails)."""
        return self._policy_for(result.metadata, result.findings).fails(result.verdict)

    def _run_nlp(self, batch: list[_Prepared], progress: Progress | None = None) -> list[NlpResult | None]:
        """The model's analysis of each prepared text (None for those without text or past their budget)."""
        if self.runner is None:
            return [None] * len(batch)
        todo = [i for i, p in enumerate(batch) if p.folded is not None]
        out: list[NlpResult | None] = [None] * len(batch)
        with self._nlp_lock:
            results = self.runner.run([batch[i].folded.text for i in todo],  # type: ignore[union-attr]
                                      [batch[i].deadline for i in todo], progress)
        for i, r in zip(todo, results, strict=True):
            out[i] = r
        return out

    # -- public API --------------------------------------------------------------------------------------

    def screen(self, item: Submission | str) -> ScreenResult:
        """Screen one submission (a str gets the id ``text-<sha256 prefix>``); never raises for bad input."""
        return next(self.screen_many([item]))

    def screen_many(self, items: Iterable[Submission | str], batch_size: int | None = None,
                    progress: Progress | None = None) -> Iterator[ScreenResult]:
        """Screen lazily, ``batch_size`` submissions per NLP batch, one result per input, in input order.

        ``progress(done, total)`` is called with characters through the model pass of the current batch (for
        a progress bar on one long submission). When ``items`` itself raises, the submissions already taken
        are screened and yielded first, then the exception propagates: nothing taken is lost.
        """
        size = batch_size or self.config.nlp_batch_size
        batch: list[_Prepared] = []
        it = iter(items)
        while True:
            try:
                item = next(it)
            except StopIteration:
                break
            except BaseException:
                if batch:
                    yield from self._flush(batch, progress)
                raise
            try:
                sub = self._coerce(item)
            except TypeError:
                if batch:
                    yield from self._flush(batch, progress)
                raise
            batch.append(self._prepare(sub))
            if len(batch) >= size:
                yield from self._flush(batch, progress)
                batch = []
        if batch:
            yield from self._flush(batch, progress)

    def _flush(self, batch: list[_Prepared], progress: Progress | None = None) -> Iterator[ScreenResult]:
        try:
            nlps = self._run_nlp(batch, progress)
        except Exception as exc:  # the model failed on this batch: find the submission it failed on
            log.warning("NLP batch of %d failed: %s", len(batch), exc.__class__.__name__)
            if len(batch) > 1:
                for prep in batch:
                    yield from self._flush([prep])
            else:
                yield self._sealed(self._unscanned(batch[0], failure("NLP model", exc)))
            return
        for prep, nlp in zip(batch, nlps, strict=True):
            if prep.folded is not None and self.runner is not None and nlp is None:
                reason = prep.deadline.expired() or "NLP model gave no result"
                yield self._sealed(self._unscanned(prep, reason))
                continue
            yield self._finish(prep, nlp)

    def redact(self, item: Submission | str) -> str:
        """The redacted text of one submission under the policy; raises InputError if it cannot be screened."""
        from screener.errors import InputError

        result = self.screen(item)
        if result.redacted_text is None:
            raise InputError(f"submission {result.submission_id} could not be screened: {'; '.join(result.reasons)}")
        return result.redacted_text
