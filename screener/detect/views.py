"""Extra matching views over the folded text, for identifier matching only.

The folded view of :mod:`screener.text.normalize` already removes invisible characters, folds look-alike
letters and full-width forms, joins hyphenated line breaks and collapses whitespace. On top of it:

- :func:`main_view` decodes character references and percent escapes (``Fenwick&#32;Marlow``,
  ``Fenwick%20Marlow``), lower-cases, folds leetspeak one character for one (``G0ldm4n`` -> ``goidman``: the
  letters ``i``/``l`` and the digit ``1`` share one class, as do ``o``/``0``, ``a``/``4`` and so on), turns
  line breaks into spaces and undoes ``(at)``/``(dot)`` e-mail disguises. Punctuation that may stand for a
  letter (``$``, ``!``, ``|``) is kept as punctuation, so it still bounds a word (``$NWBK``, ``|Northwind|``,
  ``employer!Northwind``); the reading with it as a letter (``Northw!nd``, ``$tripe``) is the separate
  ``punct=True`` view;
- :func:`squeeze` drops separators (spaces, dots, hyphens and dashes, ...) so ``G o l d m a n`` and
  ``Gold-man`` line up with ``goldman``, while remembering where the tokens started and ended;
- :func:`reference_view` reads a reference number's separators as hyphens and look-alike letters beside
  digits as digits (``FM M 2O4117`` -> ``FM-M-204117``), for number formats.

Every view keeps, per character, the folded range it came from, so any match maps back exactly:
``view -> folded (base) -> original`` with ``NormalizedText.to_original``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screener.text.normalize import NormalizedText

# One class per group of characters leetspeak swaps for one another; applied to text and terms alike.
_LEET = str.maketrans({"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "\n": " ", "\t": " "})
PUNCT_LEET = re.compile(r"[!|$](?=[^\W\d_])")  # punctuation that may stand for the letter after it
_PUNCT_MAP = {"!": "i", "|": "i", "$": "s"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63"
SEPARATORS = frozenset(" -_.·•*/\\~:,'’`+&" + _DASHES)
_DOT = re.compile(r"\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*"
                  r"|(?<=[a-z0-9]) dot (?=(?:com|net|org|io|co|uk|de|fr|eu|gov|edu|info|biz|[a-z0-9-]+ dot )\b)")
_AT = re.compile(r"\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|(?<=[a-z0-9]) at (?=[a-z0-9-]+\.[a-z0-9])")
# Character references (HTML, in plain text) and percent escapes of printable ASCII (URLs).
_ESCAPE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|%[2-7][0-9A-Fa-f]")


def fold_char(c: str) -> str:
    low = c.lower()
    return (low if len(low) == 1 else c).translate(_LEET)


def fold_text(text: str, punct: bool = False) -> str:
    """Lower-case and leet-fold ``text`` one character for one (same length); with ``punct``, ``$``, ``!``
    and ``|`` before a letter are read as the letter they resemble."""
    if punct:
        text = PUNCT_LEET.sub(lambda m: _PUNCT_MAP[m.group()], text)
    low = text.lower()
    if len(low) != len(text):  # a few letters ("İ") lower-case to two characters: keep those as they are
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_LEET)


def unescape(ref: str) -> str:
    """One character reference or percent escape decoded to what a reader sees: a dash as ``-``, any space
    as `` ``, an invisible character as nothing; ``ref`` itself when it does not decode to one character."""
    c = chr(int(ref[1:], 16)) if ref[0] == "%" else html.unescape(ref)
    if len(c) != 1:
        return ref
    c = unicodedata.normalize("NFKC", c)
    if len(c) != 1:
        return c if c.isalnum() else ref  # "&#8482;" (TM) -> "TM"
    category = unicodedata.category(c)
    if category == "Pd" or c in _DASHES:
        return "-"
    if c.isspace():
        return " "
    if category in ("Cf", "Cc"):
        return ""
    return c


@dataclass(frozen=True, slots=True)
class View:
    """``text`` plus, per character, the base (folded-view) range ``[starts[i], ends[i])`` it stands for;
    ``cased`` holds the same characters before case and leetspeak folding (``text`` itself when unfolded)."""

    text: str
    starts: Sequence[int]  # an array, or a range for the identity
    ends: Sequence[int]
    cased: str

    def to_base(self, start: int, end: int) -> tuple[int, int]:
        return int(self.starts[start]), int(self.ends[end - 1])


def identity_view(text: str) -> View:
    """``text`` as a view of itself (its maps are ranges: nothing is copied)."""
    return View(text, range(len(text)), range(1, len(text) + 1), text)


def _replace(view: View, pattern: re.Pattern[str], repl: str | Callable[[str], str]) -> View:
    """Replace every match of ``pattern`` in ``view.text`` by ``repl`` (a string, or a function of the matched
    text), in ``text`` and ``cased`` alike, keeping the map: each character put in stands for the whole match."""
    if pattern.search(view.text) is None:
        return view
    chars: list[str] = []
    kept: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for m in pattern.finditer(view.text):
        new = repl if isinstance(repl, str) else repl(m.group())
        if new == m.group():
            continue  # left as it is: copied with the text after it
        chars.append(view.text[pos:m.start()])
        kept.append(view.cased[pos:m.start()])
        starts.extend(view.starts[pos:m.start()])
        ends.extend(view.ends[pos:m.start()])
        chars.append(new)
        kept.append(new)
        starts.extend([view.starts[m.start()]] * len(new))
        ends.extend([view.ends[m.end() - 1]] * len(new))
        pos = m.end()
    chars.append(view.text[pos:])
    kept.append(view.cased[pos:])
    starts.extend(view.starts[pos:])
    ends.extend(view.ends[pos:])
    return View("".join(chars), starts, ends, "".join(kept))


def decode_escapes(view: View) -> View:
    """``view`` with character references and percent escapes decoded (:func:`unescape`); ``view`` itself
    when it has none."""
    return _replace(view, _ESCAPE, unescape)


def main_view(base: str, punct: bool = False) -> View:
    """Escapes decoded, lower-cased, leet-folded view with ``(at)``/``(dot)`` disguises undone; with
    ``punct``, ``$``/``!``/``|`` before a letter read as letters (:func:`fold_text`)."""
    view = decode_escapes(identity_view(base))
    view = View(fold_text(view.text, punct), view.starts, view.ends, view.text)
    return _replace(_replace(view, _DOT, "."), _AT, "@")


# Between two letters or digits, a space, an underscore or any dash (with a space either side or not) is
# read as the hyphen a reference format writes; letters that pass for digits, next to a digit, as digits.
_REF_SPACED_DASH = re.compile(r"(?<=[^\W_])(?: [-" + _DASHES + r"] ?|[-" + _DASHES + r"] )(?=[^\W_])")
_REF_GAP = re.compile(r"(?<=[^\W_])[ _" + _DASHES + r"](?=[^\W_])")
_DIGIT_LIKE = re.compile(r"(?<=[0-9])[OoIilSBZ]+|[OoIilSBZ]+(?=[0-9])")
_AS_DIGITS = str.maketrans("OoIilSBZ", "00111582")


def reference_view(view: View) -> View:
    """For reference-number formats: ``FM M 204117``, ``FM – M – 204117`` and ``FM-M-2O4117`` read as
    ``FM-M-204117``. Formats are matched on this view in addition to ``view``, never instead of it."""
    view = _replace(view, _REF_SPACED_DASH, "-")  # rare; the folds below keep one character for one
    text = _REF_GAP.sub("-", view.text)
    text = _DIGIT_LIKE.sub(lambda m: m.group().translate(_AS_DIGITS), text)
    return View(text, view.starts, view.ends, view.cased)


_BROKEN = re.compile(r"(?<=[-/_.])[ \t]*\n[ \t]*")
_SPACED = re.compile(r"(?<=(?<!\S)\S) (?=\S(?!\S))")  # a space between two one-character tokens


def needs_join(base: str) -> bool:
    return _SPACED.search(base) is not None or _BROKEN.search(base) is not None


def joined_view(base: str, text: NormalizedText | None = None) -> View:
    """For number formats and banners: line breaks after a hyphen, slash, dot or underscore removed
    ("INC-NWB-\n204511"), and letter spacing closed up ("I N C - N W B - 2 0 4 5 1 1"). With ``text``, the
    normalised text ``base`` comes from, a space that stood for several original ones keeps words apart:
    "C O N F I D E N T I A L   I N F O" becomes "CONFIDENTIAL INFO"."""
    view = _replace(identity_view(base), _BROKEN, "")
    spaces = [m.start() for m in _SPACED.finditer(view.text)]
    if text is not None:
        spaces = [i for i in spaces if text.ends[view.starts[i]] - text.starts[view.starts[i]] == 1]
    return _drop(view, spaces)


def _drop(view: View, positions: list[int]) -> View:
    """``view`` without the characters at ``positions`` (sorted)."""
    if not positions:
        return view
    chars: list[str] = []
    cased: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for at in positions:
        chars.append(view.text[pos:at])
        cased.append(view.cased[pos:at])
        starts.extend(view.starts[pos:at])
        ends.extend(view.ends[pos:at])
        pos = at + 1
    chars.append(view.text[pos:])
    cased.append(view.cased[pos:])
    starts.extend(view.starts[pos:])
    ends.extend(view.ends[pos:])
    return View("".join(chars), starts, ends, "".join(cased))


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


def tokens(text: str) -> list[tuple[int, int]]:
    """Maximal runs of letters and digits, as ``(start, end)``."""
    return [m.span() for m in re.finditer(r"[^\W_]+", text)]
