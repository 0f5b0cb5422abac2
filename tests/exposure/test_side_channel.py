"""The matcher's side channel: what falls short of a passage is handed out as data, and never changes the
passages (so never the findings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.fingerprint.corpus import open_store
from screener.fingerprint.match import Matcher, Passage
from screener.text.normalize import normalize

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
WIRE = (CORPORA / "demo" / "wire_exception_procedure.md").read_text(encoding="utf-8").split()


@pytest.fixture(scope="module")
def matcher() -> Iterator[Matcher]:
    stores = [open_store(CORPORA / "demo.db"), open_store(CORPORA / "boilerplate.db")]
    yield Matcher(stores)
    for s in stores:
        s.close()


@pytest.mark.parametrize("n", [10, 12, 14], ids=["ten-words", "twelve-words", "fourteen-words"])
def test_small_seed_clusters_reach_the_side_channel_only(matcher: Matcher, n: int) -> None:
    """A quote whose phrases recur elsewhere in the document: the recurrence is a cluster of two or three seeds,
    too few for a passage; it is handed out as a "seeds" entry with its source range."""
    text = normalize(f"As I recall it: {' '.join(WIRE[250:250 + n])} and that was all there was to it.")
    weak: list[Passage] = []
    passages = matcher.match(text, weak=weak)
    mine = [p for p in weak if p.ref == "wire_exception_procedure.md"]
    assert mine and {p.kind for p in mine} == {"seeds"}
    assert all(p.s_chars is not None and p.s_chars[0] < p.s_chars[1] and 0 < p.similarity < 1 for p in mine)
    assert all(p.s_chars != q.s_chars for p in mine for q in passages)


@pytest.mark.parametrize("text", [
    " ".join(WIRE[40:90]),
    "Good payment controls rely on a second approver and a clear record of every override.",
    f"Preface. {' '.join(WIRE[100:110])} middle words here. {' '.join(WIRE[300:330])}",
], ids=["long-quote", "honest", "mixed"])
def test_side_channel_never_changes_passages(matcher: Matcher, text: str) -> None:
    folded = normalize(text)
    assert matcher.match(folded, weak=[]) == matcher.match(folded)


def test_honest_text_gives_no_weak_hits_on_protected_documents(matcher: Matcher) -> None:
    weak: list[Passage] = []
    matcher.match(normalize("I prefer short answers, written plainly, about topics I know from public sources."),
                  weak=weak)
    assert weak == []
