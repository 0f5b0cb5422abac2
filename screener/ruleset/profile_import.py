"""Build an employer profile from a spreadsheet (``screener employers import FILE.csv|xlsx --id ID``).

The first row names the fields, one column each: the profile's field names or their obvious synonyms
(``Legal names``, ``Domains``, ``Codenames``...; see :data:`screener.ruleset.profile_lint.SYNONYMS`). Every
other row holds values; a cell may hold several, separated by ``;`` or line breaks. Each value is checked on
its own as the profile schema and ``employers check`` would; what fails is left out and reported with the
cell and the reason. For ``.xlsx`` the first sheet is read with the bounded OOXML reader of
:mod:`screener.text.xlsx` (zip-bomb and size limits apply).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from screener.errors import ConfigError, ExtractionError
from screener.ruleset.employers import EMPLOYER_SCHEMA, EmployerProfile
from screener.ruleset.profile_lint import FORMAT_FIELDS, canonical_field, format_problem, term_problem

MAX_BYTES = 10_000_000
_SCALARS = ("display_name", "description")
_SPLIT = re.compile(r"[;\r\n]")
_LINES = re.compile(r"[\r\n]+")
_REF = re.compile(r"([A-Z]+)([0-9]+)")


@dataclass
class ImportResult:
    """The profile built (None when no valid profile could be made), its YAML, and each rejection as
    ``CELL (field): 'value': reason`` (``CELL: reason`` for a whole column)."""

    profile: EmployerProfile | None
    yaml_text: str
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)


def _column(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def read_rows(path: Path) -> list[list[tuple[str, str]]]:
    """Rows of ``(cell reference, value)`` from a .csv (UTF-8, BOM allowed) or the first sheet of a .xlsx;
    ConfigError when the file cannot be read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path} is larger than {MAX_BYTES} bytes", code="E123")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.__class__.__name__}", code="E123") from exc
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from screener.text.xlsx import first_sheet_cells

        try:
            cells = first_sheet_cells(data)
        except ExtractionError as exc:
            raise ConfigError(f"{path}: not a readable workbook: {exc.message}", code="E123") from exc
        rows: dict[int, list[tuple[str, str]]] = {}
        for ref, value in cells:
            m = _REF.fullmatch(ref)
            if m and not value.startswith("="):
                rows.setdefault(int(m.group(2)), []).append((ref, value))
        return [rows[k] for k in sorted(rows)]
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text", code="E123") from exc
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ConfigError(f"{path}: not a CSV file ({exc.__class__.__name__})", code="E123") from exc
        return [[(f"{_column(c)}{r}", v) for c, v in enumerate(row, 1)] for r, row in enumerate(table, 1)]
    raise ConfigError(f"{path}: give a .csv or .xlsx file", code="E123")


def _value_problem(name: str, value: str, profile_id: str) -> str | None:
    if name in FORMAT_FIELDS:
        problem = format_problem({"name": "imported", "regex": value})
        return problem.replace("format 'imported': ", "") if problem else None
    problem = term_problem(name, value)
    if problem:
        return problem
    if name in _SCALARS:
        return None
    probe: dict[str, Any] = {"schema": EMPLOYER_SCHEMA, "id": profile_id, "legal_names": ["Placeholder Legal Name"],
                             name: [value]}
    try:
        EmployerProfile.model_validate(probe)
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return None


def import_rows(rows: list[list[tuple[str, str]]], profile_id: str) -> ImportResult:
    """Build a profile from the rows of :func:`read_rows` (first row: headers)."""
    rejected: list[str] = []
    if not rows:
        return ImportResult(None, "", 0, ["the file is empty: no header row"])
    header = rows[0]
    columns: dict[str, str] = {}  # column letters -> field
    for ref, title in header:
        m = _REF.fullmatch(ref)
        col = m.group(1) if m else ref
        target = canonical_field(title) if title.strip() else None
        if target is None or target in ("id", "schema_"):
            if title.strip():
                rejected.append(f"{ref}: unknown column {title.strip()!r} (not a profile field)")
            continue
        columns[col] = target
    values: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    accepted = 0
    for row in rows[1:]:
        for ref, cell in row:
            m = _REF.fullmatch(ref)
            name = columns.get(m.group(1)) if m else None
            if name is None:
                if cell.strip() and m and m.group(1) not in columns:
                    rejected.append(f"{ref}: value in a column without a known header")
                continue
            # One value per scalar cell; regexes split on line breaks only (a ';' may be part of one).
            parts = [cell] if name in _SCALARS else _LINES.split(cell) if name in FORMAT_FIELDS else _SPLIT.split(cell)
            for raw in parts:
                value = " ".join(raw.split())
                if not value:
                    if cell.strip():
                        rejected.append(f"{ref} ({name}): empty value between separators")
                    continue
                problem = _value_problem(name, value, profile_id)
                key = value.lower()
                if problem is None and name not in FORMAT_FIELDS and name not in _SCALARS and key in seen:
                    problem = f"duplicate: already in {seen[key]}"
                if problem:
                    rejected.append(f"{ref} ({name}): {value!r}: {problem}")
                    continue
                if name not in FORMAT_FIELDS and name not in _SCALARS:
                    seen[key] = name
                values.setdefault(name, []).append(value)
                accepted += 1
    data: dict[str, Any] = {"schema": EMPLOYER_SCHEMA, "id": profile_id}
    for name in EmployerProfile.model_fields:
        if name not in values:
            continue
        if name in _SCALARS:
            data[name] = values[name][0]
            rejected.extend(f"({name}): {v!r}: only the first value is kept" for v in values[name][1:])
        elif name in FORMAT_FIELDS:
            stem = "reference" if name == "reference_formats" else "employee-id"
            data[name] = [{"name": f"{stem}-{i}", "regex": v} for i, v in enumerate(values[name], 1)]
        else:
            data[name] = values[name]
    if not data.get("legal_names"):
        rejected.append("no valid profile: legal_names: no legal name accepted (a profile needs at least one)")
        return ImportResult(None, "", accepted, rejected)
    try:
        profile = EmployerProfile.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        rejected.append(f"no valid profile: {fields} ({'; '.join(str(e['msg']) for e in exc.errors())})")
        return ImportResult(None, "", accepted, rejected)
    head = f"# Employer profile {profile_id}, imported from a spreadsheet; check: screener employers check FILE\n"
    return ImportResult(profile, head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=118),
                        accepted, rejected)
