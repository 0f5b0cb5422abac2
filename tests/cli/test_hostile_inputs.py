"""Hostile inputs through the command line: each is that submission's UNSCANNED (or screened) result, never the
run's exit 3, and every writer (--out, --audit-log, --redacted-dir, stdout, batch parts) takes it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.safe_text import file_name

runner = CliRunner()
DEEP = 100_000


def _hostile_dir(tmp: Path) -> dict[str, str]:
    """Files of every kind in the issue, and a few more of each kind; returns file name -> expected verdict."""
    d = tmp / "in"
    d.mkdir()
    (d / "deep.json").write_text("[" * DEEP + "]" * DEEP)
    (d / "deep_obj.json").write_text('{"a":' * DEEP + "1" + "}" * DEEP)
    (d / "deep.jsonl").write_text('{"id": "ok", "text": "Write to ana@example.com."}\n'
                                  + "[" * DEEP + "]" * DEEP + "\n"
                                  + '{"id": "n\\ud800", "expert_id": "e\\udfff", "text": "Plain words."}\n')
    (d / "surrogates.jsonl").write_text('{"id": "\\udc80x", "text": "Mail \\ud800 jo@example.com"}\n')
    latin1 = os.fsdecode(b"caf\xe9 memo.txt")
    (d / latin1).write_text("Call Dana Whitfield about it.")
    (d / "clean.txt").write_text("A plain note about engagement letters.")
    return {"deep.json": "unscanned", "deep_obj.json": "unscanned", "clean.txt": "allow"}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "terminal"])
def test_hostile_files_each_get_a_result_and_every_writer_takes_them(tmp_path: Path, fmt: str) -> None:
    _hostile_dir(tmp_path)
    out, log, red = tmp_path / "r.jsonl", tmp_path / "audit.db", tmp_path / "red"
    result = runner.invoke(app, ["scan", str(tmp_path / "in"), "--out", str(out), "--audit-log", str(log),
                                 "--redacted-dir", str(red), "--format", fmt, "-q"])
    assert result.exit_code == 1, result.output  # findings and unscanned ones: the policy fails the run
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"].rsplit("/", 1)[-1]: r for r in records}
    assert by_id["deep.json"]["reasons"][0] == "malformed JSON (RecursionError)"
    assert by_id["deep_obj.json"]["reasons"][0] == "malformed JSON (RecursionError)"
    assert by_id["deep.jsonl#L2"]["reasons"][0] == "malformed JSONL line 2 (RecursionError)"
    assert by_id["deep.jsonl#ok"]["verdict"] == "redact"
    assert by_id["deep.jsonl#n\\ud800"]["metadata"]["expert_id"] == "e\\udfff"
    assert by_id["surrogates.jsonl#\\x80x"]["verdict"] == "redact"
    assert by_id["caf\\xe9 memo.txt"]["verdict"] == "redact"
    assert len(records) == 8
    from screener.record.audit import AuditLog

    with AuditLog(log) as audit:
        assert audit.verify().ok and len(audit.entries()) == 8
    if fmt != "terminal":
        assert "\\xe9" in result.stdout


def test_batch_takes_ids_that_are_not_utf8(tmp_path: Path) -> None:
    _hostile_dir(tmp_path)
    out = tmp_path / "run"
    argv = ["batch", str(tmp_path / "in"), "--out-dir", str(out), "--part-size", "3", "--merge",
            str(tmp_path / "m.jsonl")]
    first = runner.invoke(app, argv)
    assert first.exit_code == 1, first.output
    again = runner.invoke(app, argv)
    assert again.exit_code == 1 and "(3 already done)" in again.output, again.output
    ids = [json.loads(line)["id"] for line in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 8


@pytest.mark.parametrize("sub_id", [
    "[/]", "[link=https://example.com/x]click[/link]", "[bold]loud[/bold]", "\x1b[2K\x1b[1Aerased",
    "\x1b]0;title\x07", "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\", "a\rb\x08c", "rtl\u202eevil",
], ids=["close-tag", "link", "bold", "erase-line", "window-title", "osc8-hyperlink", "cr-backspace", "bidi"])
def test_ids_print_as_written_never_as_markup_or_escapes(tmp_path: Path, sub_id: str) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": sub_id, "text": "Mail ana@example.com."}) + "\n")
    result = runner.invoke(app, ["scan", str(records), "--details"])
    assert result.exit_code == 1, result.output
    shown = result.stdout + result.stderr
    assert not any(c in shown for c in "\x1b\x07\x08\r\u202e"), "no control character reaches the terminal"
    if sub_id.startswith("["):
        assert sub_id.split("]")[0] + "]" in shown.replace("\n", "").replace("│", "").replace(" ", "")


@pytest.mark.parametrize("names", [
    ["x y.txt", "x;y.txt", "x_y.txt"],
    ["x/y.txt", "x__y.txt", "x_2Fy.txt"],
    ["a.txt", "A.txt", ".a.txt", "_2Ea.txt"],
], ids=["space-semicolon-underscore", "slash-double-underscore-escape", "case-and-leading-dot"])
def test_redacted_copy_names_never_collide(tmp_path: Path, names: list[str]) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps({"id": n, "text": f"Note {i}: mail ana{i}@example.com."}) + "\n"
                               for i, n in enumerate(names)))
    red = tmp_path / "red"
    result = runner.invoke(app, ["scan", str(records), "--redacted-dir", str(red), "-q"])
    assert result.exit_code == 1, result.output
    assert len(list(red.iterdir())) == len(names)
    for i, name in enumerate(names):  # each file holds its own submission's text, under its own name
        copy = red / f"{file_name(f'{records.as_posix()}#{name}')}.redacted.txt"
        assert copy.read_text() == f"Note {i}: mail <EMAIL_ADDRESS_1>."


@pytest.mark.parametrize(("content", "message"), [
    (b"[" * 100_000 + b"]" * 100_000 + b"\n", "bad.jsonl:1: not a JSON line (RecursionError)"),
    (b'{"schema": "screener-result/1", "id": "caf\xe9"}\n', "cannot read results file"),
    (b'{"a": NaN' + b"}" * 3 + b"\n", "bad.jsonl:1: not a JSON line (JSONDecodeError)"),
], ids=["nested-100000", "not-utf8", "broken-json"])
def test_report_refuses_a_hostile_results_file(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
