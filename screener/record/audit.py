"""Append-only, hash-chained audit log (SQLite): what was decided about which content, on which rules.

Each entry is one screening (submission sha256, verdict, reasons, versions of tool, rules, policy, model and
corpora, findings as codes, offsets, scores and evidence: never text) or one review decision. Entry ``n``
stores ``hash = sha256(canonical JSON of [n, kind, subject, at, body, hash of entry n-1])``, and the ``meta``
table holds the head (last sequence number and hash), updated in the same transaction as every append.

``verify`` recomputes the chain: an edited row breaks its own hash, a deleted row leaves a gap in the
sequence and a broken link, and a deleted last row disagrees with the head. Triggers refuse UPDATE and
DELETE, so accidents fail loudly; someone able to rewrite the whole file and the head together is caught
only by comparing the head with one kept elsewhere (``verify(expected_head=...)``), which is why the
command prints it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener.errors import StoreError
from screener.model import ScreenResult
from screener.private import private_file
from screener.safe_text import utf8_clean

AUDIT_SCHEMA = "screener-audit/1"
GENESIS = "0" * 64

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, at TEXT NOT NULL,
    body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_subject ON entries(subject);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def _now() -> datetime:
    return datetime.now(UTC)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(seq: int, kind: str, subject: str, at: str, body: str, prev: str) -> str:
    return hashlib.sha256(canonical([seq, kind, subject, at, body, prev]).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    kind: str  # "screening" or "review"
    subject: str  # the submission id
    at: str  # ISO 8601, UTC
    body: Mapping[str, Any]
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "subject": self.subject, "at": self.at,
                "body": dict(self.body), "prev": self.prev, "hash": self.hash}


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    head: str
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def screening_body(result: ScreenResult) -> dict[str, Any]:
    """What the log keeps of a screening: hashes, codes, offsets, scores, decisions. No text, no free metadata."""
    return {
        "submission_id": result.submission_id,
        "sha256": result.sha256,
        "chars": result.chars,
        "verdict": result.verdict.value,
        "reasons": list(result.reasons),
        "versions": dict(result.versions),
        "expert_id": result.metadata.expert_id,
        "employers": list(result.metadata.employers),
        "source": result.metadata.source,
        "findings": [d.to_dict() for d in result.decisions],
    }


class AuditLog:
    """One audit database. Safe to share between threads; each append is one immediate transaction."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(private_file(self.path), check_same_thread=False, isolation_level=None)
            self._db.executescript(_DDL)
            schema = self._meta("schema")
            if schema is None:
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('salt', ?)",
                                 (AUDIT_SCHEMA, secrets.token_hex(16)))
            elif schema != AUDIT_SCHEMA:
                raise StoreError(f"{self.path}: audit schema {schema!r}, expected {AUDIT_SCHEMA}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable audit database ({exc.__class__.__name__})") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def salt(self) -> str:
        """Per-log random salt for match fingerprints of allow-list entries (never the text itself)."""
        return self._meta("salt") or ""

    def append(self, kind: str, subject: str, body: Mapping[str, Any]) -> AuditEntry:
        # Lone surrogates (an id read from a file name or a JSON escape) cannot go into SQLite or a UTF-8 hash:
        # such a body is stored with every non-ASCII character as a JSON escape, the subject with visible ones.
        text = canonical(body)
        if utf8_clean(text) != text:
            text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        subject = utf8_clean(subject)
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                row = self._db.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
                at = self._clock().astimezone(UTC).isoformat(timespec="microseconds")
                digest = entry_hash(seq, kind, subject, at, text, prev)
                self._db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (seq, kind, subject, at, text, prev, digest))
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('head', ?)", (f"{seq}:{digest}",))
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: cannot append ({exc.__class__.__name__})") from exc
        return AuditEntry(seq, kind, subject, at, json.loads(text), prev, digest)

    def record(self, result: ScreenResult) -> AuditEntry:
        """Log one screening."""
        return self.append("screening", result.submission_id, screening_body(result))

    def record_review(self, review: Any) -> AuditEntry:
        """Log one review decision (a ``screener.decide.review.Review``)."""
        return self.append("review", review.submission_id, review.to_dict())

    def _rows(self, where: str = "", args: tuple[Any, ...] = ()) -> Iterator[AuditEntry]:
        query = f"SELECT seq, kind, subject, at, body, prev, hash FROM entries {where} ORDER BY seq"
        for seq, kind, subject, at, body, prev, digest in self._db.execute(query, args):
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError:
                parsed = {"unreadable": True}
            yield AuditEntry(seq, kind, subject, at, parsed, prev, digest)

    def entries(self, subject: str | None = None, kind: str | None = None) -> list[AuditEntry]:
        clauses, args = [], []
        if subject is not None:
            clauses.append("subject = ?")
            args.append(subject)
        if kind is not None:
            clauses.append("kind = ?")
            args.append(kind)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return list(self._rows(where, tuple(args)))

    def entry(self, seq: int) -> AuditEntry | None:
        return next(self._rows("WHERE seq = ?", (seq,)), None)

    def latest_screening(self, subject: str) -> AuditEntry | None:
        found = self.entries(subject, "screening")
        return found[-1] if found else None

    def verify(self, expected_head: str | None = None) -> VerifyReport:
        """Recompute the chain. Problems name sequence numbers, never content."""
        problems: list[str] = []
        prev, expected_seq, count = GENESIS, 1, 0
        query = "SELECT seq, kind, subject, at, body, prev, hash FROM entries ORDER BY seq"
        for seq, kind, subject, at, body, link, digest in self._db.execute(query):
            count += 1
            if seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing (deleted rows)")
            if link != prev:
                problems.append(f"entry {seq}: link to the previous entry is broken")
            if entry_hash(seq, kind, subject, at, body, link) != digest:
                problems.append(f"entry {seq}: content does not match its hash (edited row)")
            prev, expected_seq = digest, seq + 1
        head = f"{expected_seq - 1}:{prev}" if count else f"0:{GENESIS}"
        stored = self._meta("head") or f"0:{GENESIS}"
        if stored != head:
            problems.append(f"the head recorded with the last append ({stored.split(':')[0]}) differs from the "
                            f"last entry ({head.split(':')[0]}): rows were removed or the head was edited")
        if expected_head is not None and expected_head not in (head, head.split(":", 1)[1]):
            problems.append("the head differs from the one expected")
        return VerifyReport(entries=count, head=head, problems=tuple(problems))
