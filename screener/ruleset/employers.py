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
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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
    display_name: str = Field(min_length=1)  # optional in a file: defaults to the first legal name
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

    @model_validator(mode="before")
    @classmethod
    def _default_display_name(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("display_name"):
            legal = data.get("legal_names")
            if isinstance(legal, (list, tuple)) and legal and isinstance(legal[0], str) and legal[0].strip():
                data = {**data, "display_name": " ".join(legal[0].split())}
        return data

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


def load_profiles(*directories: Path, extra: Iterable[EmployerProfile | dict[str, object]] = ()) -> ProfileSet:
    """Load ``*.yaml`` of each directory (a missing one holds none) plus ``extra`` profile objects; raise
    RuleError (a ConfigError, exit 2) listing every problem of every file, a profile id defined twice naming
    both places."""
    problems: list[str] = []
    profiles: list[EmployerProfile] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    paths = [p for d in directories if d.is_dir() for p in sorted(d.glob("*.yaml"))]
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
        _add(profile, where, seen, profiles, problems)
    for n, item in enumerate(extra):
        try:
            profile = item if isinstance(item, EmployerProfile) else EmployerProfile.model_validate(item)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) or "profile" for e in exc.errors())
            problems.append(f"profiles[{n}]: invalid employer profile ({fields})")
            continue
        digest.update(b"object\0" + profile.model_dump_json().encode())
        _add(profile, f"profiles[{n}] (object)", seen, profiles, problems)
    if problems:
        raise RuleError(problems)
    return ProfileSet(tuple(profiles), tuple(paths), digest.hexdigest())


def _add(profile: EmployerProfile, where: str, seen: dict[str, str], profiles: list[EmployerProfile],
         problems: list[str]) -> None:
    if profile.id in seen:
        problems.append(f"{where}: duplicate profile id {profile.id} (first defined at {seen[profile.id]})")
        return
    seen[profile.id] = where
    profiles.append(profile)


class _ProfileSources(Protocol):
    rules_dir: Path
    profiles_dirs: tuple[Path, ...]
    profiles: tuple[EmployerProfile, ...]


def profile_dirs(config: _ProfileSources) -> tuple[Path, ...]:
    """The directories profiles are read from: ``rules_dir/employers`` then each of ``profiles_dirs``."""
    return (config.rules_dir / "employers", *config.profiles_dirs)


def load_configured(config: _ProfileSources) -> ProfileSet:
    """Every profile a config puts in force: bundled, ``profiles_dirs`` and ``profiles`` objects.
    ConfigError (exit 2) when a ``profiles_dirs`` entry is not a directory or a profile is invalid or twice."""
    for d in config.profiles_dirs:
        if not Path(d).is_dir():
            raise ConfigError(f"profiles directory {d} does not exist", code="E121")
    return load_profiles(*profile_dirs(config), extra=config.profiles)


def check_known(profiles: ProfileSet, wanted: Iterable[str]) -> None:
    """Raise ConfigError when an employer asked for on the command line or in the config has no profile."""
    unknown = [w for w in wanted if profiles.resolve(w) is None]
    if unknown:
        known = ", ".join(profiles.ids()) or "none"
        raise ConfigError(f"no employer profile for {', '.join(unknown)} (known: {known})", code="E120")
