"""SQLite fingerprint store: documents, section labels, postings ``(hash, document, position)`` and a manifest.

An *index* also keeps each document's extracted text (and the corpus key) so matches can be aligned exactly;
a *pack* keeps only keyed hashes, document ids and section labels. Stores are opened read-only for
screening; every check that can fail raises StoreError with code E4xx, and so does any SQLite error met
while reading (E413): a damaged store is never read as "no matches".

What opening guarantees (FingerprintStore.open), and what only ``verify`` does:

- always: the file's length agrees with its SQLite header; the tables exist; the manifest is of this format,
  its MAC (keyed by the store's key) matches, so no parameter, count or digest was edited; the key is the
  one the store was built with; the document count and the ``frequent`` table (its digest) are as built;
  SQLite's quick_check passes on the small tables (manifest, key, frequent);
- a store up to ``checks.FULL_CHECK_BYTES`` (and any store opened for writing, so that a commit never seals
  damage) is then checked in full: SQLite's integrity_check of every page and index, every bucket of
  postings, every document row, text and term offsets against their digests;
- a larger store is checked part by part as it is read: a lookup answers from the whole buckets its
  hashes fall in (about 16 postings a bucket), read and matched against their digests in the same read, so
  neither a posting nor the absence of one comes from an unchecked part; a document's metadata, text and
  offsets are used only after they matched theirs, and a document that postings name must exist. Damage
  in parts a submission does not read cannot change its result; the cost is one range search per distinct
  hash of the submission;
- ``verify`` checks everything, whatever the size: SQLite's integrity_check, every digest above, the buckets
  table against the manifest, the ``frequent`` table recomputed from the postings, the counts, and the
  content sha256.

A pack opened without its key (``check_key=False``, for ``corpus info``) gets only the unkeyed checks and
cannot be matched against.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

from screener.errors import StoreError, sqlite_reason
from screener.fingerprint import checks
from screener.fingerprint.checks import DOC_COLUMNS, DocRow
from screener.fingerprint.integrity import (
    bucket_bits,
    bucket_of,
    create_private,
    doc_mac,
    sha256_of,
    table_digest,
)
from screener.fingerprint.manifest import Manifest
from screener.fingerprint.shingle import key_id

_SCHEMA = """
CREATE TABLE manifest(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE corpus_key(key BLOB NOT NULL);
CREATE TABLE docs(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
                  terms INTEGER NOT NULL, sections TEXT NOT NULL, text TEXT, offsets BLOB,
                  offsets_sha256 TEXT NOT NULL, mac TEXT NOT NULL);
CREATE TABLE postings(hash INTEGER NOT NULL, doc INTEGER NOT NULL, pos INTEGER NOT NULL,
                      PRIMARY KEY(hash, doc, pos)) WITHOUT ROWID;
CREATE INDEX postings_doc ON postings(doc);
CREATE TABLE frequent(hash INTEGER PRIMARY KEY, docs INTEGER NOT NULL);
CREATE TABLE buckets(bucket INTEGER PRIMARY KEY, postings INTEGER NOT NULL, digest TEXT NOT NULL);
"""
_TABLES = {"manifest", "corpus_key", "docs", "postings", "frequent", "buckets"}
# Fingerprints found in more documents than this are listed in ``frequent`` (recomputed on every commit) so
# that queries can skip them: boilerplate shared by hundreds of documents identifies none of them, and
# skipping it keeps query time flat as the corpus grows.
FREQUENT_DOCS = 100
_CHUNK = 500
# Postings of buckets already checked part by part, kept in memory (about 42 bytes a posting with its bucket's
# bookkeeping, measured on a 100,000-document index: at most about 42 MiB) so that later lookups in a long run
# neither read nor digest them again; least recently used buckets leave first.
CHECKED_CACHE_POSTINGS = 1 << 20


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
        raise StoreError(f"{path} is not a readable fingerprint store ({sqlite_reason(exc)})", code="E413") from exc
    return conn


def _damaged(path: Path, problems: list[str]) -> StoreError:
    return StoreError(f"{path} is damaged or was edited ({'; '.join(problems[:3])}): rebuild it with "
                      "`screener corpus build`; `screener corpus verify` lists every problem", code="E417")


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
        self._keyed = False  # opened with its key and checked: may be matched against
        self._all_checked = False  # checked in full: SQLite's integrity_check and every digest
        # bucket -> its postings, flattened (hash, doc, pos, hash, ...), as read and checked (part-by-part mode)
        self._checked: OrderedDict[int, array[int]] = OrderedDict()
        self._checked_postings_held = 0

    # -- creation and opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, manifest: Manifest, key: bytes) -> FingerprintStore:
        """A new, empty store at ``path``, mode 0600 whatever the umask (an index holds its documents)."""
        if path.exists():
            raise StoreError(f"{path} already exists (use `corpus add` to extend it)", code="E414")
        try:
            create_private(path)
        except FileExistsError:
            raise StoreError(f"{path} already exists (use `corpus add` to extend it)", code="E414") from None
        except OSError as exc:
            raise StoreError(f"cannot create {path} ({exc.__class__.__name__})", code="E413") from exc
        conn = _connect(path, readonly=False)
        conn.executescript(_SCHEMA)
        conn.executemany("INSERT INTO manifest VALUES (?, ?)", manifest.to_rows())
        if manifest.kind == "index":
            conn.execute("INSERT INTO corpus_key VALUES (?)", (key,))
        conn.commit()
        store = cls(path, conn, manifest, key)
        store._keyed = store._all_checked = True
        return store

    @classmethod
    def open(
        cls, path: Path, key: bytes | None = None, writable: bool = False, check_key: bool = True,
        check: bool = True, full_check: bool | None = None,
    ) -> FingerprintStore:
        """Open and check a store (see the module docstring for what the checks guarantee). ``key`` is required
        for packs (indexes carry their own) unless ``check_key`` is false (inspection needs no key; matching
        does). ``check=False`` only reads the manifest, for ``verify`` to list every problem itself.
        ``full_check`` forces the full check at open (True) or part-by-part checks (False) whatever the size;
        a store opened for writing is always checked in full.

        Raises StoreError: E415 missing, E413 unreadable or truncated, E410 not a store, E411 other format
        version, E412 bad manifest, E416 missing or wrong key, E417 damaged or edited.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"fingerprint store {path} does not exist", code="E415")
        if check and (problems := checks.file_problems(path)):
            raise StoreError(f"{path} is not a readable fingerprint store ({problems[0]})", code="E413")
        conn = _connect(path, readonly=not writable)
        try:
            store = cls._open(path, conn, key, writable, check_key, check, full_check)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path} is corrupt ({sqlite_reason(exc)})", code="E413") from exc
        except StoreError:
            conn.close()
            raise
        return store

    @classmethod
    def _open(cls, path: Path, conn: sqlite3.Connection, key: bytes | None, writable: bool, check_key: bool,
              check: bool, full_check: bool | None) -> FingerprintStore:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables >= _TABLES:
            raise StoreError(f"{path} is not a screener fingerprint store (no manifest)", code="E410")
        manifest = Manifest.from_rows(conn.execute("SELECT key, value FROM manifest").fetchall(), str(path))
        if manifest.kind == "index":
            stored = conn.execute("SELECT key FROM corpus_key").fetchall()
            if len(stored) != 1 or not isinstance(stored[0][0], bytes):
                raise StoreError(f"{path}: index without its corpus key", code="E412")
            key = bytes(stored[0][0])
        elif key is None and check_key:
            raise StoreError(f"{path}: fingerprint pack {manifest.pack_id} needs its key file", code="E416")
        if key is not None and key_id(key) != manifest.key_id:
            raise StoreError(
                f"{path}: key mismatch (store expects key id {manifest.key_id}, got {key_id(key)})", code="E416"
            )
        if key is not None and not manifest.mac_ok(key):
            raise _damaged(path, ["the manifest does not match its MAC"])
        store = cls(path, conn, manifest, key)
        if check:
            if full_check is None:
                full_check = writable or path.stat().st_size <= checks.FULL_CHECK_BYTES
            store._check_open(full=full_check or writable)
        return store

    def _check_open(self, full: bool) -> None:
        problems = checks.sqlite_check(self._conn, () if full else checks.SMALL_TABLES)
        if problems:
            raise StoreError(f"{self.path} is corrupt ({problems[0]})", code="E413")
        problems, frequent = checks.open_problems(self._conn, self.manifest, self.key, full)
        if problems:
            raise _damaged(self.path, problems)
        if self.key is not None:
            self._frequent = frequent
            self._keyed = True
            self._all_checked = full

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Reads after opening: an SQLite error (a damaged page met mid-run) is a StoreError, never a miss."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: read failed ({sqlite_reason(exc)}): the store is damaged, "
                             "run `screener corpus verify`", code="E413") from exc

    def close(self) -> None:
        self._conn.close()

    # -- writing ---------------------------------------------------------------------------------------------
    def add_document(
        self, ref: str, sha256: str, terms: int, sections: Iterable[tuple[int, int, str]],
        text: str | None, postings: Iterable[tuple[int, int]], offsets: bytes | None = None,
    ) -> int:
        if self.manifest.kind == "pack" and text is not None:
            raise StoreError("a fingerprint pack never stores document text", code="E418")
        if self.key is None:
            raise StoreError(f"{self.path}: no key to seal documents with", code="E416")
        offsets = offsets if text is not None else None
        sections_json = json.dumps([list(s) for s in sections])
        offsets_sha = sha256_of(offsets)
        with self._lock:
            try:
                cur = self._conn.execute(
                    "INSERT INTO docs(ref, sha256, terms, sections, text, offsets, offsets_sha256, mac)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, '')",
                    (ref, sha256, terms, sections_json, text, offsets, offsets_sha),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"document {ref!r} is already in {self.path}", code="E419") from None
            doc = int(cur.lastrowid or 0)
            mac = doc_mac(self.key, doc, ref, sha256, terms, sections_json, text is not None, offsets_sha)
            self._conn.execute("UPDATE docs SET mac = ? WHERE id = ?", (mac, doc))
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
        """Recompute counts, the frequent table, the bucket digests and the content digest; rewrite and seal
        the manifest (its MAC); commit."""
        if self.key is None:
            raise StoreError(f"{self.path}: no key to seal the manifest with", code="E416")
        with self._lock:
            conn = self._conn
            docs = conn.execute("SELECT count(*), coalesce(sum(terms), 0) FROM docs").fetchone()
            postings = conn.execute("SELECT count(*) FROM postings").fetchone()[0]
            conn.execute("DELETE FROM frequent")
            conn.execute("INSERT INTO frequent SELECT hash, count(DISTINCT doc) FROM postings GROUP BY hash "
                         "HAVING count(DISTINCT doc) > ?", (FREQUENT_DOCS,))
            bits = bucket_bits(postings)
            buckets = checks.digest_buckets(conn, self.key, bits)
            conn.execute("DELETE FROM buckets")
            conn.executemany("INSERT INTO buckets VALUES (?, ?, ?)", buckets)
            frequent = checks.frequent_rows(conn)
            manifest = replace(
                self.manifest.with_counts(docs[0], postings, docs[1], checks.content_sha256(conn)), bucket_bits=bits,
                buckets=table_digest(self.key, b"screener-buckets", buckets),
                frequent=table_digest(self.key, b"screener-frequnt", frequent),
            )
            self.manifest = manifest.sealed(self.key)
            conn.execute("DELETE FROM manifest")
            conn.executemany("INSERT INTO manifest VALUES (?, ?)", self.manifest.to_rows())
            conn.commit()
            self._frequent = frozenset(h for h, _, _ in frequent)
            self._all_checked = True
        return self.manifest

    def verify(self) -> list[str]:
        """Full check (checks.verify): SQLite's integrity_check, the file length, the manifest MAC, the counts,
        every bucket, the frequent table (its digest, and recomputed from the postings), every document row,
        text and term offsets, and the content sha256. Returns the problems found (empty: as built)."""
        with self._lock:
            return checks.verify(self._conn, self.path, self.manifest, self.key, FREQUENT_DOCS)

    # -- reading ---------------------------------------------------------------------------------------------
    def _doc_info(self, row: DocRow) -> DocInfo:
        """A document row's metadata, after its MAC matched (E417 otherwise; unchecked for a pack opened
        without its key, which serves inspection only)."""
        if self.key is not None and not checks.doc_row_ok(self.key, row):
            raise _damaged(self.path, [f"document row {row[0]} differs from the build's MAC"])
        sections = tuple((int(a), int(b), str(c)) for a, b, c in json.loads(row[4]))
        return DocInfo(row[0], row[1], row[3], sections, bool(row[5]))

    def _missing(self, doc: int) -> None:
        """A document id that postings name has no row: the store is damaged (a checked store's postings
        only name documents it holds)."""
        if self._keyed:
            raise _damaged(self.path, [f"document row {doc} named by postings is missing"])

    def documents(self) -> dict[int, DocInfo]:
        """Every document's metadata, each row checked against its MAC, their number against the manifest."""
        with self._lock, self._reading():
            if self._docs is None:
                rows = self._conn.execute(f"SELECT {DOC_COLUMNS} FROM docs").fetchall()
                if self._keyed and len(rows) != self.manifest.docs:
                    raise _damaged(self.path, [f"{len(rows)} document rows read, the manifest says "
                                               f"{self.manifest.docs}"])
                self._docs = {r[0]: self._doc_info(r) for r in rows}
            return self._docs

    def document(self, doc: int) -> DocInfo | None:
        """One document's metadata (without loading every document's), checked against its MAC. Raises
        StoreError E417 when the row is missing or differs (None only for a store opened without its key)."""
        if self._docs is not None:
            return self._docs.get(doc)
        with self._lock, self._reading():
            r = self._conn.execute(f"SELECT {DOC_COLUMNS} FROM docs WHERE id = ?", (doc,)).fetchone()
            if r is None:
                self._missing(doc)
                return None
            return self._doc_info(r)

    def offsets(self, doc: int) -> array[int] | None:
        """Original character offset of each term of a long indexed document (None for short ones, packs)."""
        with self._lock, self._reading():
            row = self._conn.execute(f"SELECT {DOC_COLUMNS}, offsets FROM docs WHERE id = ?", (doc,)).fetchone()
            if row is None:
                self._missing(doc)
                return None
            self._doc_info(row[:8])
            if not checks.offsets_ok(row[8], row[6]):
                raise _damaged(self.path, [f"term offsets of document row {doc} differ from their sha256"])
        if row[8] is None:
            return None
        out = array("I")
        out.frombytes(bytes(row[8]))
        return out

    def text(self, doc: int) -> str | None:
        with self._lock, self._reading():
            row = self._conn.execute(f"SELECT {DOC_COLUMNS}, text FROM docs WHERE id = ?", (doc,)).fetchone()
            if row is None:
                self._missing(doc)
                return None
            self._doc_info(row[:8])
            if not checks.text_ok(row[8], row[2]):
                raise _damaged(self.path, [f"text of document row {doc} differs from its sha256"])
        return str(row[8]) if row[8] is not None else None

    def frequent(self) -> frozenset[int]:
        """Fingerprints present in more than FREQUENT_DOCS documents (checked against the manifest's digest
        when the store was opened)."""
        with self._lock, self._reading():
            if self._frequent is None:
                self._frequent = frozenset(r[0] for r in self._conn.execute("SELECT hash FROM frequent"))
            return self._frequent

    def _checked_postings(self, hashes: list[int]) -> list[tuple[int, int, int]]:
        """The postings of ``hashes`` taken from whole buckets that matched their digest when read, so that no
        answer (and no absence) comes from a part of the b-tree that was not checked. A bucket is read and
        checked once; its checked postings are then kept in memory (up to CHECKED_CACHE_POSTINGS, least
        recently used first out), not read again. Caller holds the lock."""
        assert self.key is not None
        bits = self.manifest.bucket_bits
        wanted = set(hashes)
        out: list[tuple[int, int, int]] = []
        fresh = []
        for bucket in sorted({bucket_of(h, bits) for h in hashes}):
            held = self._checked.get(bucket)
            if held is None:
                fresh.append(bucket)
                continue
            self._checked.move_to_end(bucket)
            out.extend((held[i], held[i + 1], held[i + 2]) for i in range(0, len(held), 3) if held[i] in wanted)
        if fresh:
            expected = checks.expected_buckets(self._conn, fresh)
            found = checks.many_buckets_rows(self._conn, fresh, bits)
            for bucket in fresh:
                rows = found[bucket]
                if problem := checks.bucket_problem(self._conn, self.key, bucket, bits, expected.get(bucket), rows):
                    raise _damaged(self.path, [problem])
                self._keep(bucket, array("q", chain.from_iterable(rows)))
                out.extend(row for row in rows if row[0] in wanted)
        return sorted(out)  # the same order whatever was held

    def _keep(self, bucket: int, flat: array[int]) -> None:
        """Hold a checked bucket's postings; drop the least recently used ones beyond the cap."""
        self._checked[bucket] = flat
        self._checked_postings_held += len(flat) // 3
        while self._checked_postings_held > CHECKED_CACHE_POSTINGS and len(self._checked) > 1:
            _, old = self._checked.popitem(last=False)
            self._checked_postings_held -= len(old) // 3

    def lookup(self, hashes: Iterable[int], skip_frequent: bool = True) -> Iterator[tuple[int, int, int]]:
        """``(hash, doc, pos)`` postings of the given hashes (without the frequent ones, by default). In a store
        checked in full when opened they are read directly; in a larger one, from whole buckets that matched
        their digest in the same read (see the module docstring)."""
        if not self._keyed or self.key is None:
            raise StoreError(f"{self.path}: opened without its key, it cannot be matched against", code="E416")
        skip = self.frequent() if skip_frequent else frozenset()
        unique = sorted(set(hashes) - skip)
        for i in range(0, len(unique), _CHUNK):
            part = unique[i : i + _CHUNK]
            with self._lock, self._reading():
                if not self._all_checked:
                    rows = self._checked_postings(part)
                else:
                    sql = f"SELECT hash, doc, pos FROM postings WHERE hash IN ({','.join('?' * len(part))})"
                    rows = self._conn.execute(sql, part).fetchall()
            yield from rows
