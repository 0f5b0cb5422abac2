"""The SQLite store: manifest, incremental updates, packs, and refusal of damaged or mismatched stores."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from screener.errors import StoreError
from screener.fingerprint import corpus
from screener.fingerprint.manifest import FORMAT_VERSION
from screener.fingerprint.store import FingerprintStore
from tests.fragments_support import KEY, write_corpus


@pytest.fixture
def index(tmp_path: Path) -> Path:
    out = tmp_path / "halvorsen.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    return out


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    out = tmp_path / "halvorsen.pack"
    (tmp_path / "halvorsen.key").write_text(KEY.hex(), encoding="ascii")
    corpus.fingerprint([write_corpus(tmp_path)], "halvorsen", out, KEY, expires=date(2999, 1, 1))
    return out


def test_manifest_records_parameters_counts_and_digest(index: Path) -> None:
    store = FingerprintStore.open(index)
    m = store.manifest
    assert (m.format_version, m.k, m.window, m.hash, m.kind, m.role) == (
        FORMAT_VERSION, corpus.DEFAULT_K, 4, "blake2b-64", "index", "protect")
    assert m.docs == 2 and m.postings > 0 and m.terms > m.postings
    assert len(m.sha256) == 64
    assert store.verify() == []
    refs = sorted(d.ref for d in store.documents().values())
    assert refs == ["onboarding_checklist.txt", "pricing_minutes.md"]
    store.close()


def test_sections_are_labelled_from_headings(index: Path) -> None:
    store = FingerprintStore.open(index)
    docs = {d.ref: d for d in store.documents().values()}
    labels = [s[2] for s in docs["pricing_minutes.md"].sections]
    assert labels == ["Halvorsen Capital - Pricing Committee Minutes", "Decision on the Aurora bond desk",
                      "Escalation"]
    assert "1. Identity checks" in [s[2] for s in docs["onboarding_checklist.txt"].sections]
    store.close()


def test_add_and_remove_are_incremental(index: Path, tmp_path: Path) -> None:
    extra = tmp_path / "memo.txt"
    extra.write_text("The Orchid register keeps every pricing exception for seven years at Halvorsen.", "utf-8")
    before = FingerprintStore.open(index).manifest
    after, reports = corpus.add(index, [extra])
    assert [r.status for r in reports] == ["added"] and after.docs == before.docs + 1
    again, removed, missing = corpus.remove(index, ["memo.txt", "nope.txt"])
    assert (removed, missing) == (["memo.txt"], ["nope.txt"])
    assert (again.docs, again.postings, again.sha256) == (before.docs, before.postings, before.sha256)


def test_pack_holds_no_text_and_needs_its_key(pack: Path) -> None:
    with sqlite3.connect(pack) as conn:
        assert conn.execute("SELECT count(*) FROM docs WHERE text IS NOT NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM corpus_key").fetchone()[0] == 0
        offsets = [s for (row,) in conn.execute("SELECT sections FROM docs") for s in json.loads(row)]
    assert offsets and all(o[1] == -1 for o in offsets)
    store = corpus.open_store(pack)
    assert store.manifest.kind == "pack" and store.manifest.pack_id and store.manifest.expires == "2999-01-01"
    store.close()


def _tamper(sql: str) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        with sqlite3.connect(path) as conn:
            conn.execute(sql)

    return run


LOSE_ONE = "DELETE FROM postings WHERE (doc, pos) IN (SELECT doc, pos FROM postings ORDER BY doc, pos LIMIT 1)"


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all" * 100)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (_garbage, "E413"),
        (_tamper(LOSE_ONE), "E417"),
        (_tamper("DROP TABLE manifest"), "E410"),
        (_tamper("UPDATE manifest SET value = '99' WHERE key = 'format_version'"), "E411"),
        (_tamper("UPDATE manifest SET value = 'md5' WHERE key = 'hash'"), "E412"),
        (_tamper("DELETE FROM manifest WHERE key = 'window'"), "E412"),
        (_tamper("UPDATE corpus_key SET key = x'00112233445566778899aabbccddeeff'"), "E416"),
    ],
    ids=["garbage", "lost-posting", "no-manifest", "format-version", "hash-name", "missing-field", "other-key"],
)
def test_damaged_store_is_refused_not_read_as_empty(index: Path, damage: Callable[[Path], None], code: str) -> None:
    damage(index)
    with pytest.raises(StoreError) as err:
        FingerprintStore.open(index)
    assert err.value.code == code


def test_truncated_file_is_refused(index: Path) -> None:
    _truncate(index)
    with pytest.raises(StoreError) as err:
        FingerprintStore.open(index)
    assert err.value.code == "E413"


def test_a_changed_fingerprint_is_refused_at_open_and_listed_by_verify(index: Path) -> None:
    with sqlite3.connect(index) as conn:
        h, doc, pos = conn.execute("SELECT hash, doc, pos FROM postings LIMIT 1").fetchone()
        conn.execute("UPDATE postings SET hash = ? WHERE hash = ? AND doc = ? AND pos = ?", (h ^ 1, h, doc, pos))
    conn.close()
    with pytest.raises(StoreError) as err:  # counts still agree: the bucket digest tells
        FingerprintStore.open(index)
    assert err.value.code == "E417" and "bucket" in err.value.message
    _, problems = corpus.verify(index)
    assert "content sha256 differs from the manifest" in problems
    assert any(p.startswith("postings of bucket") for p in problems)


@pytest.mark.parametrize(
    ("key_file", "code"),
    [(None, "E416"), (b"ab" * 16, "E416"), (b"short", "E416")],
    ids=["missing-key", "wrong-key", "malformed-key"],
)
def test_pack_with_missing_or_wrong_key_is_refused(pack: Path, key_file: bytes | None, code: str) -> None:
    key_path = pack.with_suffix(".key")
    if key_file is None:
        key_path.unlink()
    else:
        key_path.write_bytes(key_file)
    with pytest.raises(StoreError) as err:
        corpus.open_store(pack)
    assert err.value.code == code


def test_expired_pack_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "old.pack"
    (tmp_path / "old.key").write_text(KEY.hex(), encoding="ascii")
    corpus.fingerprint([write_corpus(tmp_path)], "old", out, KEY, expires=date(2001, 1, 1))
    with pytest.raises(StoreError) as err:
        corpus.open_store(out)
    assert err.value.code == "E420"


@pytest.mark.parametrize("name", ["missing.db", "empty.db"], ids=["missing", "plain-sqlite"])
def test_not_a_store(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "empty.db":
        sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(StoreError) as err:
        FingerprintStore.open(path)
    assert err.value.code in ("E410", "E415")


def test_build_refuses_to_overwrite(index: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        corpus.build([write_corpus(tmp_path)], "again", index)


def test_fingerprints_shared_by_many_documents_are_skipped(tmp_path: Path) -> None:
    from screener.fingerprint.ingest import add_text
    from screener.fingerprint.store import FREQUENT_DOCS

    corpus.build([], "many", tmp_path / "many.db", key=KEY)
    store = FingerprintStore.open(tmp_path / "many.db", writable=True)
    shared = "standard governing law clause of the state of delaware applies"
    for i in range(FREQUENT_DOCS + 1):
        add_text(store, f"d{i}.txt", f"{shared} unique{i} words{i} here{i}")
    store.commit()
    common = set(store.frequent())
    assert common
    assert list(store.lookup(common)) == []
    assert len({doc for _, doc, _ in store.lookup(common, skip_frequent=False)}) == FREQUENT_DOCS + 1
    store.close()
