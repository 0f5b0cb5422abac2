"""Many terms, one pass: Aho-Corasick automata over the matching views, plus a bounded fuzzy pass.

- exact and leetspeak: one automaton over :func:`screener.detect.views.main_view` (case and leet folded,
  escapes decoded, ``(at)``/``(dot)`` undone); whole words only, so neither "Gold" nor "man" alone matches
  "Goldman", with possessives ("Northwind's") taken into the span. A name of a few words is also keyed with
  ``&``, ``and`` (before a capital) or ``+`` at one gap ("Fenwick & Marlow"): more keys, no cost per text.
  Where ``$``, ``!`` or ``|`` stands before a letter the automaton also runs over the view that reads it as
  a letter (``Northw!nd``, ``$tripe``), keeping only the hits that need that reading; outside those hits,
  and in the main view, glued punctuation bounds a word (``$NWBK``, ``|Northwind Bank|``,
  ``employer!Northwind``);
- a term follows its kind: a plural ("resellers") only where the term allows one (product names, not names of
  firms or people), under the lower-scored method ``plural``; abbreviations and tickers keep their capitals
  and their letters exactly (a digit may stand for a letter, "NW8K", but ``ABCL`` is not ``ABCI``); a term
  marked ``cased`` (codenames, often ordinary words) found without its capitals is returned with
  ``needs_context`` so the caller keeps it only beside a context word;
- spacing: one automaton over the same view with separators squeezed out, accepted only when the match
  starts and ends on token edges and the pieces look like a disguise (single letters ``G o l d m a n``,
  short punctuation joins ``Gold-man``/``G.o.l.d``/``Fen–wick Marlow``, or a long name broken over two lines);
  two plain words never qualify, so "the north wind" does not become "Northwind";
- fuzzy: windows of one to a few tokens that start with a capital letter are looked up by their first
  letter and last two (cost independent of the number of terms; an edit at the very end is an inflection,
  not a misspelling) and verified with rapidfuzz's optimal string alignment distance (one edit,
  transpositions included), for terms of a safe minimum length and at most three words (longer legal
  names have shorter names and aliases beside them). The one edit must be a typing slip inside a word of at
  least five characters: a transposition, a dropped or doubled character (Damerau 1964: most misspellings
  are one such slip), or a key struck for its neighbour on a QWERTY keyboard (the keyboard-adjacency model
  of typo correctors, Kukich 1992). "Nortwhind" is Northwind mistyped; "Kestral" is another name than
  "Kestrel", not a slip.

Matching cost does not grow with the number of terms, only with the number of hits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import ahocorasick
from rapidfuzz.distance import OSA

from screener.detect.termchecks import LONG_TERM, alnum, carries_capitals, disguise, same_letters, slip
from screener.detect.views import PUNCT_LEET, SEPARATORS, View, main_view, squeeze, tokens
from screener.text.normalize import normalize

TermKind = Literal["word", "domain", "host"]  # domain: itself, sub-domains, addresses; host: sub-domains only
METHOD_RANK = {"exact": 0, "deobfuscated": 1, "leetspeak": 2, "spacing": 3, "plural": 4, "fuzzy": 5,
               "base64": 6, "pattern": 7}
# (suffix, is a plural): possessives, plurals, and "TM" (NFKC's fold of ™ in "Acme™"); "" last.
_SUFFIXES = (("'s", False), ("’s", False), ("s'", True), ("s’", True), ("es", True), ("s", True), ("'", False),
             ("’", False), ("tm", False), ("", False))
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
FUZZY_WORDS = 3  # fuzzy windows span at most this many tokens, so their number never grows with the terms
@dataclass(frozen=True, slots=True)
class Term:
    text: str
    tag: int  # the caller's index for what this term stands for
    kind: TermKind = "word"
    case_sensitive: bool = False  # abbreviations and tickers: capitals, and the letters exactly as written
    fuzzy: bool = False
    fuzzy_min_length: int = LONG_TERM
    plural: bool = False  # "-s"/"-es" accepted (method "plural"): product names, not names of firms or people
    cased: bool = False  # without the capitals the term is written with, a hit needs a context word


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # folded-view offsets
    end: int
    tag: int
    method: str
    needs_context: bool = False  # a ``cased`` term found without its capitals


# A name's parts joined otherwise than by a space ("Fenwick & Marlow", "Fenwick and Marlow"): each joiner is
# tried at each one gap of a term of at most VARIANT_WORDS words; "&"/"and"/"+" in a term count as gaps.
# A bare "&" or "+" ("Fenwick&Marlow", "Fenwick+Marlow" in a query) is a separator of the spacing pass.
_JOINERS = (" & ", " and ")
_IN_TERM = re.compile(r"(?<=[^\W_]) ?& ?(?=[^\W_])| (?:and|\+) (?=[^\W_])", re.IGNORECASE)
VARIANT_WORDS = 4


@dataclass(frozen=True, slots=True)
class _Entry:
    term: int  # index into the matcher's terms
    key: str  # the folded key
    cased: str  # the same characters before case and leet folding
    variant: bool = False  # joined otherwise than the term is written
    capital_at: int = -1  # after an "and" put in: where the text must have a capital ("Fenwick and Marlow")


def _forms(term: Term, index: int) -> list[_Entry]:
    """The keys of term number ``index``: as written first, then (words only) with its words joined by
    spaces and with each joiner at each gap. Terms go through the same normalisation and view as texts
    ("BioNutrients™" -> "bionutrientstm")."""
    text = " ".join(normalize(term.text).text.split())
    forms: dict[str, tuple[bool, int]] = {text: (False, -1)}
    words = _IN_TERM.sub(" ", text).split(" ")
    if term.kind == "word":
        forms.setdefault(" ".join(words), (True, -1))
    if term.kind == "word" and 1 < len(words) <= VARIANT_WORDS:
        for gap in range(1, len(words)):
            left, right = " ".join(words[:gap]), " ".join(words[gap:])
            for joiner in _JOINERS:
                at = len(left) + len(joiner) if joiner == " and " else -1
                forms.setdefault(left + joiner + right, (True, at))
    out = []
    for form, (variant, at) in forms.items():
        view = main_view(form)
        out.append(_Entry(index, view.text, view.cased, variant, at if len(view.text) == len(form) else -1))
    return out


def _automaton(keys: dict[str, list[_Entry]]) -> ahocorasick.Automaton | None:
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
        main: dict[str, list[_Entry]] = {}
        squeezed: dict[str, list[_Entry]] = {}
        # Fuzzy candidates share the first letter and the last two with the text window, and differ in length
        # by at most one: a dict on (first, last two) finds them in constant time whatever the term count.
        self._fuzzy: dict[tuple[str, str], list[int]] = {}
        self._fuzzy_lengths: set[int] = set()
        self._fuzzy_words = 0
        self._fuzzy_firsts: set[str] = set()
        self._fuzzy_max = 0
        self._keys: dict[int, str] = {}
        self._cased: dict[int, str] = {}
        for i, term in enumerate(self.terms):
            forms = _forms(term, i)
            key = self._keys[i] = forms[0].key
            self._cased[i] = forms[0].cased
            if not key:
                continue
            for e in forms:
                main.setdefault(e.key, []).append(e)
            for e in forms:  # the spacing pass needs no joiners: as written and with plain spaces
                if e.variant and (e.capital_at >= 0 or "&" in e.cased or "+" in e.cased):
                    continue
                skey = "".join(c for c in e.key if c not in SEPARATORS)
                if len(skey) >= 3:
                    squeezed.setdefault(skey, []).append(e)
            if term.fuzzy and term.kind == "word" and len(key) >= term.fuzzy_min_length \
                    and key.count(" ") < FUZZY_WORDS:
                self._fuzzy.setdefault((key[0], key[-2:]), []).append(i)
                self._fuzzy_lengths.update((len(key) - 1, len(key), len(key) + 1))
                self._fuzzy_words = max(self._fuzzy_words, key.count(" ") + 1)
                self._fuzzy_firsts.add(key[0])
                self._fuzzy_max = max(self._fuzzy_max, len(key) + 1)
        self._main = _automaton(main)
        self._squeezed = _automaton(squeezed)

    def match(self, base: str) -> list[Hit]:
        """Every hit in the folded text ``base``, in folded offsets (duplicates across methods included)."""
        view = main_view(base)
        hits = list(self._direct(base, view))
        if self._main is not None and PUNCT_LEET.search(base) is not None:
            hits.extend(self._punct_hits(base))
        hits.extend(self._spaced(view))
        if self._fuzzy:
            hits.extend(self._fuzzy_hits(view))
        return hits

    # -- passes ------------------------------------------------------------------------------------------------

    def _direct(self, base: str, view: View, bounds: str | None = None) -> Iterator[Hit]:
        """Whole-word hits of the automaton over ``view``; ``bounds`` (same length) is the text whose
        characters around a match decide whether it is a whole word (default: the view's own)."""
        if self._main is None:
            return
        text = view.text
        edges = text if bounds is None else bounds
        for last, (length, entries) in self._main.iter(text):
            start, end = last + 1 - length, last + 1
            for entry in entries:
                i, cased = entry.term, entry.cased
                term = self.terms[i]
                bounded = _bounded(edges, start, end, term.kind, term.plural)
                if bounded is None:
                    continue
                s, e, plural = bounded
                written = view.cased[start:end]
                if term.case_sensitive and not same_letters(written, cased):
                    continue
                if entry.capital_at >= 0 and not (written[entry.capital_at].isupper()
                                                  or written[entry.capital_at].isdigit()):
                    continue  # "and" before a small letter joins two phrases, not a name's parts
                method = "plural" if plural else self._method(base, view, start, end, i, entry.variant)
                yield Hit(*view.to_base(s, e), term.tag, method, term.cased and not carries_capitals(written, cased))

    def _punct_hits(self, base: str) -> Iterator[Hit]:
        """Hits that read ``$``/``!``/``|`` before a letter as that letter ("Northw!nd", "$tripe"), and only
        those. Outside a hit such a mark still bounds it, so one reading serves "at|Northw!nd|as"."""
        view = main_view(base, punct=True)
        at = [m.start() for m in PUNCT_LEET.finditer(view.cased)]
        bounds = list(view.text)
        for k in at:
            bounds[k] = view.cased[k]
        marks = [int(view.starts[k]) for k in at]
        for hit in self._direct(base, view, "".join(bounds)):
            i = bisect.bisect_left(marks, hit.start)
            if i < len(marks) and marks[i] < hit.end:
                yield hit

    def _spaced(self, view: View) -> Iterator[Hit]:
        if self._squeezed is None:
            return
        sq = squeeze(view)
        text = view.text
        for last, (length, entries) in self._squeezed.iter(sq.text):
            start, end = int(sq.index[last + 1 - length]), int(sq.index[last]) + 1
            inner = text[start:end]
            if not any(c in SEPARATORS for c in inner):
                continue  # a plain occurrence: the direct pass owns it
            written = view.cased[start:end]
            for entry in entries:
                i, key, cased = entry.term, entry.key, entry.cased
                term = self.terms[i]
                if inner == key:
                    continue  # the term itself, separators and all: the direct pass owns it
                # Squeezed, "w i k i . c o r p . x" has no dot right before "corp": a host is bounded as a domain.
                kind: TermKind = "domain" if term.kind == "host" else term.kind
                bounded = _bounded(text, start, end, kind, term.plural)
                if bounded is None or not disguise(written, key):
                    continue
                if term.case_sensitive and not same_letters(alnum(written), alnum(cased)):
                    continue
                s, e, plural = bounded
                yield Hit(*view.to_base(s, e), term.tag, "plural" if plural else "spacing",
                          term.cased and not carries_capitals(written, cased))

    def _fuzzy_hits(self, view: View) -> Iterator[Hit]:
        text = view.text
        toks = tokens(text)
        lengths = self._fuzzy_lengths
        firsts = self._fuzzy_firsts
        for a, (s0, _) in enumerate(toks):
            if text[s0] not in firsts or not view.cased[s0].isupper():
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
                    if OSA.distance(window, key, score_cutoff=1) <= 1 and slip(window, key):
                        term = self.terms[i]
                        yield Hit(*view.to_base(s0, e1), term.tag, "fuzzy",
                                  term.cased and not carries_capitals(view.cased[s0:e1], self._cased[i]))

    def _method(self, base: str, view: View, start: int, end: int, i: int, variant: bool = False) -> str:
        bs, be = view.to_base(start, end)
        plain = " ".join(base[bs:be].lower().split())
        if plain == " ".join(self.terms[i].text.lower().split()):
            return "exact"
        return "deobfuscated" if variant or be - bs != end - start else "leetspeak"


def _bounded(text: str, start: int, end: int, kind: TermKind, plural: bool = False) -> tuple[int, int, bool] | None:
    """The span with its word (or host) boundaries checked and extended, and whether a plural ending was
    taken into it; None when the boundaries do not hold."""
    n = len(text)
    if kind == "word":
        if start > 0 and text[start - 1].isalnum():
            return None
        for suffix, is_plural in _SUFFIXES:
            if is_plural and not plural:
                continue
            if text.startswith(suffix, end) and (end + len(suffix) == n or not text[end + len(suffix)].isalnum()):
                return start, end + len(suffix), is_plural
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
    return start, end, False
