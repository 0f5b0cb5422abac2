"""Exposure end to end: the engine's side channel (sub-threshold passages, weak signals) into the ledger, the
annotated history in tests/rules/exposure.txt, and the command line (scan, batch, show, reset audited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.exposure import ExposureLedger, ExposurePolicy, apply
from screener.model import Metadata, Submission
from screener.ruleset.fixtures import parse_fixture

HERE = Path(__file__).resolve().parents[1]
FIXTURE = HERE / "rules" / "exposure.txt"
DEMO = Path(__file__).resolve().parents[2] / "corpora" / "demo" / "wire_exception_procedure.md"
POLICY = ExposurePolicy(coverage=0.10, words=None, employer_score=4.0)
runner = CliRunner()


def _history() -> list[Submission]:
    cases, problems = parse_fixture(FIXTURE)
    assert problems == []
    return [Submission(f"case-{c.line}", text=c.text,
                       metadata=Metadata.of("exp-fixture", extra={"submitted_at": f"2026-05-{i + 1:02d}T12:00:00Z"}))
            for i, c in enumerate(cases)]


def test_sub_threshold_passages_reach_the_side_channel(engine) -> None:  # type: ignore[no-untyped-def]
    first = _history()[0]
    result = engine.screen(first)
    assert not any(f.rule_id.startswith("FRG") for f in result.findings)  # below every single-submission rule
    assert result.exposure is not None
    assert [h.reference for h in result.exposure.hits] == ["wire_exception_procedure.md"]
    assert "exposure" not in result.to_dict()  # never serialised


@pytest.mark.parametrize("order", ["file", "reversed"])
def test_annotated_history(engine, tmp_path: Path, order: str) -> None:  # type: ignore[no-untyped-def]
    cases, _ = parse_fixture(FIXTURE)
    subs = _history()
    results = list(engine.screen_many(subs if order == "file" else list(reversed(subs))))
    with ExposureLedger(tmp_path / "exposure.db") as ledger:
        out = {r.submission_id: r for r in apply(ledger, results, POLICY)}
    for case, sub in zip(cases, subs, strict=True):
        codes = {f.rule_id for f in out[sub.id].findings}
        if case.expect:
            assert set(case.codes) <= codes, case.where
        else:
            assert not set(case.codes) & codes, case.where


def _records(path: Path, reverse: bool = False) -> Path:
    words = DEMO.read_text().split()
    rows = [{"id": f"s{i}", "expert_id": "exp-cli", "submitted_at": f"2026-06-{i + 1:02d}T08:00:00Z",
             "text": f"My notes on payments: {' '.join(words[60 + i * 10:70 + i * 10])} That is all."}
            for i in range(6)]
    path.write_text("".join(json.dumps(r) + "\n" for r in (reversed(rows) if reverse else rows)))
    return path


def _policy(path: Path) -> Path:
    path.write_text("schema: screener-policy/1\nname: exposure-test\nfail_on: flag\n"
                    "exposure: {coverage: 0.1, words: null, action: block}\n")
    return path


def test_scan_with_ledger_blocks_the_piece_that_crosses(tmp_path: Path) -> None:
    subs, policy, led = _records(tmp_path / "subs.jsonl", reverse=True), _policy(tmp_path / "p.yaml"), tmp_path / "e.db"
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["scan", str(subs), "--exposure-ledger", str(led), "--policy", str(policy),
                                 "--out", str(out), "-q"])
    assert result.exit_code == 1, result.output
    records = {r["id"].split("#")[1]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["s5"]["verdict"] == "block"
    (frg,) = [f for f in records["s5"]["findings"] if f["rule_id"] == "FRG510"]
    assert "subs.jsonl#s0," in frg["evidence"]["note"] and "covered=0.11" in frg["evidence"]["note"]
    assert all(not any(f["rule_id"] == "FRG510" for f in records[f"s{i}"]["findings"]) for i in range(5))
    again = runner.invoke(app, ["scan", str(subs), "--exposure-ledger", str(led), "--policy", str(policy), "-q"])
    assert again.exit_code == 1
    with ExposureLedger(led) as ledger:
        assert len(ledger.entries("exp-cli")) == 6  # screened twice, counted once


def test_show_and_reset_are_audited(tmp_path: Path) -> None:
    subs, policy, led = _records(tmp_path / "subs.jsonl"), _policy(tmp_path / "p.yaml"), tmp_path / "e.db"
    audit = tmp_path / "audit.db"
    runner.invoke(app, ["scan", str(subs), "--exposure-ledger", str(led), "--policy", str(policy), "-q"])
    shown = runner.invoke(app, ["exposure", "show", "exp-cli", "-e", str(led), "--policy", str(policy), "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert len(data["submissions"]) == 6 and data["documents"][0]["coverage"] > 0.1
    assert data["documents"][0]["steps"][0]["id"].endswith("subs.jsonl#s0")
    no_reason = runner.invoke(app, ["exposure", "reset", "exp-cli", "-e", str(led), "-l", str(audit)])
    assert no_reason.exit_code == 2
    done = runner.invoke(app, ["exposure", "reset", "exp-cli", "--reason", "history reviewed", "-e", str(led),
                               "-l", str(audit), "--by", "reviewer-1"])
    assert done.exit_code == 0, done.output
    from screener.record.audit import AuditLog

    with AuditLog(audit) as log:
        (entry,) = log.entries(subject="exp-cli", kind="exposure-reset")
        assert entry.body["reason"] == "history reviewed" and entry.body["submissions"] == 6
        assert log.verify().ok
    after = json.loads(runner.invoke(app, ["exposure", "show", "exp-cli", "-e", str(led), "--json"]).stdout)
    assert after["submissions"] == [] and after["documents"] == []


@pytest.mark.parametrize("args", [["show", "exp-x"], ["reset", "exp-x", "--reason", "r"]], ids=["show", "reset"])
def test_missing_ledger_is_a_clear_error(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["exposure", *args, "-e", str(tmp_path / "none.db"), "-l", str(tmp_path / "a.db")]
                           if args[0] == "reset" else ["exposure", *args, "-e", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output


def test_show_table_names_documents_and_steps(tmp_path: Path) -> None:
    subs, policy, led = _records(tmp_path / "subs.jsonl"), _policy(tmp_path / "p.yaml"), tmp_path / "e.db"
    runner.invoke(app, ["scan", str(subs), "--exposure-ledger", str(led), "--policy", str(policy), "-q"])
    shown = runner.invoke(app, ["exposure", "show", "exp-cli", "-e", str(led), "--policy", str(policy)])
    assert shown.exit_code == 0 and "6 submissions counted" in shown.output
    assert "northwind" in shown.output and "11." in shown.output  # the corpus, and 11.x% covered
    unknown = runner.invoke(app, ["exposure", "show", "nobody", "-e", str(led)])
    assert unknown.exit_code == 0 and "0 submissions counted" in unknown.output
