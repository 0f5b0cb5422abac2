"""Personal data found by ``regex`` rules of personal-data packs (for example rules/pii_extra.yaml).

The rules run through the same RuleRunner as the marking and secret packs: bounded patterns over the folded
view, matches mapped back to the original text, context words within ``context_window`` characters raising
the score by ``context_boost``, and matches still below the rule's ``min_score`` dropped (so a rule can
demand context: a base score below ``min_score``, boosted above it).
"""

from __future__ import annotations

from collections.abc import Iterable

from screener.config import ScreenerConfig
from screener.detect.base import ScanInput
from screener.detect.rulematch import RuleRunner
from screener.model import Category, Finding
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import RegexRule


class PiiRegexDetector:
    name = "pii-rules"
    requires_nlp = False

    def __init__(self, rules: list[RegexRule], timeout: float = 1.0) -> None:
        self.runner = RuleRunner(self.name, Category.PERSONAL_DATA, rules, timeout)

    def __len__(self) -> int:
        return len(self.runner.regex_rules)

    def detect(self, item: ScanInput) -> Iterable[Finding]:
        return self.runner.run(item)


def personal_data_regex_rules(rules: RuleSet) -> list[RegexRule]:
    """The enabled ``regex`` rules of the personal-data packs."""
    return [r for p in rules.packs if p.category is Category.PERSONAL_DATA for r in p.rules
            if isinstance(r, RegexRule) and r.enabled]


def build_detector(config: ScreenerConfig, rules: RuleSet) -> PiiRegexDetector | None:
    """The detector for every enabled ``regex`` rule of the personal-data packs; None when there is none."""
    detector = PiiRegexDetector(personal_data_regex_rules(rules), config.regex_timeout)
    return detector if len(detector) else None
