"""Corpus ingestion: files -> extracted text -> normalised terms -> winnowed fingerprints, section labels.

Every file is read within limits (size, pages, ZIP ratio and total: the extractor's guards) and reported one
by one: a file that cannot be read is skipped with its reason, never silently.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from screener.errors import ExtractionError, StoreError
from screener.fingerprint.match import WINDOW_TERMS
from screener.fingerprint.shingle import shingle_hashes, terms_of, winnow
from screener.fingerprint.store import FingerprintStore
from screener.model import Span
from screener.text.extract import DOCUMENT_SUFFIXES, Limits, extract
from screener.text.normalize import NormalizedText, normalize

_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+(?P<md>[^\n]{1,120})"
    r"|(?P<num>(?:\d+(?:\.\d+)*\.?|[A-Z]\.|(?:Section|Article|Part|Appendix|Annex)[ \t]+[\dIVXA-Z.]+)"
    r"[ \t]+[A-Z][^\n.;:]{0,80})"
    r"|(?P<caps>[A-Z][A-Z0-9 &/,'-]{3,80}))[ \t]*$",
    re.M,
)


# A plain text heading: a short line after a blank line (or at the start), starting with a capital, without a
# sentence's end or a label's colon.
_PLAIN_HEADING = re.compile(r"(?:\A|(?<=\n\n))[ \t]*[A-Z][^\n.;:!?]{0,80}[^\n.;:!?,\s][ \t]*(?=\r?\n)")
_PLAIN_WORDS = 8


@dataclass(frozen=True, slots=True)
class Prepared:
    terms: int
    sections: tuple[tuple[int, int, str], ...]
    postings: tuple[tuple[int, int], ...]  # (term position, hash)
    offsets: bytes | None = None  # original character offset of each term (uint32), long documents only


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    ref: str
    status: str  # "added" | "skipped"
    reason: str = ""
    terms: int = 0
    fingerprints: int = 0


def sections_of(norm: NormalizedText, term_starts: tuple[int, ...],
                plain: bool = False) -> tuple[tuple[int, int, str], ...]:
    """``(term position, original char offset, label)`` of each heading-like line of the folded text: Markdown
    headings, numbered or lettered headings, "Section 3 ..." lines and lines in capitals; with ``plain``, also
    a short line after a blank line of the original text, starting with a capital and not ending a sentence
    (a plain text heading: "Root cause"). Packs keep labels in clear, so they take no plain
    headings."""
    from bisect import bisect_left

    found: list[tuple[int, int, int, str]] = []  # folded start, folded end, original start, label
    for m in _HEADING.finditer(norm.text):
        found.append((m.start(), m.end(), norm.to_original(m.start(), m.end()).start, m.group(0)))
    if plain:
        for m in _PLAIN_HEADING.finditer(norm.original):
            if len(m.group(0).split()) <= _PLAIN_WORDS:
                a, b = norm.to_folded(Span(m.start(), m.end()))
                found.append((a, b, m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.group(0)))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for a, b, original, text in sorted(found):
        label = " ".join(text.strip().lstrip("#").split())[:120]
        if not label or len(label.split()) > 14 or a < last_end:
            continue
        last_end = b
        out.append((bisect_left(term_starts, a), original, label))
    return tuple(out)


def prepare(text: str, k: int, window: int, key: bytes, plain_headings: bool = False) -> Prepared:
    norm = normalize(text)
    terms = terms_of(norm.text)
    fingerprints = winnow(shingle_hashes(terms.terms, k, key), window)
    offsets = array("I", (norm.starts[s] for s in terms.starts)).tobytes() if len(terms) > WINDOW_TERMS else None
    return Prepared(len(terms), sections_of(norm, terms.starts, plain_headings), tuple(fingerprints), offsets)


def add_text(store: FingerprintStore, ref: str, text: str) -> Prepared:
    m = store.manifest
    if store.key is None:
        raise StoreError(f"{store.path}: no key to fingerprint with", code="E416")
    prepared = prepare(text, m.k, m.window, store.key, plain_headings=m.kind == "index")
    sections = prepared.sections
    if m.kind == "pack":  # a pack carries labels and term positions, no character offsets into the source
        sections = tuple((pos, -1, label) for pos, _, label in sections)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if m.kind == "index":
        store.add_document(ref, digest, prepared.terms, sections, text, prepared.postings, prepared.offsets)
    else:
        store.add_document(ref, digest, prepared.terms, sections, None, prepared.postings)
    return prepared


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every file found under directories named (sorted, recursive): those of a format the
    extractor does not read are kept too, so that they are reported as skipped rather than left out unseen."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        else:
            out.append(p)
    return out


def ingest_files(store: FingerprintStore, paths: Iterable[Path], limits: Limits | None = None) -> list[FileReport]:
    """Add every file to the store (not committed); one report per file, in order."""
    limits = limits or Limits()
    paths = list(paths)
    named = {p for p in paths if not p.is_dir()}  # a file named on its own is read whatever its name ends with
    reports = []
    for path in expand(paths):
        ref = path.name
        try:
            if not path.is_file():
                raise ExtractionError("no such file")
            if path.suffix.lower() not in DOCUMENT_SUFFIXES and path not in named:
                raise ExtractionError(f"unsupported file type {path.suffix.lower() or '(none)'!r}")
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise ExtractionError(f"{size} bytes exceeds the {limits.max_bytes}-byte limit")
            extracted = extract(path.read_bytes(), path.name, limits, what="document")
            prepared = add_text(store, ref, extracted.text)
        except (ExtractionError, StoreError, OSError) as exc:
            reason = exc.message if isinstance(exc, ExtractionError | StoreError) else exc.__class__.__name__
            reports.append(FileReport(str(path), ref, "skipped", reason))
            continue
        reports.append(FileReport(str(path), ref, "added", "", prepared.terms, len(prepared.postings)))
    return reports
