"""Commands: report, audit verify/show, review accept/dismiss/block, policy show (each sub-app directly)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.commands import audit, policy, report, review
from screener.record.audit import AuditLog
from tests.legal_support import TEXT, person_result, span_of

runner = CliRunner()


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    """A submissions folder, its results file and an audit log of its screening."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.txt").write_text(TEXT, encoding="utf-8")
    sub_id = f"{subs.as_posix()}/a.txt"
    res = person_result(sub_id, expert="EXP-1")
    results = tmp_path / "results.jsonl"
    results.write_text(res.to_json() + "\n", encoding="utf-8")
    with AuditLog(tmp_path / "audit.db") as log:
        log.record(res)
    return {"subs": subs, "results": results, "log": tmp_path / "audit.db", "id": Path(sub_id),
            "out": tmp_path / "report.html"}


def _ok(result: object, code: int = 0) -> str:
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return str(result.output)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "present", "absent"), [
    ([], ["Text not provided"], ["Hallam"]),
    (["--texts", "{subs}"], ["PERSON \u25aa"], ["Hallam", "Text not provided"]),
    (["--texts", "{subs}", "--show-text"], ["Priya Hallam"], ["PERSON \u25aa"]),
    (["--show-source"], ["Text not provided"], ["Hallam"]),
], ids=["positions-only", "masked-text", "show-text", "show-source-without-corpus"])
def test_report(batch: dict[str, Path], args: list[str], present: list[str], absent: list[str]) -> None:
    argv = [str(batch["results"]), "-o", str(batch["out"]), *(a.format(**batch) for a in args)]
    out = _ok(runner.invoke(report.app, argv))
    assert "wrote" in out
    page = batch["out"].read_text(encoding="utf-8")
    for words in present:
        assert words in page
    for words in absent:
        assert words not in page


@pytest.mark.parametrize(("content", "message"), [
    ("not json\n", "not a JSON line"),
    ('{"schema": "other"}\n', "not a screener-result/1 record"),
], ids=["not-json", "wrong-schema"])
def test_report_bad_results_file(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    out = _ok(runner.invoke(report.app, [str(bad), "-o", str(tmp_path / "r.html")]), 2)
    assert message in out
    assert not (tmp_path / "r.html").exists()


def test_audit_verify_intact_then_tampered(batch: dict[str, Path]) -> None:
    out = _ok(runner.invoke(audit.app, ["verify", "-l", str(batch["log"])]))
    assert "head 1:" in out and "chain intact" in out
    db = sqlite3.connect(batch["log"])
    db.execute("DROP TRIGGER entries_no_update")
    db.execute("UPDATE entries SET body = replace(body, 'redact', 'allow')")
    db.commit()
    db.close()
    out = _ok(runner.invoke(audit.app, ["verify", "-l", str(batch["log"])]), 1)
    assert "edited row" in out and "NOT intact" in out


def test_audit_missing_log_is_an_error(tmp_path: Path) -> None:
    out = _ok(runner.invoke(audit.app, ["verify", "-l", str(tmp_path / "none.db")]), 2)
    assert "does not exist" in out
    assert not (tmp_path / "none.db").exists()


def test_audit_show(batch: dict[str, Path]) -> None:
    out = _ok(runner.invoke(audit.app, ["show", str(batch["id"]), "-l", str(batch["log"])]))
    assert "screening" in out and "redact" in out
    entries = json.loads(_ok(runner.invoke(audit.app, ["show", "1", "-l", str(batch["log"]), "--json"])))
    assert entries[0]["seq"] == 1 and entries[0]["body"]["verdict"] == "redact"
    _ok(runner.invoke(audit.app, ["show", "nope", "-l", str(batch["log"])]), 2)


def test_review_dismiss_then_report_shows_who(batch: dict[str, Path]) -> None:
    s, e = span_of(TEXT, "Priya Hallam")
    argv = ["dismiss", str(batch["id"]), "--finding", f"PII101@{s}-{e}", "--scope", "expert", "--texts",
            str(batch["subs"]), "--reason", "the expert's own name", "--reviewer", "dana", "-l", str(batch["log"])]
    assert "recorded: dismissed by dana" in _ok(runner.invoke(review.app, argv))
    _ok(runner.invoke(review.app, ["block", str(batch["id"]), "--reason", "client deal", "--reviewer", "lee",
                                   "-l", str(batch["log"])]))
    _ok(runner.invoke(report.app, [str(batch["results"]), "-o", str(batch["out"]), "--texts", str(batch["subs"]),
                                   "--audit-log", str(batch["log"])]))
    page = batch["out"].read_text(encoding="utf-8")
    assert "dismissed by dana" in page and "expert EXP-1" in page and "blocked by lee" in page
    assert '<span class="badge b-block">block</span>' in page
    assert "Review history" in page
    with AuditLog(batch["log"]) as log:
        assert log.verify().ok and [e.kind for e in log.entries()] == ["screening", "review", "review"]


@pytest.mark.parametrize(("argv", "message"), [
    (["accept", "unknown-id", "--reason", "r", "--reviewer", "x"], "no screening"),
    (["dismiss", "{id}", "--finding", "PII999@0-1", "--reason", "r", "--reviewer", "x"], "has no finding"),
    (["dismiss", "{id}", "--finding", "bogus", "--reason", "r", "--reviewer", "x"], "must look like"),
    (["accept", "{id}", "--reason", " ", "--reviewer", "x"], "needs a reviewer name and a reason"),
], ids=["unknown-submission", "unknown-finding", "bad-finding", "empty-reason"])
def test_review_errors(batch: dict[str, Path], argv: list[str], message: str) -> None:
    argv = [a.format(**batch) for a in argv] + ["-l", str(batch["log"])]
    assert message in _ok(runner.invoke(review.app, argv), 2)


def test_policy_show() -> None:
    out = _ok(runner.invoke(policy.app, ["show", "--employer", "northwind", "-e", "initech"]))
    assert "employer northwind" in out and "industry banking" in out and "unscanned always fails" in out
    assert "employer initech: no policy layer" in out
    body = json.loads(_ok(runner.invoke(policy.app, ["show", "-e", "northwind", "--policy", "strict", "--json"])))
    assert body["layers"] == ["industry:banking", "employer:northwind"] and len(body["digest"]) == 64
    assert body["rules"]["EMP2"]["action"] == "block"


@pytest.mark.parametrize(("argv", "message"), [
    (["show", "--policy", "nonexistent"], "not found"),
    (["show", "-e", "../x"], "must be lower-case"),
], ids=["unknown-policy", "bad-employer-id"])
def test_policy_show_errors(argv: list[str], message: str) -> None:
    assert message in _ok(runner.invoke(policy.app, argv), 2)


def test_policy_list() -> None:
    out = _ok(runner.invoke(policy.app, ["list"]))
    assert "global: default, strict" in out
    assert "industry: banking, consulting, legal" in out
    assert "employer: castellan-quay, hartwell-voss, northwind" in out
