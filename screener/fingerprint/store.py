"""SQLite fingerprint store: documents, section labels, postings ``(hash, document, position)`` and a manifest.

An *index* also keeps each document's extracted text (and the corpus key) so matches can be aligned exactly;
a *pack* keeps only keyed hashes, document ids and section labels. Stores are opened read-only for
screening; every check that can fail raises StoreError with code E4xx.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from screener.errors import StoreError
from screener.fingerprint.manifest import Manifest
from screener.fingerprint.shingle import key_id

_SCHEMA = """
CREATE TABLE manifest(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE corpus_key(key BLOB NOT NULL);
CREATE TABLE docs(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
                  terms INTEGER NOT NULL, sections TEXT NOT NULL, text TEXT, offsets BLOB);
CREATE TABLE postings(hash INTEGER NOT NULL, doc INTEGER NOT NULL, pos INTEGER NOT NULL,
                      PRIMARY KEY(hash, doc, pos)) WITHOUT ROWID;
CREATE INDEX postings_doc ON postings(doc);
CREATE TABLE frequent(hash INTEGER PRIMARY KEY, docs INTEGER NOT NULL);
"""
_TABLES = {"manifest", "corpus_key", "docs", "postings", "frequent"}
# Fingerprints found in more documents than this are listed in ``frequent`` (recomputed on every commit) so
# that queries can skip them: boilerplate shared by hundreds of documents identifies none of them, and
# skipping it keeps query time flat as the corpus grows.
FREQUENT_DOCS = 100
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DocInfo:
    id: int
    ref: str
    terms: int
    sections: tuple[tuple[int, int, str], ...]  # (term position, char offset or -1, label)
    has_text: bool

    def section_at(self, term_pos: int) -> str | None:
        label = None
        for pos, _, name in self.sections:
            if pos > term_pos:
                break
            label = name
        return label


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache: postings lookups stay in memory
        conn.execute("PRAGMA mmap_size = 268435456")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a readable fingerprint store ({exc})", code="E413") from exc
    return conn


class FingerprintStore:
    """One open store. Reads are serialised by a lock, so one instance may be shared between threads."""

    def __init__(self, path: Path, conn: sqlite3.Connection, manifest: Manifest, key: bytes | None) -> None:
        self.path = path
        self.manifest = manifest
        self.key = key
        self._conn = conn
        self._lock = threading.Lock()
        self._docs: dict[int, DocInfo] | None = None
        self._frequent: frozenset[int] | None = None

    # -- creation and opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, manifest: Manifest, key: bytes) -> FingerprintStore:
        if path.exists():
            raise StoreError(f"{path} already exists (use `corpus add` to extend it)", code="E414")
        conn = _connect(path, readonly=False)
        conn.executescript(_SCHEMA)
        conn.executemany("INSERT INTO manifest VALUES (?, ?)", manifest.to_rows())
        if manifest.kind == "index":
            conn.execute("INSERT INTO corpus_key VALUES (?)", (key,))
        conn.commit()
        return cls(path, conn, manifest, key)

    @classmethod
    def open(
        cls, path: Path, key: bytes | None = None, writable: bool = False, check_key: bool = True
    ) -> FingerprintStore:
        """Open and check a store. ``key`` is required for packs (indexes carry their own) unless ``check_key``
        is false (inspection and verification need no key; matching does)."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"fingerprint store {path} does not exist", code="E415")
        conn = _connect(path, readonly=not writable)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables >= _TABLES:
                raise StoreError(f"{path} is not a screener fingerprint store (no manifest)", code="E410")
            manifest = Manifest.from_rows(conn.execute("SELECT key, value FROM manifest").fetchall(), str(path))
            stored = conn.execute("SELECT key FROM corpus_key").fetchone()
            docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            postings = conn.execute("SELECT count(*) FROM postings").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path} is corrupt ({exc})", code="E413") from exc
        except StoreError:
            conn.close()
            raise
        if manifest.kind == "index":
            key = bytes(stored[0]) if stored else None
            if key is None:
                raise StoreError(f"{path}: index without its corpus key", code="E412")
        elif key is None and check_key:
            raise StoreError(f"{path}: fingerprint pack {manifest.pack_id} needs its key file", code="E416")
        if key is not None and key_id(key) != manifest.key_id:
            raise StoreError(
                f"{path}: key mismatch (store expects key id {manifest.key_id}, got {key_id(key)})", code="E416"
            )
        if (docs, postings) != (manifest.docs, manifest.postings):
            raise StoreError(
                f"{path}: counts disagree with the manifest ({docs} documents, {postings} postings; manifest says"
                f" {manifest.docs} and {manifest.postings}): the store is damaged, run `screener corpus verify`",
                code="E417",
            )
        return cls(path, conn, manifest, key)

    def close(self) -> None:
        self._conn.close()

    # -- writing ---------------------------------------------------------------------------------------------
    def add_document(
        self, ref: str, sha256: str, terms: int, sections: Iterable[tuple[int, int, str]],
        text: str | None, postings: Iterable[tuple[int, int]], offsets: bytes | None = None,
    ) -> int:
        if self.manifest.kind == "pack" and text is not None:
            raise StoreError("a fingerprint pack never stores document text", code="E418")
        with self._lock:
            try:
                cur = self._conn.execute(
                    "INSERT INTO docs(ref, sha256, terms, sections, text, offsets) VALUES (?, ?, ?, ?, ?, ?)",
                    (ref, sha256, terms, json.dumps([list(s) for s in sections]), text,
                     offsets if text is not None else None),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"document {ref!r} is already in {self.path}", code="E419") from None
            doc = int(cur.lastrowid or 0)
            rows = ((h, doc, p) for p, h in postings)
            self._conn.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?, ?)", rows)
            self._docs = None
        return doc

    def remove_document(self, ref: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT id FROM docs WHERE ref = ?", (ref,)).fetchone()
            if row is None:
                return False
            self._conn.execute("DELETE FROM postings WHERE doc = ?", (row[0],))
            self._conn.execute("DELETE FROM docs WHERE id = ?", (row[0],))
            self._docs = None
        return True

    def commit(self) -> Manifest:
        """Recompute counts and the content digest, rewrite the manifest, commit."""
        with self._lock:
            docs = self._conn.execute("SELECT count(*), coalesce(sum(terms), 0) FROM docs").fetchone()
            postings = self._conn.execute("SELECT count(*) FROM postings").fetchone()[0]
            self._conn.execute("DELETE FROM frequent")
            self._conn.execute("INSERT INTO frequent SELECT hash, count(DISTINCT doc) FROM postings GROUP BY hash "
                               "HAVING count(DISTINCT doc) > ?", (FREQUENT_DOCS,))
            self._frequent = None
            self.manifest = self.manifest.with_counts(docs[0], postings, docs[1], self._digest())
            self._conn.execute("DELETE FROM manifest")
            self._conn.executemany("INSERT INTO manifest VALUES (?, ?)", self.manifest.to_rows())
            self._conn.commit()
        return self.manifest

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for ref, sha, terms, sections, text in self._conn.execute(
            "SELECT ref, sha256, terms, sections, text FROM docs ORDER BY ref"
        ):
            digest.update(f"{ref}\0{sha}\0{terms}\0{sections}\0".encode())
            digest.update(hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).digest())
        cur = self._conn.execute("SELECT d.ref, p.pos, p.hash FROM postings p JOIN docs d ON d.id = p.doc "
                                 "ORDER BY d.ref, p.pos, p.hash")
        pack = struct.Struct(">qq").pack
        for ref, pos, h in cur:
            digest.update(ref.encode())
            digest.update(pack(pos, h))
        return digest.hexdigest()

    def verify(self) -> list[str]:
        """Full check: SQLite integrity, counts and the content digest. Returns the problems found."""
        problems: list[str] = []
        with self._lock:
            try:
                result = self._conn.execute("PRAGMA integrity_check").fetchall()
                if result != [("ok",)]:
                    problems.extend(f"sqlite: {r[0]}" for r in result[:10])
                docs = self._conn.execute("SELECT count(*) FROM docs").fetchone()[0]
                postings = self._conn.execute("SELECT count(*) FROM postings").fetchone()[0]
                if (docs, postings) != (self.manifest.docs, self.manifest.postings):
                    problems.append("document or posting counts differ from the manifest")
                if self._digest() != self.manifest.sha256:
                    problems.append("content sha256 differs from the manifest")
                if self.manifest.kind == "pack" and self._conn.execute(
                    "SELECT count(*) FROM docs WHERE text IS NOT NULL OR offsets IS NOT NULL"
                ).fetchone()[0]:
                    problems.append("a pack holds document text")
            except sqlite3.DatabaseError as exc:
                problems.append(f"sqlite: {exc}")
        return problems

    # -- reading ---------------------------------------------------------------------------------------------
    def documents(self) -> dict[int, DocInfo]:
        with self._lock:
            if self._docs is None:
                rows = self._conn.execute("SELECT id, ref, terms, sections, text IS NOT NULL FROM docs").fetchall()
                self._docs = {
                    r[0]: DocInfo(r[0], r[1], r[2], tuple((int(a), int(b), str(c)) for a, b, c in json.loads(r[3])),
                                  bool(r[4]))
                    for r in rows
                }
            return self._docs

    def document(self, doc: int) -> DocInfo | None:
        """One document's metadata (without loading every document's)."""
        if self._docs is not None:
            return self._docs.get(doc)
        with self._lock:
            r = self._conn.execute("SELECT id, ref, terms, sections, text IS NOT NULL FROM docs WHERE id = ?",
                                   (doc,)).fetchone()
        if r is None:
            return None
        return DocInfo(r[0], r[1], r[2], tuple((int(a), int(b), str(c)) for a, b, c in json.loads(r[3])), bool(r[4]))

    def offsets(self, doc: int) -> array[int] | None:
        """Original character offset of each term of a long indexed document (None for short ones, packs)."""
        with self._lock:
            row = self._conn.execute("SELECT offsets FROM docs WHERE id = ?", (doc,)).fetchone()
        if row is None or row[0] is None:
            return None
        out = array("I")
        out.frombytes(bytes(row[0]))
        return out

    def text(self, doc: int) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT text FROM docs WHERE id = ?", (doc,)).fetchone()
        return None if row is None else row[0]

    def frequent(self) -> frozenset[int]:
        """Fingerprints present in more than FREQUENT_DOCS documents."""
        with self._lock:
            if self._frequent is None:
                self._frequent = frozenset(r[0] for r in self._conn.execute("SELECT hash FROM frequent"))
            return self._frequent

    def lookup(self, hashes: Iterable[int], skip_frequent: bool = True) -> Iterator[tuple[int, int, int]]:
        """``(hash, doc, pos)`` postings of the given hashes (without the frequent ones, by default)."""
        skip = self.frequent() if skip_frequent else frozenset()
        unique = sorted(set(hashes) - skip)
        for i in range(0, len(unique), _CHUNK):
            part = unique[i : i + _CHUNK]
            sql = f"SELECT hash, doc, pos FROM postings WHERE hash IN ({','.join('?' * len(part))})"
            with self._lock:
                rows = self._conn.execute(sql, part).fetchall()
            yield from rows
