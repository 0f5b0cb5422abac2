"""The manifest of a fingerprint store: what it holds and how it was made, checked before any lookup.

A store whose manifest is missing, of another format version, built with other shingle parameters or
another key, whose manifest MAC (keyed BLAKE2b of every other field, see integrity.py) does not match, or
whose counts disagree with its tables is refused with a StoreError: a broken index must never read as
"no matches".
"""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from screener.errors import StoreError
from screener.fingerprint.integrity import MAX_BUCKET_BITS, keyed

FORMAT = "screener-fingerprints"
FORMAT_VERSION = 3  # 2: look-alike digits and symbols folded in words (shingle.fold_word); 3: manifest MAC,
# bucket digests of the postings, frequent digest, document row MACs
KINDS = ("index", "pack")
ROLES = ("protect", "suppress")


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    kind: str  # "index" (plaintext kept, exact alignment) or "pack" (keyed hashes and section labels only)
    role: str  # "protect" (matches are findings) or "suppress" (boilerplate: matches do not count)
    k: int
    window: int
    key_id: str
    created: str  # ISO 8601 UTC
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    hash: str = "blake2b-64"
    docs: int = 0
    postings: int = 0
    terms: int = 0
    sha256: str = ""
    pack_id: str = ""
    expires: str = ""  # ISO date (packs); empty when it never expires
    bucket_bits: int = 0  # postings are digested in 2**bucket_bits buckets (integrity.py)
    buckets: str = ""  # digest of the buckets table
    frequent: str = ""  # digest of the frequent table
    mac: str = ""  # keyed digest of every other field

    def to_rows(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in asdict(self).items()]

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str]], where: str) -> Manifest:
        data = dict(rows)
        if data.get("format") != FORMAT:
            raise StoreError(f"{where} is not a screener fingerprint store (no manifest)", code="E410")
        try:
            version = int(data.get("format_version", ""))
        except ValueError:
            version = -1
        if version != FORMAT_VERSION:
            raise StoreError(
                f"{where} has format version {data.get('format_version')!r}; this screener reads {FORMAT_VERSION}"
                " (rebuild it with `screener corpus build`)",
                code="E411",
            )
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                raise StoreError(f"{where}: manifest lacks {f.name!r}", code="E412")
            raw = data[f.name]
            try:
                values[f.name] = int(raw) if f.type in ("int", int) else raw
            except ValueError:
                raise StoreError(f"{where}: manifest field {f.name!r} is not a number", code="E412") from None
        manifest = cls(**values)
        problems = []
        if manifest.kind not in KINDS:
            problems.append(f"kind {manifest.kind!r}")
        if manifest.role not in ROLES:
            problems.append(f"role {manifest.role!r}")
        if manifest.hash != "blake2b-64":
            problems.append(f"hash {manifest.hash!r}")
        if not (1 <= manifest.k <= 16 and 1 <= manifest.window <= 256):
            problems.append(f"k={manifest.k} window={manifest.window}")
        if not 0 <= manifest.bucket_bits <= MAX_BUCKET_BITS:
            problems.append(f"bucket_bits={manifest.bucket_bits}")
        if problems:
            raise StoreError(f"{where}: unsupported manifest values: {', '.join(problems)}", code="E412")
        return manifest

    def with_counts(self, docs: int, postings: int, terms: int, sha256: str) -> Manifest:
        return replace(self, docs=docs, postings=postings, terms=terms, sha256=sha256)

    def expected_mac(self, key: bytes) -> str:
        """The MAC of every field but ``mac`` under ``key``."""
        rows = sorted((k, v) for k, v in self.to_rows() if k != "mac")
        return keyed(key, b"screener-manifst", json.dumps(rows).encode("utf-8"))

    def sealed(self, key: bytes) -> Manifest:
        return replace(self, mac=self.expected_mac(key))

    def mac_ok(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, self.expected_mac(key))
