"""Rebuild ScreenResult values from ``screener-result/1`` records, validating every field on the way in.

A results file is input like any other: a hand-edited or hostile record must not put an unknown verdict,
category or class name into a report. Any problem is an InputError naming the record, never its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from screener.errors import InputError
from screener.model import (
    RESULT_SCHEMA,
    Action,
    Category,
    Decision,
    Evidence,
    Finding,
    Metadata,
    Position,
    ScreenedWith,
    ScreenResult,
    Span,
    Verdict,
)
from screener.record.report.jsonl import read_jsonl


def _str(value: Any, what: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    return value


def _span(value: Any, what: str) -> Span:
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        raise ValueError(f"{what} must be [start, end]")
    return Span(value[0], value[1])


def _evidence(raw: Any) -> Evidence:
    if not isinstance(raw, dict):
        raise ValueError("evidence must be an object")
    sim = raw.get("similarity")
    words = raw.get("matched_words")
    return Evidence(
        detector=str(_str(raw.get("detector"), "evidence.detector")),
        method=str(_str(raw.get("method"), "evidence.method")),
        entity=str(_str(raw.get("entity"), "evidence.entity")),
        pattern=_str(raw.get("pattern"), "evidence.pattern", True),
        context=tuple(str(c) for c in raw.get("context", ()) if isinstance(c, str)),
        employer=_str(raw.get("employer"), "evidence.employer", True),
        reference=_str(raw.get("reference"), "evidence.reference", True),
        section=_str(raw.get("section"), "evidence.section", True),
        source_span=_span(raw["source_span"], "evidence.source_span") if raw.get("source_span") else None,
        similarity=float(sim) if isinstance(sim, int | float) else None,
        matched_words=int(words) if isinstance(words, int) else None,
        note=_str(raw.get("note"), "evidence.note", True),
    )


def _position(raw: dict[str, Any]) -> Position | None:
    keys = ("line", "column", "end_line", "end_column")
    if all(k not in raw for k in keys):
        return None
    values = [v for v in (raw.get(k) for k in keys) if type(v) is int and v >= 1]
    if len(values) != len(keys):
        raise ValueError("line, column, end_line and end_column must be positive integers")
    return Position(*values)


def _decision(raw: Any) -> Decision:
    if not isinstance(raw, dict):
        raise ValueError("a finding must be an object")
    score = raw.get("score")
    if not isinstance(score, int | float):
        raise ValueError("finding score must be a number")
    finding = Finding(
        rule_id=str(_str(raw.get("rule_id"), "rule_id")),
        category=Category(str(raw.get("category"))),
        span=_span(raw.get("span"), "span"),
        score=float(score),
        evidence=_evidence(raw.get("evidence")),
        position=_position(raw),
        part=_str(raw.get("part"), "part", True),
    )
    return Decision(finding, Action(str(raw.get("action"))), str(_str(raw.get("reason"), "reason")))


def result_from_dict(raw: Mapping[str, Any]) -> ScreenResult:
    """The ScreenResult of one record; raises ValueError on any malformed field."""
    if raw.get("schema") != RESULT_SCHEMA:
        raise ValueError(f"not a {RESULT_SCHEMA} record")
    meta = raw.get("metadata", {})
    if not isinstance(meta, dict):
        raise ValueError("metadata must be an object")
    employers = meta.get("employers") or []
    extra = meta.get("extra") or {}
    chars = raw.get("chars", 0)
    versions = raw.get("versions") or {}
    if not isinstance(employers, list) or not isinstance(extra, dict) or not isinstance(versions, dict):
        raise ValueError("metadata.employers, metadata.extra and versions have the wrong type")
    if type(chars) is not int or chars < 0:
        raise ValueError("chars must be a non-negative integer")
    decisions = tuple(_decision(f) for f in raw.get("findings") or [])
    return ScreenResult(
        submission_id=str(_str(raw.get("id"), "id")),
        verdict=Verdict(str(raw.get("verdict"))),
        decisions=decisions,
        reasons=tuple(str(r) for r in raw.get("reasons") or []),
        metadata=Metadata.of(_str(meta.get("expert_id"), "metadata.expert_id", True),
                             [str(e) for e in employers], _str(meta.get("source"), "metadata.source", True),
                             extra),
        sha256=_str(raw.get("sha256"), "sha256", True),
        chars=chars,
        redacted_text=_str(raw.get("redacted_text"), "redacted_text", True),
        versions=tuple((str(k), str(v)) for k, v in versions.items()),
        screened_with=ScreenedWith.from_dict(raw["screened_with"]) if isinstance(raw.get("screened_with"), dict)
        else None,
        parts=_parts(raw.get("parts")),
    )


def _parts(raw: Any) -> tuple[tuple[str, int, int], ...]:
    """``parts`` of a record: ``[{"name": str, "span": [start, end]}, ...]`` (absent for plain text)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise ValueError("parts must be a list of objects")
    out = []
    for p in raw:
        span = _span(p.get("span"), "parts[].span")
        out.append((str(_str(p.get("name"), "parts[].name")), span.start, span.end))
    return tuple(out)


def results_from_dicts(records: Iterable[Mapping[str, Any]], origin: str = "results") -> list[ScreenResult]:
    out = []
    for n, raw in enumerate(records, start=1):
        try:
            out.append(result_from_dict(raw))
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(f"{origin}: record {n}: {exc}") from exc
    return out


def load_results(path: Path) -> list[ScreenResult]:
    """Read and validate a ``screener-result/1`` JSON Lines file."""
    return results_from_dicts(read_jsonl(path), str(path))
