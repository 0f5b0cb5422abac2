"""What a run screens against: detector families in force and off (with why), employer profiles, corpora.

Every result carries it (``screened_with``), the CLI prints it under its summary and the HTML report lists it,
so a family that is off (no corpus, NLP off, a rule pack missing or empty) is said, never silently skipped.
``run_provenance`` reads it off the detectors an engine built; ``planned_provenance`` works it out from a
configuration without loading the NLP model (for ``screener batch``, whose engines live in workers).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from screener.config import ScreenerConfig
from screener.detect.base import Detector
from screener.model import Category, ScreenedWith
from screener.ruleset.employers import ProfileSet
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import EmployerRule, EntropyRule, PresidioRule, RegexRule

log = logging.getLogger("screener")

# Detector families in a fixed order: the name each detector carries, and the category it screens for.
FAMILIES: tuple[tuple[str, Category], ...] = (
    ("pii", Category.PERSONAL_DATA),
    ("pii-rules", Category.PERSONAL_DATA),
    ("employers", Category.EMPLOYER),
    ("markings", Category.MARKING),
    ("secrets", Category.SECRET),
    ("fragments", Category.FRAGMENT),
    ("hidden", Category.MARKING),
)


def _pattern_rules(rules: RuleSet, category: Category) -> bool:
    return any(r.enabled for p in rules.packs if p.category is category for r in p.rules
               if isinstance(r, RegexRule | EntropyRule))


def _why_off(family: str, category: Category, config: ScreenerConfig, rules: RuleSet) -> str:
    if family == "pii":
        if any(isinstance(r, PresidioRule) and r.enabled for r in rules.rules):
            return "the NLP model is not loaded"
        return "no enabled presidio rule in the loaded rule packs: NLP (names, places, dates) is off"
    if family == "fragments":
        return "no corpus configured: copied passages are not looked for" if not config.corpora \
            else "the configured corpora were not opened"
    if family == "employers":
        if not any(isinstance(r, EmployerRule) and r.enabled for r in rules.rules):
            return "no enabled EMP rule in the loaded rule packs"
        return f"no employer profile in {config.rules_dir.name}/employers or profiles_dirs"
    if family == "hidden":
        return "no enabled hidden-text rule in the loaded rule packs: invisible carriers are not reported"
    packs = sorted(p.pack for p in rules.packs if p.category is category)
    if packs:
        return f"rule pack {', '.join(packs)} has no enabled pattern rule"
    return f"no rule pack of category {category.value} is loaded"


def run_provenance(config: ScreenerConfig, rules: RuleSet, detectors: Sequence[Detector],
                   profiles: Iterable[str] = ()) -> ScreenedWith:
    """The provenance of an engine built with these detectors; ``profiles`` are the ids in force for every
    submission (all of them by default). Logs one warning per family that is off."""
    built = {d.name for d in detectors}
    on = tuple(name for name, _ in FAMILIES if name in built)
    off = tuple((name, _why_off(name, cat, config, rules)) for name, cat in FAMILIES if name not in built)
    for name, why in off:
        log.warning("detector family %s is off: %s", name, why)
    corpora = tuple(name for d in detectors for name in sorted(getattr(d, "corpora", {})))
    return ScreenedWith(on, off, tuple(sorted(set(profiles))), corpora)


def planned_provenance(config: ScreenerConfig) -> ScreenedWith:
    """The provenance a run with ``config`` will have, worked out without loading the NLP model: the rule
    packs are loaded, the employer profiles read and the corpora opened (and closed). Raises what
    ``Screener.from_config`` would raise for a bad configuration."""
    from screener.detect import fragments
    from screener.engine import detector_factories
    from screener.ruleset.loader import load_rules

    rules = load_rules(config.rule_files())
    detectors: list[Detector] = []
    try:
        for factory in detector_factories():
            detector = factory(config, rules)
            if detector is not None:
                detectors.append(detector)
        names = [d.name for d in detectors]
        if any(isinstance(r, PresidioRule) and r.enabled for r in rules.rules):
            names.insert(0, "pii")
        profile_set = next((getattr(d, "profiles", None) for d in detectors if d.name == "employers"), None)
        profiles = profiles_in_force(config, profile_set)
        corpora = tuple(n for d in detectors for n in sorted(getattr(d, "corpora", {})))
    finally:
        for d in detectors:
            if isinstance(d, fragments.FragmentDetector):
                d.close()
    on = tuple(name for name, _ in FAMILIES if name in names)
    off = tuple((name, _why_off(name, cat, config, rules)) for name, cat in FAMILIES if name not in names)
    return ScreenedWith(on, off, profiles, corpora)


def profiles_in_force(config: ScreenerConfig, profiles: ProfileSet | None) -> tuple[str, ...]:
    """Profile ids screening every submission: all with ``all_employers``, else those named in the config."""
    if profiles is None:
        return ()
    if config.all_employers:
        return tuple(sorted(profiles.ids()))
    found = (profiles.resolve(e) for e in config.employers)
    return tuple(sorted({p.id for p in found if p is not None}))


def with_declared(base: ScreenedWith, declared: Iterable[str]) -> ScreenedWith:
    """``base`` with a submission's declared profile ids added to the profiles in force."""
    extra = set(declared) - set(base.profiles)
    return replace(base, profiles=tuple(sorted({*base.profiles, *extra}))) if extra else base
