"""Lint an employer profile beyond its schema: the mistakes that make a profile miss or over-match silently.

Checks, each reported as ``file:line: field: message``: a term that is an ordinary English word (spaCy's
English stop words plus common business words: it would match everyday prose), an abbreviation or ticker
written in lower case (they are matched case-sensitively), a host or e-mail domain without a dot, the same
term in two fields, and a reference or employee-id format whose regular expression does not compile or
matches the empty string. A file that is not a valid profile for another reason (unknown field, missing
``legal_names``, bad YAML) is *invalid*: its schema errors are returned apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from screener.errors import RuleError
from screener.ruleset.employers import CAPS_FIELDS, WORD_FIELDS, EmployerProfile
from screener.ruleset.loader import PathKey, line_of, load_yaml, validate
from screener.ruleset.regex import compile_pattern

_BUSINESS = """
account accounts advisory analytics asset assets bank banking board budget business capital client clients
cloud company compliance consulting core corporate credit data deal deals desk digital energy enterprise
equity exchange finance financial fund funds global group growth holdings hub insurance international
investment investments ledger legal limited management market markets network office operation operations
partners payments platform portal premier prime project projects resources risk sales securities services
solutions strategy summit systems team technology trading treasury trust ventures vision wealth
"""
BUSINESS_WORDS = frozenset(_BUSINESS.split())
# Fields a spreadsheet or a hand-written profile may call by another name; the profile's names win.
SYNONYMS: Mapping[str, str] = {
    "legal names": "legal_names", "legal name": "legal_names", "names": "names", "short names": "names",
    "aliases": "aliases", "alias": "aliases", "abbreviations": "abbreviations", "acronyms": "abbreviations",
    "tickers": "tickers", "ticker": "tickers", "domains": "email_domains", "email domains": "email_domains",
    "e-mail domains": "email_domains", "hosts": "hosts", "host names": "hosts", "hostnames": "hosts",
    "codenames": "codenames", "code names": "codenames", "systems": "systems", "products": "systems",
    "clients": "clients", "customers": "clients", "counterparties": "counterparties",
    "reference formats": "reference_formats", "references": "reference_formats",
    "employee id formats": "employee_id_formats", "employee ids": "employee_id_formats",
    "context": "context", "context words": "context", "locations": "locations", "years": "years",
    "deal types": "deal_types", "display name": "display_name", "description": "description",
}
TERM_FIELDS = (*WORD_FIELDS, *CAPS_FIELDS)
FORMAT_FIELDS = ("reference_formats", "employee_id_formats")


@cache
def common_words() -> frozenset[str]:
    """spaCy's English stop words plus :data:`BUSINESS_WORDS`, lower case."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS) | BUSINESS_WORDS


def canonical_field(name: str) -> str | None:
    """The profile field a header or key means (``"Legal names"`` -> ``legal_names``), or None."""
    key = " ".join(name.replace("_", " ").replace("-", " ").lower().split())
    if key.replace(" ", "_") in EmployerProfile.model_fields:
        return key.replace(" ", "_")
    return SYNONYMS.get(key) or SYNONYMS.get(name.strip().lower())


def is_common(term: str) -> bool:
    """True when every word of ``term`` is an ordinary English or business word."""
    words = [w.strip(".,&'()-").lower() for w in term.split()]
    words = [w for w in words if w]
    return bool(words) and all(w in common_words() for w in words)


def term_problem(field_name: str, term: str) -> str | None:
    """What is wrong with one term of one field, or None (the checks a spreadsheet import also applies)."""
    if field_name in CAPS_FIELDS and term != term.upper():
        return f"{term!r} is not in capitals: abbreviations and tickers match case-sensitively; write {term.upper()!r}"
    if field_name in TERM_FIELDS and is_common(term):
        kind = "an ordinary English word" if len(term.split()) == 1 else "made of ordinary English words"
        return f"{term!r} is {kind}: it would match everyday prose"
    if field_name in ("hosts", "email_domains") and "." not in term:
        return f"{term!r} has no domain (no dot): write the full host name, e.g. {term}.example.com"
    return None


def format_problem(fmt: Any) -> str | None:
    """What is wrong with one ``{name, regex, ignore_case}`` entry, or None."""
    if not isinstance(fmt, dict) or not isinstance(fmt.get("regex"), str):
        return None  # the schema reports it
    try:
        if compile_pattern(fmt["regex"], bool(fmt.get("ignore_case", False))).matches_empty():
            return f"format {fmt.get('name')!r} matches the empty string"
    except Exception as exc:  # any compile failure is the user's own regex
        detail = (str(exc).splitlines() or [exc.__class__.__name__])[0][:160]
        return f"format {fmt.get('name')!r}: invalid regular expression: {detail}"
    return None


@dataclass
class LintResult:
    """``problems`` (lint, exit 1) and ``invalid`` (schema or YAML errors, exit 2), each ``file:line: ...``."""

    problems: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def lint_data(data: Mapping[str, Any], lines: dict[PathKey, int], where: str) -> list[tuple[str, str]]:
    """Lint problems of a parsed profile as ``(field, "where:line: field: message")``."""
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for name, values in data.items():
        if not isinstance(name, str) or not isinstance(values, list):
            continue
        for i, value in enumerate(values):
            line = line_of((name, i), lines)
            if name in FORMAT_FIELDS:
                msg = format_problem(value)
            elif isinstance(value, str) and name in (*TERM_FIELDS, "hosts", "email_domains"):
                msg = term_problem(name, value)
                key = " ".join(value.lower().split())
                if msg is None and key in seen and seen[key] != name:
                    msg = f"{value!r} is also in {seen[key]}: keep each term in one field"
                seen.setdefault(key, name)
            else:
                msg = None
            if msg:
                out.append((name, f"{where}:{line}: {name}: {msg}"))
    return out


def lint_file(path: Path) -> LintResult:
    """Lint one profile file."""
    result = LintResult()
    try:
        data, lines = load_yaml(path)
    except RuleError as exc:
        result.invalid.extend(exc.problems)
        return result
    if not isinstance(data, dict):
        result.invalid.append(f"{path}:1: (top level): a profile is a mapping of fields")
        return result
    found = lint_data(data, lines, str(path))
    result.problems.extend(msg for _, msg in found)
    flagged = {name for name, _ in found}
    for key in data:
        hint = canonical_field(key) if isinstance(key, str) and key not in EmployerProfile.model_fields else None
        if hint and key != "schema":
            result.invalid.append(f"{path}:{line_of((key,), lines)}: {key}: unknown field; did you mean {hint}?")
            flagged.add(key)
    profile, errors = validate(EmployerProfile, data, lines, path)
    # Schema errors on a field already explained are not repeated; any other makes the file invalid.
    if "legal_names" not in data:  # display_name defaults to the first legal name: one missing field, one error
        flagged.add("display_name")
    formats_flagged = bool(flagged & set(FORMAT_FIELDS))  # the schema reports formats at the top level
    result.invalid.extend(e for e in errors if _field_of(e, path) not in flagged
                          and not (formats_flagged and "error, format " in e))
    if profile is not None and profile.id != path.stem and path.suffix in (".yaml", ".yml"):
        result.problems.append(f"{path}:{line_of(('id',), lines)}: id: {profile.id!r} must match the file name "
                               f"{path.stem}.yaml to be loaded")
    return result


def _field_of(error: str, path: Path) -> str:
    rest = error[len(str(path)) + 1:]
    where = rest.split(": ", 2)[1] if rest.count(": ") >= 1 else ""
    return where.split(".")[0].split("[")[0]


def profile_files(targets: Iterable[Path]) -> list[Path]:
    """Files to lint: each file given, and ``*.yaml`` / ``*.yml`` of each directory."""
    out: list[Path] = []
    for t in targets:
        out.extend(sorted([*t.glob("*.yaml"), *t.glob("*.yml")]) if t.is_dir() else [t])
    return out
