"""Employer identifiers: profiles switch on from declared employers, terms match whole, spans are original."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.detect import employers
from screener.detect.terms import Term, TermMatcher
from screener.errors import ConfigError, RuleError
from screener.model import Category
from screener.ruleset.employers import load_profiles
from screener.ruleset.loader import RuleSet
from tests.detectors.rules_support import RULES, Run, spans

NW = ("northwind",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At Northwind Bank plc we reconciled nostro accounts.", [("EMP201", "Northwind Bank plc")]),
        ("Northwind's treasury desk", [("EMP201", "Northwind's")]),
        ("NWBK fell 3%.", [("EMP202", "NWBK")]),
        ("Mail ops@northwind-bank.example.com today", [("EMP203", "ops@northwind-bank.example.com")]),
        ("Open https://wiki.corp.northwind-bank.example.com/a", [("EMP204", "wiki.corp.northwind-bank.example.com")]),
        ("Project Kestrel slipped.", [("EMP205", "Project Kestrel")]),
        ("Breaks surfaced in LedgerWatch.", [("EMP206", "LedgerWatch")]),
        ("For Harbourline Shipping we ran it.", [("EMP207", "Harbourline Shipping")]),
        ("See INC-NWB-204511.", [("EMP208", "INC-NWB-204511")]),
        ("Signed NW-E-0041287.", [("EMP209", "NW-E-0041287")]),
    ],
    ids=["legal-name", "possessive", "ticker", "email", "intranet-host", "codename", "system", "client",
         "ticket", "employee-id"],
)
def test_each_identifier_kind(run_employers: Run, text: str, expected: list[tuple[str, str]]) -> None:
    findings = run_employers(text, NW)
    assert spans(text, findings) == expected
    assert all(f.category is Category.EMPLOYER and f.evidence.employer == "northwind" for f in findings)


@pytest.mark.parametrize(
    ("declared", "fires"),
    [((), False), (("northwind",), True), (("Northwind Bank plc",), True), (("NWB",), True),
     (("hartwell-voss",), False), (("Unknown Employer Ltd",), False)],
    ids=["none", "by-id", "by-legal-name", "by-abbreviation", "other-profile", "unknown"],
)
def test_profiles_switch_on_from_declared_employers(run_employers: Run, declared: tuple[str, ...],
                                                    fires: bool) -> None:
    assert bool(run_employers("I joined Northwind in 2015.", declared=declared)) is fires


@pytest.mark.parametrize(
    "text",
    ["Gold prices rose while the man waited.", "A northwind blew.", "the north wind", "Bank holiday on Monday",
     "nwbk is lower case", "The kestrel hovered.", "We watch the ledger closely.",
     "mail me at someone@example.com", "https://corp.example.com/northwind-bank"],
    ids=["unrelated", "alias-in-any-case", "two-words", "generic-word", "ticker-lowercase",
         "codename-word-alone", "system-words-apart", "other-domain", "name-in-path"],
)
def test_ordinary_text_stays_clean(run_employers: Run, text: str) -> None:
    found = spans(text, run_employers(text, NW))
    if text == "A northwind blew.":
        assert found == [("EMP201", "northwind")]  # an alias is matched whatever its case
    elif text == "https://corp.example.com/northwind-bank":
        assert [code for code, _ in found] == ["EMP201"]  # the alias, not a domain or host
    else:
        assert found == []


@pytest.mark.parametrize(
    ("text", "hit"),
    [("Goldman", True), ("Goldman's", True), ("Goldmans", True), ("Gold", False), ("man", False),
     ("Goldmine", False), ("Goldmanite", False), ("Gold man", False), ("the goldman", True)],
    ids=["whole", "possessive", "plural", "prefix", "suffix", "other-word", "longer-word", "two-words", "lower"],
)
def test_word_boundaries_hold(text: str, hit: bool) -> None:
    matcher = TermMatcher([Term("Goldman", 0, fuzzy=True)])
    assert bool(matcher.match(text)) is hit


def test_fuzzy_needs_a_long_capitalised_term() -> None:
    matcher = TermMatcher([Term("Northwind", 0, fuzzy=True), Term("Acme", 1, fuzzy=True)])
    assert [h.method for h in matcher.match("Nortwhind said")] == ["fuzzy"]
    assert matcher.match("nortwhind said") == []  # fuzzy hits start with a capital
    assert matcher.match("Acne and Acmo") == []  # four letters: exact only


def test_org_entity_and_context_raise_the_score(run_employers: Run) -> None:
    plain = run_employers("I joined Northwind.", NW)[0]
    with_context = run_employers("I joined Northwind on the trading desk.", NW)[0]
    assert with_context.score > plain.score and with_context.evidence.context == ("trading desk",)


def test_findings_never_carry_the_text(run_employers: Run) -> None:
    text = "At Northwind Bank plc, see INC-NWB-204511."
    for f in run_employers(text, NW):
        assert "Northwind" not in repr(f.evidence) and "204511" not in repr(f.evidence)


def test_all_employers_switch_every_profile_on(ruleset: RuleSet) -> None:
    det = employers.build_detector(ScreenerConfig(rules_dir=RULES, all_employers=True), ruleset)
    assert det is not None
    from screener.detect.base import ScanInput
    from screener.model import Metadata
    from screener.text.normalize import normalize

    found = det.detect(ScanInput(normalize("Hartwell Voss and Castellan Quay"), None, Metadata()))
    assert sorted(f.evidence.employer or "" for f in found) == ["castellan-quay", "hartwell-voss"]


def test_unknown_employer_in_config_is_a_usage_error(ruleset: RuleSet) -> None:
    with pytest.raises(ConfigError, match="no employer profile"):
        employers.build_detector(ScreenerConfig(rules_dir=RULES, employers=("nobody",)), ruleset)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("schema: screener-employer/1\nid: bad\ndisplay_name: X\nlegal_names: [Ab]\n", "bad.yaml:4"),
        ("schema: screener-employer/1\nid: bad\ndisplay_name: X\nlegal_names: [Acme Ltd]\ntickers: [acm]\n",
         "bad.yaml:5"),
        ("schema: screener-employer/1\nid: other\ndisplay_name: X\nlegal_names: [Acme Ltd]\n", "bad.yaml:2"),
        ("schema: screener-employer/1\nid: bad\ndisplay_name: X\nlegal_names: [Acme Ltd]\n"
         "reference_formats:\n  - name: any\n    regex: 'x*'\n", "matches the empty string"),
        ("schema: screener-employer/1\nid: bad\ndisplay_name: X\nlegal_names: [Acme Ltd]\nemail_domains: [a b]\n",
         "bad.yaml:5"),
        ("schema: screener-employer/1\nid: bad\ndisplay_name: X\nlegal_names: [Acme Ltd]\n"
         "reference_formats:\n  - name: a\n    regex: 5\n", "bad.yaml:7: reference_formats[0].regex"),
    ],
    ids=["short-name", "lowercase-ticker", "id-not-file-name", "empty-format", "bad-domain", "format-not-text"],
)
def test_malformed_profile_reports_file_and_line(tmp_path: Path, content: str, needle: str) -> None:
    (tmp_path / "bad.yaml").write_text(content)
    with pytest.raises(RuleError) as info:
        load_profiles(tmp_path)
    assert any(needle in p for p in info.value.problems), info.value.problems


def test_bundled_profiles_have_depth() -> None:
    profiles = load_profiles(RULES / "employers")
    assert profiles.ids() == ("castellan-quay", "hartwell-voss", "northwind")
    for p in profiles.profiles:
        assert p.legal_names and p.email_domains and p.hosts and p.codenames and p.systems and p.clients
        assert p.reference_formats and p.employee_id_formats and p.context
