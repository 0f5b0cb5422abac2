"""Confidentiality markings (MRK3xx): privilege banners, classification and distribution legends,
information-barrier language, deck footers, Bates and document-control numbers, SEC confidential-treatment
legends and redaction markers. The rules are data (``rules/markings.yaml``); this module only runs them.
"""

from __future__ import annotations

from screener.config import ScreenerConfig
from screener.detect.base import Detector
from screener.detect.rulematch import RuleDetector, rule_runner
from screener.model import Category
from screener.ruleset.loader import RuleSet


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    # closed_up: banners are also matched with letter spacing closed up ("C O N F I D E N T I A L")
    runner = rule_runner(config, rules, "markings", Category.MARKING, closed_up=True)
    return RuleDetector("markings", runner) if runner else None
