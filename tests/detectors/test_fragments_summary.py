"""Summary passages (FRG504): a long protected passage retold in a much shorter one is found as such, and a page on
the same topic is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.detect.fragments import FragmentDetector
from screener.fingerprint.compare import build_index, compare
from screener.fingerprint.match import MatchParams
from screener.fingerprint.sentences import sentence_ranges
from screener.fingerprint.shingle import terms_of
from screener.fingerprint.store import FingerprintStore
from screener.fingerprint.summary import SummaryParams, summaries
from screener.text.normalize import normalize
from tests.fragments_support import KEY, scan_input

BOARD_PAPER = """# Quillfeather Freight - Board Paper on the Tarrow Valley Depot

## Background

Quillfeather Freight runs nine refrigerated depots across the northern counties and delivers chilled
produce for four supermarket chains. The Tarrow Valley depot opened in 2017 with thirty loading bays and a
cold store of eighteen thousand pallet places. Utilisation reached ninety-four percent last winter, and on
eleven days the depot turned away inbound lorries because the cold store was full.

## Proposal

Management proposes to extend the Tarrow Valley cold store by nine thousand pallet places and to add twelve
loading bays on the eastern side of the site. The extension would cost 14.2 million pounds, of which 9.5
million would be borrowed from Larchmont Bank under the existing facility and the rest paid from cash. Work
would start in March and the new chambers would open before the autumn apple harvest.

## Customers

Two of the four supermarket chains, Pellow Stores and Greystone Markets, have agreed to move their
regional consolidation to Tarrow Valley once the extension opens. Together they would add about 310
pallets a day. Pellow Stores has asked for a five-year contract with a break clause after three years,
and Greystone Markets wants dedicated bays between four and eight in the morning.

## Risks

The main risk is the price of electricity: the cold store uses about forty percent of the depot's costs in
energy, and a rise of one penny per kilowatt hour would cut the depot's margin by 0.8 points. The board
paper proposes a fixed-price energy contract for three years with Hollin Power. A second risk is staffing:
the valley has low unemployment, and the depot already pays a premium of six percent over the regional
rate for forklift drivers.

## Recommendation

The board is asked to approve the extension, the borrowing of 9.5 million pounds from Larchmont Bank, the
five-year contract with Pellow Stores and the three-year energy contract with Hollin Power, and to review
progress at its September meeting.
"""

SUMMARIES = {
    "close-summary": (
        'The Tarrow Valley depot of Quillfeather Freight, with a cold store of eighteen thousand pallet '
        'places, was full last winter and turned away inbound lorries. Management proposes to extend the cold '
        'store by nine thousand pallet places and add twelve loading bays for 14.2 million pounds, with 9.5 '
        'million borrowed from Larchmont Bank. Pellow Stores and Greystone Markets would move their '
        'consolidation to the depot. The board is asked to approve the extension, the borrowing and a '
        'three-year energy contract with Hollin Power.'
),
    "reworded-summary": (
        'Quillfeather Freight wants to enlarge its Tarrow Valley cold store, which ran at ninety-four percent '
        'last winter, by nine thousand pallet places and twelve more loading bays. The 14.2 million pounds '
        'would partly be borrowed from Larchmont Bank. Pellow Stores and Greystone Markets agreed to move '
        'their regional consolidation there, adding about 310 pallets a day. Electricity prices are the main '
        'risk, so a fixed-price energy contract with Hollin Power is proposed; forklift drivers are also '
        'scarce in the valley.'
),
}

# The same subject in general terms: none of the paper's names, figures or decisions.
SAME_TOPIC = (
    'Refrigerated depots are expensive to extend. A cold store needs insulated chambers, loading bays and '
    'a lot of energy, so most freight companies borrow from a bank to pay for new pallet places. '
    'Supermarket chains often ask for long contracts with break clauses and dedicated bays in the '
    'morning. The main risks are the price of electricity and the cost of forklift drivers, and a board '
    'usually reviews progress of such a project at a later meeting.'
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FingerprintStore:
    path: Path = tmp_path_factory.mktemp("summary") / "board.db"
    build_index([("board_paper.md", BOARD_PAPER)], path, key=KEY)
    return FingerprintStore.open(path)


@pytest.mark.parametrize("name", list(SUMMARIES))
def test_a_summary_of_a_long_passage_is_frg504_with_the_whole_source_passage(
    store: FingerprintStore, name: str,
) -> None:
    text = SUMMARIES[name]
    (f,) = FragmentDetector([store]).detect(scan_input(text))
    assert (f.rule_id, f.evidence.method, f.evidence.entity) == ("FRG504", "fingerprint-summary", "SUMMARISED_PASSAGE")
    assert f.span.end - f.span.start >= 0.9 * len(text)
    source = f.evidence.source_span
    assert source is not None and source.end - source.start >= 3 * (f.span.end - f.span.start)
    assert source.end - source.start >= 0.8 * len(BOARD_PAPER)  # the summary retells the whole paper
    assert (f.evidence.similarity or 0) >= 0.75


@pytest.mark.parametrize("name", list(SUMMARIES))
def test_without_the_summary_stage_the_summary_is_not_one_passage(store: FingerprintStore, name: str) -> None:
    found = list(FragmentDetector([store], params=MatchParams(summary_ratio=0)).detect(scan_input(SUMMARIES[name])))
    assert all(f.rule_id != "FRG504" for f in found)
    assert all(f.evidence.source_span is None or f.evidence.source_span.end - f.evidence.source_span.start
               < len(BOARD_PAPER) / 2 for f in found)


def test_a_page_on_the_same_topic_is_not_a_summary(store: FingerprintStore) -> None:
    assert list(FragmentDetector([store]).detect(scan_input(SAME_TOPIC))) == []


def test_compare_names_the_method_summary() -> None:
    (m,) = compare(SUMMARIES["reworded-summary"], [("board_paper.md", BOARD_PAPER)])
    assert (m.method, m.rule_id, m.doc_id) == ("summary", "FRG504", "board_paper.md")


@pytest.mark.parametrize(("paragraph", "code"), [
    pytest.param("## Proposal", "FRG501", id="copied-paragraph"),
    pytest.param("## Risks", "FRG501", id="another-copied-paragraph"),
])
def test_a_copied_paragraph_is_not_a_summary(store: FingerprintStore, paragraph: str, code: str) -> None:
    start = BOARD_PAPER.index(paragraph) + len(paragraph)
    text = BOARD_PAPER[start : BOARD_PAPER.index("##", start)].strip()
    assert [f.rule_id for f in FragmentDetector([store]).detect(scan_input(text))] == [code]


def _summaries(query: str, source: str, prm: SummaryParams, seeds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    q, s = normalize(query).text, normalize(source).text
    qt, st = terms_of(q), terms_of(s)
    return [sm.q_terms for sm in summaries(qt, sentence_ranges(q, qt), st, sentence_ranges(s, st), seeds, prm)]


@pytest.mark.parametrize(("ratio", "found"), [
    pytest.param(2.0, True, id="source-three-times-longer"),
    pytest.param(4.0, False, id="source-not-four-times-longer"),
])
def test_the_source_side_must_be_ratio_times_longer(ratio: float, found: bool) -> None:
    query = " ".join(f"alpha{i} beta{i} gamma{i} delta{i} epsilon{i}." for i in range(6))
    source = " ".join(f"alpha{i} beta{i} gamma{i} delta{i} epsilon{i} " + " ".join(f"w{i}x{j}" for j in range(10)) + "."
                      for i in range(6))
    seeds = [(5 * i, 15 * i) for i in range(6)]  # each query sentence seeded at the start of its source sentence
    prm = SummaryParams(ratio=ratio, min_terms=20, min_sentence_share=0.3, min_shared=0.9)
    assert bool(_summaries(query, source, prm, seeds)) is found


@pytest.mark.parametrize(("core_ratio", "found"), [
    pytest.param(0.0, True, id="no-core-bound"),
    pytest.param(1.5, False, id="stray-seeds-only-stretch-the-source"),
])
def test_stray_seeds_far_off_do_not_make_a_summary(core_ratio: float, found: bool) -> None:
    query = " ".join(f"alpha{i} beta{i} gamma{i} delta{i} epsilon{i}." for i in range(10))
    # the same sentences, one after the other, then a long stretch of other words ending in a repeat
    source = query + " " + " ".join(f"filler{j}" for j in range(150)) + " alpha0 beta0 gamma0."
    seeds = [(5 * i, 5 * i) for i in range(10)] + [(0, 200)]  # one stray seed on the repeat
    prm = SummaryParams(ratio=2.0, min_terms=20, min_sentence_share=0.3, min_shared=0.9, core_ratio=core_ratio)
    assert bool(_summaries(query, source, prm, seeds)) is found
