"""Defaults check everything that is configured, and every result says what screened it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.detect import employers
from screener.engine import Screener
from screener.model import VERDICT_SEVERITY, Category, Metadata, Submission, Verdict

PROFILES = ("northwind", "hartwell-voss", "castellan-quay")

TEXTS = {
    "small-town": "Northwind is a small town.",
    "named-in-full": "At Northwind Bank I led Project Kestrel for Harbourline Shipping.",
    "alias-and-card": "Northwind charged card 4111 1111 1111 1111 for the fee.",
    "card-only": "The fee went on card 4111 1111 1111 1111 last week.",
    "iban-only": "Pay GB82 WEST 1234 5698 7654 32 by Friday.",
    "law-firm": "Hartwell Voss ran Matter Tidewater for Aldermoor Pharmaceuticals.",
    "consultancy": "At Castellan Quay we shipped Project Copperbeech for Tolvern Retail Group.",
    "two-employers": "Before Castellan Quay I was at Hartwells and then at Northwind.",
    "clean": "A plain note about weather and lunch.",
}
DECLARED = {"none": (), "northwind": ("northwind",), "law-firm": ("Hartwell Voss",)}


def _narrowed(engine: Screener, profile: str) -> Screener:
    """The engine with only ``profile`` in force (``--employer profile``), sharing its model and corpora."""
    config = engine.config.model_copy(update={"employers": (profile,), "all_employers": False})
    detectors = [employers.build_detector(config, engine.rules) if d.name == "employers" else d
                 for d in engine.detectors]
    return Screener(config, engine.rules, engine.policy, [d for d in detectors if d is not None], engine.runner)


@pytest.fixture(scope="module")
def narrowed(engine: Screener) -> dict[str, Screener]:
    return {p: _narrowed(engine, p) for p in PROFILES}


def test_a_plain_scan_finds_employer_identifiers_without_a_declared_employer(engine: Screener) -> None:
    result = engine.screen(Submission(id="nw", text=TEXTS["named-in-full"]))
    assert {f.evidence.employer for f in result.findings if f.category is Category.EMPLOYER} == {"northwind"}
    assert result.verdict is Verdict.BLOCK  # the northwind layer applies because its profile matched


def test_the_small_town_is_decided_alike_by_default_and_with_its_employer(engine: Screener,
                                                                          narrowed: dict[str, Screener]) -> None:
    sub = Submission(id="t", text=TEXTS["small-town"])
    assert engine.screen(sub).verdict is narrowed["northwind"].screen(sub).verdict is Verdict.BLOCK


@pytest.mark.parametrize("declared", list(DECLARED), ids=list(DECLARED))
@pytest.mark.parametrize("text", list(TEXTS), ids=list(TEXTS))
def test_every_profile_is_never_weaker_than_one(engine: Screener, narrowed: dict[str, Screener], text: str,
                                                declared: str) -> None:
    sub = Submission(id=text, text=TEXTS[text], metadata=Metadata.of(employers=DECLARED[declared]))
    wide = engine.screen(sub)
    for profile, one in narrowed.items():
        narrow = one.screen(sub)
        assert VERDICT_SEVERITY[wide.verdict] >= VERDICT_SEVERITY[narrow.verdict], (profile, narrow.reasons)
        assert engine.fails(wide) or not one.fails(narrow), profile
        assert {f.rule_id for f in narrow.findings if f.category is Category.EMPLOYER} <= \
            {f.rule_id for f in wide.findings if f.category is Category.EMPLOYER}


def test_from_config_uses_the_bundled_corpora_and_every_profile(engine: Screener) -> None:
    sw = engine.screened_with
    assert sw.detectors == ("pii", "pii-rules", "employers", "markings", "secrets", "fragments", "hidden")
    assert sw.off == ()
    assert sw.profiles == tuple(sorted(PROFILES)) and set(sw.corpora) == {"northwind", "boilerplate"}


def test_results_say_what_screened_them_in_a_fixed_order(engine: Screener) -> None:
    result = engine.screen(Submission(id="d", text="Plain words.", metadata=Metadata.of(employers=["NWB"])))
    out = json.loads(result.to_json())["screened_with"]
    assert list(out) == ["detectors", "off", "profiles", "corpora"]
    assert out["profiles"] == sorted(PROFILES) and out["off"] == {}


@pytest.mark.parametrize(
    ("update", "family", "why"),
    [
        pytest.param({"corpora": ()}, "fragments", "no corpus configured", id="no-corpus"),
        pytest.param({"packs": ("pii", "secrets", "employers")}, "markings", "no rule pack", id="pack-missing"),
        pytest.param({"packs": ("markings", "secrets", "employers")}, "pii", "NLP", id="nlp-off"),
    ],
)
def test_a_family_that_is_off_is_said(engine: Screener, update: dict[str, object], family: str, why: str,
                                      caplog: pytest.LogCaptureFixture) -> None:
    config = engine.config.model_copy(update=update)
    with caplog.at_level("WARNING", logger="screener"):
        small = Screener.from_config(config) if family == "pii" else _rebuilt(engine, config)
    result = small.screen(Submission(id="o", text="Plain words."))
    assert family not in result.screened_with.detectors  # type: ignore[union-attr]
    assert why in dict(result.screened_with.off)[family]  # type: ignore[union-attr]
    assert any(family in r.getMessage() and "is off" in r.getMessage() for r in caplog.records)


def _rebuilt(engine: Screener, config: object) -> Screener:
    """An engine built from ``config`` with the loaded model (no second model load in the test session)."""
    from screener import engine as engine_mod
    from screener.detect import pii
    from screener.ruleset.loader import load_rules

    assert isinstance(config, type(engine.config))
    rules = load_rules(config.rule_files())
    detectors = [d for d in [pii.build_detector(config, rules, engine.runner.nlp if engine.runner else None),
                             *(f(config, rules) for f in engine_mod.detector_factories())] if d is not None]
    return Screener(config, rules, engine.policy, detectors, engine.runner)


def test_no_corpus_and_no_employers_still_screen_declared_ones(engine: Screener) -> None:
    config = engine.config.model_copy(update={"employers": (), "all_employers": False, "corpora": ()})
    small = _rebuilt(engine, config)
    plain = small.screen(Submission(id="a", text=TEXTS["law-firm"]))
    declared = small.screen(Submission(id="b", text=TEXTS["law-firm"],
                                       metadata=Metadata.of(employers=["Hartwell Voss"])))
    assert not any(f.category is Category.EMPLOYER for f in plain.findings)
    assert any(f.category is Category.EMPLOYER for f in declared.findings)
    assert declared.screened_with is not None and declared.screened_with.profiles == ("hartwell-voss",)


def test_report_lists_what_screened_and_what_was_off(engine: Screener, tmp_path: Path) -> None:
    from screener.record.report.html import render_report

    small = _rebuilt(engine, engine.config.model_copy(update={"corpora": ()}))
    page = render_report([small.screen("Plain words.")])
    assert "detectors in force" in page and "castellan-quay, hartwell-voss, northwind" in page
    assert 'class="warn"><b>Off: fragments</b>' in page


def test_screened_with_survives_a_results_file_round_trip(engine: Screener) -> None:
    from screener.record.report.load import result_from_dict

    small = _rebuilt(engine, engine.config.model_copy(update={"corpora": ()}))
    result = small.screen(Submission(id="r", text="Plain words.", metadata=Metadata.of(employers=["NWB"])))
    back = result_from_dict(json.loads(result.to_json()))
    assert back.screened_with == result.screened_with and back.to_json() == result.to_json()
