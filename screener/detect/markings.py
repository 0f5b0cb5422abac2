"""Confidentiality markings (MRK3xx): privilege banners, classification and distribution legends,
information-barrier language, deck footers, Bates and document-control numbers, SEC confidential-treatment
legends and redaction markers. The rules are data (``rules/markings.yaml``); this module only runs them.
"""

from __future__ import annotations

from collections.abc import Iterable

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.detect.rulematch import RuleRunner
from screener.model import Category, Finding
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import EntropyRule, RegexRule


class MarkingDetector:
    name = "markings"
    requires_nlp = False

    def __init__(self, runner: RuleRunner) -> None:
        self.runner = runner

    def detect(self, item: ScanInput) -> Iterable[Finding]:
        return self.runner.run(item)


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    chosen = [r for p in rules.packs if p.category is Category.MARKING for r in p.rules
              if isinstance(r, RegexRule | EntropyRule)]
    runner = RuleRunner("markings", Category.MARKING, chosen, config.regex_timeout, closed_up=True)
    return MarkingDetector(runner) if runner else None
