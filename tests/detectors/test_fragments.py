"""The fragment detector: FRG501-503 findings in original offsets, evidence without text, packs, suppression."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.detect.fragments import (
    FragmentDetector,
    aligned_passage,
    build_detector,
    corpus_paths,
    rules_from,
)
from screener.errors import StoreError
from screener.fingerprint import corpus
from screener.model import Category, Finding
from screener.ruleset.loader import RuleSet, load_rules
from tests.fragments_support import BOILERPLATE, KEY, PRICING, UNRELATED, scan_input, write_corpus

RULES_FILE = Path(__file__).resolve().parents[2] / "rules" / "fragments.yaml"

VERBATIM = ("Trades above ten million dollars are referred to the head of fixed income before any quote is "
            "released to the client.")
QUOTE_TEXT = (
    "I used to work on a bond desk.\u200b Our rule was:\n\n  “THE COMMITTEE AGREED that the Aurora desk will quote "
    "municipal bonds at a spread of eleven basis points over the composite curve for orders below two million\n"
    "dollars, and will widen the spread by four basis points for every additional million, up to a ceiling of "
    "twenty-five basis points.”\n\nThat was the whole policy."
)
EDITED_TEXT = (
    "Any exception to those spreads had to be approved by two committee members and logged in the Orchid "
    "pricing register within a single business day, with the client's name and the reason the sales coverage "
    "officer gave. Before onboarding, the analyst gathered two forms of identification from each beneficial owner "
    "with more than fifteen percent of the client and screened every owner against the Falcon watch list."
)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules([RULES_FILE])


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpora")
    docs = write_corpus(root)
    corpus.build([docs], "halvorsen", root / "halvorsen.db", key=KEY)
    (root / "boiler.txt").write_text(BOILERPLATE, encoding="utf-8")
    corpus.build([root / "boiler.txt"], "boilerplate", root / "boiler.db", role="suppress")
    (root / "halvorsen.key").write_text(KEY.hex(), encoding="ascii")
    corpus.fingerprint([docs], "halvorsen-pack", root / "halvorsen.pack", KEY, expires=date(2999, 1, 1))
    return root


def detect(root: Path, rules: RuleSet, names: tuple[str, ...], text: str) -> list[Finding]:
    config = ScreenerConfig(corpora_dir=root, corpora=tuple(Path(n) for n in names))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    try:
        return list(detector.detect(scan_input(text)))
    finally:
        detector.close()


def test_verbatim_quote_is_frg501_with_original_span_and_source_offsets(stores: Path, rules: RuleSet) -> None:
    (f,) = detect(stores, rules, ("halvorsen.db",), QUOTE_TEXT)
    assert (f.rule_id, f.category) == ("FRG501", Category.FRAGMENT)
    quoted = QUOTE_TEXT[f.span.start : f.span.end]
    assert quoted.startswith("THE COMMITTEE AGREED") and quoted.endswith("twenty-five basis points")
    ev = f.evidence
    assert (ev.reference, ev.section, ev.method) == ("pricing_minutes.md", "Decision on the Aurora bond desk",
                                                     "fingerprint-index")
    assert ev.source_span is not None
    source = PRICING[ev.source_span.start : ev.source_span.end]
    assert source.startswith("The committee agreed") and source.endswith("twenty-five basis points")
    assert ev.similarity == 1.0 and ev.matched_words == len(re.findall(r"\w+", quoted))
    assert f.score >= 0.9
    corpus_name, coverage = (ev.note or "").split("; ")
    assert corpus_name == "corpus=halvorsen" and 0.3 < float(coverage.removeprefix("coverage=")) < 0.6


def test_edited_passages_are_frg502_one_per_source_document(stores: Path, rules: RuleSet) -> None:
    found = detect(stores, rules, ("halvorsen.db",), EDITED_TEXT)
    assert [(f.rule_id, f.evidence.reference) for f in found] == [
        ("FRG502", "pricing_minutes.md"), ("FRG502", "onboarding_checklist.txt")]
    assert all(0.3 <= (f.evidence.similarity or 0) < 0.9 for f in found)
    assert found[0].evidence.section == "Escalation"
    assert found[1].evidence.section == "1. Identity checks"


def test_text_in_own_words_gives_nothing(stores: Path, rules: RuleSet) -> None:
    assert detect(stores, rules, ("halvorsen.db",), UNRELATED) == []


def test_pack_match_names_document_and_section_but_no_source_offsets(stores: Path, rules: RuleSet) -> None:
    (f,) = detect(stores, rules, ("halvorsen.pack",), QUOTE_TEXT)
    assert f.rule_id == "FRG503"
    ev = f.evidence
    assert (ev.reference, ev.section, ev.method, ev.source_span) == (
        "pricing_minutes.md", "Decision on the Aurora bond desk", "fingerprint-pack", None)
    assert "Aurora desk will quote" in QUOTE_TEXT[f.span.start : f.span.end]


def test_suppression_corpus_silences_boilerplate(stores: Path, rules: RuleSet) -> None:
    text = "Here is my answer about bond pricing in general terms.\n\n" + BOILERPLATE
    docs = stores / "with_boiler"
    docs.mkdir(exist_ok=True)
    (docs / "minutes_with_footer.md").write_text(PRICING + "\n" + BOILERPLATE, encoding="utf-8")
    if not (stores / "with_boiler.db").exists():
        corpus.build([docs], "with-boiler", stores / "with_boiler.db", key=KEY)
    loud = detect(stores, rules, ("with_boiler.db",), text)
    quiet = detect(stores, rules, ("with_boiler.db", "boiler.db"), text)
    assert [f.rule_id for f in loud] == ["FRG501"] and quiet == []


def test_evidence_never_carries_text(stores: Path, rules: RuleSet) -> None:
    for f in detect(stores, rules, ("halvorsen.db",), QUOTE_TEXT + "\n" + EDITED_TEXT):
        values = [v for v in f.evidence.to_dict().values() if isinstance(v, str)]
        assert all(len(v) < 60 for v in values)
        assert "municipal" not in repr(f.evidence.to_dict())


def test_aligned_source_returns_the_source_passage(stores: Path, rules: RuleSet) -> None:
    config = ScreenerConfig(corpora_dir=stores, corpora=(Path("halvorsen.db"),))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    (f,) = detector.detect(scan_input(QUOTE_TEXT))
    pair = detector.aligned_source(f)
    assert pair is not None and pair.reference == "pricing_minutes.md"
    assert pair.source_text.startswith("The committee agreed that the Aurora desk")
    detector.close()
    assert aligned_passage(config, f) == pair


@pytest.mark.parametrize(
    ("disable", "expected"),
    [("FRG501", []), ("FRG502", ["FRG501"])],
    ids=["verbatim-off", "edited-off"],
)
def test_disabled_rules_emit_nothing(stores: Path, rules: RuleSet, disable: str, expected: list[str]) -> None:
    from dataclasses import replace

    table = {k: replace(r, enabled=r.id != disable) for k, r in rules_from(rules).items()}
    config = ScreenerConfig(corpora_dir=stores, corpora=(Path("halvorsen.db"),))
    base = build_detector(config, rules)
    assert isinstance(base, FragmentDetector)
    detector = FragmentDetector(base.stores, table)
    assert [f.rule_id for f in detector.detect(scan_input(QUOTE_TEXT))] == expected
    base.close()


def test_no_corpora_no_detector(rules: RuleSet, tmp_path: Path) -> None:
    assert build_detector(ScreenerConfig(corpora=()), rules) is None
    assert build_detector(ScreenerConfig(corpora_dir=tmp_path), rules) is None  # an empty corpora directory


def test_default_config_matches_every_bundled_store(rules: RuleSet) -> None:
    detector = build_detector(ScreenerConfig(), rules)
    assert isinstance(detector, FragmentDetector)
    try:
        assert sorted(detector.corpora) == ["boilerplate", "northwind"]
    finally:
        detector.close()


@pytest.mark.parametrize(
    ("name", "code"), [("missing.db", "E415"), ("broken.db", "E413")], ids=["missing", "corrupt"]
)
def test_unusable_store_fails_closed_at_build(stores: Path, rules: RuleSet, name: str, code: str) -> None:
    (stores / "broken.db").write_bytes(b"garbage" * 200)
    with pytest.raises(StoreError) as err:
        build_detector(ScreenerConfig(corpora_dir=stores, corpora=(Path(name),)), rules)
    assert err.value.code == code


def test_bare_store_names_resolve_to_db_then_pack(stores: Path) -> None:
    config = ScreenerConfig(corpora_dir=stores, corpora=(Path("halvorsen"), Path("halvorsen.pack")))
    assert corpus_paths(config) == [stores / "halvorsen.db", stores / "halvorsen.pack"]
    for missing in ("nowhere", "nowhere.db"):
        with pytest.raises(StoreError) as err:
            build_detector(ScreenerConfig(corpora_dir=stores, corpora=(Path(missing),)), None)
        assert err.value.code == "E415" and f"{missing} not found" in err.value.message


def test_rule_pack_documents_every_code(rules: RuleSet) -> None:
    codes = {r.id: r for r in rules.rules}
    assert sorted(codes) == ["FRG501", "FRG502", "FRG503", "FRG504", "FRG510"]
    assert all(r.docs.what and r.docs.remedy for r in codes.values())


DEMO = Path(__file__).resolve().parents[2] / "corpora"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_committed_demo_index_is_reproducible_from_its_command(tmp_path: Path) -> None:
    from screener.fingerprint.store import FingerprintStore

    key = corpus.read_key(DEMO / "demo.key")
    for name, docs, role in (("demo", "demo", "protect"), ("boilerplate", "boilerplate", "suppress")):
        rebuilt, _ = corpus.build([DEMO / docs], "x", tmp_path / f"{name}.db", key=key, role=role)
        committed = FingerprintStore.open(DEMO / f"{name}.db")
        assert committed.verify() == []
        assert (committed.manifest.sha256, committed.manifest.role) == (rebuilt.sha256, role)
        committed.close()


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("fragment_verbatim_quote.txt", [("FRG501", "credit_memo_harbor_point.md", "Exceptions and overrides")]),
        ("fragment_paraphrase.txt", [("FRG502", "wire_exception_procedure.md", None)]),
        ("fragment_own_words.txt", []),
    ],
    ids=["quote", "paraphrase", "own-words-and-disclaimer"],
)
def test_demo_examples(rules: RuleSet, example: str, expected: list[tuple[str, str, str | None]]) -> None:
    config = ScreenerConfig(corpora_dir=DEMO, corpora=(Path("demo.db"), Path("boilerplate.db")))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    found = list(detector.detect(scan_input((EXAMPLES / example).read_text(encoding="utf-8"))))
    detector.close()
    got = [(f.rule_id, f.evidence.reference, f.evidence.section if expected and expected[0][2] else None)
           for f in found]
    assert got == expected


def test_matcher_can_align_given_documents_only(stores: Path, rules: RuleSet) -> None:
    config = ScreenerConfig(corpora_dir=stores, corpora=(Path("halvorsen.db"),))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    item = scan_input(EDITED_TEXT)
    assert {p.ref for p in detector.matcher.match(item.text)} == {"pricing_minutes.md", "onboarding_checklist.txt"}
    only = detector.matcher.match(item.text, only=frozenset({"onboarding_checklist.txt"}))
    assert {p.ref for p in only} == {"onboarding_checklist.txt"}
    detector.close()


def test_source_lookup_for_the_report(stores: Path, rules: RuleSet) -> None:
    from screener.fingerprint import source_lookup

    assert source_lookup(ScreenerConfig(corpora=())) is None
    config = ScreenerConfig(corpora_dir=stores, corpora=(Path("halvorsen.db"), Path("halvorsen.pack")))
    lookup = source_lookup(config)
    assert lookup is not None
    found = detect(stores, rules, ("halvorsen.db", "halvorsen.pack"), QUOTE_TEXT)
    by_code = {f.rule_id: lookup(f) for f in found}
    assert set(by_code) == {"FRG501", "FRG503"}
    assert (by_code["FRG501"] or "").startswith("The committee agreed") and by_code["FRG503"] is None


def test_long_documents_are_aligned_around_their_hits(tmp_path: Path, rules: RuleSet) -> None:
    from screener.fingerprint.match import WINDOW_TERMS

    filler = [f"## Part {i}\n\n" + " ".join(f"clause{i}x{j} obligation{j}" for j in range(60)) for i in range(40)]
    doc = "\n\n".join(filler[:20]) + "\n\n" + PRICING + "\n\n" + "\n\n".join(filler[20:])
    (tmp_path / "long.md").write_text(doc, encoding="utf-8")
    corpus.build([tmp_path / "long.md"], "long", tmp_path / "long.db", key=KEY)
    detector = build_detector(ScreenerConfig(corpora=(tmp_path / "long.db",)), rules)
    assert isinstance(detector, FragmentDetector)
    assert next(iter(detector.stores[0].documents().values())).terms > WINDOW_TERMS
    (f,) = detector.detect(scan_input(QUOTE_TEXT))
    detector.close()
    assert f.rule_id == "FRG501" and f.evidence.section == "Decision on the Aurora bond desk"
    assert f.evidence.source_span is not None
    source = doc[f.evidence.source_span.start : f.evidence.source_span.end]
    assert source.startswith("The committee agreed") and source.endswith("twenty-five basis points")


def test_rule_fixtures_against_the_demo_corpus(rules: RuleSet, tmp_path: Path) -> None:
    from screener.ruleset.fixtures import check_case, load_fixtures

    cases, problems = load_fixtures(Path(__file__).resolve().parents[1] / "rules")
    mine = [c for c in cases if c.path.name == "fragments.txt"]
    assert problems == [] and len(mine) >= 8
    key = corpus.read_key(DEMO / "demo.key")
    (tmp_path / "demo.key").write_text(key.hex(), encoding="ascii")
    corpus.fingerprint([DEMO / "demo"], "demo-pack", tmp_path / "demo.pack", key, expires=date(2999, 1, 1))
    index = build_detector(ScreenerConfig(corpora_dir=DEMO, corpora=(Path("demo.db"), Path("boilerplate.db"))),
                           rules)
    pack = build_detector(ScreenerConfig(corpora=(tmp_path / "demo.pack",)), rules)
    assert isinstance(index, FragmentDetector) and isinstance(pack, FragmentDetector)
    failures = [
        check_case(c, lambda text, d=(pack if "FRG503" in c.codes else index): d.detect(scan_input(text)))
        for c in mine
    ]
    index.close()
    pack.close()
    assert [f for f in failures if f] == []


def test_results_are_stamped_with_each_corpus_version(stores: Path, rules: RuleSet) -> None:
    names = ("halvorsen.db", "boiler.db", "halvorsen.pack")
    config = ScreenerConfig(corpora_dir=stores, corpora=tuple(Path(n) for n in names))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    try:
        stamps = detector.corpora
        digests = {s.manifest.name: s.manifest.sha256[:16] for s in detector.stores}
    finally:
        detector.close()
    assert sorted(stamps) == ["boilerplate", "halvorsen", "halvorsen-pack"]
    assert stamps["halvorsen"] == f"index/protect sha256:{digests['halvorsen']}"
    assert stamps["boilerplate"].startswith("index/suppress sha256:")
    assert stamps["halvorsen-pack"].startswith("pack/protect sha256:") and " pack:" in stamps["halvorsen-pack"]
    assert all(len(d) == 16 for d in digests.values())


def test_a_verbatim_quote_stays_verbatim_when_only_the_source_side_could_grow(tmp_path: Path, rules: RuleSet) -> None:
    # The source's neighbouring sentences share many terms with the quote; the submission's do not.
    quoted = ("Northgate acknowledges that, as between Northgate and Velora, Velora owns all worldwide right, "
              "title and interest in the Velora Developments.")
    doc = ("Velora grants Northgate a licence to the Velora Marks. Northgate does not acquire any right, title "
           "or interest in the Velora Marks or the goodwill of Velora. " + quoted + " Northgate does not acquire "
           "any right, title or ownership interest in the Velora Developments or in any Velora Marks.")
    (tmp_path / "licence.txt").write_text(doc, encoding="utf-8")
    corpus.build([tmp_path / "licence.txt"], "licences", tmp_path / "licences.db", key=KEY)
    submission = f"When asked how ownership was usually split, I would quote this:\n\n{quoted}\n\nThat was typical."
    detector = build_detector(ScreenerConfig(corpora=(tmp_path / "licences.db",)), rules)
    assert isinstance(detector, FragmentDetector)
    try:
        (f,) = detector.detect(scan_input(submission))
    finally:
        detector.close()
    assert f.rule_id == "FRG501" and f.evidence.similarity == 1.0
    assert f.evidence.source_span is not None
    assert doc[f.evidence.source_span.start : f.evidence.source_span.end].rstrip(".") == quoted.rstrip(".")


def _section_4() -> str:
    """The section 4 passage of the demo wire-exception procedure, reflowed into one line."""
    doc = (DEMO / "demo" / "wire_exception_procedure.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 4. Beneficiary changes") : doc.index("## 5.")]
    return " ".join(section.split("\n", 1)[1].split())


@pytest.mark.parametrize(
    "table",
    [{"o": "0"}, {"e": "3"}, {"a": "4"}, {"i": "1"}, {"s": "5"}, {"s": "$"}, {"a": "@", "s": "$", "i": "!"},
     {"o": "0", "e": "3", "a": "@", "s": "$", "i": "!"}, {"o": "0", "e": "3", "a": "4", "s": "5", "i": "1", "t": "7"},
     {"o": "\u043e", "a": "\u0430", "e": "\u0435"}, {" ": "\u200b "}],
    ids=["o-0", "e-3", "a-4", "i-1", "s-5", "s-dollar", "symbols", "mixed-symbols", "mixed-digits", "cyrillic",
         "zero-width"],
)
def test_look_alike_disguise_of_a_demo_passage_is_found_whole(rules: RuleSet, table: dict[str, str]) -> None:
    passage = _section_4()
    disguised = "".join(table.get(c, c) for c in passage)
    assert disguised != passage
    config = ScreenerConfig(corpora_dir=DEMO, corpora=(Path("demo.db"), Path("boilerplate.db")))
    detector = build_detector(config, rules)
    assert isinstance(detector, FragmentDetector)
    found = list(detector.detect(scan_input(disguised)))
    detector.close()
    assert [f.rule_id for f in found] in (["FRG501"], ["FRG502"])
    (f,) = found
    assert f.evidence.reference == "wire_exception_procedure.md"
    assert f.span.end - f.span.start >= 0.98 * len(disguised)
