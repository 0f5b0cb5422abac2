"""Audit log: append-only, hash-chained; verify catches an edited row, a deleted row and a removed tail."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screener.errors import StoreError
from screener.model import Verdict
from screener.record.audit import AuditLog
from tests.legal_support import TEXT, person_result, result

FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _log(tmp_path: Path, n: int = 4) -> AuditLog:
    log = AuditLog(tmp_path / "audit.db", clock=lambda: FIXED)
    for i in range(n):
        log.record(person_result(f"sub-{i}"))
    return log


def _tamper(path: Path, *statements: str) -> None:
    """What someone with write access to the file could do: drop the guards, then change rows."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER entries_no_update")
    db.execute("DROP TRIGGER entries_no_delete")
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def test_intact_chain_verifies(tmp_path: Path) -> None:
    log = _log(tmp_path)
    report = log.verify()
    assert report.ok, report.problems
    assert report.entries == 4
    assert report.head.startswith("4:")
    assert log.verify(expected_head=report.head).ok


@pytest.mark.parametrize(("statements", "expected"), [
    (["UPDATE entries SET body = replace(body, '\"redact\"', '\"allow\"') WHERE seq = 2"], "entry 2: content"),
    (["UPDATE entries SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 3"], "entry 3: content"),
    (["UPDATE entries SET subject = 'other' WHERE seq = 1"], "entry 1: content"),
    (["DELETE FROM entries WHERE seq = 2"], "entries 2..2 are missing"),
    (["DELETE FROM entries WHERE seq = 4"], "head recorded"),
    (["DELETE FROM entries WHERE seq = 4", "DELETE FROM meta WHERE key = 'head'"], "head recorded"),
], ids=["edited-verdict", "edited-time", "edited-subject", "deleted-middle-row", "deleted-last-row",
        "deleted-last-row-and-head"])
def test_verify_detects_tampering(tmp_path: Path, statements: list[str], expected: str) -> None:
    _log(tmp_path).close()
    _tamper(tmp_path / "audit.db", *statements)
    with AuditLog(tmp_path / "audit.db") as log:
        report = log.verify()
    assert not report.ok
    assert any(expected in p for p in report.problems), report.problems


def test_edited_row_with_recomputed_hash_still_breaks_the_next_link(tmp_path: Path) -> None:
    from screener.record.audit import entry_hash

    _log(tmp_path).close()
    db = sqlite3.connect(tmp_path / "audit.db")
    seq, kind, subject, at, body, prev = db.execute(
        "SELECT seq, kind, subject, at, body, prev FROM entries WHERE seq = 2").fetchone()
    body = body.replace('"redact"', '"allow"')
    forged = entry_hash(seq, kind, subject, at, body, prev)
    db.close()
    _tamper(tmp_path / "audit.db", f"UPDATE entries SET body = '{body}', hash = '{forged}' WHERE seq = 2")
    with AuditLog(tmp_path / "audit.db") as log:
        problems = log.verify().problems
    assert any("entry 3: link" in p for p in problems), problems


def test_rewritten_file_is_caught_by_a_head_kept_elsewhere(tmp_path: Path) -> None:
    log = _log(tmp_path / "a")
    kept = log.verify().head
    other = _log(tmp_path / "b", n=3)
    other.record(result("sub-3", verdict=Verdict.ALLOW))
    assert other.verify().ok
    assert not other.verify(expected_head=kept).ok


@pytest.mark.parametrize("sql", ["UPDATE entries SET kind = 'x' WHERE seq = 1", "DELETE FROM entries WHERE seq = 1"],
                         ids=["update", "delete"])
def test_triggers_refuse_changes(tmp_path: Path, sql: str) -> None:
    _log(tmp_path).close()
    db = sqlite3.connect(tmp_path / "audit.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(sql)
    db.close()


def test_entries_hold_no_text_but_every_version(tmp_path: Path) -> None:
    log = _log(tmp_path, n=1)
    entry = log.entries(subject="sub-0")[0]
    assert entry.kind == "screening"
    assert entry.body["sha256"] == person_result().sha256
    assert entry.body["versions"]["rules"] == "abc123"
    assert {"policy", "model", "corpus:demo", "screener"} <= set(entry.body["versions"])
    assert [f["rule_id"] for f in entry.body["findings"]] == ["PII101", "PII110"]
    assert entry.at == FIXED.isoformat(timespec="microseconds")
    log.close()
    raw = (tmp_path / "audit.db").read_bytes()
    for words in ("Hallam", "dana@example", "7946", TEXT[:20]):
        assert words.encode() not in raw


def test_entry_lookup_and_latest(tmp_path: Path) -> None:
    log = _log(tmp_path, n=2)
    log.record(result("sub-1", verdict=Verdict.ALLOW))
    latest = log.latest_screening("sub-1")
    assert latest is not None and latest.seq == 3 and latest.body["verdict"] == "allow"
    assert log.entry(1) is not None and log.entry(1).subject == "sub-0"  # type: ignore[union-attr]
    assert log.entry(99) is None
    assert log.latest_screening("missing") is None


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "audit.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        AuditLog(bad)


def test_foreign_schema_is_refused(tmp_path: Path) -> None:
    _log(tmp_path, n=1).close()
    db = sqlite3.connect(tmp_path / "audit.db")
    db.execute("UPDATE meta SET value = 'other/9' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="other/9"):
        AuditLog(tmp_path / "audit.db")


def test_salt_is_random_per_log(tmp_path: Path) -> None:
    a, b = AuditLog(tmp_path / "a.db"), AuditLog(tmp_path / "b.db")
    assert len(a.salt) == 32 and a.salt != b.salt
    assert AuditLog(tmp_path / "a.db").salt == a.salt
