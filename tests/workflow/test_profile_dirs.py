"""Own employer profiles beside the bundled ones: ``--profiles DIR``, ``profiles_dirs`` and profile objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.config import ScreenerConfig
from screener.config_files import resolve
from screener.engine import Screener
from screener.errors import ConfigError, RuleError
from screener.ruleset.employers import EmployerProfile, load_configured

runner = CliRunner()
TEXT = "At Quillfeather Analytics we kept deal notes in FeatherVault for a year.\n"
PROFILE = """schema: screener-employer/1
id: {id}
legal_names:
  - Quillfeather Analytics Ltd
aliases:
  - Quillfeather Analytics
systems:
  - FeatherVault
"""


def _dir(root: Path, name: str, pid: str = "quillfeather") -> Path:
    d = root / name
    d.mkdir()
    (d / f"{pid}.yaml").write_text(PROFILE.format(id=pid), encoding="utf-8")
    return d


def test_display_name_defaults_to_first_legal_name() -> None:
    p = EmployerProfile.model_validate({"schema": "screener-employer/1", "id": "quillfeather",
                                        "legal_names": ["Quillfeather  Analytics Ltd"]})
    assert p.display_name == "Quillfeather Analytics Ltd"


def test_profiles_dirs_add_to_bundled(tmp_path: Path) -> None:
    cfg = ScreenerConfig(profiles_dirs=(_dir(tmp_path, "own"),))
    ids = load_configured(cfg).ids()
    assert "quillfeather" in ids and "northwind" in ids


@pytest.mark.parametrize("second", ["same-dir-other-file", "other-dir", "object"])
def test_profile_defined_twice_names_both(tmp_path: Path, second: str) -> None:
    one = _dir(tmp_path, "one")
    dirs: tuple[Path, ...] = (one,)
    objects: tuple[EmployerProfile, ...] = ()
    if second == "other-dir":
        dirs = (one, _dir(tmp_path, "two"))
    elif second == "object":
        objects = (EmployerProfile.model_validate(
            {"schema": "screener-employer/1", "id": "quillfeather", "legal_names": ["Quillfeather Ltd"]}),)
    else:
        (one / "copy.yaml").write_text(PROFILE.format(id="quillfeather"), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_configured(ScreenerConfig(profiles_dirs=dirs, profiles=objects))
    text = str(err.value)
    assert "duplicate profile id quillfeather" in text
    assert str(one / "quillfeather.yaml") in text
    assert err.value.exit_code == 2


def test_missing_profiles_dir_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_configured(ScreenerConfig(profiles_dirs=(tmp_path / "nope",)))


def test_library_accepts_profile_objects() -> None:
    own = EmployerProfile.model_validate({"schema": "screener-employer/1", "id": "quillfeather",
                                          "legal_names": ["Quillfeather Analytics Ltd"],
                                          "systems": ["FeatherVault"]})
    engine = Screener.from_config(profiles=[own], packs=("employers",), corpora=())
    result = engine.screen(TEXT)
    assert any(f.evidence.employer == "quillfeather" for f in result.findings)
    without = Screener.from_config(packs=("employers",), corpora=()).screen(TEXT)
    assert not any(f.evidence.employer == "quillfeather" for f in without.findings)


def test_config_file_profiles_dirs_relative_to_file(tmp_path: Path) -> None:
    _dir(tmp_path, "own")
    (tmp_path / "screener.toml").write_text('profiles_dirs = ["own"]\n', encoding="utf-8")
    cfg = resolve(tmp_path / "screener.toml").config
    assert cfg.profiles_dirs == (tmp_path / "own",)
    assert "quillfeather" in load_configured(cfg).ids()


def test_cli_scan_with_profiles(tmp_path: Path) -> None:
    own = _dir(tmp_path, "own")
    sub = tmp_path / "note.txt"
    sub.write_text(TEXT, encoding="utf-8")
    base = ["scan", str(sub), "--format", "json", "-q", "--no-corpus"]
    with_own = runner.invoke(app, [*base, "--profiles", str(own)])
    assert with_own.exit_code in (0, 1), with_own.output
    found = json.loads(with_own.stdout)[0]["findings"]
    assert any(f.get("employer") == "quillfeather" or "quillfeather" in json.dumps(f) for f in found)
    bundled = runner.invoke(app, base)
    assert "quillfeather" not in bundled.stdout


def test_cli_duplicate_profile_exit_2(tmp_path: Path) -> None:
    one, two = _dir(tmp_path, "one"), _dir(tmp_path, "two")
    sub = tmp_path / "note.txt"
    sub.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["scan", str(sub), "-q", "--no-corpus", "--profiles", str(one), "--profiles",
                                 str(two)])
    assert result.exit_code == 2
    assert "duplicate profile id quillfeather" in result.output
    assert "Traceback" not in result.output


def test_cli_redact_with_profiles(tmp_path: Path) -> None:
    own = _dir(tmp_path, "own")
    sub = tmp_path / "note.txt"
    sub.write_text(TEXT, encoding="utf-8")
    with_own = runner.invoke(app, ["redact", str(sub), "--no-corpus", "--profiles", str(own)])
    assert "FeatherVault" not in with_own.stdout and "EMPLOYER" in with_own.stdout, with_own.output
    bundled = runner.invoke(app, ["redact", str(sub), "--no-corpus"])
    assert "EMPLOYER" not in bundled.stdout, bundled.output


def test_cli_batch_with_profiles(tmp_path: Path) -> None:
    own = _dir(tmp_path, "own")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "note.txt").write_text(TEXT, encoding="utf-8")
    merged = tmp_path / "all.jsonl"
    result = runner.invoke(app, ["batch", str(inputs), "--out-dir", str(tmp_path / "out"), "--merge", str(merged),
                                 "--no-corpus", "--profiles", str(own)])
    assert result.exit_code in (0, 1), result.output
    assert "quillfeather" in merged.read_text(encoding="utf-8")


@pytest.mark.parametrize("given", ["object", "mapping"])
def test_from_config_with_config_and_profiles(given: str) -> None:
    data = {"schema": "screener-employer/1", "id": "quillfeather", "legal_names": ["Quillfeather Analytics Ltd"],
            "systems": ["FeatherVault"]}
    own = EmployerProfile.model_validate(data) if given == "object" else data
    engine = Screener.from_config(ScreenerConfig(packs=("employers",), corpora=()), profiles=[own])
    assert any(f.evidence.employer == "quillfeather" for f in engine.screen(TEXT).findings)
