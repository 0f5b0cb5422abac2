"""Words, keyed shingle hashes and winnowing.

A text's *terms* are its words (``\\w+`` of the folded view), lower-cased, with common English function words
dropped and each word cut to its first ``STEM`` characters, so that case, punctuation, line breaks and simple
inflection do not change them. A shingle is ``k`` consecutive terms, sorted so that a local swap of two words
keeps it; it is hashed to 64 bits with BLAKE2b keyed with the corpus key (never Python's salted ``hash()``).

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
_WORD = re.compile(r"\w+")
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


def words_of(text: str) -> Words:
    found = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    return Words(tuple(w for w, _, _ in found), tuple(s for _, s, _ in found), tuple(e for _, _, e in found))


def terms_of(text: str) -> Terms:
    terms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        terms.append(word[:STEM])
        starts.append(m.start())
        ends.append(m.end())
    return Terms(tuple(terms), tuple(starts), tuple(ends))


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
