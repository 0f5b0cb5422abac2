"""Part-by-part checks of large stores, damage met mid-run, and the file modes of indexes, packs and keys."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screener.detect.fragments import FragmentDetector
from screener.errors import StoreError
from screener.fingerprint import checks, corpus, integrity
from screener.fingerprint.shingle import shingle_hashes, terms_of
from screener.fingerprint.store import FingerprintStore
from screener.model import Submission, Verdict
from screener.ruleset.loader import RuleSet, load_rules
from screener.text.normalize import normalize
from tests.fragments_support import KEY, ONBOARDING, PRICING, write_corpus
from tests.unit.test_fingerprint_tamper import QUOTE, RULES, outcome

ONBOARDING_QUOTE = ONBOARDING.split("1. Identity checks")[1].split("2. Risk scoring")[0].strip()


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules([RULES])


@pytest.fixture
def many_buckets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An index of the synthetic corpus with about one posting a bucket, read part by part as a store
    larger than FULL_CHECK_BYTES would be."""
    monkeypatch.setattr(integrity, "BUCKET_TARGET", 1)
    monkeypatch.setattr(checks, "FULL_CHECK_BYTES", 0)
    out = tmp_path / "h.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    return out


def _buckets_of(text: str, bits: int) -> set[int]:
    return {integrity.bucket_of(h, bits) for h in shingle_hashes(terms_of(normalize(text).text).terms, 3, KEY)}


def _bucket_of_doc(path: Path, ref: str, touched_by: str, untouched_by: str) -> int:
    """A bucket holding postings of ``ref`` only, read for the text ``touched_by`` and not for ``untouched_by``."""
    store = FingerprintStore.open(path)
    bits = store.manifest.bucket_bits
    store.close()
    wanted = _buckets_of(touched_by, bits) - _buckets_of(untouched_by, bits)
    with sqlite3.connect(path) as conn:
        owners: dict[int, set[str]] = {}
        for h, doc_ref in conn.execute("SELECT p.hash, d.ref FROM postings p JOIN docs d ON d.id = p.doc"):
            owners.setdefault(integrity.bucket_of(h, bits), set()).add(doc_ref)
    conn.close()
    return min(b for b, refs in owners.items() if refs == {ref} and b in wanted)


def test_a_damaged_bucket_fails_the_submissions_that_read_it(many_buckets: Path, rules: RuleSet) -> None:
    assert FingerprintStore.open(many_buckets).manifest.bucket_bits >= 3
    bucket = _bucket_of_doc(many_buckets, "pricing_minutes.md", QUOTE, ONBOARDING_QUOTE)
    lo, hi = integrity.bucket_range(bucket, FingerprintStore.open(many_buckets).manifest.bucket_bits)
    with sqlite3.connect(many_buckets) as conn:  # move one posting within its bucket: counts and ranges hold
        conn.execute("UPDATE postings SET pos = pos + 1000 WHERE (hash, doc, pos) IN "
                     "(SELECT hash, doc, pos FROM postings WHERE hash BETWEEN ? AND ? LIMIT 1)", (lo, hi))
    conn.close()
    # the store opens (the damaged bucket is not read yet); a quote of the other document reads other buckets
    assert outcome(many_buckets, rules, ONBOARDING_QUOTE) == "block FRG501"
    assert outcome(many_buckets, rules, QUOTE) == "unscanned"
    assert outcome(many_buckets, rules, PRICING) == "unscanned"
    _, problems = corpus.verify(many_buckets)
    assert f"postings of bucket {bucket} differ from the build's digest" in problems


def test_a_damaged_document_text_fails_the_submissions_that_align_with_it(many_buckets: Path,
                                                                         rules: RuleSet) -> None:
    with sqlite3.connect(many_buckets) as conn:
        conn.execute("UPDATE docs SET text = replace(text, 'eleven', 'twelve') WHERE ref = 'pricing_minutes.md'")
    conn.close()
    assert outcome(many_buckets, rules, ONBOARDING_QUOTE) == "block FRG501"
    assert outcome(many_buckets, rules, QUOTE) == "unscanned"


class _FailingConnection:
    """A connection whose every statement fails as a damaged page does."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, *args: Any) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    def close(self) -> None:
        self.real.close()


@pytest.mark.parametrize("where", ["lookup", "document-text"])
def test_damage_met_mid_run_makes_that_submission_unscanned(tmp_path: Path, rules: RuleSet,
                                                           monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    from screener.config import ScreenerConfig
    from screener.decide.policy import Policy
    from screener.engine import Screener

    out = tmp_path / "h.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    store = corpus.open_store(out)
    detector = FragmentDetector([store])
    config = ScreenerConfig(corpora_dir=tmp_path, corpora=(Path("h.db"),))
    engine = Screener(config, rules, Policy.load(config.policy_file()), [detector], None)
    assert engine.screen(QUOTE).verdict is Verdict.BLOCK
    real = store._conn
    if where == "lookup":
        store._conn = _FailingConnection(real)  # type: ignore[assignment]
    else:  # postings still read; the candidate document's text does not
        def failing_text(self: FingerprintStore, doc: int) -> str | None:
            with self._reading():
                raise sqlite3.DatabaseError("database disk image is malformed")

        detector.matcher._cache.clear()
        monkeypatch.setattr(FingerprintStore, "text", failing_text)
    try:
        results = list(engine.screen_many([Submission("a", text=QUOTE), Submission("b", text="Plain words here."),
                                           Submission("c", text=QUOTE)]))
    finally:
        store._conn = real
    assert [r.submission_id for r in results] == ["a", "b", "c"]
    verdicts = {r.submission_id: r.verdict for r in results}
    assert verdicts["a"] is Verdict.UNSCANNED and verdicts["c"] is Verdict.UNSCANNED
    assert all("fragments" in " ".join(r.reasons) for r in results if r.verdict is Verdict.UNSCANNED)
    detector.close()


def test_read_errors_after_opening_are_coded_store_errors(tmp_path: Path) -> None:
    out = tmp_path / "h.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    store = corpus.open_store(out)
    real = store._conn
    store._conn = _FailingConnection(real)  # type: ignore[assignment]
    store._docs = None
    calls: dict[str, Any] = {
        "lookup": lambda: list(store.lookup([1, 2, 3])),
        "documents": store.documents,
        "document": lambda: store.document(1),
        "text": lambda: store.text(1),
        "offsets": lambda: store.offsets(1),
    }
    for name, call in calls.items():
        with pytest.raises(StoreError) as err:
            call()
        assert err.value.code == "E413", name
    store._conn = real
    store.close()


# -- file modes -------------------------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_index_pack_and_key_are_written_0600(tmp_path: Path, umask: int) -> None:
    docs = write_corpus(tmp_path)
    corpus.build([docs], "h", tmp_path / "h.db", key=KEY)
    key = corpus.write_key(tmp_path / "p.key")
    corpus.fingerprint([docs], "p", tmp_path / "p.pack", key, expires=date(2999, 1, 1))
    assert {p.name: _mode(p) for p in tmp_path.iterdir() if p.is_file()} == {
        "h.db": 0o600, "p.key": 0o600, "p.pack": 0o600}
    extra = tmp_path / "extra.txt"
    extra.write_text(PRICING.replace("Aurora", "Borealis"), encoding="utf-8")
    corpus.add(tmp_path / "h.db", [extra])
    corpus.remove(tmp_path / "h.db", ["extra.txt"])
    assert _mode(tmp_path / "h.db") == 0o600


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "p.key").write_text("ab" * 32, encoding="ascii")
    with pytest.raises(StoreError) as err:
        corpus.write_key(tmp_path / "p.key")
    assert err.value.code == "E416" and (tmp_path / "p.key").read_text() == "ab" * 32


@pytest.mark.parametrize(("postings", "bits"), [(0, 0), (16, 0), (17, 1), (3_400_000, 18), (10**9, 20)],
                         ids=["empty", "one-bucket", "two-buckets", "100k-docs", "beyond-the-cap"])
def test_every_bucket_count_the_build_may_write_is_accepted(postings: int, bits: int) -> None:
    from screener.fingerprint.manifest import Manifest

    assert integrity.bucket_bits(postings) == bits
    manifest = Manifest("h", "index", "protect", 3, 4, "00", "2026-01-01", postings=postings, bucket_bits=bits)
    assert Manifest.from_rows(manifest.to_rows(), "h.db") == manifest
