"""Many terms, one pass: Aho-Corasick automata over the matching views, plus a bounded fuzzy pass.

- exact and leetspeak: one automaton over :func:`screener.detect.views.main_view` (case and leet folded,
  ``(at)``/``(dot)`` undone); whole words only, so neither "Gold" nor "man" alone matches "Goldman", with
  possessives and plurals ("Northwind's", "Acmes") taken into the span;
- spacing: one automaton over the same view with separators squeezed out, accepted only when the match
  starts and ends on token edges and the pieces look like a disguise (single letters ``G o l d m a n``,
  short punctuation joins ``Gold-man``/``G.o.l.d``, or a long name broken over two lines); two plain words
  never qualify, so "the north wind" does not become "Northwind";
- fuzzy: windows of one to a few tokens that start with a capital letter are looked up by their first
  letter and last two (cost independent of the number of terms; an edit at the very end is an inflection,
  not a misspelling) and verified with rapidfuzz's optimal string alignment distance (one edit,
  transpositions included), for terms of a safe minimum length and at most three words (longer legal
  names have shorter names and aliases beside them).

Matching cost does not grow with the number of terms, only with the number of hits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import ahocorasick
from rapidfuzz.distance import OSA

from screener.detect.views import SEPARATORS, View, fold_term, main_view, squeeze, tokens
from screener.text.normalize import normalize

TermKind = Literal["word", "domain", "host"]
METHOD_RANK = {"exact": 0, "deobfuscated": 1, "leetspeak": 2, "spacing": 3, "fuzzy": 4, "base64": 5, "pattern": 6}
# Possessives, plurals, and "TM" (NFKC's fold of ™ in "Acme™").
_SUFFIXES = ("'s", "’s", "s'", "s’", "es", "s", "'", "’", "tm")
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
LONG_TERM = 8  # a name this long may be broken over lines or matched fuzzily
FUZZY_WORDS = 3  # fuzzy windows span at most this many tokens, so their number never grows with the terms


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    tag: int  # the caller's index for what this term stands for
    kind: TermKind = "word"
    case_sensitive: bool = False  # abbreviations and tickers: the letters must be capitals
    fuzzy: bool = False
    fuzzy_min_length: int = LONG_TERM


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # folded-view offsets
    end: int
    tag: int
    method: str


def _automaton(keys: dict[str, list[int]]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    auto = ahocorasick.Automaton()
    for key, ids in keys.items():
        auto.add_word(key, (len(key), tuple(ids)))
    auto.make_automaton()
    return auto


class TermMatcher:
    """Built once per term list; ``match`` is safe to call from several threads."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = tuple(terms)
        main: dict[str, list[int]] = {}
        squeezed: dict[str, list[int]] = {}
        # Fuzzy candidates share the first letter and the last two with the text window, and differ in length
        # by at most one: a dict on (first, last two) finds them in constant time whatever the term count.
        self._fuzzy: dict[tuple[str, str], list[int]] = {}
        self._fuzzy_lengths: set[int] = set()
        self._fuzzy_words = 0
        self._fuzzy_firsts: set[str] = set()
        self._fuzzy_max = 0
        for i, term in enumerate(self.terms):
            key = self._key(term)
            if not key:
                continue
            main.setdefault(key, []).append(i)
            skey = "".join(c for c in key if c not in SEPARATORS)
            if len(skey) >= 3:
                squeezed.setdefault(skey, []).append(i)
            if term.fuzzy and term.kind == "word" and len(key) >= term.fuzzy_min_length \
                    and key.count(" ") < FUZZY_WORDS:
                self._fuzzy.setdefault((key[0], key[-2:]), []).append(i)
                self._fuzzy_lengths.update((len(key) - 1, len(key), len(key) + 1))
                self._fuzzy_words = max(self._fuzzy_words, key.count(" ") + 1)
                self._fuzzy_firsts.add(key[0])
                self._fuzzy_max = max(self._fuzzy_max, len(key) + 1)
        self._keys = {i: self._key(t) for i, t in enumerate(self.terms)}
        self._main = _automaton(main)
        self._squeezed = _automaton(squeezed)

    @staticmethod
    def _key(term: Term) -> str:
        """Terms go through the same normalisation as texts ("BioNutrients™" -> "bionutrientstm")."""
        return fold_term(normalize(term.text).text)

    def match(self, base: str) -> list[Hit]:
        """Every hit in the folded text ``base``, in folded offsets (duplicates across methods included)."""
        view = main_view(base)
        hits = list(self._direct(base, view))
        hits.extend(self._spaced(base, view))
        if self._fuzzy:
            hits.extend(self._fuzzy_hits(base, view))
        return hits

    # -- passes ------------------------------------------------------------------------------------------------

    def _direct(self, base: str, view: View) -> Iterator[Hit]:
        if self._main is None:
            return
        text = view.text
        for last, (length, ids) in self._main.iter(text):
            start, end = last + 1 - length, last + 1
            for i in ids:
                term = self.terms[i]
                span = _bounded(text, start, end, term.kind)
                if span is None:
                    continue
                bs, be = view.to_base(*span)
                if term.case_sensitive and not _capitals(base, *view.to_base(start, end)):
                    continue
                yield Hit(bs, be, term.tag, self._method(base, view, start, end, i))

    def _spaced(self, base: str, view: View) -> Iterator[Hit]:
        if self._squeezed is None:
            return
        sq = squeeze(view)
        text = view.text
        for last, (length, ids) in self._squeezed.iter(sq.text):
            start, end = int(sq.index[last + 1 - length]), int(sq.index[last]) + 1
            inner = text[start:end]
            if not any(c in SEPARATORS for c in inner):
                continue  # a plain occurrence: the direct pass owns it
            for i in ids:
                term = self.terms[i]
                if inner == self._keys[i]:
                    continue  # the term itself, separators and all: the direct pass owns it
                # Squeezed, "w i k i . c o r p . x" has no dot right before "corp": a host is bounded as a domain.
                span = _bounded(text, start, end, "domain" if term.kind == "host" else term.kind)
                if span is None or not _disguise(base[slice(*view.to_base(start, end))], self._keys[i]):
                    continue
                if term.case_sensitive and not _capitals(base, *view.to_base(start, end)):
                    continue
                bs, be = view.to_base(*span)
                yield Hit(bs, be, term.tag, "spacing")

    def _fuzzy_hits(self, base: str, view: View) -> Iterator[Hit]:
        text = view.text
        toks = tokens(text)
        lengths = self._fuzzy_lengths
        firsts = self._fuzzy_firsts
        for a, (s0, _) in enumerate(toks):
            if text[s0] not in firsts or not base[view.starts[s0]].isupper():
                continue
            for n in range(1, self._fuzzy_words + 1):
                if a + n > len(toks):
                    break
                e1 = toks[a + n - 1][1]
                if n > 1 and text[toks[a + n - 2][1]:toks[a + n - 1][0]] not in (" ", "-"):
                    break
                if e1 - s0 > self._fuzzy_max:
                    break
                if (text[s0], text[e1 - 2:e1].replace("-", " ")) not in self._fuzzy:
                    continue  # no term starts and ends like this window: skip before building it
                window = text[s0:e1].replace("-", " ")
                if len(window) not in lengths:
                    continue
                # Same first letter and same last two: an edit at the end is an inflection of an ordinary
                # word ("Licensed" for "Licensee", "Contractors" for "Contractor"), not a misspelt name.
                for i in self._fuzzy.get((window[0], window[-2:]), ()):
                    key = self._keys[i]
                    if key == window or abs(len(key) - len(window)) > 1:
                        continue
                    if OSA.distance(window, key, score_cutoff=1) <= 1:
                        bs, be = view.to_base(s0, e1)
                        yield Hit(bs, be, self.terms[i].tag, "fuzzy")

    def _method(self, base: str, view: View, start: int, end: int, i: int) -> str:
        bs, be = view.to_base(start, end)
        if be - bs != end - start:
            return "deobfuscated"
        plain = " ".join(base[bs:be].lower().split())
        return "exact" if plain == " ".join(self.terms[i].text.lower().split()) else "leetspeak"


def _capitals(base: str, start: int, end: int) -> bool:
    return all(c.isupper() for c in base[start:end] if c.isalpha())


def _bounded(text: str, start: int, end: int, kind: TermKind) -> tuple[int, int] | None:
    """The span with its word (or host) boundaries checked and extended, or None when they do not hold."""
    n = len(text)
    if kind == "word":
        if start > 0 and text[start - 1].isalnum():
            return None
        for suffix in (*_SUFFIXES, ""):
            if text.startswith(suffix, end) and (end + len(suffix) == n or not text[end + len(suffix)].isalnum()):
                return start, end + len(suffix)
        return None
    if end < n and (text[end] in _DOMAIN_CHARS or (text[end] == "." and end + 1 < n and text[end + 1].isalnum())):
        return None
    before = text[start - 1] if start > 0 else ""
    if kind == "host" and before != ".":
        return None
    if before in _DOMAIN_CHARS and before:
        return None
    if before == ".":  # sub-domain labels, at most a DNS name's 253 characters
        floor = max(0, start - 253)
        while start > floor and (text[start - 1] in _DOMAIN_CHARS or text[start - 1] == "."):
            start -= 1
        before = text[start - 1] if start > 0 else ""
    if before == "@":  # the local part of an address, at most 64 characters
        start -= 1
        floor = max(0, start - 64)
        while start > floor and text[start - 1] in _LOCAL_CHARS:
            start -= 1
    return start, end


def _disguise(inner: str, key: str) -> bool:
    """Whether separators inside a squeezed match look like a deliberate split rather than two words."""
    parts: list[str] = []
    gaps: list[str] = []
    word, gap = "", ""
    for c in inner:
        if c in SEPARATORS or not c.isalnum():
            if word:
                parts.append(word)
                word = ""
            gap += c
        else:
            if gap and parts:
                gaps.append(gap)
            gap = ""
            word += c
    parts.append(word)
    if any(len(g) > 3 for g in gaps):
        return False
    if all(len(p) <= 2 for p in parts):
        return True  # letter spacing: "G o l d m a n", "N.W.B."
    if all(len(g) == 1 and g != " " for g in gaps):
        return True  # "Gold-man", "Gold.man"
    # A long name broken over two lines ("North\nwind"); plain spaces are left alone ("the north wind").
    squeezed_key = "".join(c for c in key if c not in SEPARATORS)
    return len(squeezed_key) >= LONG_TERM and all(g.strip(" -") == "\n" for g in gaps) and any("\n" in g for g in gaps)
