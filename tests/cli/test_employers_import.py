"""``screener employers import``: a profile from a CSV or XLSX sheet, each rejected value reported with its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.commands.employers import app
from screener.ruleset.employers import load_profiles
from tests.office_support import xlsx

runner = CliRunner()
HEADERS = ["Legal names", "aliases", "Tickers", "Domains", "hosts", "Codenames", "systems", "Clients",
           "Reference formats", "Favourite colour"]
ROW1 = ["Quillfeather Analytics Ltd", "Quillfeather;Summit", "qfa", "quillfeather.example.com", "intranet",
        "Project Larkspur", "FeatherVault\nInkwell Ledger", "Ostrander Millworks",
        "\\bQFA-[0-9]{6}\\b\nQFA-([0-9]+", "blue"]
ROW2 = ["", "Quillfeather Analytics Ltd;;QFX", "QFAX", "", "*.corp.quillfeather.example.com", "", "", "", "", ""]
REJECTED = [
    ("J1", "unknown column 'Favourite colour'"),
    ("B2 (aliases)", "'Summit' is an ordinary English word"),
    ("C2 (tickers)", "'qfa' is not in capitals"),
    ("E2 (hosts)", "'intranet' has no domain"),
    ("I2 (reference_formats)", "invalid regular expression"),
    ("B3 (aliases)", "duplicate: already in legal_names"),
    ("B3 (aliases)", "empty value between separators"),
    ("B3 (aliases)", "shorter than 4 characters"),
]


def _csv(path: Path) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADERS, ROW1, ROW2])


def _cell(ref: str, value: str) -> str:
    text = value.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' if value else ""


def _xlsx(path: Path) -> None:
    rows = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values)) + "</row>"
        for r, values in enumerate([HEADERS, ROW1, ROW2], 1))
    path.write_bytes(xlsx({"Profile": rows}))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_builds_profile_and_reports_rejections(tmp_path: Path, kind: str) -> None:
    source = tmp_path / f"quill.{kind}"
    (_csv if kind == "csv" else _xlsx)(source)
    out_dir = tmp_path / "profiles"
    out_dir.mkdir()
    out = out_dir / "quillfeather.yaml"
    result = runner.invoke(app, ["import", str(source), "--id", "quillfeather", "--out", str(out)])
    assert result.exit_code == 1, result.output
    for cell, reason in REJECTED:
        assert any(line.startswith(f"rejected {cell}") and reason in line for line in result.stderr.splitlines()), \
            (cell, reason, result.stderr)
    profile = load_profiles(out_dir).get("quillfeather")
    assert profile is not None
    assert profile.display_name == "Quillfeather Analytics Ltd"
    assert profile.aliases == ("Quillfeather",)
    assert profile.tickers == ("QFAX",)
    assert profile.systems == ("FeatherVault", "Inkwell Ledger")
    assert profile.hosts == ("*.corp.quillfeather.example.com",)
    assert [f.regex for f in profile.reference_formats] == ["\\bQFA-[0-9]{6}\\b"]
    assert runner.invoke(app, ["check", str(out)]).exit_code == 0


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("aliases\nQuillfeather\n", "no valid profile: legal_names"),
        ("Legal names\nqfa\n", "no valid profile"),
        ("", "the file is empty"),
    ],
    ids=["no-legal-column", "legal-rejected", "empty-file"],
)
def test_import_without_valid_profile_exit_2(tmp_path: Path, content: str, needle: str) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "bad.yaml"
    result = runner.invoke(app, ["import", str(source), "--id", "bad", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("sheet.xlsx", b"not a zip at all"), ("sheet.ods", b"x"), ("sheet.csv", b"\xff\xfe\x00bad")],
    ids=["corrupt-xlsx", "other-format", "not-utf8"],
)
def test_import_unreadable_file_exit_2(tmp_path: Path, name: str, data: bytes) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    result = runner.invoke(app, ["import", str(source), "--id", "bad"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_import_clean_sheet_exit_0(tmp_path: Path) -> None:
    source = tmp_path / "ok.csv"
    source.write_text("legal_names,e-mail domains\nQuillfeather Analytics Ltd,quillfeather.example.com\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "--id", "quillfeather"])
    assert result.exit_code == 0, result.output
    assert "quillfeather.example.com" in result.stdout
