"""The detector protocol and the shared NLP result every detector may read.

A detector never decides an action, never rewrites text and never formats output: it returns Findings
whose spans point into the ORIGINAL text (use ``NormalizedText.to_original``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from screener.model import Finding, Metadata
from screener.text.normalize import NormalizedText

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class DocChunk:
    """spaCy's analysis ``doc`` of ``text``, the folded text from ``offset`` on.

    ``text`` is kept beside the Doc because ``Doc.text`` is rebuilt token by token on every access.
    ``core_start``/``core_end`` (folded offsets) partition the text between chunks: a detector keeps what
    starts inside the core of the chunk it came from, so nothing is lost or counted twice at chunk edges.
    """

    offset: int
    core_start: int
    core_end: int
    doc: Doc
    text: str


@dataclass(frozen=True, slots=True)
class NlpResult:
    chunks: tuple[DocChunk, ...]
    model: str

    def entities(self) -> Iterator[tuple[str, int, int]]:
        """``(label, start, end)`` of every spaCy entity, in folded offsets, each once."""
        for chunk in self.chunks:
            for ent in chunk.doc.ents:
                start = chunk.offset + ent.start_char
                if chunk.core_start <= start < chunk.core_end:
                    yield ent.label_, start, chunk.offset + ent.end_char


@dataclass(frozen=True, slots=True)
class SourceHit:
    """A passage of a submission shared with one protected document, whether or not it is a finding (a match
    too short or too loose for a rule still counts towards an expert's cumulative exposure).

    ``span``: ORIGINAL offsets in the submission; ``source``: ORIGINAL character range in the document, whose
    length is ``doc_chars``; ``words``: submission words in the passage. Offsets and ids only, never text.
    """

    corpus: str
    reference: str
    span: tuple[int, int]
    source: tuple[int, int]
    doc_chars: int
    words: int
    similarity: float


@dataclass(frozen=True, slots=True)
class ScanInput:
    """What every detector reads for one submission.

    ``employers`` are the employer profile ids in force for it: those declared in its metadata, plus those the
    configuration switches on for every submission (or every profile, with ``all_employers``).
    """

    text: NormalizedText
    nlp: NlpResult | None
    metadata: Metadata
    employers: tuple[str, ...] = ()
    # Side channel filled by detectors with data that is not a finding on its own (SourceHit, ...).
    evidence: list[object] = field(default_factory=list)


@runtime_checkable
class Detector(Protocol):
    name: str
    requires_nlp: bool

    def detect(self, item: ScanInput) -> Iterable[Finding]: ...
