"""Buckets checked part by part are read and digested once, then answered from memory within a cap."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from screener.errors import StoreError
from screener.fingerprint import checks, corpus, integrity
from screener.fingerprint import store as store_module
from screener.fingerprint.shingle import shingle_hashes, terms_of
from screener.fingerprint.store import FingerprintStore
from screener.text.normalize import normalize
from tests.fragments_support import KEY, ONBOARDING, PRICING, write_corpus

TEXTS = {
    "pricing": PRICING,
    "onboarding": ONBOARDING,
    "pricing-again": PRICING[len(PRICING) // 3 :],
    "unrelated": "The harbour ferry leaves at dawn and the gulls follow it out past the breakwater.",
}


def _hashes(text: str) -> list[int]:
    return shingle_hashes(terms_of(normalize(text).text).terms, 3, KEY)


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The synthetic corpus with about one posting a bucket, so that each text reads many buckets."""
    monkeypatch.setattr(integrity, "BUCKET_TARGET", 1)
    out = tmp_path / "h.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    return out


def _answers(store: FingerprintStore) -> dict[str, list[tuple[int, int, int]]]:
    return {name: sorted(store.lookup(_hashes(text), skip_frequent=False)) for name, text in TEXTS.items()}


@pytest.mark.parametrize("cap", [1 << 20, 3, 0], ids=["room-for-all", "evicting", "nothing-held"])
def test_answers_from_memory_equal_direct_reads(index: Path, monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    direct = _answers(FingerprintStore.open(index, full_check=True))
    assert direct["pricing"] and direct["onboarding"] and not direct["unrelated"]
    monkeypatch.setattr(store_module, "CHECKED_CACHE_POSTINGS", cap)
    parts = FingerprintStore.open(index, full_check=False)
    assert _answers(parts) == direct  # read and checked now
    assert _answers(parts) == direct  # again: from memory, or read again what was dropped
    assert parts._checked_postings_held <= max(cap, max(len(v) // 3 for v in parts._checked.values()))


def test_a_bucket_is_read_and_digested_once(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = FingerprintStore.open(index, full_check=False)
    read: list[int] = []
    real = checks.many_buckets_rows

    def counting(conn: sqlite3.Connection, buckets: list[int], bits: int) -> dict[int, list[tuple[int, int, int]]]:
        read.extend(buckets)
        return real(conn, buckets, bits)

    monkeypatch.setattr(checks, "many_buckets_rows", counting)
    first = sorted(parts.lookup(_hashes(PRICING), skip_frequent=False))
    assert read and len(read) == len(set(read))
    read.clear()
    assert sorted(parts.lookup(_hashes(PRICING), skip_frequent=False)) == first
    assert read == []
    held = set(parts._checked)
    wanted = {integrity.bucket_of(h, parts.manifest.bucket_bits) for h in _hashes(ONBOARDING)}
    list(parts.lookup(_hashes(ONBOARDING), skip_frequent=False))
    assert wanted & held and wanted - held  # the two texts share buckets, and each reads its own too
    assert sorted(read) == sorted(wanted - held)  # only the buckets not held were read


def test_damage_in_a_bucket_not_yet_read_is_still_found(index: Path) -> None:
    parts = FingerprintStore.open(index, full_check=False)
    bits = parts.manifest.bucket_bits
    list(parts.lookup(_hashes(ONBOARDING), skip_frequent=False))
    held = set(parts._checked)
    target = sorted({integrity.bucket_of(h, bits) for h in _hashes(PRICING)} - held)
    with sqlite3.connect(index) as conn:
        lo, hi = integrity.bucket_range(next(
            b for b in target
            if conn.execute("SELECT 1 FROM postings WHERE hash BETWEEN ? AND ?", integrity.bucket_range(b, bits))
            .fetchone()), bits)
        conn.execute("UPDATE postings SET pos = pos + 1000 WHERE (hash, doc, pos) IN "
                     "(SELECT hash, doc, pos FROM postings WHERE hash BETWEEN ? AND ? LIMIT 1)", (lo, hi))
    conn.close()
    with pytest.raises(StoreError) as err:
        list(parts.lookup(_hashes(PRICING), skip_frequent=False))
    assert err.value.code == "E417"
    # what was checked before the damage still answers as it was checked
    assert sorted(parts.lookup(_hashes(ONBOARDING), skip_frequent=False))
