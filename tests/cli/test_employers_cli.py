"""``screener employers new`` and ``check``: a template that loads and lints clean; each lint problem reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.commands.employers import app
from screener.ruleset.employers import load_profiles

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
HEAD = "schema: screener-employer/1\nid: {id}\nlegal_names:\n  - Quillfeather Analytics Ltd\n"


def test_new_template_loads_and_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "brackenridge.yaml"
    made = runner.invoke(app, ["new", "brackenridge", "--out", str(out)])
    assert made.exit_code == 0, made.output
    text = out.read_text(encoding="utf-8")
    from screener.ruleset.employers import EmployerProfile

    for name in EmployerProfile.model_fields:  # every field is in the template, each with a comment above
        key = "schema" if name == "schema_" else name
        assert f"\n{key}:" in text, key
        before = text.split(f"\n{key}:")[0].rstrip().splitlines()[-1]
        assert before.lstrip().startswith("#"), key
    profile = load_profiles(tmp_path).get("brackenridge")
    assert profile is not None and profile.abbreviations == ("BRV",)
    checked = runner.invoke(app, ["check", str(out)])
    assert checked.exit_code == 0, checked.output


def test_new_refuses_bad_id_and_existing_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["new", "Bad Id"]).exit_code == 2
    out = tmp_path / "x.yaml"
    out.write_text("keep\n", encoding="utf-8")
    again = runner.invoke(app, ["new", "x", "--out", str(out)])
    assert again.exit_code == 2 and out.read_text(encoding="utf-8") == "keep\n"


def test_bundled_profiles_check_clean() -> None:
    result = runner.invoke(app, ["check", str(ROOT / "rules" / "employers")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "line", "needle"),
    [
        ("aliases:\n  - Summit\n", 6, "aliases: 'Summit' is an ordinary English word"),
        ("systems:\n  - Management Portal\n", 6, "systems: 'Management Portal' is made of ordinary English words"),
        ("aliases:\n  - Everything\n", 6, "aliases: 'Everything' is an ordinary English word"),
        ("abbreviations:\n  - qfa\n", 6, "abbreviations: 'qfa' is not in capitals"),
        ("tickers:\n  - Qfax\n", 6, "tickers: 'Qfax' is not in capitals"),
        ("hosts:\n  - intranet\n", 6, "hosts: 'intranet' has no domain"),
        ("email_domains:\n  - quillfeather\n", 6, "email_domains: 'quillfeather' has no domain"),
        ("aliases:\n  - Quillfeather Analytics Ltd\n", 6, "is also in legal_names"),
        ("names:\n  - Quillfeather\nclients:\n  - quillfeather\n", 8, "clients: 'quillfeather' is also in names"),
        ("reference_formats:\n  - name: ticket\n    regex: 'QFA-([0-9]+'\n", 6, "invalid regular expression"),
        ("reference_formats:\n  - name: ticket\n    regex: '[0-9]*'\n", 6, "matches the empty string"),
    ],
    ids=["word", "words", "stop-word", "lower-abbrev", "mixed-ticker", "host-no-dot", "domain-no-dot",
         "dup-legal", "dup-case", "bad-regex", "empty-regex"],
)
def test_check_reports_problem(tmp_path: Path, extra: str, line: int, needle: str) -> None:
    f = tmp_path / "quillfeather.yaml"
    f.write_text(HEAD.format(id="quillfeather") + extra, encoding="utf-8")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert f"{f}:{line}: " in result.stdout and needle in result.stdout


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("schema: screener-employer/1\nid: q\ndomains:\n  - q.example.com\n", "did you mean email_domains"),
        ("schema: screener-employer/1\nid: q\nlegal_names: [Quillfeather Ltd\n", "YAML syntax"),
        ("schema: screener-employer/1\nid: q\nlegal_names: []\n", "legal_names"),
    ],
    ids=["synonym-key", "yaml-syntax", "no-legal-name"],
)
def test_check_invalid_file_exit_2(tmp_path: Path, body: str, needle: str) -> None:
    f = tmp_path / "q.yaml"
    f.write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["check", str(f)])
    assert result.exit_code == 2, result.output
    assert needle in result.stdout
    assert "Traceback" not in result.output


def test_check_id_must_match_file_name(tmp_path: Path) -> None:
    f = tmp_path / "other.yaml"
    f.write_text(HEAD.format(id="quillfeather"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(f)])
    assert result.exit_code == 1 and "must match the file name" in result.stdout


def test_every_field_documented() -> None:
    from screener.ruleset.employers import EmployerProfile

    doc = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    for name in EmployerProfile.model_fields:
        key = "schema" if name == "schema_" else name
        assert f"`{key}`" in doc, key
