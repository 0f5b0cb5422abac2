"""The command line: exit codes, output formats, files written, and bad input handled without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_scan_examples_writes_results_and_redacted_copies(tmp_path: Path) -> None:
    out, red = tmp_path / "results.jsonl", tmp_path / "red"
    result = runner.invoke(app, ["scan", str(EXAMPLES), "--out", str(out), "--redacted-dir", str(red), "-q"])
    assert result.exit_code == 1, result.output  # the demo holds personal data: at or above the threshold
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) >= 5 and all(r["schema"] == "screener-result/1" for r in records)
    assert {r["verdict"] for r in records} <= {"allow", "redact", "flag", "block"}
    written = sorted(p.name for p in red.iterdir())
    assert len(written) == len(records)
    banker = next(p for p in red.iterdir() if "banker" in p.name).read_text()
    assert "Marcus Oyelaran" not in banker and "<PERSON_" in banker


def test_jsonl_to_stdout_and_clean_exit(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("A good engagement letter defines the scope and the fee basis.")
    result = runner.invoke(app, ["scan", str(clean), "--format", "jsonl", "-q"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.strip().splitlines()
    assert json.loads(line)["verdict"] == "allow"


def test_json_array_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Plain words only.")
    (tmp_path / "b.txt").write_text("Mail dana@example.com now.")
    result = runner.invoke(app, ["scan", str(tmp_path), "--format", "json", "-q"])
    data = json.loads(result.stdout)
    assert [d["verdict"] for d in data] == ["allow", "redact"] and result.exit_code == 1


def test_bad_inputs_are_unscanned_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "odd.xyz").write_text("hello")
    (tmp_path / "lines.jsonl").write_text('{"text": "Mail dana@example.com"}\n{oops\n')
    (tmp_path / "good.txt").write_text("Just process notes.")
    result = runner.invoke(app, ["scan", str(tmp_path), str(tmp_path / "missing.txt"), "--format", "jsonl"])
    assert result.exit_code == 1
    records = [json.loads(x) for x in result.stdout.strip().splitlines()]
    by_verdict = {r["id"].rsplit("/", 1)[-1]: r["verdict"] for r in records}
    assert by_verdict == {"bin.txt": "unscanned", "empty.txt": "unscanned", "good.txt": "allow",
                          "lines.jsonl#L1": "redact", "lines.jsonl#L2": "unscanned", "odd.xyz": "unscanned",
                          "missing.txt": "unscanned"}
    assert "Traceback" not in result.output


def test_redact_command(tmp_path: Path) -> None:
    src = tmp_path / "note.txt"
    src.write_text("Ask Dana Whitfield at dana.whitfield@example.com.")
    result = runner.invoke(app, ["redact", str(src)])
    assert "dana.whitfield@example.com" not in result.stdout and "<EMAIL_ADDRESS_1>" in result.stdout
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "examples", "--policy", "no-such-policy"], "policy 'no-such-policy' not found"),
        (["scan", "examples", "--model", "no_such_model_pkg"], "E301"),
        (["scan", "examples", "--rules", "/nonexistent/rules"], "does not exist"),
    ],
    ids=["policy", "model", "rules-dir"],
)
def test_configuration_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_malformed_rule_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", rules)
    (rules / "broken.yaml").write_text("schema: screener-rules/1\npack: broken\ncategory: secret\nrules:\n"
                                       "  - id: SEC999\n    kind: regex\n")
    result = runner.invoke(app, ["scan", str(EXAMPLES), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "broken.yaml:5" in result.output and "Traceback" not in result.output


def test_help_explains_options_with_examples() -> None:
    result = runner.invoke(app, ["scan", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--redacted-dir", "--format", "--employer", "--policy", "Example"):
        assert option in result.output


def test_batch_command_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["batch", str(EXAMPLES), "--out-dir", str(out), "--part-size", "2", "--merge", str(out / "all.jsonl")]
    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    from screener.config import ScreenerConfig
    from screener.run.inputs import iter_paths

    expected = [s.id for s in iter_paths([EXAMPLES], ScreenerConfig.load())]
    parts = (len(expected) + 1) // 2
    again = runner.invoke(app, args)
    assert f"{len(expected)} submissions in {parts} parts ({parts} already done)" in again.output
    ids = [json.loads(line)["id"] for line in (out / "all.jsonl").read_text().splitlines()]
    assert ids == expected


def test_batch_on_an_unreachable_dask_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    result = runner.invoke(app, ["batch", str(EXAMPLES), "--out-dir", str(tmp_path / "run"), "--dask", "bogus://x"])
    assert result.exit_code == 2
    assert "E131" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "run").exists() or not list((tmp_path / "run").glob("part-*"))
