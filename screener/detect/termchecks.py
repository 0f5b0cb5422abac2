"""Checks a term hit must pass beyond its key, as :mod:`screener.detect.terms` uses them: an abbreviation's
letters, a codename's capitals, a fuzzy edit that is a typing slip, and separators that look like a
disguise rather than two words.
"""

from __future__ import annotations

import re

from screener.detect.views import SEPARATORS, fold_char

LONG_TERM = 8  # a name this long may be broken over lines or matched fuzzily
FUZZY_WORD = 5  # the one fuzzy edit falls in a word at least this long: one edit in "Voss" makes another word
_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard() -> dict[str, frozenset[str]]:
    """Letters whose keys touch on a QWERTY keyboard (same row or the rows above and below), leet-folded."""
    near: dict[str, set[str]] = {}
    for r, row in enumerate(_QWERTY):
        for c, ch in enumerate(row):
            for r2 in (r - 1, r, r + 1):
                for c2 in (c - 1, c, c + 1):
                    if 0 <= r2 < len(_QWERTY) and 0 <= c2 < len(_QWERTY[r2]) and (r2, c2) != (r, c):
                        near.setdefault(fold_char(ch), set()).add(fold_char(_QWERTY[r2][c2]))
    return {k: frozenset(v - {k}) for k, v in near.items()}


_NEAR = _keyboard()


def alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def same_letters(written: str, key: str) -> bool:
    """Abbreviations: every letter as the term writes it, capitals included; only a digit may stand for a
    letter or a letter for a digit ("NW8K" for NWBK, leetspeak), never one letter for another ("ABCL" is not
    "ABCI", though the leet fold gives both one key)."""
    return all(w == k or not (w.isalpha() and k.isalpha()) for w, k in zip(written, key, strict=False))


def carries_capitals(written: str, key: str) -> bool:
    """Whether ``written`` keeps the capitals of ``key``: where the term has a capital the text has no
    small letter ("PROJECT KESTREL" and "Pr0ject K3strel" do, "project kestrel" does not). For a fuzzy
    window, whose letters may be shifted by the edit, the first letters of the words are compared."""
    w, k = alnum(written), alnum(key)
    if len(w) != len(k):
        w = "".join(t[0] for t in re.findall(r"[^\W_]+", written))
        k = "".join(t[0] for t in re.findall(r"[^\W_]+", key))
    return not any(kc.isupper() and wc.islower() for wc, kc in zip(w, k, strict=False))


def slip(window: str, key: str) -> bool:
    """Whether the one edit between ``window`` and ``key`` (both folded) is a typing slip inside a word of at
    least ``FUZZY_WORD`` characters: a transposition, a dropped or doubled character, or a key struck for
    its neighbour. A vowel swapped for a far vowel ("Kestral", "Marlaw") makes another name, not a slip."""
    i = next((j for j, (a, b) in enumerate(zip(window, key, strict=False)) if a != b), min(len(window), len(key)))
    if len(window) == len(key):
        swapped = i + 1 < len(key) and window[i] == key[i + 1] and window[i + 1] == key[i]
        if not swapped and window[i] not in _NEAR.get(key[i], ()):
            return False
    at = min(i, len(key) - 1)
    if key[at] == " " and at > 0:
        at -= 1  # a space dropped or added: the word before it
    left = key.rfind(" ", 0, at) + 1
    right = key.find(" ", at)
    return (len(key) if right < 0 else right) - left >= FUZZY_WORD


def _gaps(text: str) -> tuple[list[str], dict[int, str]]:
    """The runs of letters and digits of ``text``, and each gap between two of them by the number of letters
    and digits before it."""
    parts: list[str] = []
    gaps: dict[int, str] = {}
    word, gap, count = "", "", 0
    for c in text:
        if c.isalnum():
            if gap and parts:
                gaps[count] = gap
            if gap:
                gap = ""
            word += c
            count += 1
        else:
            if word:
                parts.append(word)
                word = ""
            gap += c
    parts.append(word)
    return parts, gaps


def disguise(inner: str, key: str) -> bool:
    """Whether separators inside a squeezed match look like a deliberate split rather than two words.
    ``inner`` is the match as written (case kept), ``key`` the folded term."""
    parts, gaps = _gaps(inner)
    if any(len(g) > 3 for g in gaps.values()):
        return False
    if all(len(p) <= 2 for p in parts):
        return True  # letter spacing: "G o l d m a n", "N.W.B."
    own = _gaps(key)[1]
    # Where the term itself is split, the text splits as the term does or with one joining mark
    # ("Northwind-Bank"); "Services Inc" is not "Services, Inc." written otherwise, it is another string.
    if any(g.replace("\n", " ") != own[at] and not _joins(g) for at, g in gaps.items() if at in own):
        return False
    extra = [g for at, g in gaps.items() if at not in own]
    if gaps.keys() == own.keys() and all(g.replace("\n", " ") == own[at] for at, g in gaps.items()):
        return False  # split just as the term is: the term with other marks around it ("Ltd" for "Ltd.")
    if all(_joins(g) for g in extra):
        return True  # "Gold-man", "Gold.man", "Fen–wick Marlow"
    # A long name broken over two lines ("North\nwind"); plain spaces are left alone ("the north wind").
    squeezed_key = "".join(c for c in key if c not in SEPARATORS)
    return len(squeezed_key) >= LONG_TERM and all(g.strip(" -") == "\n" for g in extra) \
        and any("\n" in g for g in extra)


def _joins(gap: str) -> bool:
    """One mark inside a word or name: a hyphen, dash, dot, slash, line break... but not a plain space."""
    return len(gap) == 1 and gap != " "
