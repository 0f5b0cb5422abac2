"""Policy layers: global policy -> industry -> employer, merged into one effective Policy per submission.

Files (all under the policies directory, next to the global policies):

- ``industries/<id>.yaml`` and ``employers/<id>.yaml``, ``schema: screener-policy-layer/1``: any of
  ``fail_on``, ``default``, ``categories`` and ``rules`` (rule-code prefixes), and for an employer layer the
  ``industry`` it belongs to. Every key is optional; a layer names only what it changes.

Merging: the more particular level replaces the entries it names (an employer's ``EMP2`` entry beats the
industry's, which beats the global one). Within one level (two declared former employers, or two
industries) the strictest entry wins: harsher action, then lower score threshold, then higher severity;
for ``fail_on`` the lower verdict. An employer with no layer file adds nothing. A layer that names an
industry with no file is a configuration error, not a silent pass.

Screening applies a :class:`PolicyStack` (``PolicyResolver.for_submission``): the policy of each employer in
force for a submission (declared, or whose profile matched) on its own, plus the merged policy of the declared
employers, and every finding takes the strictest of their decisions. Adding an employer can only add a
member, so a submission is never decided more leniently because more profiles were screened: the verdict
with every profile in force is at least the verdict with any one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from screener.decide.policy import ACTION_ORDER, SEVERITY_ORDER, ActionRule, Policy, check_prefixes, verdict_of
from screener.errors import ConfigError, RuleError
from screener.model import VERDICT_SEVERITY, Action, Category, Decision, Finding, Verdict
from screener.ruleset.loader import load_yaml, validate

Level = Literal["industry", "employer"]
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DIRS: dict[Level, str] = {"industry": "industries", "employer": "employers"}


class PolicyLayer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["screener-policy-layer/1"] = Field(alias="schema")
    name: str = Field(min_length=1)
    description: str = ""
    industry: str | None = Field(default=None, pattern=_ID.pattern)
    fail_on: Verdict | None = None
    default: ActionRule | None = None
    categories: dict[Category, ActionRule] = Field(default_factory=dict)
    rules: dict[str, ActionRule] = Field(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def _prefixes(cls, v: dict[str, ActionRule]) -> dict[str, ActionRule]:
        return check_prefixes(v)


def layer_path(policies_dir: Path, level: Level, layer_id: str) -> Path:
    if not _ID.match(layer_id):
        raise ConfigError(f"{level} id {layer_id!r} must be lower-case letters, digits, '-' or '_'")
    return policies_dir / _DIRS[level] / f"{layer_id}.yaml"


def load_layer(path: Path) -> PolicyLayer:
    data, lines = load_yaml(path)
    layer, problems = validate(PolicyLayer, data, lines, path)
    if layer is None:
        raise RuleError(problems)
    if layer.name != path.stem:
        raise RuleError([f"{path}:1: name {layer.name!r} must match the file name {path.stem!r}"])
    return layer


def _stamp(rule: ActionRule, level: Level, name: str) -> ActionRule:
    return rule.model_copy(update={"layer": f"{level} {name}"})


def _strictest(a: ActionRule | None, b: ActionRule) -> ActionRule:
    return b if a is None or b.strictness() > a.strictness() else a


def _apply_level(policy: Policy, level: Level, layers: Sequence[PolicyLayer]) -> Policy:
    """Merge the layers of one level (strictest wins among them), then let them replace the policy's entries."""
    if not layers:
        return policy
    default: ActionRule | None = None
    categories: dict[Category, ActionRule] = {}
    rules: dict[str, ActionRule] = {}
    fail_on: Verdict | None = None
    for layer in layers:
        if layer.default is not None:
            default = _strictest(default, _stamp(layer.default, level, layer.name))
        for cat, rule in layer.categories.items():
            categories[cat] = _strictest(categories.get(cat), _stamp(rule, level, layer.name))
        for prefix, rule in layer.rules.items():
            rules[prefix] = _strictest(rules.get(prefix), _stamp(rule, level, layer.name))
        if layer.fail_on is not None and (fail_on is None
                                          or VERDICT_SEVERITY[layer.fail_on] < VERDICT_SEVERITY[fail_on]):
            fail_on = layer.fail_on
    names = tuple(f"{level}:{layer.name}" for layer in layers)

    def own(rule: ActionRule) -> ActionRule:  # entries of the base policy keep its name as their origin
        return rule if rule.layer else rule.model_copy(update={"layer": policy.name})

    return policy.model_copy(update={
        "name": "+".join([policy.name, *(layer.name for layer in layers)]),
        "default": default or own(policy.default),
        "categories": {**{k: own(v) for k, v in policy.categories.items()}, **categories},
        "rules": {**{k: own(v) for k, v in policy.rules.items()}, **rules},
        "fail_on": fail_on or policy.fail_on,
        "layers": (*policy.layers, *names),
    })


def effective_policy(base: Policy, policies_dir: Path, employers: Iterable[str] = (),
                     industries: Iterable[str] = ()) -> Policy:
    """The policy in force for a submission with these former employers (and extra industries)."""
    employer_layers: list[PolicyLayer] = []
    for emp in dict.fromkeys(employers):
        path = layer_path(policies_dir, "employer", emp)
        if path.is_file():
            employer_layers.append(load_layer(path))
    wanted = dict.fromkeys([*industries, *(la.industry for la in employer_layers if la.industry)])
    industry_layers: list[PolicyLayer] = []
    for ind in wanted:
        path = layer_path(policies_dir, "industry", ind)
        if not path.is_file():
            raise ConfigError(f"industry policy layer {ind!r} not found (looked for {path})")
        industry_layers.append(load_layer(path))
    policy = _apply_level(base, "industry", industry_layers)
    return _apply_level(policy, "employer", employer_layers)


def matched_profiles(findings: Iterable[Finding]) -> set[str]:
    """The employer profiles that had a finding (any score): their policy layers apply to the submission."""
    return {f.evidence.employer for f in findings if f.category is Category.EMPLOYER and f.evidence.employer}


class PolicyStack:
    """Several effective policies applied together: each finding takes the strictest of their decisions.

    ``members`` is never empty; with one member every answer is that policy's own. ``fail_on`` is the lowest
    of the members', so the run fails when any member would fail it.
    """

    def __init__(self, members: Sequence[Policy]) -> None:
        if not members:
            raise ValueError("a policy stack needs at least one policy")
        unique: dict[int, Policy] = {}
        for m in members:  # the resolver hands out one object per employer set: identity is equality here
            unique.setdefault(id(m), m)
        self.members = tuple(unique.values())
        self.name = " | ".join(m.name for m in self.members)
        self.stamp = " | ".join(m.stamp for m in self.members)
        self.missing_profile = max((m.missing_profile for m in self.members), key=ACTION_ORDER.__getitem__)

    def decide(self, finding: Finding) -> Decision:
        decisions = [m.decide(finding) for m in self.members]
        return max(decisions, key=lambda d: ACTION_ORDER[d.action])  # the first of the strictest

    def _severity(self, finding: Finding) -> str:
        return max((m.severity_of(finding) for m in self.members), key=SEVERITY_ORDER.__getitem__)

    def verdict(self, decisions: Iterable[Decision]) -> tuple[Verdict, tuple[str, ...]]:
        """The most severe action taken, the rule codes that drove it, and the highest severity."""
        decisions = tuple(decisions)
        verdict, reasons = verdict_of(decisions)
        acted = [self._severity(d.finding) for d in decisions if d.action is not Action.ALLOW]
        if acted:
            reasons = (*reasons, f"highest severity: {max(acted, key=SEVERITY_ORDER.__getitem__)}")
        return verdict, reasons

    def hold_missing(self, verdict: Verdict, reasons: tuple[str, ...],
                     missing_profiles: Iterable[str]) -> tuple[Verdict, tuple[str, ...]]:
        """Raise a verdict to at least ``missing_profile`` (flag, or block) for every declared employer with no
        profile, whose identifiers could not be checked; UNSCANNED stays. Applied after reviews, so a review
        of the findings cannot release what was never checked."""
        missing = sorted(set(missing_profiles))
        if not missing or verdict is Verdict.UNSCANNED:
            return verdict, reasons
        floor = Verdict(self.missing_profile.value)
        if VERDICT_SEVERITY[floor] > VERDICT_SEVERITY[verdict]:
            verdict = floor
        said = tuple(f"no profile for declared employer {name!r}: its identifiers could not be checked "
                     f"(held: {floor.value})" for name in missing)
        return verdict, (*reasons, *(r for r in said if r not in reasons))

    def fails(self, verdict: Verdict) -> bool:
        """Whether a verdict fails the run under any member (UNSCANNED always fails)."""
        return any(m.fails(verdict) for m in self.members)


class PolicyResolver:
    """Effective policies by employer set, built once per distinct set and reused (engine-side cache)."""

    def __init__(self, base: Policy, policies_dir: Path) -> None:
        self.base = base
        self.policies_dir = policies_dir
        self._cache: dict[tuple[str, ...], Policy] = {}
        self._stacks: dict[tuple[tuple[str, ...], tuple[str, ...]], PolicyStack] = {}

    def for_employers(self, employers: Iterable[str]) -> Policy:
        key = tuple(sorted(set(employers)))
        if key not in self._cache:
            self._cache[key] = effective_policy(self.base, self.policies_dir, key)
        return self._cache[key]

    def for_submission(self, declared: Iterable[str], matched: Iterable[str] = ()) -> PolicyStack:
        """The stack for a submission: the merged policy of its declared employers' profiles, and the policy of
        each declared or matched profile on its own (the base policy alone when there is none)."""
        own = tuple(sorted(set(declared)))
        each = tuple(sorted(set(own) | set(matched)))
        key = (own, each)
        if key not in self._stacks:
            members = [self.for_employers(own), *(self.for_employers([e]) for e in each)]
            self._stacks[key] = PolicyStack(members)
        return self._stacks[key]
