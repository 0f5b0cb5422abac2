"""Run rules that are data (``regex`` and ``entropy`` kinds) over the folded view of a submission.

Shared by the confidentiality-marking and secret detectors. Every pattern is a BoundedRegex compiled once
with the configured time budget; a pattern that runs out of time raises PatternTimeout, which the engine
turns into an UNSCANNED verdict. Context words near a match raise its score by the rule's ``context_boost``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screener.detect.base import ScanInput
from screener.detect.views import View, joined_view, needs_join
from screener.model import Category, Evidence, Finding
from screener.ruleset.regex import BoundedRegex, Prefilter, compile_pattern
from screener.ruleset.schema import EntropyRule, PatternSpec, RegexRule

if TYPE_CHECKING:
    from screener.config import ScreenerConfig
    from screener.ruleset.loader import RuleSet

_CHARSETS = {
    "base64": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"),
    "hex": frozenset("0123456789abcdefABCDEF"),
}
# Candidates for entropy rules: a quoted token, or the value of an assignment (``key = value``, ``key: value``).
_QUOTED = r"""["'`]([A-Za-z0-9+/=_-]{%d,})["'`]"""
_ASSIGNED = r"""(?:[=:]|:=|=>)[ \t]*([A-Za-z0-9+/=_-]{%d,})(?:[\s,;]|$)"""
# A random-looking value named as an identifier ("id = '...'", "request_uuid: ...") is an id, not a key.
_ID_KEY = re.compile(r"(?i)(?:^|[^a-z0-9])(?:[a-z0-9]*[_.-])?(?:id|uuid|guid)s?[\"'`]?\s*(?:=|:|:=|=>)\s*[\"'`]?$")


def shannon(value: str) -> float:
    """Bits per character of ``value``'s character distribution."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


@dataclass(frozen=True, slots=True)
class _Pattern:
    spec: PatternSpec
    regex: BoundedRegex
    exclude: tuple[BoundedRegex, ...]


class RuleRunner:
    """Compiled regex and entropy rules of one category."""

    def __init__(self, detector: str, category: Category, rules: Iterable[RegexRule | EntropyRule],
                 timeout: float = 1.0, closed_up: bool = False) -> None:
        self.detector = detector
        self.closed_up = closed_up  # also match regex rules with letter spacing closed up ("C O N F I ...")
        self.category = category
        self.regex_rules: list[tuple[RegexRule, list[_Pattern]]] = []
        self.entropy_rules: list[tuple[EntropyRule, tuple[BoundedRegex, BoundedRegex]]] = []
        for rule in rules:
            if not rule.enabled:
                continue
            if isinstance(rule, RegexRule):
                pats = [_Pattern(p, compile_pattern(p.regex, p.ignore_case, timeout),
                                 tuple(compile_pattern(x, p.ignore_case, timeout) for x in p.exclude))
                        for p in rule.patterns]
                self.regex_rules.append((rule, pats))
            else:
                cands = (compile_pattern(_QUOTED % rule.min_length, timeout=timeout),
                         compile_pattern(_ASSIGNED % rule.min_length, timeout=timeout))
                self.entropy_rules.append((rule, cands))
        self.prefilter = Prefilter([p.regex for _, pats in self.regex_rules for p in pats]
                                   + [c for _, cands in self.entropy_rules for c in cands])

    def __bool__(self) -> bool:
        return bool(self.regex_rules or self.entropy_rules)

    def run(self, item: ScanInput) -> list[Finding]:
        text = item.text.text
        found: dict[tuple[int, int, str], Finding] = {}
        spaced: Iterable[Finding] = ()
        if self.closed_up and needs_join(text):
            view = joined_view(text, item.text)
            if len(view.text) != len(text):
                spaced = self._regex(item, view.text, self.prefilter.scan(view.text), view)
        hits = self.prefilter.scan(text)
        for finding in (*self._regex(item, text, hits), *spaced, *self._entropy(item, text, hits)):
            key = (finding.span.start, finding.span.end, finding.rule_id)
            if key not in found or found[key].score < finding.score:
                found[key] = finding
        return [found[k] for k in sorted(found)]

    def _regex(self, item: ScanInput, text: str, hits: frozenset[int] | None,
               view: View | None = None) -> Iterator[Finding]:
        """Regex rules over ``text``: the folded view itself, or a ``view`` of it mapped back through its map.
        ``hits``: the prefilter's answer for ``text`` (patterns it does not report are skipped)."""
        method = "regex" if view is None else "regex-closed-up"
        for rule, patterns in self.regex_rules:
            for pat in patterns:
                if not self.prefilter.may_match(pat.regex, hits):
                    continue
                for s, e in pat.regex.finditer(text, pat.spec.group):
                    if any(x.fullmatch(text[s:e]) for x in pat.exclude):
                        continue
                    context = _context(text, s, e, rule.context, rule.context_window)
                    score = min(1.0, pat.spec.score + (rule.context_boost if context else 0.0))
                    if score < rule.min_score:
                        continue
                    if view is not None:
                        s, e = view.to_base(s, e)
                    yield self._finding(item, rule.id, rule.entity, s, e, score, method, pat.spec.name, context)

    def _entropy(self, item: ScanInput, text: str, hits: frozenset[int] | None) -> Iterator[Finding]:
        charset_of = _CHARSETS
        for rule, candidates in self.entropy_rules:
            charset = charset_of[rule.charset]
            for cand in candidates:
                if not self.prefilter.may_match(cand, hits):
                    continue
                for s, e in cand.finditer(text, 1):
                    value = text[s:e]
                    if not set(value) <= charset or shannon(value) < _limit(rule, value):
                        continue
                    if _ID_KEY.search(text[max(text.rfind("\n", 0, s) + 1, s - 80):s]) or _sequential(value):
                        continue
                    context = _keyword(text, s, rule.keywords)
                    if rule.keywords and not context:
                        continue
                    yield self._finding(item, rule.id, rule.entity, s, e, rule.score, "entropy",
                                        f"{rule.charset}>={rule.threshold}", context)

    def _finding(self, item: ScanInput, rule_id: str, entity: str, s: int, e: int, score: float, method: str,
                 pattern: str, context: tuple[str, ...]) -> Finding:
        evidence = Evidence(detector=self.detector, method=method, entity=entity, pattern=pattern, context=context)
        return Finding(rule_id, self.category, item.text.to_original(s, e), round(score, 4), evidence)


_SEQUENCES = ("0123456789abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm", "1234567890" * 3)


def _sequential(value: str) -> bool:
    """Runs such as "0123456789a" or "qwertyuiop" look random to an entropy test but are typed by hand."""
    low = value.lower()
    return any(low in seq for seq in _SEQUENCES)


def _limit(rule: EntropyRule, value: str) -> float:
    # All-digit strings have at most log2(10) bits per character; ask less of them, as detect-secrets does.
    if rule.charset == "hex" and value.isdigit():
        return rule.threshold + 1.2 / math.log2(len(value))
    return rule.threshold


def _context(text: str, s: int, e: int, words: tuple[str, ...], window: int) -> tuple[str, ...]:
    if not words:
        return ()
    around = text[max(0, s - window):e + window].lower()
    return tuple(w for w in words if w.lower() in around)


def _keyword(text: str, s: int, keywords: tuple[str, ...]) -> tuple[str, ...]:
    if not keywords:
        return ()
    line_start = text.rfind("\n", 0, s) + 1
    before = text[max(line_start, s - 60):s].lower()
    return tuple(k for k in keywords if k.lower() in before)


class RuleDetector:
    """A Detector that runs the ``regex`` and ``entropy`` rules of one category's packs."""

    requires_nlp = False

    def __init__(self, name: str, runner: RuleRunner) -> None:
        self.name = name
        self.runner = runner

    def detect(self, item: ScanInput) -> Iterable[Finding]:
        return self.runner.run(item)


def rule_runner(config: ScreenerConfig, rules: RuleSet, name: str, category: Category,
                closed_up: bool = False) -> RuleRunner:
    """The compiled, enabled ``regex`` and ``entropy`` rules of every pack of ``category``."""
    chosen = [r for p in rules.packs if p.category is category for r in p.rules
              if isinstance(r, RegexRule | EntropyRule)]
    return RuleRunner(name, category, chosen, config.regex_timeout, closed_up=closed_up)
