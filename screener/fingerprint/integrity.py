"""Keyed digests that let a fingerprint store prove, cheaply and part by part, that it is the store that was built.

Every digest is keyed BLAKE2b (RFC 7693; a MAC when used with a secret key) under the store's key, with a
distinct personalisation per kind of record, so that no record can stand in for another:

- the *manifest MAC* covers every manifest field (parameters, counts and the digests below);
- the *postings* are cut into ``2**bucket_bits`` buckets by the top bits of their hash; as a posting's hash
  leads its primary key, a bucket is one contiguous key range of the postings table, read by one range scan.
  Each bucket's row count and digest (in key order, keyed, covering its number and count, so that a row
  cannot stand in for another) is a row of the ``buckets`` table; the digest of that whole table is in the
  manifest. ``bucket_bits`` is chosen at build so that a bucket holds at most ``BUCKET_TARGET`` postings
  on average;
- the ``frequent`` table has one digest in the manifest;
- each document row carries a MAC of its metadata (id, reference, text digest, term count, sections, the
  digest of its term offsets), and its text and offsets are checked against their digests when read.

For an index the key is stored in the file: its digests detect damage and edits made without re-deriving
them, not a forger who reads the key. A pack's key is kept apart from it, so its digests are real MACs.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path

BUCKET_TARGET = 16
MAX_BUCKET_BITS = 20
_SIGN = 1 << 63


def keyed(key: bytes, person: bytes, *parts: bytes) -> str:
    """Hex keyed BLAKE2b-128 of ``parts`` (each length-prefixed, so boundaries cannot shift)."""
    h = hashlib.blake2b(key=key, digest_size=16, person=person)
    for part in parts:
        h.update(struct.pack(">Q", len(part)))
        h.update(part)
    return h.hexdigest()


def bucket_bits(postings: int) -> int:
    """Bits of the hash that name a bucket: at most BUCKET_TARGET postings a bucket on average (a lookup
    checks a whole bucket the first time it reads one), at most 2**20 buckets (then 10M postings: 10 a
    bucket)."""
    bits = 0
    while bits < MAX_BUCKET_BITS and postings > BUCKET_TARGET << bits:
        bits += 1
    return bits


def bucket_of(h: int, bits: int) -> int:
    """The bucket of a signed 64-bit hash."""
    return (h + _SIGN) >> (64 - bits) if bits else 0


def bucket_range(bucket: int, bits: int) -> tuple[int, int]:
    """The inclusive range of signed hashes in ``bucket``."""
    if not bits:
        return -_SIGN, _SIGN - 1
    width = 1 << (64 - bits)
    lo = bucket * width - _SIGN
    return lo, lo + width - 1


def bucket_digest(key: bytes, bucket: int, rows: Sequence[tuple[int, int, int]]) -> str:
    """Digest of one bucket's ``(hash, doc, pos)`` postings in primary-key order."""
    flat = [v for row in rows for v in row]
    return keyed(key, b"screener-bucket", struct.pack(">qq", bucket, len(rows)), struct.pack(f">{len(flat)}q", *flat))


def table_digest(key: bytes, person: bytes, rows: Iterable[tuple[int, int, str | bytes]]) -> str:
    """Digest of small ``(int, int, text)`` tables (``buckets``, ``frequent``) in key order."""
    h = hashlib.blake2b(key=key, digest_size=16, person=person)
    for a, b, c in rows:
        data = c.encode("ascii") if isinstance(c, str) else bytes(c)
        h.update(struct.pack(">qqQ", a, b, len(data)))
        h.update(data)
    return h.hexdigest()


def doc_mac(key: bytes, doc: int, ref: str, sha256: str, terms: int, sections: str, has_text: bool,
            offsets_sha256: str) -> str:
    """MAC of one document row's metadata (its text and offsets are covered by the digests it names)."""
    return keyed(key, b"screener-doc", struct.pack(">qq?", doc, terms, has_text), ref.encode("utf-8", "surrogatepass"),
                 sha256.encode("ascii", "replace"), sections.encode("utf-8", "surrogatepass"),
                 offsets_sha256.encode("ascii", "replace"))


def sha256_of(data: bytes | None) -> str:
    return "" if data is None else hashlib.sha256(data).hexdigest()


def create_private(path: Path, data: bytes = b"") -> None:
    """Create ``path`` (it must not exist) with ``data``, readable and writable by its owner only (0600),
    whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(data)
