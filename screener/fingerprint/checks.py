"""Checks of a fingerprint store's file and tables against what its build recorded (see integrity.py).

Every function returns the problems it found as short strings (counts, table and bucket numbers, SQLite's
own messages; never document text); the store turns them into StoreError (E413 unreadable, E417 content
differs from the build).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import struct
from bisect import bisect_left, bisect_right
from pathlib import Path

from screener.errors import sqlite_reason
from screener.fingerprint.integrity import (
    bucket_digest,
    bucket_of,
    bucket_range,
    doc_mac,
    sha256_of,
    table_digest,
)
from screener.fingerprint.manifest import Manifest

_MAGIC = b"SQLite format 3\x00"
# Stores up to this size are checked in full when opened (SQLite's integrity_check, every bucket, every
# document): about 0.1 s for 1,000 documents of 150 words (2.7 MB). Larger stores are checked in full by
# `corpus verify`, and part by part as screening reads them (FingerprintStore.open).
FULL_CHECK_BYTES = 16 * 1024 * 1024
SMALL_TABLES = ("manifest", "corpus_key", "frequent")
DOC_COLUMNS = "id, ref, sha256, terms, sections, text IS NOT NULL, offsets_sha256, mac"
DocRow = tuple[int, str, str, int, str, int, str, str]


def file_problems(path: Path) -> list[str]:
    """The SQLite header's page size and page count against the file's length (truncation, extension)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(_MAGIC):
        return []  # not SQLite at all: SQLite itself refuses it
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, change, valid_for = (struct.unpack(">I", head[o : o + 4])[0] for o in (28, 24, 92))
    if page_size < 512 or size % page_size:
        return [f"file length {size} is not a whole number of {page_size}-byte pages (truncated or damaged)"]
    if change == valid_for and pages and pages * page_size != size:
        return [f"file holds {size // page_size} pages, its header says {pages} (truncated or damaged)"]
    return []


def sqlite_check(conn: sqlite3.Connection, tables: tuple[str, ...] = ()) -> list[str]:
    """SQLite's ``PRAGMA integrity_check`` of the whole file (page structure, record formats, every index
    against its table), or its ``quick_check`` (without the index comparison, linear) of ``tables`` only;
    at most 10 messages."""
    out: list[str] = []
    for table in tables or (None,):
        pragma = "PRAGMA integrity_check(10)" if table is None else f"PRAGMA quick_check({table})"
        rows = conn.execute(pragma).fetchall()
        if rows != [("ok",)]:
            out.extend(f"sqlite: {r[0]}" for r in rows[:10])
    return out


def read_buckets(conn: sqlite3.Connection) -> list[tuple[int, int, str]]:
    return [(int(b), int(n), str(d)) for b, n, d in conn.execute("SELECT bucket, postings, digest FROM buckets "
                                                                 "ORDER BY bucket")]


def expected_buckets(conn: sqlite3.Connection, buckets: list[int]) -> dict[int, tuple[int, str]]:
    """``bucket -> (postings, digest)`` as the build recorded them, for the given buckets (each digest is keyed
    and covers its bucket number and count, so a row cannot stand in for another)."""
    out: dict[int, tuple[int, str]] = {}
    for i in range(0, len(buckets), 500):
        part = buckets[i : i + 500]
        sql = f"SELECT bucket, postings, digest FROM buckets WHERE bucket IN ({','.join('?' * len(part))})"
        out.update((int(b), (int(n), str(d))) for b, n, d in conn.execute(sql, part))
    return out


def buckets_problems(conn: sqlite3.Connection, manifest: Manifest, key: bytes) -> list[str]:
    """Every bucket against the build (one scan of the postings in key order), and the buckets table against
    the manifest: its digest, one row per bucket, the postings they add up to. At most 10 problems."""
    rows = read_buckets(conn)
    if not hmac.compare_digest(table_digest(key, b"screener-buckets", rows), manifest.buckets):
        return ["the buckets table differs from the manifest's digest"]
    if [b for b, _, _ in rows] != list(range(1 << manifest.bucket_bits)):
        return ["the buckets table does not list every bucket"]
    if sum(n for _, n, _ in rows) != manifest.postings:
        return ["bucket counts do not add up to the manifest's postings"]
    found = digest_buckets(conn, key, manifest.bucket_bits)
    out = []
    for (b, n, d), (_, n2, d2) in zip(rows, found, strict=True):
        if n != n2:
            out.append(f"bucket {b} holds {n2} postings, the build recorded {n}")
        elif not hmac.compare_digest(d, d2):
            out.append(f"postings of bucket {b} differ from the build's digest")
    return out[:10]


def bucket_rows(conn: sqlite3.Connection, bucket: int, bits: int) -> list[tuple[int, int, int]]:
    lo, hi = bucket_range(bucket, bits)
    # NOT INDEXED: the primary key's b-tree, which lookups read (not the covering index on doc)
    return conn.execute("SELECT hash, doc, pos FROM postings NOT INDEXED WHERE hash BETWEEN ? AND ? "
                        "ORDER BY hash, doc, pos", (lo, hi)).fetchall()


def bucket_problem(conn: sqlite3.Connection, key: bytes, bucket: int, bits: int,
                   expected: tuple[int, str] | None, rows: list[tuple[int, int, int]] | None = None) -> str:
    """'' when the postings of ``bucket`` (``rows``, else read) are those the build digested, else what
    differs."""
    if expected is None:
        return f"bucket {bucket} is missing from the buckets table"
    rows = bucket_rows(conn, bucket, bits) if rows is None else rows
    if len(rows) != expected[0]:
        return f"bucket {bucket} holds {len(rows)} postings, the build recorded {expected[0]}"
    if not hmac.compare_digest(bucket_digest(key, bucket, rows), expected[1]):
        return f"postings of bucket {bucket} differ from the build's digest"
    return ""


def many_buckets_rows(conn: sqlite3.Connection, buckets: list[int], bits: int) -> dict[int, list[tuple[int, int, int]]]:
    """The postings of each of ``buckets``, in key order, read with one range search per bucket in one
    statement per 200 buckets (the per-statement cost dominates for small buckets). The rows of a statement
    are cut into buckets by bisecting their hashes at each bucket's range (no per-row bucket arithmetic)."""
    out: dict[int, list[tuple[int, int, int]]] = {}
    for i in range(0, len(buckets), 200):
        part = sorted(buckets[i : i + 200])
        ranges = [v for b in part for v in bucket_range(b, bits)]
        sql = (f"WITH r(lo, hi) AS (VALUES {', '.join(['(?, ?)'] * len(part))}) SELECT p.hash, p.doc, p.pos "
               "FROM r JOIN postings AS p NOT INDEXED ON p.hash BETWEEN r.lo AND r.hi")
        rows = sorted(conn.execute(sql, ranges).fetchall())  # already in key order: the sort only checks it
        hashes = [r[0] for r in rows]
        for b in part:
            lo, hi = bucket_range(b, bits)
            out[b] = rows[bisect_left(hashes, lo) : bisect_right(hashes, hi)]
    return out


def frequent_rows(conn: sqlite3.Connection) -> list[tuple[int, int, str]]:
    return [(int(h), int(n), "") for h, n in conn.execute("SELECT hash, docs FROM frequent ORDER BY hash")]


def doc_row_ok(key: bytes, row: DocRow) -> bool:
    doc, ref, sha, terms, sections, has_text, offsets_sha, mac = row
    return hmac.compare_digest(doc_mac(key, doc, ref, sha, terms, sections, bool(has_text), offsets_sha), mac)


def text_ok(text: str | None, sha: str) -> bool:
    return text is None or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() == sha


def offsets_ok(offsets: bytes | None, sha: str) -> bool:
    return sha256_of(offsets) == sha


def docs_problems(conn: sqlite3.Connection, key: bytes) -> list[str]:
    """Every document row's MAC, text and term offsets."""
    out: list[str] = []
    for row in conn.execute(f"SELECT {DOC_COLUMNS}, text, offsets FROM docs ORDER BY id"):
        meta: DocRow = row[:8]
        if not doc_row_ok(key, meta):
            out.append(f"document row {row[0]} differs from the build's MAC")
        elif not text_ok(row[8], row[2]):
            out.append(f"text of document row {row[0]} differs from its sha256")
        elif not offsets_ok(row[9], row[6]):
            out.append(f"term offsets of document row {row[0]} differ from their sha256")
    return out[:10]


def digest_buckets(conn: sqlite3.Connection, key: bytes, bits: int) -> list[tuple[int, int, str]]:
    """``(bucket, postings, digest)`` of every bucket, from one scan of the postings in key order."""
    out: list[tuple[int, int, str]] = []
    rows: list[tuple[int, int, int]] = []
    current = 0
    for row in conn.execute("SELECT hash, doc, pos FROM postings NOT INDEXED ORDER BY hash, doc, pos"):
        bucket = bucket_of(row[0], bits)
        while bucket != current:
            out.append((current, len(rows), bucket_digest(key, current, rows)))
            rows, current = [], current + 1
        rows.append(row)
    while current < 1 << bits:
        out.append((current, len(rows), bucket_digest(key, current, rows)))
        rows, current = [], current + 1
    return out


def content_sha256(conn: sqlite3.Connection) -> str:
    """The unkeyed content digest (documents by reference, then their postings): equal for equal builds, shown
    in result stamps."""
    digest = hashlib.sha256()
    for ref, sha, terms, sections, text in conn.execute(
        "SELECT ref, sha256, terms, sections, text FROM docs ORDER BY ref"
    ):
        digest.update(f"{ref}\0{sha}\0{terms}\0{sections}\0".encode())
        digest.update(hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).digest())
    cur = conn.execute("SELECT d.ref, p.pos, p.hash FROM postings p JOIN docs d ON d.id = p.doc "
                       "ORDER BY d.ref, p.pos, p.hash")
    pack = struct.Struct(">qq").pack
    for ref, pos, h in cur:
        digest.update(ref.encode())
        digest.update(pack(pos, h))
    return digest.hexdigest()


def open_problems(conn: sqlite3.Connection, m: Manifest, key: bytes | None,
                  full: bool) -> tuple[list[str], frozenset[int]]:
    """What opening checks after SQLite's own check (FingerprintStore.open): the document count, the frequent
    table's digest, and when ``full`` every bucket and document; without a key (a pack opened for inspection)
    the unkeyed counts only. Returns the problems and the frequent fingerprints."""
    problems: list[str] = []
    docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    if docs != m.docs:
        problems.append(f"{docs} documents, the manifest says {m.docs}")
    if key is None:
        postings = conn.execute("SELECT count(*) FROM postings").fetchone()[0]
        if postings != m.postings:
            problems.append(f"{postings} postings, the manifest says {m.postings}")
        return problems, frozenset()
    frequent = frequent_rows(conn)
    if not hmac.compare_digest(table_digest(key, b"screener-frequnt", frequent), m.frequent):
        problems.append("the frequent table differs from the manifest's digest")
    if full and not problems:
        problems += buckets_problems(conn, m, key)
        problems += docs_problems(conn, key)
    return problems, frozenset(h for h, _, _ in frequent)


def verify(conn: sqlite3.Connection, path: Path, m: Manifest, key: bytes | None, frequent_docs: int) -> list[str]:
    """Every check, whatever the store's size; at most 10 problems of a kind."""
    problems = file_problems(path)
    try:
        problems += sqlite_check(conn)
        problems += _verify_content(conn, m, key, frequent_docs)
    except sqlite3.DatabaseError as exc:
        problems.append(f"sqlite: {sqlite_reason(exc)}")
    return problems


def _verify_content(conn: sqlite3.Connection, m: Manifest, key: bytes | None, frequent_docs: int) -> list[str]:
    problems: list[str] = []
    if key is None:
        problems.append("keyed digests not checked: no key")
    elif not m.mac_ok(key):
        problems.append("the manifest does not match its MAC")
    docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    postings = conn.execute("SELECT count(*) FROM postings NOT INDEXED").fetchone()[0]
    if (docs, postings) != (m.docs, m.postings):
        problems.append("document or posting counts differ from the manifest")
    if key is not None:
        problems += buckets_problems(conn, m, key)
        if not hmac.compare_digest(table_digest(key, b"screener-frequnt", frequent_rows(conn)), m.frequent):
            problems.append("the frequent table differs from the manifest's digest")
        problems += docs_problems(conn, key)
    recomputed = conn.execute("SELECT hash, count(DISTINCT doc) FROM postings GROUP BY hash "
                              "HAVING count(DISTINCT doc) > ? ORDER BY hash", (frequent_docs,)).fetchall()
    if recomputed != conn.execute("SELECT hash, docs FROM frequent ORDER BY hash").fetchall():
        problems.append("the frequent table differs from the postings")
    if content_sha256(conn) != m.sha256:
        problems.append("content sha256 differs from the manifest")
    if m.kind == "pack" and conn.execute(
        "SELECT count(*) FROM docs WHERE text IS NOT NULL OR offsets IS NOT NULL"
    ).fetchone()[0]:
        problems.append("a pack holds document text")
    return problems
