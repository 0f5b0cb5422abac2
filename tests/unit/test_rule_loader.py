"""Rule files: valid packs load; every problem of every file is reported at once with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import RuleError
from screener.ruleset.loader import load_rules
from screener.ruleset.regex import PatternTimeout, compile_pattern

RULES = Path(__file__).resolve().parents[2] / "rules"

GOOD = """schema: screener-rules/1
pack: extra
category: personal-data
rules:
  - id: PII190
    name: staff-number
    kind: regex
    entity: STAFF_ID
    patterns:
      - {name: staff, regex: 'STF-[0-9]{6}', score: 0.8}
    docs: {what: a staff number, why: identifies a person, example: STF-123456, remedy: remove it}
"""


def test_bundled_rules_load() -> None:
    rules = load_rules(sorted(RULES.glob("*.yaml")))
    assert any(r.id == "PII101" for r in rules.rules)
    assert len(rules.digest) == 64


def test_good_pack(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(GOOD)
    rules = load_rules([tmp_path / "extra.yaml"])
    assert rules.get("PII190") is not None and rules.get("PII999") is None


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = GOOD.replace("id: PII190", "id: EMP190").replace("'STF-[0-9]{6}'", "'(unclosed'") + "surplus: 1\n"
    (tmp_path / "a.yaml").write_text(bad)
    (tmp_path / "b.yaml").write_text("schema: screener-rules/1\npack: b\ncategory: secret\nrules: [\n")
    (tmp_path / "c.yaml").write_text(GOOD.replace("'STF-[0-9]{6}'", "'x*'"))
    (tmp_path / "d.yaml").write_text(GOOD.replace("pack: extra", "pack: dup"))
    with pytest.raises(RuleError) as info:
        load_rules(sorted(tmp_path.glob("*.yaml")))
    problems = info.value.problems
    text = "\n".join(problems)
    assert f"{tmp_path / 'a.yaml'}:12: surplus" in text
    assert "need ids starting PII" in text
    assert f"{tmp_path / 'b.yaml'}:" in text and "YAML syntax" in text
    assert "matches the empty string" in text
    assert "duplicate rule id PII190" in text
    assert info.value.exit_code == 2


def test_missing_docs_field(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(GOOD.replace(", remedy: remove it", ""))
    with pytest.raises(RuleError, match=r"x.yaml:11: rules\[0\].docs.remedy: Field required"):
        load_rules([tmp_path / "x.yaml"])


def test_bounded_regex_engines() -> None:
    assert compile_pattern(r"\bfoo\b").engine == "re2"
    backref = compile_pattern(r"(ab)\1")
    assert backref.engine == "regex"
    assert list(backref.finditer("xxababyy")) == [(2, 6)]
    slow = compile_pattern(r"(?:(a|aa)+)+(?<=b)c", timeout=0.05)
    assert slow.engine == "regex"
    with pytest.raises(PatternTimeout):
        list(slow.finditer("a" * 40 + "d"))
