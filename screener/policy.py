"""Policy: findings in, one decision per finding and one verdict per submission out. Policy never detects.

A policy file (``schema: screener-policy/1``) gives, for each category, an action and a minimum score, with
overrides by rule-code prefix (``PII1`` or ``PII104``: the longest matching prefix wins). Findings under the
minimum score are kept with the action ``allow`` and say so. The verdict is the most severe action taken
(allow < redact < flag < block); a submission any part of which could not be screened is UNSCANNED.
``fail_on`` sets the verdict from which the CLI exits with code 1; UNSCANNED always counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from screener.errors import RuleError
from screener.model import VERDICT_SEVERITY, Action, Category, Decision, Finding, Verdict
from screener.ruleset.loader import load_yaml, validate

_ORDER = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}


class ActionRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    action: Action
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    severity: Literal["info", "low", "medium", "high", "critical"] = "medium"


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["screener-policy/1"] = Field(alias="schema")
    name: str = Field(min_length=1)
    description: str = ""
    fail_on: Verdict = Verdict.FLAG
    default: ActionRule = ActionRule(action=Action.FLAG, min_score=0.5)
    categories: dict[Category, ActionRule] = Field(default_factory=dict)
    rules: dict[str, ActionRule] = Field(default_factory=dict)  # by rule-code prefix

    @field_validator("rules")
    @classmethod
    def _prefixes(cls, v: dict[str, ActionRule]) -> dict[str, ActionRule]:
        bad = [k for k in v if not (k[:3] in ("PII", "EMP", "MRK", "SEC", "FRG") and k[3:].isdigit())]
        if bad:
            raise ValueError(f"rule overrides must be code prefixes like PII1 or PII104: {bad}")
        return v

    @classmethod
    def load(cls, path: Path) -> Policy:
        data, lines = load_yaml(path)
        policy, problems = validate(cls, data, lines, path)
        if policy is None:
            raise RuleError(problems)
        return policy

    def rule_for(self, finding: Finding) -> tuple[ActionRule, str]:
        best = max((k for k in self.rules if finding.rule_id.startswith(k)), key=len, default=None)
        if best is not None:
            return self.rules[best], f"policy {self.name}, rule {best}"
        if finding.category in self.categories:
            return self.categories[finding.category], f"policy {self.name}, category {finding.category.value}"
        return self.default, f"policy {self.name}, default"

    def decide(self, finding: Finding) -> Decision:
        rule, origin = self.rule_for(finding)
        if finding.score < rule.min_score:
            return Decision(finding, Action.ALLOW, f"score {finding.score:.2f} below {rule.min_score:.2f} ({origin})")
        return Decision(finding, rule.action, f"{rule.action.value}: {rule.severity} ({origin})")

    def verdict(self, decisions: Iterable[Decision]) -> tuple[Verdict, tuple[str, ...]]:
        worst = Action.ALLOW
        drivers: dict[str, int] = {}
        for d in decisions:
            if _ORDER[d.action] > _ORDER[worst]:
                worst, drivers = d.action, {}
            if d.action == worst and worst != Action.ALLOW:
                drivers[d.finding.rule_id] = drivers.get(d.finding.rule_id, 0) + 1
        if worst == Action.ALLOW:
            return Verdict.ALLOW, ()
        codes = ", ".join(f"{code} x{n}" for code, n in sorted(drivers.items()))
        return Verdict(worst.value), (f"{worst.value}: {codes}",)

    def fails(self, verdict: Verdict) -> bool:
        return verdict is Verdict.UNSCANNED or VERDICT_SEVERITY[verdict] >= VERDICT_SEVERITY[self.fail_on]
