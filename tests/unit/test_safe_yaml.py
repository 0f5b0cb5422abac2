"""Configuration bombs are refused: every YAML the tool reads goes through one bounded loader, and a refusal is
a configuration error (exit code 2) naming the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from screener import safe_yaml
from screener.config import ScreenerConfig

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The nine-level "billion laughs": ``a: &a [x, ...]``, ``b: &b [*a, ...]``, ... (width ** levels leaves)."""
    names = "abcdefghijklmnop"
    lines = [f"{names[0]}: &{names[0]} [{', '.join(['x'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [{', '.join([f'*{names[i - 1]}'] * width)}]")
    return "\n".join(lines) + "\n"


HEADERS = {  # a valid start of each kind of file, so the refusal's line is not simply 1
    "rule-pack": "schema: screener-rules/1\ncategory: secret\n",
    "policy": "schema: screener-policy/1\nname: bomb\n",
    "policy-layer": "schema: screener-policy-layer/1\nname: bomb\n",
    "employer-profile": "schema: screener-employer/1\nid: bomb\n",
    "config": "nlp_batch_size: 8\n",
    "baseline": "schema: screener-baseline/1\nkey_id: x\n",
}


def _rules_copy(tmp: Path) -> Path:
    rules = tmp / "rules"
    shutil.copytree(ROOT / "rules", rules)
    return rules


def _place(kind: str, tmp: Path, text: str) -> list[str]:
    """Write the file of ``kind`` holding ``text``; return the command line that reads it."""
    rules = _rules_copy(tmp)
    if kind == "rule-pack":
        (rules / "bomb.yaml").write_text(text)
        return ["rules", "list", "--rules-dir", str(rules)]
    if kind == "policy":
        (rules / "policies" / "bomb.yaml").write_text(text)
        return ["policy", "show", "--rules", str(rules), "--policy", "bomb"]
    if kind == "policy-layer":
        (rules / "policies" / "employers" / "bomb.yaml").write_text(text)
        return ["policy", "show", "--rules", str(rules), "--employer", "bomb"]
    if kind == "employer-profile":
        (rules / "employers" / "bomb.yaml").write_text(text)
        return ["rules", "employers", "--rules-dir", str(rules)]
    if kind == "baseline":
        baseline = tmp / "baseline.yaml"
        baseline.write_text(text)
        return ["scan", str(baseline), "--baseline", str(baseline), "-q", "--rules", str(rules)]
    config = tmp / "config.yaml"
    config.write_text(text)
    return ["scan", str(config), "--config", str(config), "-q"]


@pytest.mark.parametrize("kind", list(HEADERS), ids=list(HEADERS))
def test_alias_bomb_is_refused_with_file_and_line(kind: str, tmp_path: Path) -> None:
    argv = _place(kind, tmp_path, HEADERS[kind] + "bomb:\n" + "".join("  " + line + "\n" for line in
                                                                       alias_bomb().splitlines()))
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    line = HEADERS[kind].count("\n") + 2  # the header, then "bomb:", then the first anchor
    assert any(f"{name}.yaml:{line}:" in message for name in ("bomb", "config", "baseline")), message
    assert "anchor &a refused" in message


@pytest.mark.parametrize(("text", "problem", "line"), [
    (alias_bomb(), "anchor &a refused", 1),
    ("a: 1\nb: *nowhere\n", "alias *nowhere refused", 2),
    ("base: &base {x: 1}\nderived:\n  <<: *base\n", "anchor &base refused", 1),
    ("x: " + "[" * 100_000 + "]" * 100_000 + "\n", "nesting deeper than", 1),
    ("k:\n" + "".join(f"  - {i}\n" for i in range(safe_yaml.MAX_NODES + 5)), "more than", None),
], ids=["nine-level-bomb", "alias", "merge-key", "deep-nesting", "node-count"])
def test_loader_refuses(text: str, problem: str, line: int | None) -> None:
    with pytest.raises(safe_yaml.UnsafeYaml) as caught:
        safe_yaml.load_text(text)
    assert problem in safe_yaml.problem_of(caught.value)
    if line is not None:
        assert safe_yaml.line_of(caught.value) == line


def test_loader_reads_what_the_tool_ships() -> None:
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        data = safe_yaml.load_file(path)
        assert data == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_config_bomb_is_a_config_error(tmp_path: Path) -> None:
    from screener.errors import ConfigError

    bad = tmp_path / "c.yaml"
    bad.write_text(alias_bomb())
    with pytest.raises(ConfigError, match=r"c\.yaml:1: config refused: anchor &a refused"):
        ScreenerConfig.load(bad)


@pytest.mark.parametrize("kind", ["rule-pack", "config"])
def test_a_fifo_in_place_of_a_yaml_file_is_refused_not_read(kind: str, tmp_path: Path) -> None:
    import os

    rules = _rules_copy(tmp_path)
    target = rules / "fifo.yaml" if kind == "rule-pack" else tmp_path / "config.yaml"
    os.mkfifo(target)  # a blocking read would never return
    argv = (["rules", "list", "--rules-dir", str(rules)] if kind == "rule-pack"
            else ["scan", str(tmp_path), "--config", str(target)])
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert "OSError" in result.output
