"""Side-by-side evidence for a copied passage: the submission's words beside the source's, with the words
they share highlighted on both sides, as copydetect does.

Shared means part of a run of at least ``k`` consecutive words (compared case-folded) that occurs on both
sides, so common words alone ("the", "of") are not marked. Both sides are escaped and their invisible
characters made visible (``textview.visible``); the highlight is ``<mark class="same">``.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from screener.record.report.textview import visible

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]


def _shared(words: list[tuple[int, int, str]], grams: set[tuple[str, ...]], k: int) -> list[bool]:
    marked = [False] * len(words)
    for i in range(len(words) - k + 1):
        if tuple(w[2] for w in words[i:i + k]) in grams:
            for j in range(i, i + k):
                marked[j] = True
    return marked


def _render(text: str, words: list[tuple[int, int, str]], marked: list[bool]) -> Markup:
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(words):
        if not marked[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and marked[j + 1]:
            j += 1
        start, end = words[i][0], words[j][1]
        out.append(str(visible(text[pos:start])))
        out.append(f'<mark class="same">{visible(text[start:end])}</mark>')
        pos = end
        i = j + 1
    out.append(str(visible(text[pos:])))
    return Markup("".join(out))


def _grams(words: list[tuple[int, int, str]], k: int) -> set[tuple[str, ...]]:
    return {tuple(w[2] for w in words[i:i + k]) for i in range(len(words) - k + 1)}


def side_by_side(own: str, source: str, k: int = 3) -> tuple[Markup, Markup]:
    """``(own, source)`` as escaped Markup with the words both share (runs of ``k`` or more) highlighted."""
    own_words, source_words = _words(own), _words(source)
    common = _grams(own_words, k) & _grams(source_words, k)
    return (_render(own, own_words, _shared(own_words, common, k)),
            _render(source, source_words, _shared(source_words, common, k)))


def shared_share(own: str, source: str, k: int = 3) -> float:
    """The fraction (0..1) of the submission's words that are highlighted as shared with the source."""
    own_words, source_words = _words(own), _words(source)
    if not own_words:
        return 0.0
    common = _grams(own_words, k) & _grams(source_words, k)
    return sum(_shared(own_words, common, k)) / len(own_words)
