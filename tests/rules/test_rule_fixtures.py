"""One generic test runs every annotated fixture (``# expect: CODE`` / ``# ok: CODE``) in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.ruleset.fixtures import FixtureCase, Screen, check_case, covered_codes, load_fixtures
from screener.ruleset.lint import detectors_for, handled_codes, lint, screen_with
from screener.ruleset.loader import RuleSet, load_rules

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[1] / "rules"
CASES, PROBLEMS = load_fixtures(HERE)


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules(sorted(RULES.glob("*.yaml")))


@pytest.fixture(scope="module")
def screen(ruleset: RuleSet) -> Screen:
    return screen_with(detectors_for(ScreenerConfig(rules_dir=RULES), ruleset))


def test_fixture_files_are_well_formed() -> None:
    assert PROBLEMS == []
    assert len(CASES) > 50


def _needs_engine(codes: tuple[str, ...] | list[str]) -> bool:
    return all(code.startswith("PII") for code in codes)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.path.stem}:{c.line}:{'+'.join(c.codes)}" for c in CASES])
def test_fixture_case(case: FixtureCase, screen: Screen, ruleset: RuleSet, request: pytest.FixtureRequest) -> None:
    if set(case.codes) <= handled_codes(ruleset):
        assert check_case(case, screen) is None
    elif _needs_engine(case.codes):  # personal data needs the spaCy model and Presidio: the whole engine
        engine = request.getfixturevalue("engine")
        assert check_case(case, lambda text: engine.screen(text).findings) is None
    else:
        pytest.skip("fragment rules need a corpus; they are tested in tests/detectors/test_fragments.py")


def test_every_rule_driven_code_has_an_expect_fixture(ruleset: RuleSet) -> None:
    assert sorted(handled_codes(ruleset) - covered_codes(CASES)) == []


def test_every_personal_data_code_has_an_expect_fixture(ruleset: RuleSet) -> None:
    pii = {r.id for r in ruleset.rules if r.id.startswith("PII") and r.enabled}
    assert sorted(pii - covered_codes(CASES)) == []


def test_bundled_rules_lint_clean(ruleset: RuleSet) -> None:
    report = lint(RULES, HERE)
    assert report.errors == ()
    # Problems of rules that need the NLP engine (PII, fragments) are checked where those rules are tested.
    mine = handled_codes(ruleset)
    other = {r.id for r in ruleset.rules} - mine
    assert [p for p in report.problems if not any(f": {code}:" in p for code in other)] == []
