"""Extra matching views over the folded text, for identifier matching only.

The folded view of :mod:`screener.text.normalize` already removes invisible characters, folds look-alike
letters and full-width forms, joins hyphenated line breaks and collapses whitespace. On top of it:

- :func:`main_view` lower-cases, folds leetspeak one character for one (``G0ldm4n`` -> ``goidman``: the
  letters ``i``/``l`` and the digit ``1`` share one class, as do ``o``/``0``, ``a``/``4`` and so on), turns
  line breaks into spaces and undoes ``(at)``/``(dot)`` e-mail disguises;
- :func:`squeeze` drops separators (spaces, dots, hyphens, ...) so ``G o l d m a n`` and ``Gold-man`` line
  up with ``goldman``, while remembering where the tokens started and ended.

Every view keeps, per character, the folded range it came from, so any match maps back exactly:
``view -> folded (base) -> original`` with ``NormalizedText.to_original``.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

# One class per group of characters leetspeak swaps for one another; applied to text and terms alike.
if TYPE_CHECKING:
    from screener.text.normalize import NormalizedText

# Punctuation stands for a letter only inside a word ("G!ldman"), never at its end ("Northwind!").
_LEET = str.maketrans({"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "\n": " ", "\t": " "})
_PUNCT_LEET = re.compile(r"[!|$](?=[^\W_])")
_PUNCT_MAP = {"!": "i", "|": "i", "$": "s"}
SEPARATORS = frozenset(" -_.·•*/\\~:,'’`\u2010\u2011\u2012\u2013\u2014")
_DOT = re.compile(r"\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*"
                  r"|(?<=[a-z0-9]) dot (?=(?:com|net|org|io|co|uk|de|fr|eu|gov|edu|info|biz|[a-z0-9-]+ dot )\b)")
_AT = re.compile(r"\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|(?<=[a-z0-9]) at (?=[a-z0-9-]+\.[a-z0-9])")


def fold_char(c: str) -> str:
    low = c.lower()
    return (low if len(low) == 1 else c).translate(_LEET)


def fold_text(text: str) -> str:
    """Lower-case and leet-fold ``text`` one character for one (same length)."""
    text = _PUNCT_LEET.sub(lambda m: _PUNCT_MAP[m.group()], text)
    low = text.lower()
    if len(low) != len(text):  # a few letters ("İ") lower-case to two characters: keep those as they are
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_LEET)


def fold_term(term: str) -> str:
    """The key a term is matched under: the same one-for-one folds as the text, whitespace runs as one space."""
    return " ".join(fold_text(term).split())


@dataclass(frozen=True, slots=True)
class View:
    """``text`` plus, per character, the base (folded-view) range ``[starts[i], ends[i])`` it stands for."""

    text: str
    starts: array  # type: ignore[type-arg]
    ends: array  # type: ignore[type-arg]

    def to_base(self, start: int, end: int) -> tuple[int, int]:
        return int(self.starts[start]), int(self.ends[end - 1])


def _identity(text: str) -> View:
    n = len(text)
    return View(text, array("q", range(n)), array("q", range(1, n + 1)))


def _replace(view: View, pattern: re.Pattern[str], repl: str) -> View:
    """Replace every match of ``pattern`` in ``view.text`` by ``repl`` (one character or none), keeping the map."""
    if pattern.search(view.text) is None:
        return view
    chars: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for m in pattern.finditer(view.text):
        chars.append(view.text[pos:m.start()])
        starts.extend(view.starts[pos:m.start()])
        ends.extend(view.ends[pos:m.start()])
        if repl:
            chars.append(repl)
            starts.append(view.starts[m.start()])
            ends.append(view.ends[m.end() - 1])
        pos = m.end()
    chars.append(view.text[pos:])
    starts.extend(view.starts[pos:])
    ends.extend(view.ends[pos:])
    return View("".join(chars), starts, ends)


def main_view(base: str) -> View:
    """Lower-cased, leet-folded view with ``(at)``/``(dot)`` disguises undone."""
    view = _identity(fold_text(base))
    return _replace(_replace(view, _DOT, "."), _AT, "@")


_BROKEN = re.compile(r"(?<=[-/_.])[ \t]*\n[ \t]*")
_SPACED = re.compile(r"(?<=(?<!\S)\S) (?=\S(?!\S))")  # a space between two one-character tokens


def needs_join(base: str) -> bool:
    return _SPACED.search(base) is not None or _BROKEN.search(base) is not None


def joined_view(base: str, text: NormalizedText | None = None) -> View:
    """For number formats and banners: line breaks after a hyphen, slash, dot or underscore removed
    ("INC-NWB-\n204511"), and letter spacing closed up ("I N C - N W B - 2 0 4 5 1 1"). With ``text``, the
    normalised text ``base`` comes from, a space that stood for several original ones keeps words apart:
    "C O N F I D E N T I A L   I N F O" becomes "CONFIDENTIAL INFO"."""
    view = _replace(_identity(base), _BROKEN, "")
    spaces = [m.start() for m in _SPACED.finditer(view.text)]
    if text is not None:
        spaces = [i for i in spaces if text.ends[view.starts[i]] - text.starts[view.starts[i]] == 1]
    return _drop(view, spaces)


def _drop(view: View, positions: list[int]) -> View:
    """``view`` without the characters at ``positions`` (sorted)."""
    if not positions:
        return view
    chars: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for at in positions:
        chars.append(view.text[pos:at])
        starts.extend(view.starts[pos:at])
        ends.extend(view.ends[pos:at])
        pos = at + 1
    chars.append(view.text[pos:])
    starts.extend(view.starts[pos:])
    ends.extend(view.ends[pos:])
    return View("".join(chars), starts, ends)


@dataclass(frozen=True, slots=True)
class Squeezed:
    """``view`` without separators; ``index[i]`` is the position in ``view`` of squeezed character ``i``."""

    text: str
    index: array  # type: ignore[type-arg]


_KEPT = re.compile("[^" + re.escape("".join(sorted(SEPARATORS))) + "]+")


def squeeze(view: View) -> Squeezed:
    index = array("q")
    parts = []
    for m in _KEPT.finditer(view.text):
        parts.append(m.group())
        index.extend(range(m.start(), m.end()))
    return Squeezed("".join(parts), index)


def is_word(c: str) -> bool:
    return c.isalnum()


def tokens(text: str) -> list[tuple[int, int]]:
    """Maximal runs of letters and digits, as ``(start, end)``."""
    return [m.span() for m in re.finditer(r"[^\W_]+", text)]
