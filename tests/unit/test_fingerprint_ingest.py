"""Corpus ingestion: formats, limits and a report for every file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from screener.fingerprint import corpus
from screener.fingerprint.store import FingerprintStore
from screener.text.extract import Limits
from tests.fragments_support import KEY, ONBOARDING, PRICING


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Halvorsen Capital internal header Orchid register"
    document.sections[0].footer.paragraphs[0].text = "Footer: pricing committee only"
    for para in PRICING.split("\n\n"):
        document.add_paragraph(para)
    document.save(str(path))


def _zip_bomb(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document>" + b" " * 5_000_000 + b"</w:document>")
    path.write_bytes(buf.getvalue())


def _pdf(pages: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=200, height=200)
        with path.open("wb") as fh:
            writer.write(fh)

    return write


def _text(content: str | bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return write


@pytest.mark.parametrize(
    ("name", "make", "status", "reason"),
    [
        ("minutes.md", _text(PRICING), "added", ""),
        ("checklist.txt", _text(ONBOARDING), "added", ""),
        ("page.html", _text(f"<html><body><p>{ONBOARDING}</p><script>x()</script></body></html>"), "added", ""),
        ("minutes.docx", _docx, "added", ""),
        ("empty.txt", _text(""), "skipped", "empty"),
        ("binary.txt", _text(b"\x00\x01\x02" * 50), "skipped", "binary"),
        ("bomb.docx", _zip_bomb, "skipped", "zip bomb"),
        ("long.pdf", _pdf(5), "skipped", "more than 3 pages"),
        ("blank.pdf", _pdf(1), "skipped", "no text"),
        ("huge.txt", _text("word " * 30_000), "skipped", "exceeds"),
    ],
    ids=["markdown", "text", "html", "docx", "empty", "binary", "zip-bomb", "page-cap", "textless-pdf", "size-cap"],
)
def test_each_file_is_reported(tmp_path: Path, name: str, make: Callable[[Path], None], status: str,
                               reason: str) -> None:
    path = tmp_path / name
    make(path)
    _, reports = corpus.build([path], "t", tmp_path / "t.db", key=KEY,
                              limits=Limits(max_bytes=100_000, max_pages=3))
    (report,) = reports
    assert (report.ref, report.status) == (name, status)
    assert reason in report.reason
    assert (report.terms > 0) is (status == "added")


def test_docx_headers_and_footers_are_indexed(tmp_path: Path) -> None:
    _docx(tmp_path / "m.docx")
    corpus.build([tmp_path / "m.docx"], "t", tmp_path / "t.db", key=KEY)
    store = FingerprintStore.open(tmp_path / "t.db")
    (doc,) = store.documents().values()
    text = store.text(doc.id) or ""
    assert "Orchid register" in text and "pricing committee only" in text
    store.close()


def test_missing_path_is_reported_and_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(ONBOARDING, encoding="utf-8")
    manifest, reports = corpus.build([tmp_path / "nope.txt", good], "t", tmp_path / "t.db", key=KEY)
    assert [(r.ref, r.status) for r in reports] == [("nope.txt", "skipped"), ("a.txt", "added")]
    assert manifest.docs == 1


def test_directories_are_searched_for_corpus_files(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "a.md").write_text(PRICING, encoding="utf-8")
    (tmp_path / "d" / "b.txt").write_text(ONBOARDING, encoding="utf-8")
    (tmp_path / "d" / "unread.bin").write_bytes(b"\x00")
    _, reports = corpus.build([tmp_path / "d"], "t", tmp_path / "t.db", key=KEY)
    assert sorted((r.ref, r.status) for r in reports) == [("a.md", "added"), ("b.txt", "added"),
                                                          ("unread.bin", "skipped")]
    assert next(r for r in reports if r.ref == "unread.bin").reason == "unsupported file type '.bin'"


def test_a_file_named_on_its_own_is_read_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "minutes.notes").write_text(PRICING, encoding="utf-8")
    _, reports = corpus.build([tmp_path / "minutes.notes"], "t", tmp_path / "t.db", key=KEY)
    assert [(r.ref, r.status) for r in reports] == [("minutes.notes", "added")]


def test_duplicate_document_id_is_skipped_with_reason(tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(ONBOARDING, encoding="utf-8")
    _, reports = corpus.build([tmp_path / "x" / "same.txt", tmp_path / "y" / "same.txt"], "t", tmp_path / "t.db",
                              key=KEY)
    assert [r.status for r in reports] == ["added", "skipped"]
    assert "already" in reports[1].reason


PLAIN_MEMO = """Halvorsen Turbine Works - Internal Memorandum

Root cause

Parts wait on open racks between grit blasting and spraying, sometimes for six hours.

Corrective actions
Blast and spray within one shift, and log the rack time in the Orchid register.

Thanks.

The committee agreed that the Aurora desk will quote municipal bonds at a spread of eleven basis
points over the composite curve.
"""


@pytest.mark.parametrize(("kind", "expected"), [
    ("index", ["Halvorsen Turbine Works - Internal Memorandum", "Root cause", "Corrective actions"]),
    ("pack", []),
], ids=["index-reads-plain-headings", "pack-keeps-no-plain-label"])
def test_plain_text_headings(tmp_path: Path, kind: str, expected: list[str]) -> None:
    doc = tmp_path / "memo.txt"
    doc.write_text(PLAIN_MEMO, encoding="utf-8")
    if kind == "index":
        corpus.build([doc], "t", tmp_path / "t.db", key=KEY)
        store = FingerprintStore.open(tmp_path / "t.db")
    else:
        corpus.fingerprint([doc], "t", tmp_path / "t.pack", KEY)
        store = FingerprintStore.open(tmp_path / "t.pack", key=KEY)
    (info,) = store.documents().values()
    assert [label for _, _, label in info.sections] == expected
    for _, offset, label in info.sections:  # an index's labels point at their line in the document
        assert PLAIN_MEMO[offset:].startswith(label)
