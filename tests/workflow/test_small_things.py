"""--version, '-' for standard input, plain help, corpus info on stdout, category names, positional policy,
plurals, and the batch bar's total."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main
from typer.testing import CliRunner

from cli import app
from screener.commands.progress import count_submissions
from screener.config import ScreenerConfig
from screener.record.report.terminal import plural

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
NOTE = "Call Dana Whitfield at dana@example.com about the audit.\n"


def test_version() -> None:
    from importlib import metadata

    done = runner.invoke(app, ["--version"])
    assert done.exit_code == 0 and done.stdout.strip() == f"screener {metadata.version('screener')}"


@pytest.mark.parametrize(("args", "stdin", "verdicts"), [
    (["-"], NOTE, ["redact"]),
    (["-", str(ROOT / "examples" / "analyst_notes.txt")], NOTE, ["redact", None]),
    (["-"], "", ["unscanned"]),
    (["-"], "\x00\x01\x02" * 40, ["unscanned"]),
    (["-", "-"], NOTE, ["redact", "unscanned"]),
], ids=["text", "stdin-then-file", "empty", "binary", "given-twice"])
def test_dash_reads_standard_input(args: list[str], stdin: str, verdicts: list[str | None]) -> None:
    done = runner.invoke(app, ["scan", *args, "-q", "-f", "json"], input=stdin)
    assert done.exit_code in (0, 1), done.output
    records = json.loads(done.stdout)
    assert len(records) == len(verdicts)
    assert records[0]["id"] == "stdin"
    for record, verdict in zip(records, verdicts, strict=True):
        if verdict is not None:
            assert record["verdict"] == verdict, record["reasons"]
    assert len({r["id"] for r in records}) == len(records)  # never two results under one id


def test_stdin_over_the_size_limit_is_unscanned(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("max_bytes: 20\n")
    done = runner.invoke(app, ["scan", "-", "-q", "-f", "json", "--config", str(config)], input=NOTE)
    (record,) = json.loads(done.stdout)
    assert done.exit_code == 1 and record["verdict"] == "unscanned" and "exceeds" in record["reasons"][0]


def test_redact_reads_standard_input() -> None:
    done = runner.invoke(app, ["redact", "-"], input=NOTE)
    assert done.exit_code == 1 and "<PERSON_1>" in done.stdout and "Dana" not in done.stdout
    assert "redact: 2 findings" in done.stderr


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subs = getattr(command, "commands", None)
    if not subs:
        return [path]
    return [p for name, sub in sorted(subs.items()) for p in _commands(sub, (*path, name))]


def test_help_has_no_type_placeholders_on_flags_or_braces_in_usage() -> None:
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20 and ("scan",) in commands
    for path in commands:
        done = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert done.exit_code == 0, path
        usage = next(line for line in done.stdout.splitlines() if "Usage:" in line)
        assert "{" not in usage and "<bool>" not in done.stdout, (path, usage)
        options = done.stdout.split("Options", 1)[-1]
        assert "<list[" not in options, path  # a repeatable option shows its element type
    scan = runner.invoke(app, ["scan", "--help"], env={"COLUMNS": "200"}).stdout
    assert "Usage: screener scan [OPTIONS] PATHS..." in scan


def test_corpus_info_table_goes_to_stdout() -> None:
    done = runner.invoke(app, ["corpus", "info", str(ROOT / "corpora" / "demo.db")])
    assert done.exit_code == 0
    assert "northwind" in done.stdout and "credit_memo_harbor_point" in done.stdout
    assert "credit_memo_harbor_point" not in done.stderr


@pytest.mark.parametrize("name", ["marking", "MRK", "confidentiality-marking", "Marking", "mrk"],
                         ids=["word", "code", "value", "capitalised", "code-lower"])
def test_rules_list_accepts_short_category_names(name: str) -> None:
    done = runner.invoke(app, ["rules", "list", "-c", name], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    codes = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("│ ") and line.split()[1][:3]
             in ("PII", "EMP", "MRK", "SEC", "FRG")}
    assert codes and all(c.startswith("MRK") for c in codes)


@pytest.mark.parametrize("name", ["markings", "nope", "PII1"], ids=["plural", "unknown", "rule-code"])
def test_rules_list_unknown_category_is_an_error(name: str) -> None:
    done = runner.invoke(app, ["rules", "list", "-c", name])
    assert done.exit_code == 2 and "unknown category" in done.output


def test_policy_show_takes_a_positional_name() -> None:
    positional = runner.invoke(app, ["policy", "show", "strict", "--json"])
    option = runner.invoke(app, ["policy", "show", "--policy", "strict", "--json"])
    assert positional.exit_code == 0 and json.loads(positional.stdout) == json.loads(option.stdout)
    assert json.loads(positional.stdout)["name"] == "strict"
    clash = runner.invoke(app, ["policy", "show", "strict", "--policy", "default"])
    assert clash.exit_code == 2


@pytest.mark.parametrize(("count", "noun", "many", "expected"), [
    (1, "submission", None, "1 submission"), (0, "submission", None, "0 submissions"),
    (2, "finding", None, "2 findings"), (1, "entry", "entries", "1 entry"), (3, "entry", "entries", "3 entries"),
], ids=["one", "zero", "many", "irregular-one", "irregular-many"])
def test_plural(count: int, noun: str, many: str | None, expected: str) -> None:
    assert plural(count, noun, many) == expected


def test_summary_says_one_submission() -> None:
    done = runner.invoke(app, ["scan", str(ROOT / "examples" / "analyst_notes.txt")])
    assert "(1 submission," in done.stderr.replace("\n", " ")


def test_batch_total_counts_every_submission(tmp_path: Path) -> None:
    cfg = ScreenerConfig.load()
    out = tmp_path / "run"
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "a.jsonl").write_text('{"id": "r1", "text": "x y z"}\n{broken\n{"id": "r2", "text": "a"}\n')
    (tmp_path / "b.txt").write_text("note")
    (tmp_path / "empty").mkdir()
    paths: list[Any] = [tmp_path, tmp_path / "missing.txt", tmp_path / "empty"]
    total = count_submissions(paths, cfg)
    done = runner.invoke(app, ["batch", *map(str, paths), "--out-dir", str(out)])
    assert f"{total} submissions in" in done.stderr and total == 6


@pytest.mark.parametrize(("args", "code"), [(["--json"], 0), (["--json", "--format", "json"], 0),
                                            (["--json", "--format", "csv"], 2)],
                         ids=["json-flag", "both-agree", "both-disagree"])
def test_scan_json_flag_is_format_json(args: list[str], code: int) -> None:
    done = runner.invoke(app, ["scan", str(ROOT / "examples" / "analyst_notes.txt"), "-q", *args, "--exit-zero"])
    assert done.exit_code == code, done.output
    if code == 0:
        assert json.loads(done.stdout)[0]["schema"] == "screener-result/1"


def test_interrupt_exits_130_without_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from screener.engine import Screener

    def interrupted(self: Screener, items: Any, batch_size: int | None = None, **kwargs: Any) -> Any:
        raise KeyboardInterrupt
        yield  # a generator, like the real one

    monkeypatch.setattr(Screener, "screen_many", interrupted)
    out = tmp_path / "results.jsonl"
    done = runner.invoke(app, ["scan", str(ROOT / "examples" / "analyst_notes.txt"), "-q", "--out", str(out)])
    assert done.exit_code == 130 and "Traceback" not in done.output
    assert not out.exists()  # nothing half-written
