"""Employer identifiers: profiles switch on from declared employers, terms match whole, spans are original."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.detect import employers
from screener.detect.terms import Term, TermMatcher
from screener.errors import ConfigError, RuleError
from screener.model import Category, Finding
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
    [("Goldman", True), ("Goldman's", True), ("Goldmans", False), ("Goldmans'", False), ("Gold", False),
     ("man", False), ("Goldmine", False), ("Goldmanite", False), ("Gold man", False), ("the goldman", True)],
    ids=["whole", "possessive", "no-plural", "no-plural-possessive", "prefix", "suffix", "other-word",
         "longer-word", "two-words", "lower"],
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


# -- glued punctuation: "$", "!", "|" before a name bound it unless they stand inside a word ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("|Northwind Bank|2014-2020|Treasury|", [("EMP201", "Northwind Bank")]),
        ("Shares of $NWBK dropped.", [("EMP202", "NWBK")]),
        ("Great employer!Northwind rocks.", [("EMP201", "Northwind")]),
        ("| Northwind Bank | 2019 |", [("EMP201", "Northwind Bank")]),
        ("We hedged with €NWBK futures.", [("EMP202", "NWBK")]),
        ("|NWBK|NWB|", [("EMP202", "NWBK"), ("EMP202", "NWB")]),
        ("Ask!NWBK desk", [("EMP202", "NWBK")]),
        ("Trending: #NWBK and @Northwind, long +NWBK (NWBK)", [("EMP202", "NWBK"), ("EMP201", "Northwind"),
                                                           ("EMP202", "NWBK"), ("EMP202", "NWBK")]),
        ("Years at|Northw!nd|as analyst", [("EMP201", "Northw!nd")]),
        ("No bank here: $100|200!", []),
    ],
    ids=["markdown-row", "cashtag", "bang-before-name", "spaced-cells", "euro-before-ticker", "pipes-round-tickers",
         "bang-before-ticker", "hash-at-plus-paren", "bang-as-letter-inside-cell", "punctuation-alone"],
)
def test_glued_punctuation_keeps_the_word_boundary(run_employers: Run, text: str,
                                                   expected: list[tuple[str, str]]) -> None:
    assert spans(text, run_employers(text, NW)) == expected


@pytest.mark.parametrize(
    ("text", "hit"),
    [("Northw!nd", "Northw!nd"), ("NORTHW!ND", "NORTHW!ND"), ("$tripe Pay", "$tripe Pay"),
     ("employer!Northw|nd", "Northw|nd"), ("x$tripe Pay", None), ("Stripe!Pay", None)],
    ids=["bang-for-i", "caps", "dollar-at-word-start", "boundary-then-letter", "glued-to-a-word", "bang-between-words"],
)
def test_punctuation_still_reads_as_a_letter_where_it_can(text: str, hit: str | None) -> None:
    matcher = TermMatcher([Term("Northwind", 0), Term("Stripe Pay", 1)])
    found = [text[h.start:h.end] for h in matcher.match(text)]
    assert found == ([] if hit is None else [hit])


# -- identifiers in other clothes: a test-only profile ---------------------------------------------------------

FENWICK = """\
schema: screener-employer/1
id: fenwick-marlow
display_name: Fenwick Marlow
description: A fictional law firm for these tests only.
legal_names: [Fenwick Marlow LLP]
names: [Fenwick Marlow]
hosts: ["*.fm-intranet.example"]
email_domains: [fenwickmarlow.example.com]
reference_formats:
  - name: matter-number
    regex: '\\bFM-M-[0-9]{6}\\b'
context: [matter]
"""


@pytest.fixture(scope="module")
def run_fenwick(tmp_path_factory: pytest.TempPathFactory, ruleset: RuleSet) -> Run:
    from screener.detect.base import ScanInput
    from screener.model import Metadata
    from screener.ruleset.schema import EmployerRule
    from screener.text.normalize import normalize

    folder = tmp_path_factory.mktemp("profiles")
    (folder / "fenwick-marlow.yaml").write_text(FENWICK, encoding="utf-8")
    rules = [r for r in ruleset.rules if isinstance(r, EmployerRule)]
    det = employers.EmployerDetector(load_profiles(folder), rules, all_on=True)

    def run(text: str) -> list[Finding]:
        return list(det.detect(ScanInput(normalize(text), None, Metadata())))

    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I trained at Fen–wick Marlow.", [("EMP201", "Fen–wick Marlow")]),
        ("I trained at Fen-wick Marlow.", [("EMP201", "Fen-wick Marlow")]),
        ("I trained at Fenwick & Marlow.", [("EMP201", "Fenwick & Marlow")]),
        ("I trained at Fenwick and Marlow.", [("EMP201", "Fenwick and Marlow")]),
        ("q=Fenwick%20Marlow&page=2", [("EMP201", "Fenwick%20Marlow")]),
        ("I trained at Fenwick&#32;Marlow.", [("EMP201", "Fenwick&#32;Marlow")]),
        ("The wiki on fm-intranet.example was slow.", [("EMP204", "fm-intranet.example")]),
        ("See FM-M-2O4117 for the file.", [("EMP208", "FM-M-2O4117")]),
        ("See FM M 204117 for the file.", [("EMP208", "FM M 204117")]),
        ("I trained at Fenwick &amp; Marlow.", [("EMP201", "Fenwick &amp; Marlow")]),
        ("I trained at Fen%2Dwick Marlow.", [("EMP201", "Fen%2Dwick Marlow")]),
        ("I trained at Fen\u2011wick Marlow.", [("EMP201", "Fen\u2011wick Marlow")]),
        ("I trained at Ｆｅｎｗｉｃｋ Ｍａｒｌｏｗ.", [("EMP201", "Ｆｅｎｗｉｃｋ Ｍａｒｌｏｗ")]),
        ("I trained at Fenwick&nbsp;Marlow LLP.", [("EMP201", "Fenwick&nbsp;Marlow LLP")]),
        ("I trained at &#70;enwick Marlow.", [("EMP201", "&#70;enwick Marlow")]),
        ("Open https://fm-intranet.example/matters today", [("EMP204", "fm-intranet.example")]),
        ("See FM–M–204117 for the file.", [("EMP208", "FM–M–204117")]),
        ("See FM - M - 2O4I17 for the file.", [("EMP208", "FM - M - 2O4I17")]),
    ],
    ids=["en-dash-in-name", "hyphen-in-name", "ampersand", "and", "url-encoded", "html-entity", "bare-apex",
         "letter-o-for-zero", "spaces-for-hyphens", "amp-entity", "url-encoded-hyphen", "non-breaking-hyphen",
         "fullwidth", "nbsp-entity", "numeric-entity-letter", "apex-in-url", "en-dashes-in-number",
         "spaced-hyphens-and-letters"],
)
def test_identifiers_in_other_clothes(run_fenwick: Run, text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, run_fenwick(text)) == expected


@pytest.mark.parametrize(
    "text",
    ["Fenwick and the Marlow estate", "Fenwick, Marlow and Hale were witnesses.", "See sfm-intranet.example.",
     "fm-intranet.example.org is another firm's.", "Matter FM-M-20411 and FM M 2041178.",
     "The FM radio played M 204117 times.", "Mail ops@fenwickmarlow.example.com"],
    ids=["and-before-small-word", "comma-list", "longer-domain", "under-another-domain", "wrong-digit-count",
         "words-between", "email-not-host"],
)
def test_other_clothes_stay_bounded(run_fenwick: Run, text: str) -> None:
    found = spans(text, run_fenwick(text))
    if text.startswith("Mail"):  # the e-mail domain, not the host pattern
        assert found == [("EMP203", "ops@fenwickmarlow.example.com")]
    else:
        assert found == []


# -- each term matched as its kind asks: no plural on names, exact letters in abbreviations, typing slips only --

PARTY = {"schema": "screener-employer/1", "id": "party", "display_name": "Kestrel Licensing LLC",
         "legal_names": ["Licensor", "Reseller", "Kestrel Licensing LLC", "Northwind"],
         "abbreviations": ["ABCI", "ABC1X"], "tickers": ["KSTL"]}


@pytest.fixture(scope="module")
def run_party(ruleset: RuleSet) -> Run:
    from screener.detect.base import ScanInput
    from screener.model import Metadata
    from screener.ruleset.employers import EmployerProfile, ProfileSet
    from screener.ruleset.schema import EmployerRule
    from screener.text.normalize import normalize

    profiles = ProfileSet((EmployerProfile.model_validate(PARTY),), (), "")
    det = employers.EmployerDetector(profiles, [r for r in ruleset.rules if isinstance(r, EmployerRule)],
                                     all_on=True)

    def run(text: str) -> list[Finding]:
        return list(det.detect(ScanInput(normalize(text), None, Metadata())))

    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The licensors agreed.", []),
        ("All resellers must register.", []),
        ("Contact ABCL today.", []),
        ("Kestral Licensing LLC signed.", []),
        ("The Licensor's rights survive.", [("EMP201", "Licensor's", "exact")]),
        ("Contact ABCI today.", [("EMP202", "ABCI", "exact")]),
        ("Kestrel Licnesing LLC signed.", [("EMP201", "Kestrel Licnesing LLC", "fuzzy")]),
        ("Three KSTLs traded.", []),
        ("KSTL's board met.", [("EMP202", "KSTL's", "exact")]),
        ("Contact ABC1 today.", [("EMP202", "ABC1", "leetspeak")]),
        ("Contact ABCIX or ABCLX today.", [("EMP202", "ABCIX", "leetspeak"), ("EMP202", "ABCLX", "leetspeak")]),
        ("The Northwand fund, the Norrhwind fund.", [("EMP201", "Norrhwind", "fuzzy")]),
        ("Kestrel Licensing LLCs", []),
    ],
    ids=["plural-role-word", "plural-role-word-2", "other-letter-in-abbreviation", "sibling-company",
         "possessive-kept", "abbreviation-exact", "typing-slip", "plural-on-ticker", "possessive-ticker",
         "digit-for-letter", "letters-for-the-term's-digit", "far-vowel-vs-neighbour-key",
         "plural-on-legal-name"],
)
def test_terms_follow_their_kind(run_party: Run, text: str, expected: list[tuple[str, str, str]]) -> None:
    found = run_party(text)
    assert [(c, s, f.evidence.method) for (c, s), f in zip(spans(text, found), found, strict=True)] == expected
    for f in found:
        exact = 0.9 if f.rule_id == "EMP201" else 0.75
        assert (f.score < exact) is (f.evidence.method == "fuzzy")


@pytest.mark.parametrize(
    ("text", "hit"),
    [("Nortwhind", True), ("Northwinf", False), ("Norrhwind", True), ("Northwand", False), ("Nortwind", True),
     ("Northwinnd", True), ("Hartwell Vpss", False), ("Hartwel Voss", True)],
    ids=["transposition", "edit-at-end-is-inflection", "neighbour-key", "far-vowel", "dropped", "doubled",
         "slip-in-four-letter-word", "slip-in-long-word"],
)
def test_fuzzy_accepts_typing_slips_only(text: str, hit: bool) -> None:
    matcher = TermMatcher([Term("Northwind", 0, fuzzy=True), Term("Hartwell Voss", 1, fuzzy=True)])
    hits = matcher.match(text)
    assert bool(hits) is hit
    assert all(h.method == "fuzzy" for h in hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The project kestrel survey counted birds.", []),
        ("Project Kestrel slipped.", [("EMP205", "Project Kestrel")]),
        ("PROJECT KESTREL RUNBOOK", [("EMP205", "PROJECT KESTREL")]),
        ("We moved project kestrel to the trading desk.", [("EMP205", "project kestrel")]),
        ("An operation bluewater crews train for.", []),
        ("pr0ject k3strel went live", []),
        ("Pr0ject K3strel went live", [("EMP205", "Pr0ject K3strel")]),
    ],
    ids=["ordinary-phrase", "capitalised", "all-caps", "context-word", "other-codename-lower", "leet-lower",
         "leet-capitalised"],
)
def test_codenames_need_capitals_or_context(run_employers: Run, text: str,
                                            expected: list[tuple[str, str]]) -> None:
    assert spans(text, run_employers(text, NW)) == expected


def test_plural_is_a_weaker_variant_where_the_kind_has_one(run_employers: Run) -> None:
    exact = run_employers("One LedgerWatch alert.", NW)
    plural = run_employers("Two LedgerWatches alerted.", NW)
    assert [f.evidence.method for f in exact] == ["exact"] and [f.evidence.method for f in plural] == ["plural"]
    assert plural[0].score < exact[0].score
    assert run_employers("Two Northwinds merged.", NW) == []  # a firm's name has no plural


@pytest.mark.parametrize(
    ("hosts", "text", "expected"),
    [(["*.fm-intranet.example"], "See fm-intranet.example now", [("EMP204", "fm-intranet.example")]),
     (["*.fm-intranet.example"], "See wiki.fm-intranet.example now", [("EMP204", "wiki.fm-intranet.example")]),
     (["*.fm-intranet.example"], "Mail ops@fm-intranet.example now", [("EMP204", "ops@fm-intranet.example")]),
     (["*.fm-intranet.example"], "Mail ops@wiki.fm-intranet.example now", [("EMP204", "ops@wiki.fm-intranet.example")]),
     (["*.fenwickmarlow.example.com"], "Mail ops@fenwickmarlow.example.com",
      [("EMP203", "ops@fenwickmarlow.example.com")]),
     (["*.fenwickmarlow.example.com"], "See fenwickmarlow.example.com", [("EMP203", "fenwickmarlow.example.com")]),
     (["*.fenwickmarlow.example.com"], "See dms.fenwickmarlow.example.com",
      [("EMP204", "dms.fenwickmarlow.example.com")])],
    ids=["bare-apex", "sub-host", "address-at-apex", "address-at-sub-host", "apex-is-email-domain",
         "email-domain-bare", "sub-host-of-email-domain"],
)
def test_host_pattern_covers_its_apex_but_not_its_email_domain(ruleset: RuleSet, hosts: list[str], text: str,
                                                               expected: list[tuple[str, str]]) -> None:
    from screener.detect.base import ScanInput
    from screener.model import Metadata
    from screener.ruleset.employers import EmployerProfile, ProfileSet
    from screener.ruleset.schema import EmployerRule
    from screener.text.normalize import normalize

    profile = EmployerProfile.model_validate({"schema": "screener-employer/1", "id": "fm", "display_name": "FM",
                                              "legal_names": ["Fenwick Marlow LLP"], "hosts": hosts,
                                              "email_domains": ["fenwickmarlow.example.com"]})
    det = employers.EmployerDetector(ProfileSet((profile,), (), ""),
                                     [r for r in ruleset.rules if isinstance(r, EmployerRule)], all_on=True)
    assert spans(text, list(det.detect(ScanInput(normalize(text), None, Metadata())))) == expected
