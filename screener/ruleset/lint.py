"""``screener rules check``: validate a rules directory and lint what validation cannot see.

Errors (the directory cannot be used; nothing is applied): YAML syntax, schema violations, duplicate ids,
patterns that do not compile or match the empty string, malformed employer profiles. Each as ``file:line``.

Problems (the rules load, but need care): docs that are placeholders, a docs example that does not fire its
own rule, a rule without an ``# expect:`` fixture, fixture cases that fail, employer fields covered by two
rules or by none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.errors import RuleError
from screener.model import Finding, Metadata
from screener.ruleset.employers import ProfileSet, load_profiles
from screener.ruleset.fixtures import Screen, covered_codes, load_fixtures, run_fixtures
from screener.ruleset.loader import RuleSet, line_of, load_rules, load_yaml
from screener.ruleset.schema import EmployerField, EmployerRule, EntropyRule, HiddenTextRule, RegexRule
from screener.text.normalize import normalize

_PLACEHOLDERS = ("todo", "tbd", "fixme", "xxx", "lorem", "...")
ALL_FIELDS: tuple[str, ...] = EmployerField.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class LintReport:
    errors: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    rules: int = 0
    profiles: int = 0
    cases: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        return not self.errors and not self.problems


def detectors_for(config: ScreenerConfig, rules: RuleSet) -> list[Detector]:
    """The rule-driven detectors (personal-data regex packs, markings, secrets, employers) built from ``rules``,
    every profile on."""
    from screener.detect import employers, hidden, markings, pii_regex, secrets

    cfg = config.model_copy(update={"all_employers": True})
    built = (m.build_detector(cfg, rules) for m in (pii_regex, markings, secrets, employers, hidden))
    return [d for d in built if d is not None]


def screen_with(detectors: Iterable[Detector]) -> Screen:
    chosen = list(detectors)

    def screen(text: str) -> list[Finding]:
        item = ScanInput(text=normalize(text), nlp=None, metadata=Metadata())
        return [f for d in chosen for f in d.detect(item)]

    return screen


def handled_codes(rules: RuleSet) -> set[str]:
    kinds = RegexRule | EntropyRule | EmployerRule | HiddenTextRule
    return {r.id for r in rules.rules if isinstance(r, kinds) and r.enabled}


def lint(rules_dir: Path, fixtures_dir: Path | None = None) -> LintReport:
    files = sorted(rules_dir.glob("*.yaml"))
    errors: list[str] = []
    rules: RuleSet | None = None
    profiles: ProfileSet | None = None
    try:
        rules = load_rules(files)
    except RuleError as exc:
        errors.extend(exc.problems)
    try:
        profiles = load_profiles(rules_dir / "employers")
    except RuleError as exc:
        errors.extend(exc.problems)
    if not files:
        errors.append(f"{rules_dir}: no rule files (*.yaml)")
    if rules is None or profiles is None or errors:
        return LintReport(errors=tuple(errors))
    config = ScreenerConfig(rules_dir=rules_dir)
    screen = screen_with(detectors_for(config, rules))
    known = handled_codes(rules)
    problems: list[str] = []
    cases, fixture_problems = load_fixtures(fixtures_dir) if fixtures_dir else ([], [])
    problems.extend(fixture_problems)
    covered = covered_codes(cases)
    for path, pack in zip(rules.files, rules.packs, strict=True):  # load_rules keeps them in step
        _, lines = load_yaml(path)
        for i, rule in enumerate(pack.rules):
            where = f"{path}:{line_of(('rules', i, 'id'), lines)}: {rule.id}"
            for name in ("what", "why", "example", "remedy"):
                value = getattr(rule.docs, name)
                if len(value.strip()) < 6 or any(p in value.lower().split() for p in _PLACEHOLDERS):
                    problems.append(f"{where}: docs.{name} is missing or a placeholder")
            if rule.id in known and not any(f.rule_id == rule.id for f in screen(rule.docs.example)):
                problems.append(f"{where}: docs.example does not fire the rule")
            if fixtures_dir is not None and rule.enabled and rule.id not in covered:
                problems.append(f"{where}: no fixture ('# expect: {rule.id}' in {fixtures_dir})")
    problems.extend(_employer_fields(rules))
    problems.extend(run_fixtures(cases, screen, known))
    return LintReport(problems=tuple(problems), rules=len(rules.rules), profiles=len(profiles.profiles),
                      cases=len(cases))


def _employer_fields(rules: RuleSet) -> list[str]:
    owner: dict[str, str] = {}
    problems = []
    for rule in rules.rules:
        if isinstance(rule, EmployerRule) and rule.enabled:
            for f in rule.fields:
                if f in owner:
                    problems.append(f"{rule.id}: employer field {f} is already covered by {owner[f]}")
                owner.setdefault(f, rule.id)
    if owner:
        missing = [f for f in ALL_FIELDS if f not in owner]
        problems.extend(f"employer field {f} is covered by no enabled rule" for f in missing)
    return problems
