"""Hidden text (rules of kind ``hidden``): text a reader cannot see, or sees in another order than stored.

- invisible carriers (:mod:`screener.text.carriers`): a run of tag characters or of variation selectors,
  one finding over the whole run, decoded or not;
- bidi reordering (:mod:`screener.text.bidi`): a run that explicit embeddings, overrides or isolates make a
  reader read in another order than it is stored, one finding over the run and the controls around it (a
  paragraph nested too deeply to order within the work budget is one finding as a whole).

What a carrier holds, or what a reordered run reads as, is already in the folded view every detector reads
(:func:`screener.text.normalize.normalize`), so the employer, secret and other detectors report it in their
own findings, with spans inside the carrier. This detector only reports that something was hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.model import CATEGORY_PREFIX, Category, Evidence, Finding, Span
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import HiddenTextRule
from screener.text import bidi
from screener.text.carriers import carriers_in


def bidi_runs(text: str) -> Iterator[Span]:
    """Original spans of the runs of ``text`` read in another order than stored, widened over the explicit
    bidi controls next to them."""
    if not bidi.has_controls(text):
        return
    reading = bidi.read(text)
    for start, end in reading.unordered:  # nested past the work budget: reported whole, never passed
        yield Span(start, end)
    ranked = sorted(reading.order)
    for a, b in bidi.reordered_blocks(reading.order):
        start, end = ranked[a], ranked[b - 1] + 1
        while start > 0 and bidi.CONTROLS.match(text, start - 1):
            start -= 1
        while end < len(text) and bidi.CONTROLS.match(text, end):
            end += 1
        yield Span(start, end)


class HiddenTextDetector:
    name = "hidden"
    requires_nlp = False

    def __init__(self, rules: Iterable[HiddenTextRule]) -> None:
        self.by_carrier: dict[str, HiddenTextRule] = {}
        for rule in rules:
            for kind in rule.carriers:
                self.by_carrier.setdefault(kind, rule)

    def detect(self, item: ScanInput) -> list[Finding]:
        original = item.text.original
        found: list[Finding] = []
        for carrier in carriers_in(original):
            rule = self.by_carrier.get(carrier.kind)
            if rule is not None:
                method = "decoded" if carrier.payload is not None else "undecoded"
                found.append(self._finding(rule, Span(carrier.start, carrier.end), carrier.kind, method))
        rule = self.by_carrier.get("bidi")
        if rule is not None:
            found.extend(self._finding(rule, span, "bidi", "reordered") for span in bidi_runs(original))
        return found

    def _finding(self, rule: HiddenTextRule, span: Span, carrier: str, method: str) -> Finding:
        evidence = Evidence(detector=self.name, method=method, entity=rule.entity, pattern=carrier)
        category = next((c for c, prefix in CATEGORY_PREFIX.items() if rule.id.startswith(prefix)), Category.MARKING)
        return Finding(rule.id, category, span, rule.score, evidence)


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    """The hidden-text detector, or None when no ``hidden`` rule is enabled."""
    chosen = [r for r in rules.rules if isinstance(r, HiddenTextRule) and r.enabled]
    return HiddenTextDetector(chosen) if chosen else None
