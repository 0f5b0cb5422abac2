"""Core value types: submissions in, findings, decisions and one verdict out.

Every type is a frozen dataclass. Findings carry offsets and provenance, never the matched text. One sort
order is used everywhere: (submission id, span.start, span.end, rule_id). ``to_dict`` gives the JSON form of
the ``screener-result/1`` schema; keys are emitted in a fixed order so the same input gives identical bytes.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screener.exposure.signals import Exposure

RESULT_SCHEMA = "screener-result/1"


class Category(StrEnum):
    """What a finding is about; the value is the JSON spelling, the rule-code prefix is in CATEGORY_PREFIX."""

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
    """One per submission: the most severe action taken, or UNSCANNED when it could not be screened."""

    ALLOW = "allow"
    REDACT = "redact"
    FLAG = "flag"
    BLOCK = "block"
    UNSCANNED = "unscanned"

    @property
    def severity(self) -> int:
        """0 (allow) to 4 (unscanned), for comparisons against a threshold such as ``fail_on``."""
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
        """Whether the two half-open ranges share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies entirely within this span."""
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        """``[start, end]``, the JSON form."""
        return [self.start, self.end]


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """1-based line and column of a span's first character and of its last character's end (``end_column`` is
    one past the last character, as in SARIF regions). Columns count characters (Unicode code points)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, text: str, span: Span, starts: Sequence[int] | None = None) -> Position:
        """The position of ``span`` in ``text``; ValueError if the span lies outside the text. ``starts``, the
        text's ``line_starts``, saves a scan of the text per call when many spans of one text are placed."""
        line, column = line_column(text, span.start, starts)
        end_line, end_column = line_column(text, span.end, starts)
        return cls(line, column, end_line, end_column)


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
        """Build from plain values; ``extra`` values become strings, sorted by key (hashable, deterministic)."""
        pairs = tuple(sorted((str(k), str(v)) for k, v in (extra or {}).items()))
        return cls(expert_id=expert_id, employers=tuple(employers), source=source, extra=pairs)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{expert_id, employers, source, extra}``."""
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
    """What a detector found: rule code, category, ``span`` (character offsets into the original text), score
    in 0..1 and the evidence; never the matched text. ``position`` (line, column) is set by the engine."""

    rule_id: str
    category: Category
    span: Span
    score: float
    evidence: Evidence
    position: Position | None = None  # line and column of ``span``; set by the engine, which holds the text
    # The named part of a structured document the span lies in ("docx:comments", "xlsx:Sheet2!B7"); None for
    # plain text, whose result keeps the bytes it had before parts existed.
    part: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} of {self.rule_id} is outside 0..1")

    @property
    def entity(self) -> str:
        """The entity type, e.g. ``PERSON``, ``EMPLOYER_NAME`` (from the evidence)."""
        return self.evidence.entity

    def sort_key(self) -> tuple[int, int, str]:
        """``(start, end, rule_id)``: the one order findings are kept in."""
        return (self.span.start, self.span.end, self.rule_id)

    def located(self, text: str, starts: Sequence[int] | None = None) -> Finding:
        """This finding with its line and column in ``text`` (the original text its span points into);
        ``starts``: the text's ``line_starts``, computed once for all its findings."""
        return replace(self, position=Position.of(text, self.span, starts))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (an item of a record's ``findings``, without the decision)."""
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "category": self.category.value,
            "span": self.span.to_list(),
        }
        if self.part is not None:
            out["part"] = self.part
        if self.position is not None:
            p = self.position
            out.update(line=p.line, column=p.column, end_line=p.end_line, end_column=p.end_column)
        out.update(score=round(self.score, 4), evidence=self.evidence.to_dict())
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    """What policy decided about one finding, and why, in words a reviewer can read."""

    finding: Finding
    action: Action
    reason: str

    # The finding's fields under the names of the JSON record (a decision is one item of its ``findings``).
    @property
    def rule_id(self) -> str:
        return self.finding.rule_id

    @property
    def category(self) -> Category:
        return self.finding.category

    @property
    def span(self) -> Span:
        return self.finding.span

    @property
    def position(self) -> Position | None:
        return self.finding.position

    @property
    def score(self) -> float:
        return self.finding.score

    @property
    def evidence(self) -> Evidence:
        return self.finding.evidence

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "action": self.action.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ScreenedWith:
    """What a submission was screened against: the detector families in force, those off and why, the
    employer profiles in force and the corpora matched against (store names). Results carry it as
    ``screened_with``, with its keys always in this order."""

    detectors: tuple[str, ...] = ()
    off: tuple[tuple[str, str], ...] = ()  # (family, why it is off)
    profiles: tuple[str, ...] = ()
    corpora: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "detectors": list(self.detectors),
            "off": dict(self.off),
            "profiles": list(self.profiles),
            "corpora": list(self.corpora),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScreenedWith:
        """The inverse of ``to_dict``; raises ValueError on a field of the wrong type."""
        lists = {k: raw.get(k) or [] for k in ("detectors", "profiles", "corpora")}
        off = raw.get("off") or {}
        if not all(isinstance(v, list) for v in lists.values()) or not isinstance(off, dict):
            raise ValueError("screened_with has fields of the wrong type")
        return cls(tuple(map(str, lists["detectors"])), tuple((str(k), str(v)) for k, v in off.items()),
                   tuple(map(str, lists["profiles"])), tuple(map(str, lists["corpora"])))


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """The screening of one submission; ``to_dict``/``to_json`` give its ``screener-result/1`` record and
    ``from_dict``/``from_json`` read one back (InputError on a malformed record, naming the field).

    The JSON names are attributes too: ``id`` (= ``submission_id``), ``verdict``, ``reasons``, ``sha256``,
    ``chars``, ``metadata``, ``counts``, ``versions`` (a tuple of pairs) and ``schema``. The record's
    ``findings`` are ``decisions``: each has ``rule_id``, ``category``, ``span``, ``position`` (line and column),
    ``score``, ``evidence``, ``action`` and ``reason``; ``findings`` gives the bare Finding values and
    ``action_of(finding)`` the action taken on one.
    """

    submission_id: str
    verdict: Verdict
    decisions: tuple[Decision, ...]
    reasons: tuple[str, ...]  # verdict-level reasons (why unscanned, which rules drove the verdict)
    metadata: Metadata
    sha256: str | None  # of the extracted text, None when nothing could be read
    chars: int
    redacted_text: str | None = None
    versions: tuple[tuple[str, str], ...] = ()
    screened_with: ScreenedWith | None = None
    # The named parts of the screened text, (name, start, end) in order; empty for plain text.
    parts: tuple[tuple[str, int, int], ...] = ()
    # What this submission adds to its expert's cumulative exposure (screener.exposure); never serialised.
    exposure: Exposure | None = field(default=None, compare=False, repr=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The bare findings, in the decisions' order (see ``decisions`` for the action on each)."""
        return tuple(d.finding for d in self.decisions)

    @property
    def id(self) -> str:
        """The submission id, as ``id`` in the JSON record."""
        return self.submission_id

    @property
    def schema(self) -> str:
        """``screener-result/1``, as in the JSON record."""
        return RESULT_SCHEMA

    @property
    def counts(self) -> dict[str, int]:
        """Findings per category value, every category present (as ``counts`` in the JSON record)."""
        return category_counts(self.findings)

    def action_of(self, finding: Finding) -> Action:
        """The action policy (and any review or baseline) took on ``finding``; KeyError if not one of ours."""
        for d in self.decisions:
            if d.finding == finding:
                return d.action
        raise KeyError(f"{finding.rule_id}@{finding.span.start}-{finding.span.end} is not a finding of "
                       f"{self.submission_id}")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScreenResult:
        """Rebuild a result from its ``screener-result/1`` record; InputError naming the bad field."""
        from screener.errors import InputError
        from screener.record.report.load import result_from_dict

        try:
            return result_from_dict(raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InputError(f"not a valid {RESULT_SCHEMA} record: {exc}") from exc

    @classmethod
    def from_json(cls, line: str | bytes) -> ScreenResult:
        """Rebuild a result from one JSON record (``to_json`` output); InputError when malformed."""
        from screener.errors import InputError

        try:
            raw = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"not a {RESULT_SCHEMA} record: invalid JSON ({exc.__class__.__name__})") from exc
        if not isinstance(raw, dict):
            raise InputError(f"not a {RESULT_SCHEMA} record: a JSON object is needed")
        return cls.from_dict(raw)

    @property
    def scanned(self) -> bool:
        """False for UNSCANNED: nothing of the submission may be taken as clean."""
        return self.verdict is not Verdict.UNSCANNED

    def to_dict(self, include_redacted: bool = False) -> dict[str, Any]:
        """The ``screener-result/1`` record as a dict, keys in a fixed order; ``redacted_text`` only if asked."""
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
        if self.screened_with is not None:
            out["screened_with"] = self.screened_with.to_dict()
        if include_redacted:
            out["redacted_text"] = self.redacted_text
        return out

    def to_json(self, include_redacted: bool = False) -> str:
        """The record as one compact JSON line (UTF-8 characters kept), byte-identical for identical results."""
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


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of ``text`` start (0 first); with it ``line_column`` needs no scan."""
    return [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]


def line_column(text: str, offset: int, starts: Sequence[int] | None = None) -> tuple[int, int]:
    """1-based ``(line, column)`` of a character offset into ``text`` (columns count characters; a line ends
    at ``\\n``). ``offset`` may equal ``len(text)``; ValueError outside ``0..len(text)``. ``starts``, the
    text's ``line_starts``, turns the two scans of the text into one binary search."""
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is outside 0..{len(text)}")
    if starts is not None:
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
