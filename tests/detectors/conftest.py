"""Rule-driven detectors built once per session from the bundled rules, every employer profile known."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig
from screener.detect import employers, markings, secrets
from screener.detect.base import Detector, ScanInput
from screener.model import Finding, Metadata
from screener.ruleset.loader import RuleSet, load_rules
from screener.text.normalize import normalize
from tests.detectors.rules_support import RULES, Run


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_rules(sorted(RULES.glob("*.yaml")))


@pytest.fixture(scope="session")
def rules_config() -> ScreenerConfig:
    # Profiles switch on per call (declared or named employers) so each test says which are in force.
    return ScreenerConfig(rules_dir=RULES, all_employers=False, corpora=())


def _runner(detector: Detector | None) -> Run:
    assert detector is not None

    def run(text: str, employers: tuple[str, ...] = (), declared: tuple[str, ...] = ()) -> list[Finding]:
        item = ScanInput(normalize(text), None, Metadata.of(employers=declared), employers or declared)
        return list(detector.detect(item))

    return run


@pytest.fixture(scope="session")
def employer_detector(rules_config: ScreenerConfig, ruleset: RuleSet) -> Detector:
    det = employers.build_detector(rules_config, ruleset)
    assert det is not None
    return det


@pytest.fixture(scope="session")
def run_employers(employer_detector: Detector) -> Run:
    return _runner(employer_detector)


@pytest.fixture(scope="session")
def run_markings(rules_config: ScreenerConfig, ruleset: RuleSet) -> Run:
    return _runner(markings.build_detector(rules_config, ruleset))


@pytest.fixture(scope="session")
def run_secrets(rules_config: ScreenerConfig, ruleset: RuleSet) -> Run:
    return _runner(secrets.build_detector(rules_config, ruleset))

