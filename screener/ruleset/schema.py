"""The schema of rule files (``schema: screener-rules/1``), validated with pydantic, unknown keys refused.

A rule pack holds rules of one category. Each rule has a stable code whose prefix names its category
(PII1xx, EMP2xx, MRK3xx, SEC4xx, FRG5xx), documentation for people (what, why, example, remedy), and one
way of matching:

- ``presidio``: an entity produced by a Presidio recognizer or by the spaCy NER model through Presidio;
- ``regex``: one or more bounded regular expressions, optionally with context words that raise the score;
- ``entropy``: high-entropy strings (base64 or hex alphabets) next to a credential keyword (secrets);
- ``employer``: which fields of the employer profiles in force (``rules/employers/*.yaml``) this code covers;
- ``fingerprint``: a passage shared with a protected corpus index or fingerprint pack;
- ``hidden``: text a reader cannot see or sees in another order (invisible carriers, bidi overrides).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from screener.model import CATEGORY_PREFIX, Category

RULES_SCHEMA = "screener-rules/1"
_CODE = re.compile(r"^(PII|EMP|MRK|SEC|FRG)[0-9]{3}$")
_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]*$")

Operator = Literal["replace", "redact", "mask", "hash", "keep"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleDocs(_Strict):
    what: str = Field(min_length=1)
    why: str = Field(min_length=1)
    example: str = Field(min_length=1)
    remedy: str = Field(min_length=1)


class PatternSpec(_Strict):
    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)
    ignore_case: bool = False
    # Report only this capture group (e.g. the value of ``password = ...``), 0 for the whole match.
    group: int = Field(default=0, ge=0, le=9)
    # Drop a match whose reported text fully matches one of these (placeholders such as ``changeme``).
    exclude: tuple[str, ...] = ()


class _RuleBase(_Strict):
    id: str
    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    entity: str
    enabled: bool = True
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    operator: Operator | None = None
    docs: RuleDocs

    @field_validator("id")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError("rule id must look like PII101, EMP210, MRK301, SEC401 or FRG501")
        return v

    @field_validator("entity")
    @classmethod
    def _entity(cls, v: str) -> str:
        if not _ENTITY.match(v):
            raise ValueError("entity must be UPPER_SNAKE_CASE, e.g. PERSON or EMAIL_ADDRESS")
        return v


class PresidioRule(_RuleBase):
    kind: Literal["presidio"]
    recognizer: str = Field(min_length=1)
    presidio_entity: str | None = None  # when it differs from ``entity``
    context: tuple[str, ...] = ()


class RegexRule(_RuleBase):
    kind: Literal["regex"]
    patterns: tuple[PatternSpec, ...] = Field(min_length=1)
    context: tuple[str, ...] = ()
    context_boost: float = Field(default=0.2, ge=0.0, le=1.0)
    context_window: int = Field(default=60, ge=0, le=1000)  # characters either side


# --- secret and employer rule kinds (begin) -------------------------------------------------------------------


class EntropyRule(_RuleBase):
    """A quoted or assigned token of ``charset`` whose Shannon entropy (bits per character) reaches
    ``threshold``; with ``keywords``, only when one of them names the value (``api_key = "..."``)."""

    kind: Literal["entropy"]
    charset: Literal["base64", "hex"]
    min_length: int = Field(default=20, ge=8, le=4096)
    threshold: float = Field(gt=0.0, le=8.0)
    keywords: tuple[str, ...] = ()
    score: float = Field(default=0.7, ge=0.0, le=1.0)


EmployerField = Literal[
    "legal_names", "names", "aliases", "abbreviations", "tickers", "email_domains", "hosts", "codenames",
    "systems", "clients", "counterparties", "reference_formats", "employee_id_formats",
]


class EmployerRule(_RuleBase):
    """Matches the listed fields of every employer profile in force; the profile supplies the terms."""

    kind: Literal["employer"]
    fields: tuple[EmployerField, ...] = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)
    fuzzy: bool = False  # near variants (one edit) of terms of at least ``fuzzy_min_length`` characters
    fuzzy_min_length: int = Field(default=8, ge=6, le=64)
    context_boost: float = Field(default=0.1, ge=0.0, le=1.0)
    context_window: int = Field(default=80, ge=0, le=1000)


# --- secret and employer rule kinds (end) ---------------------------------------------------------------------


class FingerprintRule(_RuleBase):
    """A passage shared with an indexed corpus or a fingerprint pack (``match``: how close the reuse is)."""

    kind: Literal["fingerprint"]
    match: Literal["verbatim", "edited", "pack", "summary"]
    min_words: int = Field(default=8, ge=1, le=100_000)
    min_similarity: float = Field(default=0.0, ge=0.0, le=1.0)


class HiddenTextRule(_RuleBase):
    """Invisible carriers (tag characters, variation-selector runs) or text reordered by bidi controls: each
    is one finding over the characters that hide or reorder the text (``screener.text.carriers``, ``bidi``)."""

    kind: Literal["hidden"]
    carriers: tuple[Literal["tag", "variation-selector", "bidi"], ...] = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)


class ExposureRule(_RuleBase):
    """Cumulative exposure of one expert across submissions (``screener.exposure``): ``measure`` says what
    adds up; the thresholds and the action are in the policy's ``exposure:`` section."""

    kind: Literal["exposure"]
    measure: Literal["coverage", "employer-signals"]


EXTRA_KINDS: tuple[str, ...] = ("entropy", "employer", "fingerprint", "hidden", "exposure")
AnyRule = PresidioRule | RegexRule | EntropyRule | EmployerRule | FingerprintRule | HiddenTextRule | ExposureRule

Rule = Annotated[AnyRule, Field(discriminator="kind")]


class RulePack(_Strict):
    schema_: Literal["screener-rules/1"] = Field(alias="schema")
    pack: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    category: Category
    description: str = ""
    rules: tuple[Rule, ...] = ()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("rules")
    @classmethod
    def _prefixes(cls, rules: tuple[Rule, ...], info: ValidationInfo) -> tuple[Rule, ...]:
        category = info.data.get("category")
        if category is None:
            return rules
        prefix = CATEGORY_PREFIX[category]
        bad = [r.id for r in rules if not r.id.startswith(prefix)]
        if bad:
            raise ValueError(f"rules of category {category.value} need ids starting {prefix}: {bad}")
        return rules
