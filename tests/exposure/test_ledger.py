"""The exposure ledger: exactly once, submission-time order, coverage and word thresholds, weak-signal score,
no text in the file. Results are built by hand (synthetic SourceHits and signals) so every figure is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.detect.base import SourceHit
from screener.exposure import EmployerSignal, Exposure, ExposureLedger, ExposurePolicy, apply
from screener.model import Action, Metadata, ScreenResult, Verdict, text_sha256

DOC = 1000  # characters of the protected document


def _result(sid: str, when: str | None, ranges: list[tuple[int, int]] = (), signals: list[tuple[str, str]] = (),
            expert: str = "exp-1", text: str | None = None, verdict: Verdict = Verdict.ALLOW) -> ScreenResult:
    text = text if text is not None else f"synthetic submission {sid}"
    hits = tuple(SourceHit("demo", "memo.md", (0, 10), r, DOC, (r[1] - r[0]) // 5, 0.95) for r in ranges)
    sigs = tuple(EmployerSignal("northwind", field, term, (0, 5)) for field, term in signals)
    extra = {"submitted_at": when} if when is not None else None
    return ScreenResult(sid, verdict, (), (), Metadata.of(expert, extra=extra), text_sha256(text), len(text),
                        exposure=Exposure(hits, sigs))


def _codes(result: ScreenResult) -> list[str]:
    return [d.rule_id for d in result.decisions]


def _note(result: ScreenResult, code: str) -> str:
    return next(d.evidence.note or "" for d in result.decisions if d.rule_id == code)


@pytest.fixture
def ledger(tmp_path: Path) -> ExposureLedger:
    led = ExposureLedger(tmp_path / "exposure.db")
    yield led
    led.close()


COVER = ExposurePolicy(coverage=0.25, words=None, employer_score=None)


def test_pieces_below_threshold_add_up_and_name_earlier(ledger: ExposureLedger) -> None:
    pieces = [_result(f"s{i}", f"2026-01-0{i + 1}T09:00:00Z", [(i * 100, i * 100 + 80)]) for i in range(4)]
    out = apply(ledger, pieces, COVER)
    assert [_codes(r) for r in out] == [[], [], [], ["FRG510"]]  # 8%, 16%, 24%, then 32% > 25%
    note = _note(out[3], "FRG510")
    assert "covered=0.320" in note and "earlier=s0,s1,s2" in note
    assert out[3].verdict is Verdict.FLAG


def test_third_piece_crosses_and_action_block(ledger: ExposureLedger) -> None:
    policy = ExposurePolicy(coverage=0.25, words=None, employer_score=None, action=Action.BLOCK)
    pieces = [_result(f"s{i}", f"2026-01-0{i + 1}", [(i * 100, i * 100 + 100)]) for i in range(3)]
    out = apply(ledger, pieces, policy)
    assert [_codes(r) for r in out] == [[], [], ["FRG510"]]
    assert out[2].verdict is Verdict.BLOCK and "covered=0.300" in _note(out[2], "FRG510")


def test_overlapping_ranges_count_once(ledger: ExposureLedger) -> None:
    same = [_result(f"s{i}", f"2026-01-0{i + 1}", [(0, 200)]) for i in range(5)]
    assert all(_codes(r) == [] for r in apply(ledger, same, COVER))


@pytest.mark.parametrize("words,fires", [(60, False), (50, True), (10, True)], ids=["under", "just-over", "far-over"])
def test_word_threshold(ledger: ExposureLedger, words: int, fires: bool) -> None:
    policy = ExposurePolicy(coverage=None, words=words, employer_score=None)
    # two ranges of 150 chars, 30 words each: 60 words covered
    out = apply(ledger, [_result("a", "2026-01-01", [(0, 150)]), _result("b", "2026-01-02", [(400, 550)])], policy)
    assert ("FRG510" in _codes(out[1])) is fires


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]], ids=["in-order", "reversed", "shuffled"])
def test_submission_time_order_not_input_order(ledger: ExposureLedger, order: list[int]) -> None:
    pieces = [_result(f"s{i}", f"2026-02-0{i + 1}T10:00:00+01:00", [(i * 100, i * 100 + 80)]) for i in range(4)]
    out = {r.submission_id: r for r in apply(ledger, [pieces[i] for i in order], COVER)}
    assert [bool(_codes(out[f"s{i}"])) for i in range(4)] == [False, False, False, True]


@pytest.mark.parametrize("when", ["2026-13-01", "yesterday", "   1st of May"], ids=["bad-month", "word", "prose"])
def test_unreadable_submitted_at_is_unscanned(ledger: ExposureLedger, when: str) -> None:
    (out,) = apply(ledger, [_result("s", when, [(0, 100)])], COVER)
    assert out.verdict is Verdict.UNSCANNED and "submitted_at" in out.reasons[0]
    assert ledger.entries("exp-1") == []


def test_same_submission_twice_counts_once(ledger: ExposureLedger) -> None:
    a = _result("s1", "2026-01-01", [(0, 200)])
    b = _result("s2", "2026-01-02", [(300, 400)])
    apply(ledger, [a, b], COVER)
    out = apply(ledger, [a, a, b], COVER)  # screened again, and twice in one run
    assert len(ledger.entries("exp-1")) == 2
    assert [_codes(r) for r in out] == [[], [], ["FRG510"]]
    assert "earlier=s1;" in _note(out[2], "FRG510")  # s1 named once


def test_resubmission_with_new_text_is_a_new_entry(ledger: ExposureLedger) -> None:
    apply(ledger, [_result("s1", "2026-01-01", [(0, 100)])], COVER)
    apply(ledger, [_result("s1", "2026-01-01", [(0, 100)], text="edited version")], COVER)
    assert len(ledger.entries("exp-1")) == 2


def test_resumed_run_counts_each_once(tmp_path: Path) -> None:
    """A run killed after its first part and started again: the reopened ledger holds each submission once
    and the findings are those of one uninterrupted run."""
    pieces = [_result(f"s{i}", f"2026-03-{i + 1:02d}", [(i * 100, i * 100 + 80)]) for i in range(6)]
    with ExposureLedger(tmp_path / "once.db") as whole:
        expected = [_codes(r) for r in apply(whole, pieces, COVER)]
    with ExposureLedger(tmp_path / "resumed.db") as first:
        apply(first, pieces[:4], COVER)  # the run dies here
    with ExposureLedger(tmp_path / "resumed.db") as again:
        resumed = [_codes(r) for r in apply(again, pieces, COVER)]  # the whole input again
        assert len(again.entries("exp-1")) == 6
    assert resumed == expected


def test_experts_are_separate(ledger: ExposureLedger) -> None:
    pieces = [_result(f"s{i}", f"2026-01-0{i + 1}", [(i * 100, i * 100 + 90)], expert=f"exp-{i}") for i in range(4)]
    assert all(_codes(r) == [] for r in apply(ledger, pieces, COVER))


def test_no_expert_or_unscanned_is_not_counted(ledger: ExposureLedger) -> None:
    anon = _result("a", "2026-01-01", [(0, 900)], expert="")
    bad = _result("b", "2026-01-01", [(0, 900)], verdict=Verdict.UNSCANNED)
    out = apply(ledger, [anon, bad], COVER)
    assert ledger.experts() == [] and out[1].verdict is Verdict.UNSCANNED and _codes(out[0]) == []


SIG = ExposurePolicy(coverage=None, words=None, employer_score=4.0)


@pytest.mark.parametrize("signals,fires", [
    ([("context", "nostro"), ("years", "2019")], False),  # 0.5 + 0.5
    ([("locations", "Harrowgate Quay"), ("deal_types", "covenant-lite refinancing"), ("years", "2019"),
      ("context", "treasury")], True),  # 1.5 + 1.5 + 0.5 + 0.5 = 4
    ([("context", "nostro")] * 9, False),  # the same signal nine times is one signal
], ids=["weak", "reaches-score", "repeated-one"])
def test_weak_signal_score(ledger: ExposureLedger, signals: list[tuple[str, str]], fires: bool) -> None:
    history = [_result(f"s{i}", f"2026-04-{i + 1:02d}", signals=[s]) for i, s in enumerate(signals)]
    out = apply(ledger, history, SIG)
    assert ("EMP290" in _codes(out[-1])) is fires
    assert all("EMP290" not in _codes(r) for r in out[:-1])
    if fires:
        assert "score=4" in _note(out[-1], "EMP290") and "earlier=s0,s1,s2" in _note(out[-1], "EMP290")


def test_weights_from_policy(ledger: ExposureLedger) -> None:
    policy = ExposurePolicy(coverage=None, words=None, employer_score=2.0, weights={"years": 1.0})
    out = apply(ledger, [_result("a", "2026-01-01", signals=[("years", "2017")]),
                         _result("b", "2026-01-02", signals=[("years", "2019")])], policy)
    assert [_codes(r) for r in out] == [[], ["EMP290"]]


def test_reset_stops_counting(ledger: ExposureLedger) -> None:
    pieces = [_result(f"s{i}", f"2026-01-0{i + 1}", [(i * 100, i * 100 + 100)]) for i in range(3)]
    apply(ledger, pieces[:2], COVER)
    assert ledger.reset("exp-1") == 2
    assert _codes(apply(ledger, pieces[2:], COVER)[0]) == []
    assert _codes(apply(ledger, pieces[:2], COVER)[1]) == []  # re-screened after the reset: still not counted


PLANTED = ("Quillfeather", "zanzibar-ledger-7731", "Harrowgate Quay")


def test_no_text_in_the_ledger_file(tmp_path: Path) -> None:
    path = tmp_path / "exposure.db"
    text = f"{PLANTED[0]} wrote about {PLANTED[1]} near {PLANTED[2]}."
    with ExposureLedger(path) as led:
        apply(led, [_result("s1", "2026-01-01", [(0, 100)], signals=[("locations", PLANTED[2])], text=text)], SIG)
        assert led.signals("exp-1")[0].term != PLANTED[2]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # the database and any WAL / journal
    for word in PLANTED:
        for form in (word, word.lower()):
            assert form.encode() not in raw and form.encode("utf-16-le") not in raw


@pytest.mark.parametrize("content", [b"not a database at all, just bytes" * 40, b"SQLite format 3\x00" + b"\xff" * 200],
                         ids=["text-file", "truncated-header"])
def test_not_a_ledger_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    from screener.errors import StoreError

    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(StoreError):
        ExposureLedger(path)


@pytest.mark.parametrize("section,field", [
    ("{coverge: 0.2}", "coverge"),
    ("{coverage: 1.5}", "coverage"),
    ("{action: redact}", "action"),
    ("{weights: {shoe_size: 1.0}}", "weights"),
], ids=["unknown-key", "share-over-one", "action-not-flag-or-block", "unknown-weight"])
def test_policy_exposure_section_is_validated(tmp_path: Path, section: str, field: str) -> None:
    from screener.decide.policy import Policy
    from screener.errors import RuleError

    path = tmp_path / "p.yaml"
    path.write_text(f"schema: screener-policy/1\nname: t\nexposure: {section}\n")
    with pytest.raises(RuleError) as err:
        Policy.load(path)
    assert field in str(err.value) and "p.yaml" in str(err.value)


def test_bundled_policies_load_with_exposure() -> None:
    from screener.decide.policy import Policy

    root = Path(__file__).resolve().parents[2] / "rules" / "policies"
    default = Policy.load(root / "default.yaml")
    assert default.exposure is not None and default.exposure.coverage == 0.10
    assert Policy.load(root / "strict.yaml").digest  # a policy without the section still loads
