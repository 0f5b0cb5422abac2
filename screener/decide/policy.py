"""Policy: findings in, one decision per finding and one verdict per submission out. Policy never detects.

A policy file (``schema: screener-policy/1``, ``rules/policies/<name>.yaml``) gives, for each category, an
action, a minimum score and a severity, with overrides by rule-code prefix (``PII1`` or ``PII104``: the
longest matching prefix wins). Findings under the minimum score are kept with the action ``allow`` and say
so. The verdict is the most severe action taken (allow < redact < flag < block); a submission any part of
which could not be screened is UNSCANNED, and UNSCANNED always fails, whatever ``fail_on`` says.

Layers (``schema: screener-policy-layer/1``) refine a base policy, from the general to the particular:
global policy -> industry (``policies/industries/<id>.yaml``) -> employer (``policies/employers/<id>.yaml``,
which may name its industry). A more particular layer replaces the entries it names; when several layers of
one level apply (a submission declaring two former employers) the strictest entry of that level wins. See
``screener.decide.policy_layers`` for loading and merging.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from screener.errors import RuleError
from screener.exposure.policy import ExposurePolicy
from screener.model import VERDICT_SEVERITY, Action, Category, Decision, Finding, Verdict
from screener.ruleset.loader import load_yaml, validate

ACTION_ORDER = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}
Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
_PREFIXES = ("PII", "EMP", "MRK", "SEC", "FRG")


class ActionRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    action: Action
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    severity: Severity = "medium"
    # Which policy or layer supplied this entry; filled in when layers are merged, never read from a file.
    layer: str | None = Field(default=None, exclude=True)

    def strictness(self) -> tuple[int, float, int]:
        """Larger is stricter: a harsher action, then a lower score threshold, then a higher severity."""
        return (ACTION_ORDER[self.action], -self.min_score, SEVERITY_ORDER[self.severity])


def check_prefixes(v: dict[str, ActionRule]) -> dict[str, ActionRule]:
    bad = [k for k in v if not (k[:3] in _PREFIXES and k[3:].isdigit() and len(k) <= 6)]
    if bad:
        raise ValueError(f"rule overrides must be code prefixes like PII1 or PII104: {bad}")
    return v


def verdict_of(decisions: Iterable[Decision]) -> tuple[Verdict, tuple[str, ...]]:
    """The most severe action taken, with the rule codes that drove it. Independent of any policy's settings."""
    worst = Action.ALLOW
    drivers: dict[str, int] = {}
    for d in decisions:
        if ACTION_ORDER[d.action] > ACTION_ORDER[worst]:
            worst, drivers = d.action, {}
        if d.action == worst and worst != Action.ALLOW:
            drivers[d.finding.rule_id] = drivers.get(d.finding.rule_id, 0) + 1
    if worst == Action.ALLOW:
        return Verdict.ALLOW, ()
    codes = ", ".join(f"{code} x{n}" for code, n in sorted(drivers.items()))
    return Verdict(worst.value), (f"{worst.value}: {codes}",)


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["screener-policy/1"] = Field(alias="schema")
    name: str = Field(min_length=1)
    description: str = ""
    fail_on: Verdict = Verdict.FLAG
    default: ActionRule = ActionRule(action=Action.FLAG, min_score=0.5)
    categories: dict[Category, ActionRule] = Field(default_factory=dict)
    rules: dict[str, ActionRule] = Field(default_factory=dict)  # by rule-code prefix
    # A declared former employer with no profile: its identifiers could not be checked, so the submission is
    # held (flag) or blocked; never released.
    missing_profile: Literal[Action.FLAG, Action.BLOCK] = Action.FLAG
    # Cumulative exposure per expert (screener.exposure); None: the defaults of ExposurePolicy.
    exposure: ExposurePolicy | None = None
    # The layers merged into this policy, most general first (empty for a policy read from one file).
    layers: tuple[str, ...] = Field(default=(), exclude=True)

    @field_validator("rules")
    @classmethod
    def _prefixes(cls, v: dict[str, ActionRule]) -> dict[str, ActionRule]:
        return check_prefixes(v)

    @classmethod
    def load(cls, path: Path) -> Policy:
        data, lines = load_yaml(path)
        policy, problems = validate(cls, data, lines, path)
        if policy is None:
            raise RuleError(problems)
        return policy

    @property
    def digest(self) -> str:
        """sha256 of the effective settings (canonical JSON): two policies with one digest decide alike."""
        body = {
            "fail_on": self.fail_on.value,
            "default": self.default.model_dump(mode="json"),
            "categories": {k.value: v.model_dump(mode="json") for k, v in sorted(self.categories.items())},
            "rules": {k: v.model_dump(mode="json") for k, v in sorted(self.rules.items())},
        }
        if self.missing_profile is not Action.FLAG:  # the default keeps the digests of existing policies
            body["missing_profile"] = self.missing_profile.value
        if self.exposure is not None:
            body["exposure"] = self.exposure.model_dump(mode="json")
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()

    @property
    def stamp(self) -> str:
        """What results and audit records carry: the name (layers included) and a short digest."""
        return f"{self.name}@{self.digest[:12]}"

    def rule_for(self, finding: Finding) -> tuple[ActionRule, str]:
        best = max((k for k in self.rules if finding.rule_id.startswith(k)), key=len, default=None)
        if best is not None:
            rule, where = self.rules[best], f"rule {best}"
        elif finding.category in self.categories:
            rule, where = self.categories[finding.category], f"category {finding.category.value}"
        else:
            rule, where = self.default, "default"
        return rule, f"policy {rule.layer or self.name}, {where}"

    def severity_of(self, finding: Finding) -> Severity:
        return self.rule_for(finding)[0].severity

    def decide(self, finding: Finding) -> Decision:
        rule, origin = self.rule_for(finding)
        if finding.score < rule.min_score:
            return Decision(finding, Action.ALLOW, f"score {finding.score:.2f} below {rule.min_score:.2f} ({origin})")
        return Decision(finding, rule.action, f"{rule.action.value}: {rule.severity} ({origin})")

    def verdict(self, decisions: Iterable[Decision]) -> tuple[Verdict, tuple[str, ...]]:
        decisions = tuple(decisions)
        verdict, reasons = verdict_of(decisions)
        acted = [self.severity_of(d.finding) for d in decisions if d.action is not Action.ALLOW]
        if acted:
            worst = max(acted, key=SEVERITY_ORDER.__getitem__)
            reasons = (*reasons, f"highest severity: {worst}")
        return verdict, reasons

    def fails(self, verdict: Verdict) -> bool:
        """Whether a verdict fails the run (exit code 1). UNSCANNED always fails: the tool fails closed."""
        return verdict is Verdict.UNSCANNED or VERDICT_SEVERITY[verdict] >= VERDICT_SEVERITY[self.fail_on]
