"""Finding and reading configuration files, and saying where each setting came from.

As ruff and semgrep do: without ``--config``, the first of these found in the working directory or one of
its parents is used, nearest first: ``screener.toml`` (settings at the top level), then ``pyproject.toml``
with a ``[tool.screener]`` table (a ``pyproject.toml`` without that table is passed over). ``--config FILE``
wins and may be YAML (``.yaml``/``.yml``), TOML or a ``pyproject.toml``. Relative paths in a file
(``rules_dir``, ``corpora_dir``, ``baseline``, ``profiles_dirs`` entries, and ``corpora`` entries or a
``policy`` file that exist there)
are taken relative to that file's directory. Command-line options win over the file.

``resolve(...)`` gives the validated :class:`ScreenerConfig` and, per setting, its origin: ``default``, the
file's path, or ``command line``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from screener import safe_yaml
from screener.config import ScreenerConfig
from screener.errors import ConfigError

CONFIG_NAME = "screener.toml"
PYPROJECT = "pyproject.toml"
COMMAND_LINE = "command line"
DEFAULT = "default"
_DIR_KEYS = ("rules_dir", "corpora_dir", "baseline")


@dataclass(frozen=True, slots=True)
class Resolved:
    """The settings in force: ``config``, the file read (None when none was found) and each key's origin."""

    config: ScreenerConfig
    file: Path | None
    origins: Mapping[str, str]


def discover(start: Path) -> Path | None:
    """The nearest ``screener.toml``, or ``pyproject.toml`` with ``[tool.screener]``, from ``start`` upwards."""
    here = start.resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own
        project = folder / PYPROJECT
        if project.is_file() and _has_tool_table(project):
            return project
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # someone else's broken pyproject is not ours to reject; we only look for our table
    return isinstance(data.get("tool"), dict) and "screener" in data["tool"]


def read_file(path: Path) -> dict[str, Any]:
    """The settings in one config file (YAML, TOML or ``[tool.screener]`` of a pyproject); ConfigError if bad."""
    try:
        raw = safe_yaml.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc.__class__.__name__}") from exc
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(raw)
            if path.name == PYPROJECT:
                data = data.get("tool", {}).get("screener")
                if data is None:
                    raise ConfigError(f"config {path} has no [tool.screener] table")
        else:
            data = safe_yaml.load_text(raw)
    except safe_yaml.UnsafeYaml as exc:
        raise ConfigError(f"{path}:{safe_yaml.line_of(exc)}: config refused: {safe_yaml.problem_of(exc)}") from exc
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot parse config {path}: {exc.__class__.__name__}: {_first_line(exc)}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config {path} must be a mapping of settings")
    return _anchor(dict(data), path.parent)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""


def _anchor(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths in a file are relative to the file's directory (a corpus name stays a name)."""
    for key in _DIR_KEYS:
        if isinstance(data.get(key), str) and not Path(data[key]).is_absolute():
            data[key] = str(base / data[key])
    if isinstance(data.get("profiles_dirs"), list):
        data["profiles_dirs"] = [str(base / d) if isinstance(d, str) else d for d in data["profiles_dirs"]]
    if isinstance(data.get("corpora"), list):
        data["corpora"] = [str(base / c) if isinstance(c, str) and (base / c).exists() else c
                           for c in data["corpora"]]
    policy = data.get("policy")
    if isinstance(policy, str) and policy.endswith((".yaml", ".yml")) and (base / policy).is_file():
        data["policy"] = str(base / policy)
    return data


def resolve(explicit: Path | None = None, *, cwd: Path | None = None, discover_file: bool = True,
            **overrides: Any) -> Resolved:
    """The config in force: ``explicit`` (``--config``) or the discovered file, then ``overrides`` (options
    given on the command line; ``None`` means not given). Raises ConfigError naming the file and field."""
    path = explicit if explicit is not None else (discover(cwd or Path.cwd()) if discover_file else None)
    data = read_file(path) if path is not None else {}
    origins = {key: str(path) for key in data}
    given = {k: v for k, v in overrides.items() if v is not None}
    data.update(given)
    origins.update(dict.fromkeys(given, COMMAND_LINE))
    try:
        config = ScreenerConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))} (from {origins.get(str(e['loc'][0]), DEFAULT)}): "
                             f"{e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid configuration: {problems}") from exc
    return Resolved(config, path, {key: origins.get(key, DEFAULT) for key in ScreenerConfig.model_fields})
