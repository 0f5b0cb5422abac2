"""Pairwise results do not depend on what else is in the index.

A submission aligned with one protected document gives the same passages (spans on both sides, similarity,
words) whether the index holds that document alone or also 200 unrelated documents that share its common
phrases: fingerprints held by many documents are not dropped from a pair that shares them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from screener.fingerprint import corpus
from screener.fingerprint.compare import build_index
from screener.fingerprint.match import Matcher, MatchParams
from screener.fingerprint.store import FREQUENT_DOCS
from screener.text.normalize import normalize
from tests.fragments_support import KEY, ONBOARDING, PRICING

COMMON = [
    "Please refer to the quarterly operating review for the full schedule of regional targets",
    "All figures are unaudited and subject to revision by the finance committee at year end",
    "Questions about this procedure should be raised with the regional operations lead",
    "This summary replaces every earlier version circulated to the leadership team",
]
FILLER = ["harbour", "lantern", "meadow", "copper", "orchard", "violet", "timber", "glacier", "saffron", "pebble",
          "ember", "canyon", "willow", "falcon", "quartz", "juniper", "marble", "thistle", "cobalt", "prairie"]
# The protected document: its own passages with the common phrases between them.
DOCUMENT = (f"{COMMON[0]}. {PRICING}\n{COMMON[1]}. {COMMON[2]}.\n{ONBOARDING}\n{COMMON[3]}.")
OWN = "In my own words, a desk quotes bonds against a curve and widens the spread as orders grow."

CASES = {
    "verbatim-passage-with-common-phrases": (
        f"{OWN} {COMMON[0]}. The committee agreed that the Aurora desk will quote municipal bonds at a spread of "
        f"eleven basis points over the composite curve for orders below two million dollars. {COMMON[1]}."
    ),
    "edited-passage-between-common-phrases": (
        f"{COMMON[2]}. Any exception to those spreads had to be approved by two committee members and logged in "
        "the Orchid pricing register within a single business day, with the client's name and the reason the "
        f"sales coverage officer gave. {COMMON[3]}. {OWN}"
    ),
    "short-run-inside-common-phrases": (
        f"{OWN} {COMMON[1]}, and {COMMON[2].lower()}: each new client receives a risk score from one to nine, "
        f"and clients scored seven or above need the approval of the regional compliance lead. {COMMON[3]}."
    ),
    "only-common-phrases-and-one-rare-sentence": (
        f"{COMMON[0]}. {COMMON[1]}. {COMMON[2]}. Trades above ten million dollars are referred to the head of "
        "fixed income before any quote is released to the client."
    ),
}
# The submission shares with the protected document only what the 200 others hold too: in the whole index all
# 201 tie, and the pair is examined when it is among the ``max_candidates`` examined (the documented limit).
ONLY_COMMON = f"{OWN} {COMMON[1]}. {COMMON[2]}. {OWN}"


def _unrelated(n: int) -> str:
    rng = random.Random(n)
    words = " ".join(rng.choice(FILLER) for _ in range(60))
    return f"Unrelated note {n}. {words}. {'. '.join(COMMON)}. {' '.join(rng.sample(FILLER, 12))}."


@pytest.fixture(scope="module", params=["index", "pack"])
def indexes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pairwise")
    if request.param == "index":
        alone, crowded = root / "alone.db", root / "crowded.db"
        build_index([("protected", DOCUMENT)], alone, key=KEY)
        build_index([("protected", DOCUMENT), *((f"note-{n}", _unrelated(n)) for n in range(200))], crowded,
                    key=KEY)
        return alone, crowded
    (root / "one").mkdir()
    (root / "one" / "protected").write_text(DOCUMENT, encoding="utf-8")
    (root / "many").mkdir()
    (root / "many" / "protected").write_text(DOCUMENT, encoding="utf-8")
    for n in range(200):
        (root / "many" / f"note-{n:03d}").write_text(_unrelated(n), encoding="utf-8")
    for name in ("alone", "crowded"):
        (root / f"{name}.key").write_text(KEY.hex(), encoding="ascii")
    corpus.fingerprint([root / "one" / "protected"], "alone", root / "alone.pack", KEY)
    corpus.fingerprint(sorted((root / "many").iterdir()), "crowded", root / "crowded.pack", KEY)
    return root / "alone.pack", root / "crowded.pack"


def _pair(path: Path, text: str, only: bool, params: MatchParams | None = None) -> list[tuple[object, ...]]:
    store = corpus.open_store(path)
    try:
        passages = Matcher([store], params).match(normalize(text), only=frozenset({"protected"}) if only else None)
        return [(p.q_chars, p.s_chars, round(p.similarity, 6), p.words, p.section)
                for p in passages if p.ref == "protected"]
    finally:
        store.close()


def test_the_crowded_index_holds_frequent_fingerprints(indexes: tuple[Path, Path]) -> None:
    store = corpus.open_store(indexes[1])
    try:
        assert len(store.frequent()) >= 10  # the common phrases are in more than FREQUENT_DOCS documents
        assert store.manifest.docs > FREQUENT_DOCS
    finally:
        store.close()


@pytest.mark.parametrize("only", [pytest.param(False, id="whole-index"), pytest.param(True, id="given-pair")])
@pytest.mark.parametrize("case", list(CASES))
def test_a_pair_gives_the_same_passages_with_200_unrelated_documents(
    indexes: tuple[Path, Path], case: str, only: bool,
) -> None:
    text = CASES[case]
    alone = _pair(indexes[0], text, only)
    assert alone, "the pair must share a passage for the comparison to mean something"
    assert _pair(indexes[1], text, only) == alone


@pytest.mark.parametrize(("only", "params"), [
    pytest.param(True, None, id="given-pair"),
    pytest.param(False, MatchParams(max_candidates=300), id="whole-index-all-examined"),
])
def test_a_pair_sharing_only_common_phrases_is_still_found(
    indexes: tuple[Path, Path], only: bool, params: MatchParams | None,
) -> None:
    alone = _pair(indexes[0], ONLY_COMMON, only, params)
    assert alone
    assert _pair(indexes[1], ONLY_COMMON, only, params) == alone
