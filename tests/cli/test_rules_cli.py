"""``screener rules``: list, show, check and employers, tested against the sub-app directly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.commands.rules import app

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["list", "--rules-dir", str(RULES)], 0, "MRK301"),
        (["list", "--rules-dir", str(RULES), "-c", "secret"], 0, "SEC410"),
        (["show", "sec410", "--rules-dir", str(RULES)], 0, "remedy:"),
        (["show", "EMP201", "--rules-dir", str(RULES)], 0, "employer: legal_names, names, aliases"),
        (["show", "XYZ999", "--rules-dir", str(RULES)], 2, "no rule with code"),
        (["employers", "--rules-dir", str(RULES)], 0, "northwind"),
        (["check", str(ROOT / "no-such-dir")], 2, "does not exist"),
    ],
    ids=["list", "list-category", "show", "show-employer", "show-unknown", "employers", "check-missing-dir"],
)
def test_commands(args: list[str], code: int, needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


MY_PACKS = ("employers.yaml", "markings.yaml", "secrets.yaml")


def test_check_passes_on_the_rule_driven_packs(tmp_path: Path) -> None:
    target = tmp_path / "rules"
    shutil.copytree(RULES / "employers", target / "employers")
    for name in MY_PACKS:
        shutil.copy(RULES / name, target / name)
    result = runner.invoke(app, ["check", str(target), "--fixtures", str(ROOT / "tests" / "rules")])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_malformed_files_report_every_error_with_file_and_line(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    (rules / "broken.yaml").write_text("schema: screener-rules/1\npack: broken\ncategory: secret\nrules:\n"
                                       "  - id: SEC401\n    name: dup\n    kind: regex\n    entity: X\n"
                                       "    patterns: [{name: e, regex: 'a*', score: 0.5}]\n"
                                       "    docs: {what: w, why: w, example: e, remedy: r}\n"
                                       "  - id: BAD1\n    name: x\n    kind: regex\n    entity: X\n"
                                       "    patterns: [{name: p, regex: '(', score: 2}]\n"
                                       "    docs: {what: w, why: w, example: e, remedy: r}\n")
    (rules / "syntax.yaml").write_text("schema: screener-rules/1\npack: [unclosed\n")
    (rules / "employers" / "northwind.yaml").write_text("schema: screener-employer/1\nid: northwind\n")
    result = runner.invoke(app, ["check", str(rules)])
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    for needle in ("secrets.yaml:10: duplicate rule id SEC401", "broken.yaml:9: SEC401: regex matches the empty string",
                   "broken.yaml:11: rules[1].id", "broken.yaml:15: rules[1].patterns[0].score",
                   "syntax.yaml:", "northwind.yaml:1: display_name"):
        assert needle in out, (needle, out)


def test_lint_problems_exit_one_and_name_the_rule(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    text = (rules / "markings.yaml").read_text()
    (rules / "markings.yaml").write_text(text.replace("remedy: Remove the banner and check whether the surrounding "
                                                      "text was copied from privileged advice.", "remedy: TODO later"))
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "some.txt").write_text("# expect: MRK301\nPRIVILEGED & CONFIDENTIAL\n# ok: MRK309\n[***]\n")
    result = runner.invoke(app, ["check", str(rules), "--fixtures", str(fixtures)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "markings.yaml:10: MRK301: docs.remedy is missing or a placeholder" in out
    assert "MRK302: no fixture" in out
    assert "some.txt:3: MRK309 fired on a line marked ok" in out


def test_nothing_is_partially_applied(tmp_path: Path) -> None:
    from screener.errors import RuleError
    from screener.ruleset.loader import load_rules

    rules = _copy_rules(tmp_path)
    (rules / "zz.yaml").write_text("schema: screener-rules/1\npack: zz\ncategory: secret\nrules: 3\n")
    with pytest.raises(RuleError) as info:
        load_rules(sorted(rules.glob("*.yaml")))
    assert [p.split(":")[0].endswith("zz.yaml") for p in info.value.problems] == [True]
