"""Names written in capitals: "She met JOHN SMITH there.", "PREPARED BY: SOPHY SANTINO".

A statistical English model has learnt names from their capital initials; a run of words in full capitals
gives it nothing to go on, and it misses the name. Each such run of two to four words is given back its usual
case ("John Smith"), in its own line, and the same model reads the restored line again; a PERSON entity inside
the run is a name, and its span maps back to the original characters (case restoration keeps every offset).

Where the runs are looked for:

- memo header fields (FROM:, TO:, CC:, BCC:, ATTN:, PREPARED BY:, ...): the value, even on a line written
  wholly in capitals, as headers often are;
- any other line only when it also holds small letters: a line wholly in capitals is a heading ("THE FACTS",
  "CASE OF KESTREL v. RURITANIA"), not a name.

Guards: words of one letter, words without a vowel and everyday abbreviations (pii_words.COMMON_ABBREVIATIONS)
end a run, so acronyms ("IBM", "NATO ECHR") are not offered as names; only PERSON entities are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from screener.detect.pii_words import COMMON_ABBREVIATIONS, GENERIC_WORDS

if TYPE_CHECKING:
    from spacy.language import Language

_CAPS_WORD = r"\p{Lu}[\p{Lu}'’.-]*\p{Lu}\.?"
# Two to four words in capitals, not glued to other letters
_RUN = regex.compile(rf"(?<![\p{{L}}\p{{N}}])({_CAPS_WORD}(?:[ \t]+{_CAPS_WORD}){{1,3}})(?![\p{{L}}\p{{N}}])")
_HEADER = regex.compile(
    r"^[ \t]*(?:from|to|cc|bcc|attn|attention|prepared[ \t]+by|prepared[ \t]+for|author|authors|reviewed[ \t]+by|"
    r"approved[ \t]+by|submitted[ \t]+by|written[ \t]+by|sent[ \t]+by|signed|signed[ \t]+by)[ \t]*:[ \t]*",
    regex.IGNORECASE,
)
_LETTERS = regex.compile(r"\p{L}+")
_VOWEL = regex.compile(r"[AEIOUYÀ-ÆÈ-ÏÒ-ÖØ-ÜŒ]")
_MAX_LINE = 400  # characters of a line given to the model around a run
_MAX_RUNS = 200  # runs read again per text, at most


# Words of header values that address a group or a function, not a person ("TO: ALL STAFF", "ATTN: ACCOUNTS
# PAYABLE"), beside the institutional words of pii_words.GENERIC_WORDS.
GROUP_WORDS = frozenset(
    """
    all staff team teams everyone everybody file files record records member members board directors director
    partners partner employees employee management group groups desk accounts account payable receivable
    finance legal operations sales marketing treasury credit risk compliance audit investors shareholders
    customers clients holders distribution list recipients participants attendees dept unit company bank
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class CapsLine:
    """A line (or a window of a long line) at folded offset ``start``, its runs of capitals restored to the
    usual case in ``restored`` (same length); ``runs`` are ``(start, end)`` in the line; ``header`` when the
    runs are the value of a memo header field."""

    start: int
    restored: str
    runs: tuple[tuple[int, int], ...]
    header: bool


def _namelike(word: str) -> bool:
    bare = word.strip("'’.-")
    return (len(bare) >= 2 and bool(_VOWEL.search(bare)) and bare not in COMMON_ABBREVIATIONS
            and bare.lower() not in GENERIC_WORDS)


def _restore(word: str) -> str:
    out = word[:1] + word[1:].lower()
    return out if len(out) == len(word) else word  # keep offsets: no letter may change length


def _restored(text: str) -> str:
    return str(_LETTERS.sub(lambda w: _restore(w.group()), text))


def caps_lines(text: str) -> Iterator[CapsLine]:
    """The lines of ``text`` holding runs of name-like words in capitals, with those runs restored."""
    pos, count = 0, 0
    for line in text.split("\n"):
        header = _HEADER.match(line)
        prose = any(c.islower() for c in line)
        runs: list[tuple[int, int]] = []
        if header or prose:
            for m in _RUN.finditer(line, header.end() if header and not prose else 0):
                words = m.group(1).split()
                if all(_namelike(w) for w in words):
                    runs.append((m.start(1), m.end(1)))
        if runs and count < _MAX_RUNS:
            count += len(runs)
            restored = list(line)
            for a, b in runs:
                restored[a:b] = _restored(line[a:b])
            if header and not prose:  # a header in capitals: the label too, so that the line reads as one
                restored[: header.end()] = _restored(line[: header.end()])
            new = "".join(restored)
            if len(new) == len(line):
                for lo in range(0, max(1, len(line)), _MAX_LINE):  # long lines: windows with a margin
                    hi = min(len(line), lo + _MAX_LINE + 100)
                    inside = tuple((a - lo, b - lo) for a, b in runs if lo <= a and b <= hi)
                    if inside:
                        yield CapsLine(pos + lo, new[lo:hi], inside, bool(header) and not prose)
        pos += len(line) + 1


def caps_person_spans(text: str, nlp: Language) -> list[tuple[int, int, str]]:
    """Folded ``(start, end, how)`` of names in capitals in ``text``: read as PERSON by ``nlp`` with their case
    restored (``how`` = "case-restored"), or, as the value of a memo header field, read as nothing at all
    and made only of words that do not name a group or function ("memo-header")."""
    lines = list(caps_lines(text))
    if not lines:
        return []
    found: dict[tuple[int, int], str] = {}
    for line, doc in zip(lines, nlp.pipe(c.restored for c in lines), strict=True):
        for a, b in line.runs:
            hit = False
            for ent in doc.ents:
                if ent.end_char <= a or b <= ent.start_char:
                    continue
                hit = True
                if ent.label_ in ("PERSON", "PER"):
                    s, e = max(a, ent.start_char), min(b, ent.end_char)
                    found.setdefault((line.start + s, line.start + e), "case-restored")
            if not hit and line.header and not any(w.lower() in GROUP_WORDS for w in line.restored[a:b].split()):
                found.setdefault((line.start + a, line.start + b), "memo-header")
    return [(s, e, how) for (s, e), how in sorted(found.items())]
