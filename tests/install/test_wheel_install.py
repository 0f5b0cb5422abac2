"""A non-editable install: build the wheel, install it in a fresh virtual environment, screen a file from
outside the checkout. The wheel must carry the default rule packs, policies, employer profiles and demo corpora
as package data (``screener/bundled/``), found with ``importlib.resources``.

The fresh environment gets the wheel with ``--no-deps``; the dependencies (spaCy, its model, Presidio...) are
those of the environment running the tests, reached through a ``.pth`` file added after the install, so pip
never sees the project's own editable install and nothing is downloaded but the build backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{args[:3]} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, as ``pip wheel .`` builds it (isolated build; if the build backend
    cannot be fetched, the environment's own setuptools)."""
    dist = tmp_path_factory.mktemp("dist")
    args = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)]
    if _run(args, cwd=dist, check=False).returncode != 0:
        _run([*args, "--no-build-isolation"], cwd=dist)
    (built,) = dist.glob("screener-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin/`` of a fresh venv holding only the wheel built from this checkout."""
    base = tmp_path_factory.mktemp("venv")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], cwd=base)
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=base).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "zz_test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    return env_dir / "bin"


def test_wheel_carries_the_bundled_data(wheel: Path) -> None:
    """Every file under rules/ and corpora/ is in the wheel, byte for byte (the build copies; nothing committed)."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for top in ("rules", "corpora"):
            sources = [p for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
            assert sources
            for src in sources:
                member = f"screener/bundled/{src.relative_to(ROOT).as_posix()}"
                assert member in names, member
                assert zf.read(member) == src.read_bytes(), member
        assert "screener/record/report/result.schema.json" in names


def test_installed_wheel_finds_its_package_data(installed: Path, tmp_path: Path) -> None:
    code = ("import screener, json; from screener.config import ScreenerConfig; c = ScreenerConfig.load(); "
            "print(json.dumps([screener.__file__, str(c.rules_dir), str(c.corpora_dir), str(c.policy_file())]))")
    module, rules_dir, corpora_dir, policy = json.loads(_run([str(installed / "python"), "-c", code],
                                                             cwd=tmp_path).stdout)
    site = Path(module).parent
    assert installed.parent in Path(module).parents  # the wheel's copy, not the checkout
    assert Path(rules_dir) == site / "bundled" / "rules"
    assert Path(corpora_dir) == site / "bundled" / "corpora"
    assert Path(policy) == site / "bundled" / "rules" / "policies" / "default.yaml"
    assert ROOT not in Path(rules_dir).parents


def test_installed_wheel_screens_a_file_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    sample = tmp_path / "note.txt"
    quote = (ROOT / "corpora" / "demo" / "wire_exception_procedure.md").read_text(encoding="utf-8")
    sample.write_text("I ran the NorthStar Payments Hub at Northwind Bank; reach me at jo.doe@example.com.\n\n"
                      + quote[200:1400] + "\n", encoding="utf-8")
    done = _run([str(installed / "screener"), "scan", str(sample), "--format", "json", "-q", "-e", "northwind",
                 "--corpus", "demo.db", "--policy", "strict"], cwd=tmp_path, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    (result,) = json.loads(done.stdout)
    codes = {f["rule_id"][:3] for f in result["findings"]}
    assert result["verdict"] != "unscanned"
    assert {"EMP", "PII", "FRG"} <= codes, codes  # employer profile, rule packs and the demo corpus all found


def test_installed_wheel_ships_the_result_schema(installed: Path, tmp_path: Path) -> None:
    done = _run([str(installed / "screener"), "schema"], cwd=tmp_path)
    assert json.loads(done.stdout)["title"] == "screener-result/1"
