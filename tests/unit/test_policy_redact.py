"""Policy decisions and verdicts; redaction with consistent placeholders and the overlap rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.decide.policy import Policy
from screener.errors import ConfigError, RuleError
from screener.model import Action, Category, Evidence, Finding, Span, Verdict
from screener.redact import Redactor, resolve_overlaps

RULES = Path(__file__).resolve().parents[2] / "rules"


def f(rule: str, cat: Category, start: int, end: int, score: float = 0.9, entity: str = "PERSON") -> Finding:
    return Finding(rule, cat, Span(start, end), score, Evidence("test", "unit", entity))


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy.load(RULES / "policies" / "default.yaml")


@pytest.mark.parametrize(
    ("finding", "action"),
    [
        (f("PII101", Category.PERSONAL_DATA, 0, 4), Action.REDACT),
        (f("PII101", Category.PERSONAL_DATA, 0, 4, score=0.2), Action.ALLOW),
        (f("PII105", Category.PERSONAL_DATA, 0, 4, entity="NRP"), Action.ALLOW),
        (f("PII111", Category.PERSONAL_DATA, 0, 4, score=0.4, entity="PHONE_NUMBER"), Action.REDACT),
        (f("EMP201", Category.EMPLOYER, 0, 4, entity="EMPLOYER"), Action.FLAG),
        (f("MRK301", Category.MARKING, 0, 4, entity="MARKING"), Action.BLOCK),
        (f("SEC401", Category.SECRET, 0, 4, entity="SECRET"), Action.BLOCK),
    ],
    ids=["pii", "pii-low-score", "nrp-allowed", "phone-override", "employer", "marking", "secret"],
)
def test_decisions(policy: Policy, finding: Finding, action: Action) -> None:
    decision = policy.decide(finding)
    assert decision.action is action
    assert policy.name in decision.reason


def test_verdict_is_the_worst_action(policy: Policy) -> None:
    ds = [policy.decide(f("PII101", Category.PERSONAL_DATA, 0, 4)), policy.decide(f("SEC401", Category.SECRET, 5, 9))]
    verdict, reasons = policy.verdict(ds)
    assert verdict is Verdict.BLOCK and reasons == ("block: SEC401 x1", "highest severity: critical")
    assert policy.verdict([]) == (Verdict.ALLOW, ())
    assert policy.fails(Verdict.REDACT) and policy.fails(Verdict.UNSCANNED) and not policy.fails(Verdict.ALLOW)


def test_bad_policy_lists_every_problem_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema: screener-policy/1\nname: bad\ncategories:\n  secret: {action: explode}\n"
                    "rules:\n  XYZ9: {action: allow}\nsurprise: 1\n")
    with pytest.raises(RuleError) as info:
        Policy.load(path)
    text = str(info.value)
    assert f"{path}:4:" in text and "surprise" in text and "XYZ9" in text and "3 problems" in text


TEXT = "Dana Whitfield met dana  whitfield and Tom Ellery at j.doe@example.com today."


def test_placeholders_are_consistent_and_numbered() -> None:
    findings = [f("PII101", Category.PERSONAL_DATA, 0, 14), f("PII101", Category.PERSONAL_DATA, 19, 34),
                f("PII101", Category.PERSONAL_DATA, 39, 49),
                f("PII110", Category.PERSONAL_DATA, 53, 70, entity="EMAIL_ADDRESS")]
    out = Redactor().redact(TEXT, findings)
    assert out == "<PERSON_1> met <PERSON_1> and <PERSON_2> at <EMAIL_ADDRESS_1> today."


def test_overlaps_merge_and_the_higher_category_wins() -> None:
    findings = [f("PII101", Category.PERSONAL_DATA, 0, 14), f("SEC401", Category.SECRET, 5, 20, 0.5, "API_KEY")]
    (rep,) = resolve_overlaps(findings)
    assert rep.span == Span(0, 20) and rep.entity == "API_KEY" and rep.winner.rule_id == "SEC401"
    assert Redactor().redact(TEXT, findings).startswith("<API_KEY_1>")


@pytest.mark.parametrize(
    ("operator", "expected"),
    [("redact", "<PERSONAL_DATA_1> met"), ("mask", "************** met"), ("keep", "Dana Whitfield met")],
    ids=["redact", "mask", "keep"],
)
def test_operators(operator: str, expected: str) -> None:
    out = Redactor({"PII101": operator}).redact(TEXT, [f("PII101", Category.PERSONAL_DATA, 0, 14)])
    assert out.startswith(expected)


def test_keyed_hash_is_stable_and_needs_a_key() -> None:
    key = "k" * 32
    one = Redactor({"PII101": "hash"}, key).redact(TEXT, [f("PII101", Category.PERSONAL_DATA, 0, 14)])
    two = Redactor({"PII101": "hash"}, key).redact(TEXT, [f("PII101", Category.PERSONAL_DATA, 0, 14)])
    assert one == two and "Dana" not in one.split(" met")[0]
    with pytest.raises(ConfigError):
        Redactor({"PII101": "hash"}, None)


def test_caller_findings_are_not_mutated() -> None:
    findings = (f("PII101", Category.PERSONAL_DATA, 0, 14),)
    Redactor().redact(TEXT, findings)
    assert findings[0].span == Span(0, 14)


def test_operator_by_category_and_rule_id_precedence() -> None:
    findings = [f("PII101", Category.PERSONAL_DATA, 0, 14), f("PII110", Category.PERSONAL_DATA, 53, 70,
                                                              entity="EMAIL_ADDRESS")]
    out = Redactor({"personal-data": "mask", "PII110": "redact"}).redact(TEXT, findings)
    assert out.startswith("************** met") and out.endswith("at <PERSONAL_DATA_1> today.")


def test_config_rejects_unknown_operator_keys() -> None:
    from screener.config import ScreenerConfig

    assert ScreenerConfig.load(operators={"secret": "mask", "PII104": "redact"}).operators["secret"] == "mask"
    with pytest.raises(ConfigError, match="operator keys"):
        ScreenerConfig.load(operators={"secrets": "mask"})
    with pytest.raises(ConfigError):
        ScreenerConfig.load(operators={"secret": "shred"})
