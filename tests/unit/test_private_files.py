"""Stores that say what was screened are written 0600 whatever the umask: the audit log, the batch ledger and
the exposure ledger (like results, reports, indexes and key files)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from screener.private import private_file
from screener.record.audit import AuditLog
from screener.run.batch import Ledger


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _audit(path: Path) -> None:
    with AuditLog(path):
        pass


def _ledger(path: Path) -> None:
    Ledger(path, "fingerprint").db.close()


def _exposure(path: Path) -> None:
    from screener.exposure.ledger import ExposureLedger

    with ExposureLedger(path):
        pass


@pytest.mark.parametrize("open_store", [_audit, _ledger, _exposure], ids=["audit-log", "batch-ledger", "exposure"])
def test_stores_are_created_0600(umask: int, tmp_path: Path, open_store: Callable[[Path], None]) -> None:
    store = tmp_path / "store.sqlite"
    open_store(store)
    assert _mode(store) == 0o600
    for side in tmp_path.glob("store.sqlite-*"):  # WAL and shared-memory files, when left behind
        assert _mode(side) == 0o600, side


def test_an_existing_file_is_tightened(umask: int, tmp_path: Path) -> None:
    loose = tmp_path / "old.sqlite"
    loose.write_bytes(b"")
    loose.chmod(0o644)
    private_file(loose)
    assert _mode(loose) == 0o600
