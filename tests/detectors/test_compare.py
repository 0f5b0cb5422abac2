"""The public compare API: screener.compare(submission, documents) and build_index(texts or pairs, out)."""

from __future__ import annotations

from pathlib import Path

import pytest

import screener
from screener import FragmentMatch, build_index, compare
from screener.errors import InputError, StoreError
from screener.fingerprint.store import FingerprintStore
from tests.fragments_support import BOILERPLATE, ONBOARDING, PRICING, UNRELATED

PASSAGE = ("The committee agreed that the Aurora desk will quote municipal bonds at a spread of eleven basis "
           "points over the composite curve for orders below two million dollars")
EDITED = (
    "Any exception to those spreads had to be approved by two committee members and logged in the Orchid "
    "pricing register within a single business day, with the client's name and the reason the sales coverage "
    "officer gave."
)


def _words(text: str) -> list[str]:
    return " ".join(text.split()).split()


def test_compare_is_exported_from_the_package() -> None:
    assert screener.compare is compare and screener.build_index is build_index
    assert "FragmentMatch" in screener.__all__


@pytest.mark.parametrize("prefix", [
    pytest.param("", id="plain"),
    pytest.param("Notes\u200b\u200b\u200b\u200b from my old job:\u00ad ", id="invisible-characters-before"),
    pytest.param("The e\ufb03cient o\ufb03ce rule, quoted:   \n\n   ", id="ligatures-and-collapsed-space"),
    pytest.param("\uff28\uff41\uff4c\uff56\uff4f\uff52\uff53\uff45\uff4e said:\r\n", id="fullwidth-and-crlf"),
])
def test_both_sides_are_original_offsets(prefix: str) -> None:
    submission = prefix + PASSAGE + ". That was all."
    (m,) = compare(submission, [("pricing", PRICING)])
    assert isinstance(m, FragmentMatch)
    assert (m.doc_id, m.method, m.rule_id, m.section) == ("pricing", "verbatim", "FRG501",
                                                          "Decision on the Aurora bond desk")
    assert m.similarity == 1.0 and m.words == len(PASSAGE.split())
    got = submission[m.submission_span.start : m.submission_span.end]
    assert _words(got)[:3] == ["The", "committee", "agreed"] and got.rstrip(".").endswith("dollars")
    source = PRICING[m.source_span.start : m.source_span.end]
    assert _words(source)[:3] == ["The", "committee", "agreed"]
    assert "two million" in source


def test_edited_passage_is_reported_as_edited() -> None:
    (m,) = compare(EDITED, [PRICING, ONBOARDING])
    assert (m.doc_id, m.method, m.rule_id, m.section) == ("doc-1", "edited", "FRG502", "Escalation")
    assert 0.3 <= m.similarity < 0.9
    source = PRICING[m.source_span.start : m.source_span.end]
    assert "Any exception" in source and source.endswith("sales coverage officer.")
    got = EDITED[m.submission_span.start : m.submission_span.end]
    assert got.startswith(("Any exception", "exception")) and got.endswith("officer gave.")


def test_every_document_is_examined_and_results_are_sorted() -> None:
    onboarding = ("The onboarding analyst collects two forms of identification from every beneficial owner holding "
                  "more than fifteen percent of the client entity")
    submission = f"{onboarding}. In between, other words. {PASSAGE}."
    found = compare(submission, [("pricing", PRICING), ("onboarding", ONBOARDING)])
    assert [m.doc_id for m in found] == ["onboarding", "pricing"]
    assert found[0].submission_span < found[1].submission_span


@pytest.mark.parametrize("documents", [
    pytest.param([PRICING, ONBOARDING], id="texts"),
    pytest.param([("a", PRICING)], id="pair"),
    pytest.param([], id="no-documents"),
    pytest.param([""], id="empty-document"),
])
def test_own_words_give_nothing(documents: list[str]) -> None:
    assert compare(UNRELATED, documents) == []


def test_boilerplate_in_a_suppression_store_is_not_reported(tmp_path: Path) -> None:
    document = f"{BOILERPLATE}\n{PRICING}"
    submission = f"{BOILERPLATE}\nNothing else here, only my own thoughts on the market today."
    assert [m.method for m in compare(submission, [document])] == ["verbatim"]
    build_index([("disclaimer", BOILERPLATE)], tmp_path / "boiler.db", name="boiler", role="suppress")
    assert compare(submission, [document], suppress=[tmp_path / "boiler.db"]) == []


def test_a_protecting_store_is_refused_as_suppression(tmp_path: Path) -> None:
    build_index([PRICING], tmp_path / "protect.db")
    with pytest.raises(InputError) as err:
        compare(PASSAGE, [PRICING], suppress=[tmp_path / "protect.db"])
    assert err.value.code == "E220"


@pytest.mark.parametrize(("submission", "documents"), [
    pytest.param(PASSAGE, PRICING, id="one-string-not-a-list"),
    pytest.param(PASSAGE, [b"bytes document"], id="bytes-document"),
    pytest.param(PASSAGE, [("a", "b", "c")], id="three-tuple"),
    pytest.param(PASSAGE, [("a", 3)], id="non-string-text"),
    pytest.param(PASSAGE, [("a", PRICING), ("a", ONBOARDING)], id="repeated-id"),
    pytest.param(PASSAGE, [(" ", PRICING)], id="blank-id"),
    pytest.param(PASSAGE.encode(), [PRICING], id="bytes-submission"),
    pytest.param(None, [PRICING], id="none-submission"),
])
def test_bad_input_is_a_coded_error_without_text(submission: object, documents: object) -> None:
    with pytest.raises(InputError) as err:
        compare(submission, documents)  # type: ignore[arg-type]
    assert err.value.code == "E220" and "committee" not in str(err.value).lower()


def test_build_index_from_texts_and_pairs(tmp_path: Path) -> None:
    manifest = build_index([PRICING, ("checklist", ONBOARDING)], tmp_path / "texts.db", name="texts")
    assert (manifest.docs, manifest.kind, manifest.role) == (2, "index", "protect")
    store = FingerprintStore.open(tmp_path / "texts.db")
    try:
        assert sorted(d.ref for d in store.documents().values()) == ["checklist", "doc-1"]
        assert store.verify() == []
    finally:
        store.close()
    with pytest.raises(StoreError) as err:
        build_index([PRICING], tmp_path / "texts.db")
    assert err.value.code == "E414"


def test_build_index_checks_every_document_before_writing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        build_index([PRICING, ("doc-1", ONBOARDING)], tmp_path / "bad.db")
    assert not (tmp_path / "bad.db").exists()
