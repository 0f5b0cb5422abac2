"""Personal data found by ``regex`` rules of personal-data packs (for example rules/pii_extra.yaml).

Each pattern is a BoundedRegex run over the folded view; matches map back to the original text. A rule's
context words found within ``context_window`` characters of a match raise its score by ``context_boost``;
a match whose score stays below the rule's ``min_score`` is not reported, so a rule can demand context
(base score below ``min_score``, boosted above it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screener.detect.base import ScanInput
from screener.model import Category, Evidence, Finding
from screener.ruleset.regex import BoundedRegex, compile_pattern
from screener.ruleset.schema import PatternSpec, RegexRule

if TYPE_CHECKING:
    from screener.config import ScreenerConfig
    from screener.ruleset.loader import RuleSet


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: RegexRule
    patterns: tuple[tuple[PatternSpec, BoundedRegex], ...]
    context: re.Pattern[str] | None


def _context_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class PiiRegexDetector:
    name = "pii-rules"
    requires_nlp = False

    def __init__(self, rules: list[RegexRule], timeout: float = 1.0) -> None:
        """Every rule given runs, enabled or not: choosing rules is the caller's business."""
        self.compiled = tuple(
            _Compiled(
                rule,
                tuple((p, compile_pattern(p.regex, p.ignore_case, timeout)) for p in rule.patterns),
                _context_regex(rule.context),
            )
            for rule in rules
        )

    def __len__(self) -> int:
        return len(self.compiled)

    def detect(self, item: ScanInput) -> Iterator[Finding]:
        folded = item.text.text
        for c in self.compiled:
            for spec, rx in c.patterns:
                for start, end in rx.finditer(folded):
                    score: float = spec.score
                    context: tuple[str, ...] = ()
                    if c.context is not None:
                        window = folded[max(0, start - c.rule.context_window) : end + c.rule.context_window]
                        hit = c.context.search(window)
                        if hit:
                            score = min(1.0, score + c.rule.context_boost)
                            context = (hit.group(0).lower(),)
                    if score < c.rule.min_score:
                        continue
                    span = item.text.to_original(start, end)
                    if not span:
                        continue
                    yield Finding(
                        rule_id=c.rule.id,
                        category=Category.PERSONAL_DATA,
                        span=span,
                        score=score,
                        evidence=Evidence(
                            detector=self.name,
                            method="regex",
                            entity=c.rule.entity,
                            pattern=spec.name,
                            context=context,
                        ),
                    )


def personal_data_regex_rules(rules: RuleSet, include_disabled: bool = False) -> list[RegexRule]:
    """The ``regex`` rules of the personal-data packs (enabled ones unless ``include_disabled``)."""
    return [
        r
        for p in rules.packs
        if p.category is Category.PERSONAL_DATA
        for r in p.rules
        if isinstance(r, RegexRule) and (r.enabled or include_disabled)
    ]


def build_detector(config: ScreenerConfig, rules: RuleSet) -> PiiRegexDetector | None:
    """The detector for every enabled ``regex`` rule of the personal-data packs; None when there is none."""
    detector = PiiRegexDetector(personal_data_regex_rules(rules), config.regex_timeout)
    return detector if len(detector) else None
