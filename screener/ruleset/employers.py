"""Employer profiles (``rules/employers/<id>.yaml``, ``schema: screener-employer/1``).

A profile lists every way a text can name or point at one former employer: legal and short names, aliases,
abbreviations and tickers, e-mail domains, intranet host patterns (``*.corp.example-bank.com``), internal
codenames, system and product names, clients and counterparties, reference-number formats (matters, deals,
tickets) and employee-id formats, plus context words that make an ambiguous hit more likely.

Profiles are validated like rule packs: every problem of every file as ``file:line``, nothing applied unless
all are valid. A submission's declared employers switch profiles on, by id or by any of their names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from screener.errors import ConfigError, RuleError
from screener.ruleset.loader import line_of, load_yaml, validate
from screener.ruleset.regex import compile_pattern

EMPLOYER_SCHEMA = "screener-employer/1"
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_HOST = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$")
WORD_FIELDS = ("legal_names", "names", "aliases", "codenames", "systems", "clients", "counterparties")
CAPS_FIELDS = ("abbreviations", "tickers")
FORMAT_FIELDS = ("reference_formats", "employee_id_formats")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdFormat(_Strict):
    """A number format such as a matter, deal, ticket or employee id, as a bounded regular expression."""

    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    regex: str = Field(min_length=1)
    ignore_case: bool = False


def _clean(values: tuple[str, ...], minimum: int, what: str) -> tuple[str, ...]:
    for v in values:
        if len(v.strip()) < minimum:
            raise ValueError(f"{what} {v!r} is shorter than {minimum} characters: too likely to match by chance")
        if sum(c.isalnum() for c in v) < 3:
            raise ValueError(f"{what} {v!r} needs at least three letters or digits")
    return tuple(" ".join(v.split()) for v in values)


class EmployerProfile(_Strict):
    schema_: Literal["screener-employer/1"] = Field(alias="schema")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    display_name: str = Field(min_length=1)
    description: str = ""
    legal_names: tuple[str, ...] = Field(min_length=1)
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    codenames: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    counterparties: tuple[str, ...] = ()
    reference_formats: tuple[IdFormat, ...] = ()
    employee_id_formats: tuple[IdFormat, ...] = ()
    context: tuple[str, ...] = ()
    # Weak signals: harmless one by one, telling together across an expert's submissions (screener.exposure).
    locations: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    deal_types: tuple[str, ...] = ()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator(*WORD_FIELDS)
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _clean(v, 4, "term")

    @field_validator(*CAPS_FIELDS)
    @classmethod
    def _caps(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for term in _clean(v, 3, "abbreviation"):
            if term != term.upper():
                raise ValueError(f"abbreviation {term!r} must be written in capitals (matched case-sensitively)")
        return v

    @field_validator("email_domains")
    @classmethod
    def _domains(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [d for d in v if not _DOMAIN.match(d)]
        if bad:
            raise ValueError(f"not a lower-case domain name: {bad}")
        return v

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [h for h in v if not _HOST.match(h)]
        if bad:
            raise ValueError(f"not a host name or '*.' pattern: {bad}")
        return v

    @model_validator(mode="after")
    def _formats(self) -> EmployerProfile:
        problems = []
        for fmt in (*self.reference_formats, *self.employee_id_formats):
            try:
                if compile_pattern(fmt.regex, fmt.ignore_case).matches_empty():
                    problems.append(f"format {fmt.name} matches the empty string")
            except Exception as exc:
                problems.append(f"format {fmt.name} does not compile: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def all_names(self) -> tuple[str, ...]:
        return (self.display_name, *self.legal_names, *self.names, *self.aliases, *self.abbreviations)


@dataclass(frozen=True, slots=True)
class ProfileSet:
    profiles: tuple[EmployerProfile, ...]
    files: tuple[Path, ...]
    digest: str

    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.profiles)

    def get(self, key: str) -> EmployerProfile | None:
        return next((p for p in self.profiles if p.id == key), None)

    def resolve(self, declared: str) -> EmployerProfile | None:
        """The profile a declared employer means: its id, or any of its names (case and spacing ignored)."""
        want = " ".join(declared.lower().split())
        for p in self.profiles:
            if want == p.id or want in (" ".join(n.lower().split()) for n in p.all_names()):
                return p
        return None

    def select(self, declared: Iterable[str]) -> tuple[EmployerProfile, ...]:
        chosen = {p.id: p for d in declared if (p := self.resolve(d)) is not None}
        return tuple(chosen[k] for k in sorted(chosen))


def load_profiles(directory: Path) -> ProfileSet:
    """Load ``directory/*.yaml``; raise RuleError listing every problem of every file."""
    problems: list[str] = []
    profiles: list[EmployerProfile] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    for path in paths:
        try:
            data, lines = load_yaml(path)
        except RuleError as exc:
            problems.extend(exc.problems)
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        profile, errs = validate(EmployerProfile, data, lines, path)
        problems.extend(errs)
        if profile is None:
            continue
        where = f"{path}:{line_of(('id',), lines)}"
        if profile.id != path.stem:
            problems.append(f"{where}: profile id {profile.id} must match the file name {path.stem}")
        if profile.id in seen:
            problems.append(f"{where}: duplicate profile id {profile.id} (first defined at {seen[profile.id]})")
        seen[profile.id] = where
        profiles.append(profile)
    if problems:
        raise RuleError(problems)
    return ProfileSet(tuple(profiles), tuple(paths), digest.hexdigest())


def check_known(profiles: ProfileSet, wanted: Iterable[str]) -> None:
    """Raise ConfigError when an employer asked for on the command line or in the config has no profile."""
    unknown = [w for w in wanted if profiles.resolve(w) is None]
    if unknown:
        known = ", ".join(profiles.ids()) or "none"
        raise ConfigError(f"no employer profile for {', '.join(unknown)} (known: {known})", code="E120")
