"""Words, keyed shingle hashes and winnowing.

A text's *terms* are its words (runs of letters and digits of the folded view, with "$", "@" and "!" where
they stand for letters), lower-cased, look-alike digits and symbols read as the letters they stand for
(:func:`fold_word`), with common English function words dropped and each word cut to its first ``STEM``
characters, so that case, punctuation, line breaks, simple inflection and look-alike substitution
("pr0c3dure", "$ecure") do not change them. A shingle is ``k`` consecutive terms, sorted so that a local swap
of two words keeps it; it is hashed to 64 bits with BLAKE2b keyed with the corpus key (never Python's salted
``hash()``).

Winnowing (Schleimer, Wilkerson and Aiken 2003) keeps, in every window of ``w`` consecutive shingle hashes,
the minimum (the rightmost on ties). Every window holds a selected hash, so any run of at least
``t = w + k - 1`` terms shared by two texts yields at least one shared fingerprint.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

STEM = 6
HASH_NAME = "blake2b-64"
# A word: letters and digits, with runs of "$", "@" and "!" standing for letters at its start, inside it (next
# to a letter) or at its end ("$ecure", "p@$$word", "bu$!n3$$", "pa$$"); a run of "!" alone only before a
# lower-case letter ("d!sclose"). In a word without letters they are punctuation and dropped by the fold
# ("$5", "@10", "100$"), and "!" after a word or before a capital stays outside it ("Done!", "great!Northwind").
_L = r"[^\W\d_]"
_SYMS = r"[$@!]*[$@][$@!]*"
_BANG = r"!+(?=[^\W\d_A-Z])"
_WORD = re.compile(
    rf"(?:{_SYMS}(?=\w)|{_BANG})?\w+"
    rf"(?:(?:(?<={_L}){_SYMS}(?=\w)|{_SYMS}(?={_L})|{_BANG})\w+)*"
    rf"(?:[$!]*\$[$!]*(?!\w))?"
)
_RAW = re.compile(r"[\w$@!]+")  # a stretch of one word or more: only a stretch with a symbol needs _WORD
# Look-alikes read as letters, one character for one and never two onto one letter from digits, so numbers
# that differ still differ after the fold ("1" is read "i": the fold cannot know where it stood for "l").
_LOOKALIKE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                            "$": "s", "@": "a", "!": "i"})
_LOOKALIKE_CHARS = frozenset("0134578$@!")
# Numbers with a unit are not disguised words: "fy2024", "usd500", "1000x" (three or more digits with letters
# before or after), "$5m", "10am", "1st", "30bps", "1990s" (digits and a common unit).
_NUMBER_WITH_UNIT = re.compile(
    r"\d{3,}[^\W\d_]+|[^\W\d_]+\d{3,}"
    r"|[$@]?\d+(?:k|m|mm|bn|x|am|pm|kg|km|bps|pct|hrs|yrs|gb|mb|tb|kb|ms)|[$@]?\d{2,}s"
    r"|\d*(?:1st|2nd|3rd|[04-9]th)|\d*1[123]th"
)
_KEY_PERSON = b"screener-keyid"

STOPWORDS = frozenset(
    (
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did",
        "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have",
        "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
        "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same",
        "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
        "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "yours", "yourself", "yourselves", "also", "may", "might", "must", "shall", "upon",
    )
)


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms of a text with the folded character range ``[starts[i], ends[i])`` of each."""

    terms: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.terms)


@dataclass(frozen=True, slots=True)
class Words:
    """Every word (function words included), lower-cased, with folded offsets: the alignment's alphabet."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def fold_word(word: str) -> str:
    """``word`` (lower-cased) with look-alike digits and symbols read as letters ("pr0c3dure" -> "procedure",
    "7r3473d" -> "treated", "p@$$word" -> "password"), when it mixes them with at least one letter. Numbers are
    left as they are: "2024", "5,000" and "07:00" have no letter, and a number with a unit ("fy2024", "usd500",
    "$5m", "10am", "1st") is not a disguised word. A word of digits alone ("4" for "a") cannot be told from a
    number and stays one. Digits map one for one to distinct letters, so numbers that differ still differ."""
    if word.isalpha() or not any(c in _LOOKALIKE_CHARS for c in word):
        return word
    if not any(c.isalpha() for c in word):
        return word.strip("$@!")
    if _NUMBER_WITH_UNIT.fullmatch(word):
        return word.lstrip("$@")
    return word.translate(_LOOKALIKE)


def _folded(text: str, m: re.Match[str]) -> list[tuple[str, int, int]]:
    """The words of the stretch ``m`` of ``text`` (``_WORD``), lower-cased and folded, with their offsets."""
    run = m.group()
    if "$" in run or "@" in run or "!" in run:
        return [(fold_word(w.group().lower()), w.start(), w.end()) for w in _WORD.finditer(text, m.start(), m.end())]
    return [(fold_word(run.lower()), m.start(), m.end())]


def tokens_of(text: str) -> list[tuple[str, int, int]]:
    """Every word of ``text`` (``_WORD``), lower-cased and folded (:func:`fold_word`), with its offsets: what
    ``words_of`` and ``terms_of`` are made from, for a caller that needs both."""
    out: list[tuple[str, int, int]] = []
    for m in _RAW.finditer(text):
        run = m.group()
        if run.isalpha():
            out.append((run.lower(), m.start(), m.end()))
        else:
            out.extend(_folded(text, m))
    return out


def words_of(text: str, tokens: list[tuple[str, int, int]] | None = None) -> Words:
    """Every word of ``text`` with its folded offsets; ``tokens``: ``tokens_of(text)`` when already computed."""
    found = tokens_of(text) if tokens is None else tokens
    return Words(tuple(w for w, _, _ in found), tuple(s for _, s, _ in found), tuple(e for _, _, e in found))


def terms_of(text: str, tokens: list[tuple[str, int, int]] | None = None) -> Terms:
    """The terms of ``text``: its words without function words and single letters, each cut to ``STEM``
    characters; ``tokens``: ``tokens_of(text)`` when already computed (the words then cost nothing more)."""
    kept = [t for t in (tokens_of(text) if tokens is None else tokens)
            if t[0] not in STOPWORDS and (len(t[0]) > 1 or t[0].isdigit())]
    return Terms(tuple(w[:STEM] for w, _, _ in kept), tuple(s for _, s, _ in kept), tuple(e for _, _, e in kept))


def key_id(key: bytes) -> str:
    """A public name for a key: lets a store say which key it needs without revealing it."""
    return hashlib.blake2b(key, digest_size=8, person=_KEY_PERSON).hexdigest()


def shingle_hashes(terms: Sequence[str], k: int, key: bytes) -> list[int]:
    """Keyed 64-bit hash (signed, to fit SQLite INTEGER) of every k-term shingle, one per start position."""
    out: list[int] = []
    blake = hashlib.blake2b
    for i in range(len(terms) - k + 1):
        data = "\x1f".join(sorted(terms[i : i + k])).encode("utf-8")
        out.append(int.from_bytes(blake(data, digest_size=8, key=key).digest(), "big", signed=True))
    return out


def winnow(hashes: Sequence[int], w: int) -> list[tuple[int, int]]:
    """``(position, hash)`` fingerprints selected by robust winnowing with window ``w``.

    Shorter inputs than one window keep their minimum. Each position is reported once.
    """
    n = len(hashes)
    if n == 0:
        return []
    if n <= w:
        best = min(range(n), key=lambda i: (hashes[i], -i))
        return [(best, hashes[best])]
    selected: list[tuple[int, int]] = []
    last = -1
    for start in range(n - w + 1):
        if last < start:  # the previous minimum left the window: rescan it (rightmost minimum)
            last = start
            for i in range(start + 1, start + w):
                if hashes[i] <= hashes[last]:
                    last = i
            selected.append((last, hashes[last]))
        else:
            new = start + w - 1
            if hashes[new] <= hashes[last]:
                last = new
                selected.append((last, hashes[last]))
    return selected


def guarantee(k: int, w: int) -> int:
    """The length t (in terms) of a shared run that winnowing is guaranteed to detect."""
    return w + k - 1
