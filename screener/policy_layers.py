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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from screener.errors import ConfigError, RuleError
from screener.model import VERDICT_SEVERITY, Category, Verdict
from screener.policy import ActionRule, Policy, check_prefixes
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


class PolicyResolver:
    """Effective policies by employer set, built once per distinct set and reused (engine-side cache)."""

    def __init__(self, base: Policy, policies_dir: Path) -> None:
        self.base = base
        self.policies_dir = policies_dir
        self._cache: dict[tuple[str, ...], Policy] = {}

    def for_employers(self, employers: Iterable[str]) -> Policy:
        key = tuple(sorted(set(employers)))
        if key not in self._cache:
            self._cache[key] = effective_policy(self.base, self.policies_dir, key)
        return self._cache[key]
