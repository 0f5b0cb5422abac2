"""The minimum detectable fragment, as a property of the shipped detector over the demo corpus.

Every verbatim run of at least 12 words, and every lightly edited passage (one word in five replaced) of at
least 30 words, taken from an indexed document is found (a finding naming that document covers most of it),
whatever text surrounds it; a run of a suppressed disclaimer gives nothing. Runs that overlap the
suppression corpus (the demo documents' own disclaimers) are not drawn for the first two properties.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.config import ScreenerConfig
from screener.detect.fragments import FragmentDetector, build_detector
from screener.model import Finding
from screener.ruleset.loader import load_rules
from tests.fragments_support import scan_input

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / "corpora"
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted((CORPORA / "demo").iterdir())}
BOILER = (CORPORA / "boilerplate" / "standard_disclaimers.txt").read_text(encoding="utf-8")
WORD = re.compile(r"\w+")
# Unrelated text written for this test: the surroundings a quotation may sit in.
SURROUNDINGS = [
    "The weather in the valley stayed mild through the spring.",
    "Local schools planned a science fair with robots, volcanoes and a display about migrating birds.",
    "A new bakery opened near the station and sold rye loaves and strong coffee to commuters.",
    "The library extended its hours on weekends so that students could prepare for examinations.",
    "In my experience the best teams write things down and review them together every week.",
    "Our hiking club walked the coastal path and counted seabirds from the old lighthouse.",
    "the", "and", "of the", "bank", "credit", "model", "wire", "report", "approval", "committee",
    "1.", "- ", "#", "|", "\n", "\n\n", ":", "(", ")", "\u201c", "\u201d",
]
REPLACEMENTS = ["apple", "river", "stone", "cloud", "lamp", "garden", "pencil", "window", "forest", "tiger"]
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@cache
def detector() -> FragmentDetector:
    rules = load_rules([ROOT / "rules" / "fragments.yaml"])
    config = ScreenerConfig(corpora_dir=CORPORA, corpora=(Path("demo.db"), Path("boilerplate.db")))
    built = build_detector(config, rules)
    assert isinstance(built, FragmentDetector)
    return built


def _boiler_grams() -> set[tuple[str, ...]]:
    words = [w.lower() for w in WORD.findall(BOILER)]
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


BOILER_GRAMS = _boiler_grams()


def _runs(length: int) -> list[tuple[str, int, int]]:
    """``(document, first word, last word + 1)`` of every run of ``length`` words that shares no 5-word
    sequence with the suppression corpus."""
    out = []
    for name, text in DOCS.items():
        words = [m.group().lower() for m in WORD.finditer(text)]
        for i in range(len(words) - length + 1):
            if not any(tuple(words[j : j + 5]) in BOILER_GRAMS for j in range(i, i + length - 4)):
                out.append((name, i, i + length))
    return out


def _around() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(SURROUNDINGS), max_size=8).map(" ".join)


def _found(text: str, start: int, end: int, reference: str) -> list[Finding]:
    """Findings naming ``reference`` that cover at least half of ``[start, end)``."""
    need = (end - start) / 2
    return [f for f in detector().detect(scan_input(text))
            if f.evidence.reference == reference and min(end, f.span.end) - max(start, f.span.start) >= need]


def _plant(before: str, passage: str, after: str) -> tuple[str, int, int]:
    head = f"{before} " if before else ""
    return f"{head}{passage} {after}", len(head), len(head) + len(passage)


@PROPERTY
@given(run=st.integers(12, 20).flatmap(lambda n: st.sampled_from(_runs(n))), before=_around(), after=_around())
def test_every_verbatim_run_of_12_words_is_found(run: tuple[str, int, int], before: str, after: str) -> None:
    name, a, b = run
    spans = list(WORD.finditer(DOCS[name]))
    passage = DOCS[name][spans[a].start() : spans[b - 1].end()]
    text, start, end = _plant(before, passage, after)
    found = _found(text, start, end, name)
    assert found, (name, a, b)
    assert any(f.rule_id in {"FRG501", "FRG502"} for f in found)


@PROPERTY
@given(run=st.integers(30, 40).flatmap(lambda n: st.sampled_from(_runs(n))), offset=st.integers(0, 4),
       replacement=st.sampled_from(REPLACEMENTS), before=_around(), after=_around())
def test_every_lightly_edited_passage_of_30_words_is_found(
    run: tuple[str, int, int], offset: int, replacement: str, before: str, after: str,
) -> None:
    name, a, b = run
    text = DOCS[name]
    spans = list(WORD.finditer(text))[a:b]
    pieces, pos = [], spans[0].start()
    for i, m in enumerate(spans):  # one word in five replaced, punctuation and line breaks kept
        pieces.append(text[pos : m.start()])
        pieces.append(replacement if i % 5 == offset else m.group())
        pos = m.end()
    planted, start, end = _plant(before, "".join(pieces), after)
    assert _found(planted, start, end, name), (name, a, b, offset)


@PROPERTY
@given(data=st.data(), before=_around(), after=_around())
def test_a_run_of_a_suppressed_disclaimer_gives_nothing(data: st.DataObject, before: str, after: str) -> None:
    spans = list(WORD.finditer(BOILER))
    a = data.draw(st.integers(0, len(spans) - 20))
    b = data.draw(st.integers(a + 12, min(len(spans), a + 40)))
    text, _, _ = _plant(before, BOILER[spans[a].start() : spans[b - 1].end()], after)
    assert list(detector().detect(scan_input(text))) == []


@pytest.mark.parametrize(("name", "word"), [
    pytest.param("model_validation_standard.txt", "eight", id="run-of-few-content-words"),
    pytest.param("client_deck_alder_creek.md", "ninety", id="run-whose-first-word-recurs-before-it"),
    pytest.param("wire_exception_procedure.md", "sanctions", id="run-starting-with-a-function-word"),
])
def test_twelve_word_runs_that_were_missed(name: str, word: str) -> None:
    text = DOCS[name]
    spans = list(WORD.finditer(text))
    i = next(n for n, m in enumerate(spans) if m.group() == word) - 1
    passage = text[spans[i].start() : spans[i + 11].end()]
    planted, start, end = _plant("Local schools planned a science fair.", passage,
                                 "volcanoes and a display about migrating birds.")
    assert _found(planted, start, end, name)
