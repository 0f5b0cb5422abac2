"""Config discovery (screener.toml, [tool.screener]), provenance, and bad config files giving clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.config_files import COMMAND_LINE, DEFAULT, discover, resolve
from screener.errors import ConfigError

runner = CliRunner()


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


@pytest.mark.parametrize(("files", "found"), [
    ({"screener.toml": 'policy = "strict"\n'}, "screener.toml"),
    ({"pyproject.toml": '[tool.screener]\npolicy = "strict"\n'}, "pyproject.toml"),
    ({"screener.toml": 'policy = "strict"\n', "pyproject.toml": '[tool.screener]\npolicy = "default"\n'},
     "screener.toml"),
    ({"a/pyproject.toml": '[project]\nname = "x"\n', "screener.toml": 'policy = "strict"\n'}, "screener.toml"),
    ({"a/screener.toml": 'policy = "strict"\n', "pyproject.toml": '[tool.screener]\npolicy = "default"\n'},
     "a/screener.toml"),
    ({"a/pyproject.toml": "[project\nbroken", "pyproject.toml": '[tool.screener]\npolicy = "strict"\n'},
     "pyproject.toml"),
], ids=["screener-toml", "pyproject-table", "screener-toml-first", "pyproject-without-table-skipped",
        "nearest-wins", "broken-foreign-pyproject-skipped"])
def test_discovery_from_a_subdirectory(tmp_path: Path, files: dict[str, str], found: str) -> None:
    _tree(tmp_path, files)
    (tmp_path / "a" / "b").mkdir(parents=True, exist_ok=True)
    assert discover(tmp_path / "a" / "b") == (tmp_path / found).resolve()


def test_nothing_found_gives_defaults(tmp_path: Path) -> None:
    resolved = resolve(cwd=tmp_path)
    assert resolved.file is None
    assert set(resolved.origins) >= {"policy", "select", "ignore", "baseline"}


def test_origins_and_precedence(tmp_path: Path) -> None:
    _tree(tmp_path, {"screener.toml": 'policy = "strict"\nignore = ["PII11"]\nrules_dir = "myrules"\n'
                                      'corpora = ["local.db", "demo.db"]\n', "local.db": ""})
    resolved = resolve(cwd=tmp_path, policy="default")
    cfg, origins = resolved.config, resolved.origins
    assert cfg.policy == "default" and origins["policy"] == COMMAND_LINE  # the command line wins over the file
    assert cfg.ignore == ("PII11",) and origins["ignore"] == str(tmp_path / "screener.toml")
    assert cfg.rules_dir == tmp_path / "myrules"  # relative to the file, not the working directory
    assert cfg.corpora == (tmp_path / "local.db", Path("demo.db"))  # a bare corpus name stays a name
    assert origins["nlp_model"] == DEFAULT


def test_explicit_config_wins_over_discovery(tmp_path: Path) -> None:
    _tree(tmp_path, {"screener.toml": 'policy = "strict"\n', "other.yaml": "policy: default\nselect: [EMP]\n"})
    resolved = resolve(tmp_path / "other.yaml", cwd=tmp_path)
    assert resolved.file == tmp_path / "other.yaml"
    assert resolved.config.policy == "default" and resolved.config.select == ("EMP",)


@pytest.mark.parametrize(("name", "body", "needle"), [
    ("screener.toml", "policy = \n", "cannot parse config"),
    ("screener.toml", 'polcy = "strict"\n', "polcy"),
    ("screener.toml", 'select = ["XYZ1"]\n', "rule selectors"),
    ("screener.toml", 'select = "EMP"\n', "select"),
    ("pyproject.toml", '[tool.other]\nx = 1\n', "no [tool.screener]"),
    ("c.yaml", "- a\n- b\n", "must be a mapping"),
], ids=["toml-syntax", "unknown-key", "unknown-selector", "selector-not-a-list", "pyproject-without-table",
        "yaml-not-a-mapping"])
def test_bad_config_files_are_clear_errors(tmp_path: Path, name: str, body: str, needle: str) -> None:
    _tree(tmp_path, {name: body})
    with pytest.raises(ConfigError) as info:
        resolve(tmp_path / name, cwd=tmp_path)
    assert needle in str(info.value)
    result = runner.invoke(app, ["config", "show", "--config", str(tmp_path / name)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_config_show_json_names_each_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, {"pyproject.toml": '[tool.screener]\nemployers = ["northwind"]\nredaction_key = '
                                       '"0123456789abcdef0123"\n'})
    (tmp_path / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "deep")
    result = runner.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["file"] == str(tmp_path / "pyproject.toml")
    assert body["settings"]["employers"] == {"value": ["northwind"], "from": str(tmp_path / "pyproject.toml")}
    assert body["settings"]["policy"]["from"] == "default"
    assert "0123456789abcdef0123" not in result.stdout  # a key is never printed


def test_policy_show_and_rules_list_follow_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from screener.config import bundled_dir

    shutil.copytree(bundled_dir("rules"), tmp_path / "myrules")
    (tmp_path / "myrules" / "secrets.yaml").unlink()
    _tree(tmp_path, {"screener.toml": 'policy = "strict"\nrules_dir = "myrules"\n'})
    monkeypatch.chdir(tmp_path)
    shown = runner.invoke(app, ["policy", "show", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["name"] == "strict"
    listed = runner.invoke(app, ["rules", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "MRK301" in listed.stdout and "SEC4" not in listed.stdout
