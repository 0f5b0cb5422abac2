"""The exposure ledger (SQLite): per expert, the protected-document ranges and weak employer signals of every
submission, keyed by (expert id, submission id, text sha256) so that each submission counts exactly once.

Only ids, offsets, counts and keyed hashes are stored: document references and source character ranges,
submission offsets, the profile field of each weak signal and an HMAC-SHA256 of its term under a random key
kept in the ledger (so equal terms compare equal without the term being written). Never submission text.

Recording is independent of order; evaluation (``screener.exposure.evaluate``) reads a submission's history
up to its own ``submitted_at`` (then its id), so file order or the order parts finish never changes a result.
``reset`` marks an expert's entries as no longer counted (they stay, so a re-screened submission still counts
once); the caller audits it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from screener.errors import StoreError
from screener.model import ScreenResult
from screener.private import private_file

LEDGER_SCHEMA = "screener-exposure/1"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, expert TEXT NOT NULL, submission TEXT NOT NULL,
    sha256 TEXT NOT NULL, submitted_at TEXT NOT NULL, recorded_at TEXT NOT NULL, reset INTEGER NOT NULL DEFAULT 0,
    UNIQUE (expert, submission, sha256));
CREATE INDEX IF NOT EXISTS submissions_expert ON submissions(expert, submitted_at, submission);
CREATE TABLE IF NOT EXISTS ranges (
    seq INTEGER NOT NULL REFERENCES submissions(seq), corpus TEXT NOT NULL, reference TEXT NOT NULL,
    s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, doc_chars INTEGER NOT NULL, words INTEGER NOT NULL,
    similarity REAL NOT NULL, q0 INTEGER NOT NULL, q1 INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ranges_seq ON ranges(seq);
CREATE TABLE IF NOT EXISTS signals (
    seq INTEGER NOT NULL REFERENCES submissions(seq), employer TEXT NOT NULL, field TEXT NOT NULL,
    term TEXT NOT NULL, q0 INTEGER NOT NULL, q1 INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS signals_seq ON signals(seq);
"""


def submitted_at(result: ScreenResult, now: datetime) -> str:
    """The result's ``submitted_at`` metadata (ISO 8601; without a zone taken as UTC) as a sortable UTC string,
    or ``now`` when absent. ValueError when present but not a readable time."""
    raw = dict(result.metadata.extra).get("submitted_at")
    when = now if raw is None or not raw.strip() else datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Entry:
    """One counted submission of an expert."""

    seq: int
    submission: str
    sha256: str
    submitted_at: str


@dataclass(frozen=True, slots=True)
class Range:
    seq: int
    corpus: str
    reference: str
    source: tuple[int, int]
    doc_chars: int
    words: int
    similarity: float
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Signal:
    seq: int
    employer: str
    field: str
    term: str  # keyed hash
    span: tuple[int, int]


class ExposureLedger:
    """Open (or create) the ledger at ``path``; StoreError E420 when the file is not one.

    ``record(result)`` adds a screened submission once; ``entries/ranges/signals(expert)`` read an expert's
    counted history; ``reset(expert)`` stops counting it. Use ``screener.exposure.apply`` to screen against it.
    """

    def __init__(self, path: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path = Path(path)
        self.clock = clock
        try:
            self.db = sqlite3.connect(private_file(self.path))
            self.db.execute("PRAGMA journal_mode=WAL")
            with self.db:
                self.db.executescript(_DDL)
                row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (LEDGER_SCHEMA,))
                    self.db.execute("INSERT INTO meta VALUES ('key', ?)", (secrets.token_hex(32),))
                elif row[0] != LEDGER_SCHEMA:
                    raise StoreError(f"exposure ledger {self.path} has schema {row[0]!r}, not {LEDGER_SCHEMA}",
                                     code="E421")
            self._key = bytes.fromhex(self.db.execute("SELECT value FROM meta WHERE key='key'").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"exposure ledger {self.path} is not a readable SQLite database", code="E420") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ExposureLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def term_hash(self, employer: str, field: str, term: str) -> str:
        msg = f"{employer}\0{field}\0{' '.join(term.lower().split())}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()[:32]

    def record(self, result: ScreenResult) -> bool:
        """Add ``result`` to its expert's history; False when it was already there (same submission id and text
        digest), when it has no expert id, or when it was not scanned. ValueError on an unreadable
        ``submitted_at``."""
        expert, exposure = result.metadata.expert_id, result.exposure
        if not expert or result.sha256 is None or not result.scanned:
            return False
        when = submitted_at(result, self.clock())
        with self.db:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO submissions (expert, submission, sha256, submitted_at, recorded_at)"
                " VALUES (?, ?, ?, ?, ?)", (expert, result.submission_id, result.sha256, when,
                                             self.clock().isoformat()))
            if cur.rowcount == 0:
                return False
            seq = cur.lastrowid
            if exposure is not None:
                self.db.executemany(
                    "INSERT INTO ranges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(seq, h.corpus, h.reference, h.source[0], h.source[1], h.doc_chars, h.words, h.similarity,
                      h.span[0], h.span[1]) for h in exposure.hits])
                self.db.executemany(
                    "INSERT INTO signals VALUES (?, ?, ?, ?, ?, ?)",
                    [(seq, s.employer, s.field, self.term_hash(s.employer, s.field, s.term), s.span[0], s.span[1])
                     for s in exposure.signals])
        return True

    def entry(self, expert: str, submission: str, sha256: str) -> Entry | None:
        row = self.db.execute("SELECT seq, submission, sha256, submitted_at FROM submissions WHERE expert=? AND"
                              " submission=? AND sha256=? AND reset=0", (expert, submission, sha256)).fetchone()
        return Entry(*row) if row else None

    def entries(self, expert: str) -> list[Entry]:
        """The expert's counted submissions in submission-time order (then id)."""
        rows = self.db.execute("SELECT seq, submission, sha256, submitted_at FROM submissions WHERE expert=? AND"
                               " reset=0 ORDER BY submitted_at, submission, seq", (expert,))
        return [Entry(*r) for r in rows]

    def ranges(self, expert: str) -> list[Range]:
        rows = self.db.execute(
            "SELECT r.seq, corpus, reference, s0, s1, doc_chars, words, similarity, q0, q1 FROM ranges r JOIN"
            " submissions s ON s.seq = r.seq WHERE s.expert=? AND s.reset=0 ORDER BY r.seq, q0", (expert,))
        return [Range(r[0], r[1], r[2], (r[3], r[4]), r[5], r[6], r[7], (r[8], r[9])) for r in rows]

    def signals(self, expert: str) -> list[Signal]:
        rows = self.db.execute(
            "SELECT g.seq, employer, field, term, q0, q1 FROM signals g JOIN submissions s ON s.seq = g.seq"
            " WHERE s.expert=? AND s.reset=0 ORDER BY g.seq, q0", (expert,))
        return [Signal(r[0], r[1], r[2], r[3], (r[4], r[5])) for r in rows]

    def experts(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT expert FROM submissions WHERE reset=0 ORDER BY 1")]

    def reset(self, expert: str) -> int:
        """Stop counting the expert's submissions so far; returns how many were counted."""
        with self.db:
            return self.db.execute("UPDATE submissions SET reset=1 WHERE expert=? AND reset=0", (expert,)).rowcount
