"""Core value types: submissions in, findings, decisions and one verdict out.

Every type is a frozen dataclass. Findings carry offsets and provenance, never the matched text. One sort
order is used everywhere: (submission id, span.start, span.end, rule_id). ``to_dict`` gives the JSON form of
the ``screener-result/1`` schema; keys are emitted in a fixed order so the same input gives identical bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

RESULT_SCHEMA = "screener-result/1"


class Category(StrEnum):
    PERSONAL_DATA = "personal-data"
    EMPLOYER = "employer-identifier"
    MARKING = "confidentiality-marking"
    SECRET = "secret"
    FRAGMENT = "proprietary-fragment"


# Which category wins when redaction spans overlap (higher wins), and the rule-code prefix of each.
CATEGORY_PRIORITY: dict[Category, int] = {
    Category.SECRET: 5,
    Category.FRAGMENT: 4,
    Category.MARKING: 3,
    Category.EMPLOYER: 2,
    Category.PERSONAL_DATA: 1,
}
CATEGORY_PREFIX: dict[Category, str] = {
    Category.PERSONAL_DATA: "PII",
    Category.EMPLOYER: "EMP",
    Category.MARKING: "MRK",
    Category.SECRET: "SEC",
    Category.FRAGMENT: "FRG",
}


class Action(StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    FLAG = "flag"
    BLOCK = "block"


class Verdict(StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    FLAG = "flag"
    BLOCK = "block"
    UNSCANNED = "unscanned"

    @property
    def severity(self) -> int:
        return VERDICT_SEVERITY[self]


# allow < redact (release after redaction) < flag (hold for a person) < block < unscanned (fail closed)
VERDICT_SEVERITY: dict[Verdict, int] = {
    Verdict.ALLOW: 0,
    Verdict.REDACT: 1,
    Verdict.FLAG: 2,
    Verdict.BLOCK: 3,
    Verdict.UNSCANNED: 4,
}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open ``[start, end)`` character range into the ORIGINAL text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the intake pipeline knows about a submission besides its content."""

    expert_id: str | None = None
    employers: tuple[str, ...] = ()
    source: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        expert_id: str | None = None,
        employers: Iterable[str] = (),
        source: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Metadata:
        pairs = tuple(sorted((str(k), str(v)) for k, v in (extra or {}).items()))
        return cls(expert_id=expert_id, employers=tuple(employers), source=source, extra=pairs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expert_id": self.expert_id,
            "employers": list(self.employers),
            "source": self.source,
            "extra": dict(self.extra),
        }


@dataclass(frozen=True, slots=True)
class Submission:
    """One piece of expert writing. Give ``text``, or ``data`` (bytes) to be extracted by content sniffing."""

    id: str
    text: str | None = None
    data: bytes | None = None
    metadata: Metadata = field(default_factory=Metadata)
    # When extraction already failed upstream (unreadable file, malformed record): the reason, fail closed.
    error: str | None = None
    # Format hint for ``data`` (a file name or extension); content sniffing decides when absent.
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError("a submission needs a non-empty string id")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was raised: which detector, how, and against what reference. Never the matched text."""

    detector: str
    method: str
    entity: str
    pattern: str | None = None
    context: tuple[str, ...] = ()
    employer: str | None = None
    reference: str | None = None  # source document id (fragments) or term list (employers)
    section: str | None = None
    source_span: Span | None = None
    similarity: float | None = None
    matched_words: int | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"detector": self.detector, "method": self.method, "entity": self.entity}
        for key in ("pattern", "employer", "reference", "section", "similarity", "matched_words", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = round(value, 4) if isinstance(value, float) else value
        if self.context:
            out["context"] = list(self.context)
        if self.source_span is not None:
            out["source_span"] = self.source_span.to_list()
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    category: Category
    span: Span
    score: float
    evidence: Evidence
    # The named part of a structured document the span lies in ("docx:comments", "xlsx:Sheet2!B7"); None for
    # plain text, whose result keeps the bytes it had before parts existed.
    part: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} of {self.rule_id} is outside 0..1")

    @property
    def entity(self) -> str:
        return self.evidence.entity

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.start, self.span.end, self.rule_id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "category": self.category.value,
            "span": self.span.to_list(),
            "score": round(self.score, 4),
            "evidence": self.evidence.to_dict(),
        }
        if self.part is not None:
            out["part"] = self.part
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    """What policy decided about one finding, and why, in words a reviewer can read."""

    finding: Finding
    action: Action
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "action": self.action.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ScreenResult:
    submission_id: str
    verdict: Verdict
    decisions: tuple[Decision, ...]
    reasons: tuple[str, ...]  # verdict-level reasons (why unscanned, which rules drove the verdict)
    metadata: Metadata
    sha256: str | None  # of the extracted text, None when nothing could be read
    chars: int
    redacted_text: str | None = None
    versions: tuple[tuple[str, str], ...] = ()
    # The named parts of the screened text, (name, start, end) in order; empty for plain text.
    parts: tuple[tuple[str, int, int], ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(d.finding for d in self.decisions)

    @property
    def scanned(self) -> bool:
        return self.verdict is not Verdict.UNSCANNED

    def to_dict(self, include_redacted: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": RESULT_SCHEMA,
            "id": self.submission_id,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "sha256": self.sha256,
            "chars": self.chars,
            "metadata": self.metadata.to_dict(),
            "counts": category_counts(self.findings),
            "findings": [d.to_dict() for d in self.decisions],
            "versions": dict(self.versions),
        }
        if self.parts:
            out["parts"] = [{"name": name, "span": [start, end]} for name, start, end in self.parts]
        if include_redacted:
            out["redacted_text"] = self.redacted_text
        return out

    def to_json(self, include_redacted: bool = False) -> str:
        return json.dumps(self.to_dict(include_redacted), ensure_ascii=False, separators=(",", ":"))


def category_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {c.value: 0 for c in Category}
    for f in findings:
        counts[f.category.value] += 1
    return counts


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=Finding.sort_key))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
