"""Policy: decisions, verdicts, severities, fail-closed UNSCANNED, and layering global -> industry -> employer."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.decide.policy import ACTION_ORDER, Policy, verdict_of
from screener.decide.policy_layers import PolicyResolver, effective_policy
from screener.errors import ConfigError, RuleError
from screener.model import Action, Category, Verdict
from tests.legal_support import decision, finding

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "rules" / "policies"


@pytest.fixture(scope="module")
def default() -> Policy:
    return Policy.load(POLICIES / "default.yaml")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BASE = """schema: screener-policy/1
name: base
fail_on: block
default: {action: flag, min_score: 0.5}
categories:
  personal-data: {action: redact, min_score: 0.5, severity: low}
  employer-identifier: {action: flag, min_score: 0.6, severity: medium}
"""


@pytest.fixture
def layered(tmp_path: Path) -> tuple[Policy, Path]:
    base = Policy.load(_write(tmp_path / "base.yaml", BASE))
    _write(tmp_path / "industries" / "banking.yaml", """schema: screener-policy-layer/1
name: banking
categories:
  employer-identifier: {action: block, min_score: 0.5, severity: high}
  personal-data: {action: flag, min_score: 0.7, severity: medium}
""")
    _write(tmp_path / "industries" / "legal.yaml", """schema: screener-policy-layer/1
name: legal
fail_on: flag
categories:
  personal-data: {action: flag, min_score: 0.4, severity: medium}
""")
    _write(tmp_path / "employers" / "acme.yaml", """schema: screener-policy-layer/1
name: acme
industry: banking
rules:
  EMP21: {action: allow, severity: info}
""")
    _write(tmp_path / "employers" / "globex.yaml", """schema: screener-policy-layer/1
name: globex
industry: legal
""")
    return base, tmp_path


@pytest.mark.parametrize(("rule", "category", "score", "action", "origin"), [
    ("PII101", Category.PERSONAL_DATA, 0.85, Action.REDACT, "category personal-data"),
    ("PII101", Category.PERSONAL_DATA, 0.30, Action.ALLOW, "below 0.50"),
    ("PII111", Category.PERSONAL_DATA, 0.40, Action.REDACT, "rule PII111"),
    ("PII105", Category.PERSONAL_DATA, 0.99, Action.ALLOW, "rule PII105"),
    ("SEC401", Category.SECRET, 0.90, Action.BLOCK, "category secret"),
    ("EMP210", Category.EMPLOYER, 0.70, Action.FLAG, "category employer-identifier"),
    ("FRG501", Category.FRAGMENT, 0.59, Action.ALLOW, "below 0.60"),
], ids=["category", "under-threshold", "rule-prefix-lower-threshold", "rule-allow", "secret-blocks",
        "employer-flags", "fragment-under-threshold"])
def test_decide(default: Policy, rule: str, category: Category, score: float, action: Action,
                origin: str) -> None:
    d = default.decide(finding(rule, 0, 4, category, score=score))
    assert d.action is action
    assert origin in d.reason


@pytest.mark.parametrize(("actions", "verdict"), [
    ((), Verdict.ALLOW),
    ((Action.ALLOW, Action.ALLOW), Verdict.ALLOW),
    ((Action.REDACT, Action.ALLOW), Verdict.REDACT),
    ((Action.REDACT, Action.FLAG), Verdict.FLAG),
    ((Action.BLOCK, Action.FLAG, Action.REDACT), Verdict.BLOCK),
], ids=["none", "only-allowed", "redact", "flag-beats-redact", "block-beats-all"])
def test_verdict_is_the_most_severe_action(actions: tuple[Action, ...], verdict: Verdict) -> None:
    ds = [decision(finding(f"PII1{i:02d}", i, i + 1), a) for i, a in enumerate(actions)]
    assert verdict_of(ds)[0] is verdict


def test_verdict_reasons_name_drivers_and_highest_severity(default: Policy) -> None:
    ds = [default.decide(finding("PII101", 0, 4)), default.decide(finding("SEC401", 5, 9, Category.SECRET)),
          default.decide(finding("SEC401", 10, 14, Category.SECRET))]
    verdict, reasons = default.verdict(ds)
    assert verdict is Verdict.BLOCK
    assert reasons == ("block: SEC401 x2", "highest severity: critical")


@pytest.mark.parametrize("fail_on", list(Verdict), ids=[v.value for v in Verdict])
def test_unscanned_always_fails(default: Policy, fail_on: Verdict) -> None:
    policy = default.model_copy(update={"fail_on": fail_on})
    assert policy.fails(Verdict.UNSCANNED)
    assert policy.fails(Verdict.BLOCK) is (fail_on is not Verdict.UNSCANNED)
    assert policy.fails(Verdict.ALLOW) is (fail_on is Verdict.ALLOW)


@pytest.mark.parametrize("name", ["default", "strict"], ids=["default", "strict"])
def test_shipped_policies_load_and_differ(name: str) -> None:
    policy = Policy.load(POLICIES / f"{name}.yaml")
    assert policy.name == name
    assert len(policy.digest) == 64
    assert policy.stamp.startswith(f"{name}@")


def test_strict_is_stricter_than_default(default: Policy) -> None:
    strict = Policy.load(POLICIES / "strict.yaml")
    f = finding("PII101", 0, 4, score=0.45)
    assert default.decide(f).action is Action.ALLOW
    assert strict.decide(f).action is Action.FLAG
    assert strict.digest != default.digest


@pytest.mark.parametrize(("employers", "rule", "category", "score", "action", "layer"), [
    ((), "EMP210", Category.EMPLOYER, 0.55, Action.ALLOW, "base"),
    (("acme",), "EMP230", Category.EMPLOYER, 0.55, Action.BLOCK, "industry banking"),
    (("acme",), "EMP210", Category.EMPLOYER, 0.99, Action.ALLOW, "employer acme"),
    (("acme",), "PII101", Category.PERSONAL_DATA, 0.85, Action.FLAG, "industry banking"),
    (("acme", "globex"), "PII101", Category.PERSONAL_DATA, 0.45, Action.FLAG, "industry legal"),
    (("nobody",), "PII101", Category.PERSONAL_DATA, 0.85, Action.REDACT, "base"),
], ids=["global-only", "industry-overrides-global", "employer-overrides-industry", "industry-category",
        "two-industries-strictest-wins", "employer-without-layer-adds-nothing"])
def test_layering(layered: tuple[Policy, Path], employers: tuple[str, ...], rule: str, category: Category,
                  score: float, action: Action, layer: str) -> None:
    base, root = layered
    policy = effective_policy(base, root, employers)
    d = policy.decide(finding(rule, 0, 4, category, score=score))
    assert d.action is action
    assert f"policy {layer}," in d.reason


def test_layer_names_digest_and_fail_on(layered: tuple[Policy, Path]) -> None:
    base, root = layered
    both = effective_policy(base, root, ["globex", "acme"])
    assert both.layers == ("industry:legal", "industry:banking", "employer:globex", "employer:acme")
    assert both.fail_on is Verdict.FLAG  # the legal industry layer is stricter than the base's "block"
    assert both.digest != base.digest
    assert effective_policy(base, root, ["nobody"]).digest == base.digest


def test_resolver_caches_by_employer_set(layered: tuple[Policy, Path]) -> None:
    base, root = layered
    resolver = PolicyResolver(base, root)
    assert resolver.for_employers(["acme", "globex"]) is resolver.for_employers(["globex", "acme"])
    assert resolver.for_employers([]).digest == base.digest


@pytest.mark.parametrize(("path", "body", "error"), [
    ("employers/bad.yaml", "schema: screener-policy-layer/1\nname: bad\nindustry: mining\n", ConfigError),
    ("employers/bad.yaml", "schema: screener-policy-layer/1\nname: other\n", RuleError),
    ("employers/bad.yaml", "schema: screener-policy-layer/1\nname: bad\nrules:\n  XYZ1: {action: block}\n",
     RuleError),
    ("employers/bad.yaml", "schema: screener-policy-layer/1\nname: bad\nbogus: 1\n", RuleError),
], ids=["unknown-industry", "name-differs-from-file", "bad-prefix", "unknown-key"])
def test_bad_layers_are_configuration_errors(layered: tuple[Policy, Path], path: str, body: str,
                                             error: type[Exception]) -> None:
    base, root = layered
    _write(root / path, body)
    with pytest.raises(error):
        effective_policy(base, root, ["bad"])


@pytest.mark.parametrize("employer", ["../../etc/passwd", "Acme", "a b"], ids=["traversal", "upper", "space"])
def test_employer_ids_cannot_escape_the_policies_directory(layered: tuple[Policy, Path], employer: str) -> None:
    base, root = layered
    with pytest.raises(ConfigError):
        effective_policy(base, root, [employer])


def test_shipped_layers_load(default: Policy) -> None:
    for emp in ("northwind", "hartwell-voss", "castellan-quay"):
        policy = effective_policy(default, POLICIES, [emp])
        assert any(layer.startswith("industry:") for layer in policy.layers)
        assert f"employer:{emp}" in policy.layers


LOOSE = """schema: screener-policy-layer/1
name: loose
categories:
  employer-identifier: {action: redact, min_score: 0.9, severity: low}
rules:
  PII11: {action: allow, severity: info}
"""
SUBSETS = [(), ("acme",), ("globex",), ("loose",), ("acme", "globex"), ("acme", "loose"), ("globex", "loose"),
           ("acme", "globex", "loose")]
FINDINGS = [("EMP201", Category.EMPLOYER, 0.55), ("EMP210", Category.EMPLOYER, 0.95), ("PII112", Category.PERSONAL_DATA,
            0.8), ("PII101", Category.PERSONAL_DATA, 0.45), ("MRK301", Category.MARKING, 0.6)]


@pytest.mark.parametrize("declared", [(), ("globex",)], ids=["none-declared", "globex-declared"])
def test_more_employers_in_force_never_decide_more_leniently(layered: tuple[Policy, Path],
                                                             declared: tuple[str, ...]) -> None:
    """Monotone in the set of matched employers, though merging layers by level is not (``loose`` names the
    employer category at employer level and so replaces banking's block for acme + loose)."""
    base, root = layered
    _write(root / "employers" / "loose.yaml", LOOSE)
    resolver = PolicyResolver(base, root)
    emp = finding("EMP201", 0, 4, Category.EMPLOYER, score=0.55)
    merged = effective_policy(base, root, ["acme", "loose"]).decide(emp)
    assert merged.action is Action.ALLOW  # the non-monotone merge this guards against (block under acme alone)
    for small in SUBSETS:
        for large in SUBSETS:
            if not set(small) <= set(large):
                continue
            one, more = resolver.for_submission(declared, small), resolver.for_submission(declared, large)
            for rule, cat, score in FINDINGS:
                f = finding(rule, 0, 4, cat, score=score)
                assert ACTION_ORDER[more.decide(f).action] >= ACTION_ORDER[one.decide(f).action], (small, large, rule)
            for v in Verdict:
                assert more.fails(v) or not one.fails(v)


def test_missing_profile_holds_and_is_configurable(layered: tuple[Policy, Path]) -> None:
    base, root = layered
    stack = PolicyResolver(base, root).for_submission([])
    assert stack.hold_missing(Verdict.ALLOW, (), ["Globex Unknown plc"])[0] is Verdict.FLAG
    assert stack.hold_missing(Verdict.BLOCK, (), ["X"])[0] is Verdict.BLOCK
    assert stack.hold_missing(Verdict.UNSCANNED, (), ["X"])[0] is Verdict.UNSCANNED
    assert stack.hold_missing(Verdict.REDACT, ("r",), []) == (Verdict.REDACT, ("r",))
    strict = Policy.load(_write(root / "strict.yaml", BASE + "missing_profile: block\n"))
    assert PolicyResolver(strict, root).for_submission([]).hold_missing(Verdict.ALLOW, (), ["X"])[0] is Verdict.BLOCK
    with pytest.raises(RuleError):
        Policy.load(_write(root / "lax.yaml", BASE + "missing_profile: allow\n"))
