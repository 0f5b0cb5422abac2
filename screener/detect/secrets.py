"""Secrets (SEC4xx): provider key formats, private keys, connection strings, JWTs, passwords in assignments and
high-entropy strings next to credential keywords. Rules are data in the gitleaks manner (``rules/secrets.yaml``);
nothing is ever verified against a live service: the scan is offline.
"""

from __future__ import annotations

from collections.abc import Iterable

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.detect.rulematch import RuleDetector, rule_runner
from screener.model import Category, Finding
from screener.ruleset.loader import RuleSet


class SecretDetector(RuleDetector):
    def detect(self, item: ScanInput) -> Iterable[Finding]:
        # One finding per secret: where hits overlap, the surest wins (a provider format beats the generic
        # keyword or entropy rule over the same characters).
        kept: list[Finding] = []
        for f in sorted(self.runner.run(item), key=lambda f: (-f.score, f.span.start, f.rule_id)):
            if not any(k.span.overlaps(f.span) for k in kept):
                kept.append(f)
        return sorted(kept, key=Finding.sort_key)


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    runner = rule_runner(config, rules, "secrets", Category.SECRET)
    return SecretDetector("secrets", runner) if runner else None
