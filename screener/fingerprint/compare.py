"""Comparing a text with given documents, and indexes built from texts rather than files.

``compare(submission, documents)`` answers "does this submission reuse this document?" without a store built
by hand: the documents are indexed into a private temporary store (same shingles, winnowing, alignment and
FRG501/FRG502/FRG504 thresholds as screening), the submission is aligned against every one of them
(``Matcher.match(only=...)``, PAN's text alignment of given pairs), and the store is deleted.
``build_index(documents, out)`` writes the same kind of sealed index to a file, for ``screener corpus`` and
the screening configuration.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from screener.errors import InputError
from screener.fingerprint.corpus import DEFAULT_K, DEFAULT_WINDOW, _now, new_key, open_store
from screener.fingerprint.ingest import add_text
from screener.fingerprint.manifest import Manifest
from screener.fingerprint.shingle import key_id
from screener.fingerprint.store import FingerprintStore
from screener.model import Span
from screener.text.normalize import normalize

Document = str | tuple[str, str]  # a text (id "doc-N", N from 1 in order) or a (document id, text) pair


@dataclass(frozen=True, slots=True)
class FragmentMatch:
    """One passage of a submission aligned with a passage of a document; both spans are half-open ranges of
    ORIGINAL characters (``submission_span`` into the submission as given, ``source_span`` into the
    document's text as given). Carries no text."""

    doc_id: str
    submission_span: Span
    source_span: Span
    similarity: float  # 0..1, word-level Indel similarity of the two passages
    words: int  # submission words in the passage
    method: str  # "verbatim" (FRG501, similarity >= its threshold) | "edited" (FRG502) | "summary" (FRG504)
    rule_id: str  # the FRG5xx code the screening would report
    section: str | None  # the heading of the source section the passage starts in, if any


def _pairs(documents: Iterable[Document]) -> list[tuple[str, str]]:
    """``(doc_id, text)`` pairs; raises InputError E220 for anything else, an empty or repeated id."""
    if isinstance(documents, str | bytes):
        raise InputError("documents must be a sequence of texts or (doc_id, text) pairs, not one string",
                         code="E220")
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for n, item in enumerate(documents, 1):
        if isinstance(item, str):
            ref, text = f"doc-{n}", item
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            ref, text = item
        else:
            raise InputError(f"document {n} is a {type(item).__name__}: expected a text or a (doc_id, text) "
                             "pair of strings", code="E220")
        if not ref.strip() or ref in seen:
            raise InputError(f"document {n}: its id is {'empty' if not ref.strip() else 'repeated'}", code="E220")
        seen.add(ref)
        out.append((ref, text))
    return out


def build_index(
    documents: Iterable[Document], out: Path, *, name: str = "index", key: bytes | None = None, k: int = DEFAULT_K,
    window: int = DEFAULT_WINDOW, role: str = "protect",
) -> Manifest:
    """Index texts (plaintext kept, for exact alignment) into a new sealed store at ``out``; returns its
    manifest. ``documents``: texts (ids ``doc-1``, ``doc-2``... in order) or ``(doc_id, text)`` pairs.
    ``k`` terms a shingle, ``window`` shingles a winnowing window; ``role`` "protect" or "suppress".

    Raises InputError E220 (not texts or pairs, an empty or repeated id) before anything is written, and
    StoreError E414 when ``out`` exists, E413 when it cannot be created."""
    pairs = _pairs(documents)
    key = key or new_key()
    manifest = Manifest(name=name, kind="index", role=role, k=k, window=window, key_id=key_id(key), created=_now())
    store = FingerprintStore.create(Path(out), manifest, key)
    try:
        for ref, text in pairs:
            add_text(store, ref, text)
        return store.commit()
    finally:
        store.close()


def compare(
    submission: str, documents: Iterable[Document], *, suppress: Sequence[Path] = (),
) -> list[FragmentMatch]:
    """Passages of ``submission`` reused from ``documents`` (texts, or ``(doc_id, text)`` pairs), sorted by
    submission offset then document id; empty when nothing is shared. Every document is examined, whatever
    else is given. ``suppress``: suppression stores (boilerplate indexes or packs) whose passages are not
    reported, as in screening. Passages below the FRG501/FRG502/FRG504 built-in thresholds are left out.

    Raises InputError E220 for a submission that is not a string or bad documents (see ``build_index``),
    StoreError E41x for an unusable suppression store, InputError E220 for a store given as ``suppress``
    that protects instead."""
    from screener.detect.fragments import DEFAULT_RULES, FragmentDetector

    if not isinstance(submission, str):
        raise InputError(f"the submission is a {type(submission).__name__}, expected a string", code="E220")
    pairs = _pairs(documents)
    if not pairs:
        return []
    stores: list[FingerprintStore] = []
    with tempfile.TemporaryDirectory(prefix="screener-compare-") as tmp:
        path = Path(tmp) / "compare.db"
        build_index(pairs, path, name="compare")
        try:
            stores.append(FingerprintStore.open(path))
            for extra in suppress:
                stores.append(open_store(Path(extra)))
                if stores[-1].manifest.role != "suppress":
                    raise InputError(f"{extra} is not a suppression store (role {stores[-1].manifest.role})",
                                     code="E220")
            detector = FragmentDetector(stores)
            norm = normalize(submission)
            out = []
            for p in detector.matcher.match(norm, only=frozenset(ref for ref, _ in pairs)):
                rule = detector.classify(p)
                if rule is None or p.s_chars is None:
                    continue
                method = {r.id: m for m, r in DEFAULT_RULES.items()}.get(rule.id, "edited")
                out.append(FragmentMatch(p.ref, Span(*p.q_chars), Span(*p.s_chars), round(p.similarity, 4),
                                         p.words, method, rule.id, p.section))
        finally:
            for store in stores:
                store.close()
    return sorted(out, key=lambda m: (m.submission_span, m.doc_id))
