"""Personal data found by ``regex`` rules of personal-data packs (for example rules/pii_extra.yaml).

The rules run through the same RuleRunner as the marking and secret packs: bounded patterns over the folded
view, matches mapped back to the original text, context words within ``context_window`` characters raising
the score by ``context_boost``, and matches still below the rule's ``min_score`` dropped (so a rule can
demand context: a base score below ``min_score``, boosted above it).
"""

from __future__ import annotations

from screener.config import ScreenerConfig
from screener.detect.rulematch import RuleDetector, rule_runner
from screener.model import Category
from screener.ruleset.loader import RuleSet

NAME = "pii-rules"


def build_detector(config: ScreenerConfig, rules: RuleSet) -> RuleDetector | None:
    """The detector for every enabled ``regex`` rule of the personal-data packs; None when there is none."""
    runner = rule_runner(config, rules, NAME, Category.PERSONAL_DATA)
    return RuleDetector(NAME, runner) if runner else None
