"""Secrets (SEC4xx): provider key formats, private keys, connection strings, JWTs, passwords in assignments and
high-entropy strings next to credential keywords. Rules are data in the gitleaks manner (``rules/secrets.yaml``);
nothing is ever verified against a live service: the scan is offline.
"""

from __future__ import annotations

from collections.abc import Iterable

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.detect.rulematch import RuleRunner
from screener.model import Category, Finding
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import EntropyRule, RegexRule


class SecretDetector:
    name = "secrets"
    requires_nlp = False

    def __init__(self, runner: RuleRunner) -> None:
        self.runner = runner

    def detect(self, item: ScanInput) -> Iterable[Finding]:
        # One finding per secret: where hits overlap, the surest wins (a provider format beats the generic
        # keyword or entropy rule over the same characters).
        kept: list[Finding] = []
        for f in sorted(self.runner.run(item), key=lambda f: (-f.score, f.span.start, f.rule_id)):
            if not any(k.span.overlaps(f.span) for k in kept):
                kept.append(f)
        return sorted(kept, key=Finding.sort_key)


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    chosen = [r for p in rules.packs if p.category is Category.SECRET for r in p.rules
              if isinstance(r, RegexRule | EntropyRule)]
    runner = RuleRunner("secrets", Category.SECRET, chosen, config.regex_timeout)
    return SecretDetector(runner) if runner else None
