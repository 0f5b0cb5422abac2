"""Store errors never carry the protected text: SQLite quotes the cell it could not read, the message must not."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from screener.errors import StoreError, sqlite_reason
from screener.fingerprint import corpus
from screener.fingerprint.store import FingerprintStore
from tests.fragments_support import KEY, PRICING, scan_input, write_corpus


@pytest.mark.parametrize(("message", "kept", "dropped"), [
    ("Could not decode to UTF-8 column 'text' with text 'Halvorsen Capital - Pricing Committee Minutes'",
     "Could not decode to UTF-8 column", "Halvorsen"),
    ("Could not decode to UTF-8 column 'text' with text 'a\nsecond line of the memo'", "column", "memo"),
    ("near \"Orchid register\": syntax error", "syntax error", "Orchid"),
    ("database disk image is malformed", "database disk image is malformed", "\n"),
], ids=["decode-error", "multi-line-cell", "quoted-token", "plain"])
def test_sqlite_reason_keeps_the_reason_and_drops_quoted_values(message: str, kept: str, dropped: str) -> None:
    reason = sqlite_reason(sqlite3.OperationalError(message))
    assert kept in reason and dropped not in reason
    assert reason.startswith("OperationalError")


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{5,}", text)}


def test_a_text_cell_that_no_longer_decodes_is_refused_without_quoting_it(tmp_path: Path) -> None:
    out = tmp_path / "h.db"
    corpus.build([write_corpus(tmp_path)], "halvorsen", out, key=KEY)
    data = bytearray(out.read_bytes())
    at = data.find(b"municipal bonds at a spread")
    assert at > 0
    data[at : at + 4] = b"\xff\xfe\xff\xfe"  # invalid UTF-8 inside the stored text of the document
    out.write_bytes(bytes(data))
    messages = []
    for full in (True, False):
        try:
            store = FingerprintStore.open(out, full_check=full)
            for doc in store.documents():
                store.text(doc)
            list(corpus.open_store(out).lookup([1, 2, 3], skip_frequent=False))
        except StoreError as exc:
            messages.append(str(exc))
    try:
        from screener.detect.fragments import FragmentDetector

        list(FragmentDetector([FingerprintStore.open(out, full_check=False)]).detect(scan_input(PRICING)))
    except StoreError as exc:
        messages.append(str(exc))
    assert messages, "the damaged text was read without an error"
    protected = _words(PRICING) - _words(str(out))
    for message in messages:
        assert not _words(message) & protected, message
    _, problems = corpus.verify(out)
    assert problems and not _words(" ".join(problems)) & protected
