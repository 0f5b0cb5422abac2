"""A portable baseline (allow-list) file: findings already known and accepted, recorded without their text.

Like detect-secrets' baseline, but keyed: each entry holds the rule code, the submission it was seen in, its
location (line, column, character span; for people, not for matching) and an HMAC-SHA256 of the matched
words (normalised and case-folded, so reflowed text still matches) under a key kept beside the file
(``NAME.key`` next to ``NAME.json``; names and phone numbers are low-entropy, so a plain hash would give them
away). The file is JSON, or YAML when its name ends in ``.yaml``/``.yml``; entries are sorted so the same
findings give identical bytes.

A finding matches an entry with its rule code and hash when the entry's ``submission`` is its submission's id,
or is null (an allow-list entry for any submission). A matched finding's decision becomes ``allow`` with the
entry's reason; the verdict is recomputed. UNSCANNED results are never changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from screener import safe_yaml
from screener.decide.review import redecided
from screener.errors import ConfigError
from screener.fingerprint.corpus import read_key, write_key
from screener.fingerprint.shingle import key_id
from screener.model import Action, Decision, ScreenResult, Span, Verdict, line_column
from screener.text.normalize import normalize

BASELINE_SCHEMA = "screener-baseline/1"


def key_path(baseline: Path) -> Path:
    """Where a baseline's key lives: ``NAME.key`` beside ``NAME.json`` (or ``.yaml``)."""
    return Path(baseline).with_suffix(".key")


def hashed_text(key: bytes, text: str, span: Span) -> str:
    """HMAC-SHA256 (hex) of the matched words of ``text[span]``, normalised and case-folded."""
    words = normalize(text[span.start:span.end]).text.casefold().strip()
    return hmac.new(key, words.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One known finding. ``submission`` None: any submission. ``line``/``column`` are 1-based."""

    submission: str | None
    rule_id: str
    hashed_text: str
    line: int | None = None
    column: int | None = None
    span: tuple[int, int] | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "submission": self.submission, "hashed_text": self.hashed_text,
                "line": self.line, "column": self.column, "span": list(self.span) if self.span else None,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Entry:
        span = raw.get("span")
        return cls(None if raw.get("submission") is None else str(raw["submission"]), str(raw["rule_id"]),
                   str(raw["hashed_text"]), raw.get("line"), raw.get("column"),
                   (int(span[0]), int(span[1])) if span else None, str(raw.get("reason") or ""))


@dataclass(frozen=True, slots=True)
class Baseline:
    key: bytes
    entries: tuple[Entry, ...]
    path: Path | None = None

    @classmethod
    def load(cls, path: Path, key_file: Path | None = None) -> Baseline:
        """Read a baseline and its key; ConfigError naming the file when either is missing or malformed."""
        path = Path(path)
        try:
            raw = safe_yaml.read_text(path)
            data = safe_yaml.load_text(raw) if path.suffix in (".yaml", ".yml") else json.loads(raw)
        except safe_yaml.UnsafeYaml as exc:
            raise ConfigError(f"{path}:{safe_yaml.line_of(exc)}: baseline refused: {safe_yaml.problem_of(exc)}",
                              code="E150") from exc
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read baseline {path}: {exc.__class__.__name__}", code="E150") from exc
        if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
            raise ConfigError(f"baseline {path} is not a {BASELINE_SCHEMA} file", code="E150")
        kpath = key_file or key_path(path)
        try:
            key = read_key(kpath)
        except Exception as exc:
            raise ConfigError(f"baseline {path} needs its key {kpath} ({exc.__class__.__name__})", code="E151") from exc
        if data.get("key_id") != key_id(key):
            raise ConfigError(f"key {kpath} is not the key baseline {path} was made with", code="E151")
        try:
            entries = tuple(sorted(Entry.from_dict(e) for e in data.get("entries") or ()))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ConfigError(f"baseline {path}: malformed entry ({exc.__class__.__name__})", code="E150") from exc
        return cls(key, entries, path)

    def stamp(self) -> str:
        return f"{key_id(self.key)}:{len(self.entries)}"

    def to_dict(self) -> dict[str, Any]:
        return {"schema": BASELINE_SCHEMA, "hash": "hmac-sha256", "key_id": key_id(self.key),
                "entries": [e.to_dict() for e in sorted(self.entries)]}

    def dump(self, path: Path) -> None:
        """Write atomically as JSON (or YAML by suffix)."""
        from screener.record.report.jsonl import atomic_writer

        body = self.to_dict()
        with atomic_writer(Path(path)) as handle:
            if Path(path).suffix in (".yaml", ".yml"):
                handle.write(yaml.safe_dump(body, sort_keys=False, allow_unicode=True))
            else:
                handle.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")

    def match(self, submission_id: str, rule_id: str, digest: str) -> Entry | None:
        for e in self.entries:
            if e.rule_id == rule_id and e.hashed_text == digest and e.submission in (None, submission_id):
                return e
        return None

    def apply(self, result: ScreenResult, text: str | None) -> ScreenResult:
        """The result with baselined findings allowed (pure; idempotent; UNSCANNED and no text: unchanged)."""
        if result.verdict is Verdict.UNSCANNED or text is None or not self.entries:
            return result
        decisions: list[Decision] = []
        changed = 0
        for d in result.decisions:
            entry = None
            if d.action is not Action.ALLOW:
                entry = self.match(result.submission_id, d.finding.rule_id, hashed_text(self.key, text, d.finding.span))
            if entry is None:
                decisions.append(d)
                continue
            why = f"in baseline{': ' + entry.reason if entry.reason else ''} (policy said: {d.reason})"
            decisions.append(Decision(d.finding, Action.ALLOW, why))
            changed += 1
        if not changed:
            return result
        verdict, reasons = redecided(result, decisions, f"{changed} finding(s) in the baseline")
        return replace(result, decisions=tuple(decisions), verdict=verdict, reasons=reasons)


def new_baseline(path: Path, key_file: Path | None = None) -> bytes:
    """The key for a new baseline at ``path``: read from ``key_file`` (or ``NAME.key``) or written fresh."""
    kpath = key_file or key_path(path)
    return read_key(kpath) if kpath.is_file() else write_key(kpath)


def entries_from_results(results: Iterable[ScreenResult], texts: Mapping[str, str], key: bytes, *,
                         reason: str = "") -> list[Entry]:
    """One entry per finding that is not allowed (the findings a run would report), for results whose text
    is in ``texts``."""
    out: list[Entry] = []
    for r in results:
        text = texts.get(r.submission_id)
        if text is None or r.verdict is Verdict.UNSCANNED:
            continue
        for d in r.decisions:
            if d.action is Action.ALLOW:
                continue
            span = d.finding.span
            line, column = line_column(text, span.start)
            out.append(Entry(r.submission_id, d.finding.rule_id, hashed_text(key, text, span), line, column,
                             (span.start, span.end), reason))
    return out
