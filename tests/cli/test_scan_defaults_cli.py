"""scan and batch: defaults screen with every profile and corpus, options narrow them, the summary says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
NAMED = "At Northwind Bank I led Project Kestrel for Harbourline Shipping; staff id NW-E-1042337.\n"


def _scan(tmp_path: Path, text: str, *args: str) -> tuple[int, dict[str, object], str]:
    path = tmp_path / "sub.txt"
    path.write_text(text)
    result = runner.invoke(app, ["scan", str(path), "--format", "jsonl", *args])
    return result.exit_code, json.loads(result.stdout.strip().splitlines()[0]), result.stderr


def test_plain_scan_finds_the_employer_without_a_declared_one(tmp_path: Path) -> None:
    code, record, err = _scan(tmp_path, NAMED)
    findings: list[dict[str, str]] = record["findings"]  # type: ignore[assignment]
    emp = {f["rule_id"] for f in findings if f["category"] == "employer-identifier"}
    assert code == 1 and record["verdict"] == "block" and len(emp) >= 3
    assert "employer profiles: castellan-quay, hartwell-voss, northwind" in err
    assert "corpora: boilerplate, northwind" in err and "OFF" not in err


@pytest.mark.parametrize(
    ("args", "profiles", "off"),
    [
        pytest.param(["--no-corpus"], ["castellan-quay", "hartwell-voss", "northwind"], ["fragments"],
                     id="no-corpus"),
        pytest.param(["-e", "hartwell-voss"], ["hartwell-voss"], [], id="one-employer"),
        pytest.param(["--no-employers", "--no-corpus"], [], ["fragments"], id="nothing-extra"),
        pytest.param(["--all-employers", "--corpus", "demo"], ["castellan-quay", "hartwell-voss", "northwind"], [],
                     id="old-demo-options"),
    ],
)
def test_options_narrow_and_results_say_so(tmp_path: Path, args: list[str], profiles: list[str],
                                           off: list[str], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="screener"):
        _, record, err = _scan(tmp_path, "Plain words.", *args)
    warned = " ".join(r.getMessage() for r in caplog.records)
    sw = record["screened_with"]
    assert list(sw) == ["detectors", "off", "profiles", "corpora"]  # type: ignore[arg-type]
    assert sw["profiles"] == profiles and list(sw["off"]) == off  # type: ignore[index]
    for family in off:
        assert f"detector family {family} is off" in warned and f"OFF {family}" in err


@pytest.mark.parametrize("args", [["--no-corpus", "--corpus", "demo"], ["--no-employers", "-e", "northwind"]],
                         ids=["corpus", "employers"])
def test_contradictory_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "a.txt").write_text("Plain words.")
    result = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), *args])
    assert result.exit_code == 2 and "cannot be combined" in result.output


def test_fragment_quote_is_found_by_default_and_leaves_a_placeholder(tmp_path: Path) -> None:
    quote = next(EXAMPLES.glob("fragment_*verbatim*"), None) or next(EXAMPLES.glob("fragment_*"))
    red = tmp_path / "red"
    result = runner.invoke(app, ["scan", str(quote), "--redacted-dir", str(red), "--format", "jsonl", "-q"])
    record = json.loads(result.stdout)
    assert any(f["category"] == "proprietary-fragment" for f in record["findings"])
    (written,) = red.iterdir()
    assert "<PROPRIETARY_FRAGMENT_1>" in written.read_text()


def test_batch_summary_lists_what_screened(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Plain words.")
    result = runner.invoke(app, ["batch", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), "--no-corpus"])
    assert result.exit_code == 0, result.output
    assert "screened with: detectors pii, pii-rules, employers, markings, secrets" in result.stderr
    assert "OFF fragments: no corpus configured" in result.stderr


TITLED = [
    pytest.param({"id": "t1", "text": "Plain process notes.", "title": "Project Kestrel lessons"}, "Project Kestrel",
                 "employer-identifier", id="codename-in-title"),
    pytest.param({"id": "t2", "text": "Plain process notes.", "author_email": "dana.whitfield@example.com"},
                 "dana.whitfield@example.com", "personal-data", id="email-in-a-field"),
    pytest.param({"id": "t3", "text": "Plain process notes.", "ref": "INC-NWB-104233"}, "INC-NWB-104233",
                 "employer-identifier", id="ticket-in-a-field"),
]


@pytest.mark.parametrize(("record", "secret", "category"), TITLED)
def test_extra_record_fields_are_screened_and_never_copied_out(tmp_path: Path, record: dict[str, str], secret: str,
                                                               category: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    scan = runner.invoke(app, ["scan", str(path), "--format", "jsonl", "-q", "--redacted-dir", str(tmp_path / "red")])
    out = json.loads(scan.stdout)
    assert secret not in scan.stdout and out["metadata"]["extra"] == {}
    assert any(f["category"] == category for f in out["findings"]) and scan.exit_code == 1
    (red,) = (tmp_path / "red").iterdir()
    assert secret not in red.read_text()
    batch = runner.invoke(app, ["batch", str(path), "--out-dir", str(tmp_path / "out"), "--merge",
                                str(tmp_path / "all.jsonl")])
    assert batch.exit_code == 1, batch.output
    assert secret not in (tmp_path / "all.jsonl").read_text()
    assert all(secret not in p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*") if p.is_file())
