"""Rule selection (select / extend-select / ignore), the keyed baseline file, and the exit policy options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.commands.options import exit_code, selectors
from screener.decide.baseline import Baseline, Entry, hashed_text
from screener.errors import ConfigError
from screener.model import (
    Action,
    Category,
    Decision,
    Evidence,
    Finding,
    Metadata,
    ScreenResult,
    Span,
    Verdict,
)
from screener.ruleset.select import RuleSelection

runner = CliRunner()
TEXT = "Call Dana Whitfield at dana@example.com about Project Kestrel at Northwind Bank.\nCONFIDENTIAL\n"


@pytest.mark.parametrize(("select", "extend", "ignore", "rule", "expected"), [
    (None, (), (), "PII101", True),
    (["EMP"], (), (), "PII101", False),
    (["EMP"], (), (), "EMP205", True),
    (["PII"], ["PII110"], ["PII1"], "PII110", True),   # the longer selector wins
    (["PII"], ["PII110"], ["PII1"], "PII101", False),
    (["PII"], (), ["PII1"], "PII201", True),
    (["PII1"], (), ["PII1"], "PII101", False),          # a tie goes to ignore
    (["ALL"], (), ["SEC"], "SEC401", False),
    (["SEC401"], (), (), "SEC4010", True),              # a prefix, not an exact code
], ids=["default-all", "select-other-category", "select-category", "extend-more-specific", "ignored-sibling",
        "ignore-leaves-rest", "tie-to-ignore", "all-minus-category", "prefix-semantics"])
def test_rule_selection(select: list[str] | None, extend: list[str], ignore: list[str], rule: str,
                        expected: bool) -> None:
    assert RuleSelection.of(select, extend, ignore).selects(rule) is expected


def test_unknown_selector_is_an_error() -> None:
    with pytest.raises(ConfigError, match="PII99"):
        RuleSelection.of(["PII99"]).check(["PII101", "EMP205"])
    RuleSelection.of(["PII1"], ignore=["EMP"]).check(["PII101", "EMP205"])


@pytest.mark.parametrize(("given", "expected"), [
    (None, None), (["EMP,SEC"], ("EMP", "SEC")), (["emp", " pii11 ,"], ("EMP", "PII11")), ([], ()),
], ids=["absent", "comma-list", "lower-case-and-blanks", "empty"])
def test_selector_option_parsing(given: list[str] | None, expected: tuple[str, ...] | None) -> None:
    assert selectors(given) == expected


def _result(verdict: Verdict, *decisions: Decision) -> ScreenResult:
    return ScreenResult("s1", verdict, decisions, (), Metadata(), "0" * 64, len(TEXT))


def _decision(rule: str, start: int, end: int, action: Action = Action.BLOCK) -> Decision:
    finding = Finding(rule, Category.EMPLOYER, Span(start, end), 0.9, Evidence("employers", "term", "X"))
    return Decision(finding, action, "policy")


@pytest.mark.parametrize(("verdicts", "exit_zero", "fail_on", "expected"), [
    ([Verdict.ALLOW], False, None, 0),
    ([Verdict.FLAG], False, None, 1),
    ([Verdict.FLAG], True, None, 0),
    ([Verdict.FLAG], False, Verdict.BLOCK, 0),
    ([Verdict.REDACT], False, Verdict.REDACT, 1),
    ([Verdict.UNSCANNED], False, Verdict.BLOCK, 1),   # unscanned always fails...
    ([Verdict.UNSCANNED], True, None, 0),             # ...unless the run is told to exit zero
], ids=["clean", "policy-fails", "exit-zero", "fail-on-higher", "fail-on-lower", "unscanned-fails", "exit-zero-all"])
def test_exit_policy(verdicts: list[Verdict], exit_zero: bool, fail_on: Verdict | None, expected: int) -> None:
    results = [_result(v) for v in verdicts]
    policy_fails = lambda r: r.verdict.severity >= Verdict.FLAG.severity  # noqa: E731
    assert exit_code(results, policy_fails, exit_zero=exit_zero, fail_on=fail_on) == expected


def test_baseline_apply_matches_by_keyed_hash_not_position() -> None:
    key = bytes(range(32))
    kestrel = (TEXT.index("Project Kestrel"), TEXT.index("Project Kestrel") + len("Project Kestrel"))
    base = Baseline(key, (Entry("s1", "EMP205", hashed_text(key, TEXT, Span(*kestrel)), reason="known"),))
    result = _result(Verdict.BLOCK, _decision("EMP205", *kestrel), _decision("EMP201", 65, 79))
    applied = base.apply(result, TEXT)
    assert [d.action for d in applied.decisions] == [Action.ALLOW, Action.BLOCK]
    assert "in baseline: known" in applied.decisions[0].reason and applied.verdict is Verdict.BLOCK
    moved = "Intro line.\n" + TEXT.replace("Project Kestrel", "project  KESTREL")  # reflowed, other case
    shift = len("Intro line.\n")
    again = _result(Verdict.BLOCK, _decision("EMP205", kestrel[0] + shift, kestrel[1] + shift + 1))
    assert base.apply(again, moved).verdict is Verdict.ALLOW
    other = Baseline(key, (Entry("s2", "EMP205", base.entries[0].hashed_text),))  # another submission's entry
    assert other.apply(result, TEXT) == result
    assert base.apply(_result(Verdict.UNSCANNED), TEXT).verdict is Verdict.UNSCANNED


@pytest.mark.parametrize(("body", "key", "needle"), [
    ("{not json", True, "cannot read baseline"),
    ('{"schema": "other/1"}', True, "not a screener-baseline/1"),
    ('{"schema": "screener-baseline/1", "key_id": "x", "entries": []}', False, "needs its key"),
    ('{"schema": "screener-baseline/1", "key_id": "wrong", "entries": []}', True, "not the key"),
], ids=["not-json", "wrong-schema", "missing-key", "wrong-key"])
def test_bad_baselines_are_config_errors(tmp_path: Path, body: str, key: bool, needle: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(body)
    if key:
        (tmp_path / "b.key").write_text("ab" * 32)
    with pytest.raises(ConfigError, match=needle):
        Baseline.load(path)


@pytest.mark.parametrize("suffix", [".json", ".yaml"], ids=["json", "yaml"])
def test_baseline_create_then_scan_allows_known_findings(tmp_path: Path, suffix: str) -> None:
    sample = tmp_path / "note.txt"
    sample.write_text(TEXT)
    out = tmp_path / f"base{suffix}"
    made = runner.invoke(app, ["baseline", "create", str(sample), "--out", str(out), "-e", "northwind",
                               "--reason", "accepted in review"])
    assert made.exit_code == 0, made.output
    raw = out.read_text()
    assert "Kestrel" not in raw and "Dana" not in raw and "CONFIDENTIAL" not in raw  # never plaintext
    assert (tmp_path / "base.key").is_file()
    loaded = Baseline.load(out)
    assert {e.rule_id[:3] for e in loaded.entries} >= {"EMP", "MRK"}
    before = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--format", "json"])
    after = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--format", "json",
                                "--baseline", str(out)])
    assert before.exit_code == 1 and after.exit_code == 0, after.output
    (record,) = json.loads(after.stdout)
    assert record["verdict"] == "allow" and record["versions"]["baseline"].endswith(f":{len(loaded.entries)}")
    sample.write_text(TEXT + "Also Project Saltmarsh.\n")  # a new finding still reports
    newer = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--baseline", str(out)])
    assert newer.exit_code == 1


def test_scan_select_and_ignore_on_the_command_line(tmp_path: Path) -> None:
    sample = tmp_path / "note.txt"
    sample.write_text(TEXT)
    only = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--format", "json",
                               "--select", "EMP", "--ignore", "EMP201"])
    assert only.exit_code == 1, only.output
    (record,) = json.loads(only.stdout)
    assert {f["rule_id"] for f in record["findings"]} == {"EMP205"}
    assert record["versions"]["selection"] == "select=EMP ignore=EMP201"
    typo = runner.invoke(app, ["scan", str(sample), "-q", "--select", "EMP9"])
    assert typo.exit_code == 2 and "match no loaded rule" in typo.output


def test_reviewed_findings_export_to_a_baseline(tmp_path: Path) -> None:
    from screener.decide.review import FindingRef, ReviewAction, record_review
    from screener.record.audit import AuditLog

    sample = tmp_path / "note.txt"
    sample.write_text(TEXT)
    log_path = tmp_path / "audit.db"
    scanned = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--format", "json",
                                  "--audit-log", str(log_path)])
    (record,) = json.loads(scanned.stdout)
    kestrel = next(f for f in record["findings"] if f["rule_id"] == "EMP205")
    log = AuditLog(log_path)
    record_review(log, ReviewAction.DISMISS, record["id"], "dana", "public codename",
                  finding=FindingRef("EMP205", Span(*kestrel["span"])))
    log.close()
    out = tmp_path / "reviewed.json"
    exported = runner.invoke(app, ["baseline", "export", "--audit-log", str(log_path), "--texts", str(sample),
                                   "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    (entry,) = Baseline.load(out).entries
    assert entry.rule_id == "EMP205" and "public codename" in entry.reason and (entry.line, entry.column) == (1, 47)
    rescan = runner.invoke(app, ["scan", str(sample), "-e", "northwind", "-q", "--format", "json",
                                 "--baseline", str(out)])
    (after,) = json.loads(rescan.stdout)
    assert next(f for f in after["findings"] if f["rule_id"] == "EMP205")["action"] == "allow"
    assert after["verdict"] == "block"  # the other findings were not reviewed
