"""Fingerprint packs (FRG503): heavily edited passages found from keyed hashes alone, same-topic text and mere
mentions not found, no plaintext in the pack, former pack settings still read; the diagonal runs behind them."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from screener.detect.fragments import FragmentDetector, rules_from
from screener.fingerprint import corpus
from screener.fingerprint.pack_runs import PackParams, passages, runs
from screener.fingerprint.store import FingerprintStore
from screener.model import Finding
from screener.ruleset.loader import load_rules
from tests.fragments_support import KEY, scan_input

RULES_FILE = Path(__file__).resolve().parents[2] / "rules" / "fragments.yaml"

MEMO = """# Brightwater Logistics - Carrier Rate Card Memo

## Fuel surcharge policy

Brightwater charges regional carriers a fuel surcharge indexed to the weekly diesel average published every
Monday, recalculated on the first business day of each month, and capped at eighteen percent of the base
linehaul rate for contracts signed before the spring tender. Carriers that miss three consecutive delivery
windows lose the surcharge cap and are moved to the spot rate schedule until the quarterly review restores them.

## Detention and accessorials

Detention is paid after two free hours at the dock, at forty-five dollars per hour, only when the driver
checked in within thirty minutes of the appointment. Lumper fees are reimbursed against a receipt uploaded
to the Kestrel carrier portal within five days of delivery; later claims are declined without review.
"""

SOP = """BRIGHTWATER LOGISTICS
WAREHOUSE RECEIVING PROCEDURE

1. Dock scheduling
Inbound trailers are booked through the Kestrel portal no later than noon on the day before arrival. A
trailer that arrives more than ninety minutes late is moved to the overflow yard and unloaded after the
scheduled appointments of the day.
"""

# The memo's first passage with about 40 % of its words replaced, dropped or swapped with a neighbour.
HEAVY_EDITS = {
    "fillers-and-swaps": (
        "In short: Brightwater the carriers a surcharge fuel indexed to said applicable diesel published average "
        "every, recalculated on first business such of each certain, and capped eighteen at percent the base "
        "relevant rate for a the spring before tender. That is all I recall."),
    "rewritten": (
        "From memory, Brightwater bills its regional carriers a fuel surcharge pegged to that weekly diesel "
        "average, the one published on Mondays; it is reset on the first working day of the month and held to "
        "eighteen percent of base linehaul for any contract signed before the spring tender."),
    "words-dropped": (
        "Roughly: Brightwater charges carriers a surcharge indexed to the diesel average, recalculated on the "
        "first day of each month, and capped at eighteen percent of the linehaul rate for contracts before the "
        "tender; carriers missing three delivery windows lose the cap and go to spot rates."),
}
NOT_REUSE = {
    "same-topic-fuel": (
        "Fuel surcharges are a normal part of trucking contracts. Most shippers tie them to a published diesel "
        "index and review them every month or quarter. Carriers dislike caps, and shippers dislike open-ended "
        "pass-through, so the negotiation usually lands in between, with penalties for poor delivery performance "
        "and detention paid after a few free hours at the dock."),
    "same-topic-warehouse": (
        "A warehouse receiving procedure usually covers dock scheduling, late trailers and the overflow yard. "
        "Inbound appointments are booked a day ahead through a carrier portal, and a late trailer waits until "
        "the scheduled ones are unloaded."),
    "title-and-sections-named": (
        "I once reviewed the Brightwater Logistics carrier rate card memo, including its fuel surcharge policy "
        "and the detention and accessorials section, for a client."),
}
QUOTE = ("He wrote: Detention is paid after two free hours at the dock, at forty-five dollars per hour, only when "
         "the driver checked in on time.")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("brightwater") / "docs"
    root.mkdir()
    (root / "rate_card_memo.md").write_text(MEMO, encoding="utf-8")
    (root / "warehouse_sop.txt").write_text(SOP, encoding="utf-8")
    return root


def _pack(docs: Path, k: int = corpus.PACK_K, window: int = corpus.PACK_WINDOW) -> Path:
    out = docs.parent / f"brightwater-k{k}-w{window}.pack"
    if not out.exists():
        corpus.fingerprint([docs], "brightwater", out, KEY, expires=date(2999, 1, 1), k=k, window=window)
    return out


def _detect(pack: Path, text: str) -> list[Finding]:
    store = FingerprintStore.open(pack, key=KEY)
    try:
        return list(FragmentDetector([store], rules_from(load_rules([RULES_FILE]))).detect(scan_input(text)))
    finally:
        store.close()


@pytest.mark.parametrize("text", HEAVY_EDITS.values(), ids=HEAVY_EDITS.keys())
def test_heavily_edited_passage_is_found_through_a_pack(docs: Path, text: str) -> None:
    (f,) = _detect(_pack(docs), text)
    ev = f.evidence
    assert (f.rule_id, ev.reference, ev.section, ev.method, ev.source_span) == (
        "FRG503", "rate_card_memo.md", "Fuel surcharge policy", "fingerprint-pack", None)
    assert 0.55 <= (ev.similarity or 0) < 0.9  # edited, not verbatim
    passage = text[f.span.start : f.span.end]
    assert "diesel" in passage and "eighteen" in passage and "recall" not in passage


@pytest.mark.parametrize("text", NOT_REUSE.values(), ids=NOT_REUSE.keys())
def test_same_topic_text_and_mentions_are_not_found(docs: Path, text: str) -> None:
    assert _detect(_pack(docs), text) == []


def test_short_verbatim_quote_is_found_as_near_verbatim(docs: Path) -> None:
    (f,) = _detect(_pack(docs), QUOTE)
    assert (f.rule_id, f.evidence.section, f.evidence.similarity) == ("FRG503", "Detention and accessorials", 1.0)
    assert QUOTE[f.span.start : f.span.end].startswith("Detention is paid")


def test_pack_of_former_settings_is_still_read(docs: Path) -> None:
    """A pack of winnowed 3-term shingles (the former default) opens and finds a pasted paragraph."""
    pack = _pack(docs, k=3, window=4)
    assert FingerprintStore.open(pack, key=KEY).manifest.k == 3
    paragraph = MEMO[MEMO.index("Brightwater charges") : MEMO.index("## Detention")]
    (f,) = _detect(pack, "My notes say:\n" + paragraph)
    assert (f.rule_id, f.evidence.reference, f.evidence.section) == (
        "FRG503", "rate_card_memo.md", "Fuel surcharge policy")


@pytest.mark.parametrize("settings", [{}, {"k": 3, "window": 4}], ids=["default", "winnowed-3-terms"])
def test_pack_holds_no_plaintext(docs: Path, settings: dict[str, int]) -> None:
    """No word of the documents' bodies is in the pack file (section labels are stored by design; the schema
    and the manifest name tables and fields)."""
    pack = _pack(docs, **settings)
    raw = pack.read_bytes().lower()
    with sqlite3.connect(pack) as conn:
        stored = [row[0] for row in conn.execute("SELECT sections FROM docs")]
        stored += [row[0] or "" for row in conn.execute("SELECT sql FROM sqlite_master")]
        stored += [f"{k} {v}" for k, v in conn.execute("SELECT key, value FROM manifest")]
    known = " ".join(stored).lower()
    body = {w for w in re.findall(r"[a-z]{5,}", (MEMO + SOP).lower()) if w not in known}
    assert len(body) > 60
    assert sorted(w for w in body if w.encode() in raw) == []


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        pytest.param([(q, q + 100) for q in range(0, 16, 1)], [(0, 15, 16, 1.0)], id="verbatim-diagonal"),
        pytest.param([(q, q + 100 - (q > 8)) for q in (0, 2, 3, 6, 7, 9, 12, 13, 15)], [(0, 15, 9, 0.75)],
                     id="edited-diagonal-with-a-drop"),
        pytest.param([(0, 5), (3, 80), (6, 40), (9, 120), (12, 10)], [], id="scattered"),
    ],
)
def test_runs_follow_one_diagonal(seeds: list[tuple[int, int]], expected: list[tuple[int, int, int, float]]) -> None:
    prm = PackParams()
    found = runs(seeds, 2, 1, prm)
    kept = passages(found, 2, 1, prm, [30] * len(found))
    assert [(found[i].q0, found[i].q1, found[i].seeds, round(found[i].similarity, 2)) for i in kept] == expected


def test_winnowed_seeds_count_for_their_window() -> None:
    """In a pack winnowed with window 4 one shingle in 2.5 is kept: 6 seeds over 16 positions read as 15/16."""
    found = runs([(q, q + 50) for q in (0, 3, 6, 9, 12, 15)], 3, 4, PackParams())
    assert len(found) == 1 and round(found[0].similarity, 3) == round((15 / 16) ** (1 / 3), 3)


def test_parallel_runs_keep_the_strongest() -> None:
    """A clause repeated in the source gives two diagonals over the same query terms: one passage."""
    strong = [(q, q + 10) for q in range(20)]
    weak = [(q, q + 300) for q in range(0, 20, 3)]
    found = runs(strong + weak, 2, 1, PackParams())
    kept = passages(found, 2, 1, PackParams(), [30] * len(found))
    assert [(found[i].s0, found[i].seeds) for i in kept] == [(10, 20)]


def test_short_passage_must_be_near_verbatim() -> None:
    edited = [(q, q) for q in (0, 1, 3, 5, 6, 8, 10, 11, 13)]  # 9 of 14 positions: similarity 0.80
    found = runs(edited, 2, 1, PackParams())
    assert len(found) == 1 and 0.75 < found[0].similarity < 0.84
    assert passages(found, 2, 1, PackParams(), [24]) == []
    assert passages(found, 2, 1, PackParams(), [25]) == [0]
