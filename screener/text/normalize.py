"""The folded view every detector reads, with an exact map back to the original text.

Folding: NFKC per character cluster, format characters (zero-width, soft hyphen, bidi controls, variation
selectors) and other control characters removed, invisible carriers (tag characters, runs of variation
selectors: :mod:`screener.text.carriers`) replaced by the text they carry, on a line of its own, each payload
character mapped to the invisible characters that encode it; paragraphs under explicit bidi controls put in
reading order first (:mod:`screener.text.bidi`: each reordered run maps, as a whole, to its original range);
Cyrillic and Greek look-alike letters folded to Latin, hyphenated line breaks joined ("confi-\\ndential" ->
"confidential"), and whitespace runs collapsed to one space (or one newline when the run holds a line break, so
sentence and paragraph cues survive). Case is kept.

Each folded character ``i`` comes from the original range ``[starts[i], ends[i])``; ranges never decrease, so
a folded span ``[s, e)`` maps to the original span ``[starts[s], ends[e - 1])``.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

from screener.model import Span
from screener.text import bidi
from screener.text.carriers import CARRIER_CHARS, carriers_in

# Cyrillic and Greek letters that render like Latin ones (a subset of Unicode's confusables.txt that matters
# for names), plus a few Latin variants NFKC leaves alone.
_CONFUSABLE_PAIRS = (
    "аa еe оo рp сc уy хx іi јj ѕs ԁd һh ӏl ԛq ԝw ѵv ɡg "
    "АA ВB ЕE КK МM НH ОO РP СC ТT ХX ІI ЈJ ЅS УY ԌG ԚQ ԜW "
    "ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX οo ιi κk νv ρp υu χx ϲc ϳj "
    "ıi ȷj ℓl"
)
CONFUSABLES: dict[str, str] = {pair[0]: pair[1] for pair in _CONFUSABLE_PAIRS.split()}

# Alternatives, tried left to right at each position:
#   1. a hyphen (or soft hyphen) at a line end between letters: joined
#   2. a whitespace run that is not a single plain space: collapsed
#   3. a run of tag characters or variation selectors: decoded when it carries text, else dropped
#   4. a run of other non-ASCII or ASCII control characters: folded one cluster at a time
_SPECIAL = re.compile(
    r"(?P<hyph>(?<=[^\W\d_])[-\u00ad\u2010][ \t]*(?:\r\n|\n|\r)[ \t]*(?=[a-z]))"
    r"|(?P<ws>\s*[^\S ]\s*|  +)"
    f"|(?P<carrier>[{CARRIER_CHARS}]+)"
    f"|(?P<other>[^\\x09-\\x0d\\x20-\\x7e{CARRIER_CHARS}]+)"
)
MAX_CARRIER_DEPTH = 2  # a payload may itself hold carriers: decoded this many levels deep
_CLUSTER = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    text: str
    starts: array  # type: ignore[type-arg]
    ends: array  # type: ignore[type-arg]

    def __len__(self) -> int:
        return len(self.text)

    def to_original(self, start: int, end: int) -> Span:
        """Map the folded half-open range ``[start, end)`` to the original text."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"folded range [{start}, {end}) outside 0..{n}")
        if start == end:
            pos = self.starts[start] if start < n else len(self.original)
            return Span(pos, pos)
        return Span(self.starts[start], self.ends[end - 1])

    def to_folded(self, span: Span) -> tuple[int, int]:
        """The smallest folded range whose original span covers ``span`` (for redaction checks)."""
        import bisect

        s = bisect.bisect_right(self.ends, span.start)
        e = bisect.bisect_left(self.starts, span.end)
        return s, max(s, e)


class _Builder:
    __slots__ = ("chars", "ends", "starts")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts = array("q")
        self.ends = array("q")

    def copy(self, text: str, start: int, end: int) -> None:
        if start >= end:
            return
        if text[start] == " " and self.chars and self.chars[-1][-1:] in (" ", "\n"):
            self.ends[-1] = start + 1
            start += 1
            if start >= end:
                return
        self.chars.append(text[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def emit(self, folded: str, start: int, end: int) -> None:
        if not folded:
            return
        self.chars.append(folded)
        for _ in folded:
            self.starts.append(start)
            self.ends.append(end)

    def space(self, char: str, start: int, end: int) -> None:
        last = self.chars[-1][-1:] if self.chars else ""
        if last in (" ", "\n"):
            if char == "\n" and last == " ":
                self.chars[-1] = self.chars[-1][:-1] + "\n"
            self.ends[-1] = end
            return
        self.emit(char, start, end)


def _fold_cluster(cluster: str) -> str:
    first = cluster[0]
    category = unicodedata.category(first)
    if category in ("Cf", "Cc", "Cs", "Co", "Cn") or "\ufe00" <= first <= "\ufe0f":
        return ""
    if category.startswith("M"):  # a combining mark whose base was plain ASCII: the accent is dropped
        return ""
    folded = unicodedata.normalize("NFKC", cluster)
    return "".join(CONFUSABLES.get(c, c) for c in folded if unicodedata.category(c) != "Cf")


def normalize(original: str, *, _depth: int = 0) -> NormalizedText:
    """Fold ``original`` into the matching view and its offset map.

    Folding can expose new work (a zero-width character between a hyphen and a line break hides the break
    until it is removed), so the fold is repeated until nothing changes, composing the offset maps. ASCII text
    that the fold would leave as it is (no whitespace run to collapse, no hyphenated line break, no control
    character) is its own view, with the identity map, built without a fold.
    """
    if original.isascii() and _settled(original):
        n = len(original)
        return NormalizedText(original=original, text=original, starts=array("q", range(n)),
                              ends=array("q", range(1, n + 1)))
    return _fold(original, _depth)


def _fold(original: str, _depth: int = 0) -> NormalizedText:
    """The fold itself (see :func:`normalize`), for any text."""
    ordered = _reading_view(original) if bidi.has_controls(original) else None
    work = ordered.text if ordered is not None else original
    result = _fold_once(work, _depth)
    for _ in range(4):
        if _settled(result.text):
            break
        again = _fold_once(result.text, MAX_CARRIER_DEPTH)
        if again.text == result.text:
            break
        result = _compose(result, again)
    if ordered is not None:
        result = _compose(ordered, result)
    return NormalizedText(original=original, text=result.text, starts=result.starts, ends=result.ends)


def _compose(first: NormalizedText, second: NormalizedText) -> NormalizedText:
    """The map of ``second`` (a view of ``first.text``) expressed in ``first``'s original offsets."""
    starts = array("q", (first.starts[s] for s in second.starts))
    ends = array("q", (first.ends[e - 1] for e in second.ends))
    return NormalizedText(original=first.original, text=second.text, starts=starts, ends=ends)


def _reading_view(original: str) -> NormalizedText:
    """``original`` in reading order (:func:`screener.text.bidi.reading_order`). Characters outside reordered
    runs map to themselves; every character of a reordered run maps to the whole run's original range."""
    order = bidi.reading_order(original)
    starts = array("q", order)
    ends = array("q", (i + 1 for i in order))
    ranked = sorted(order)
    for a, b in bidi.reordered_blocks(order):
        lo, hi = ranked[a], ranked[b - 1] + 1
        for r in range(a, b):
            starts[r], ends[r] = lo, hi
    return NormalizedText(original=original, text="".join(original[i] for i in order), starts=starts, ends=ends)


def _settled(text: str) -> bool:
    """Whether another fold would leave ``text`` as it is, checked without building a map: every special
    run must come out unchanged (a lone line break after a character that is not white space, or non-ASCII
    characters that fold to themselves)."""
    for m in _SPECIAL.finditer(text):
        kind = m.lastgroup
        if kind in ("hyph", "carrier"):
            return False
        run = m.group()
        if kind == "ws":
            if run != "\n" or text[m.start() - 1 : m.start()] in (" ", "\n"):
                return False
        elif any(c.group().isspace() or _fold_cluster(c.group()) != c.group() for c in _CLUSTER.finditer(run)):
            return False
    return True


def _payload(b: _Builder, original: str, start: int, end: int, depth: int) -> None:
    """Each carrier of ``original[start:end]`` that carries readable text, on a line of its own."""
    if depth >= MAX_CARRIER_DEPTH:
        return
    for carrier in carriers_in(original, start, end):
        if carrier.payload is None:
            continue
        inner = normalize(carrier.payload, _depth=depth + 1)
        if not inner.text.strip():
            continue
        spans = carrier.spans
        b.space("\n", carrier.start, carrier.start + 1)
        for i, ch in enumerate(inner.text):
            s, e = inner.starts[i], inner.ends[i]
            b.emit(ch, spans[s][0], spans[e - 1][1])
        b.space("\n", carrier.end - 1, carrier.end)


def _fold_once(original: str, depth: int = 0) -> NormalizedText:
    b = _Builder()
    pos = 0
    for m in _SPECIAL.finditer(original):
        b.copy(original, pos, m.start())
        kind = m.lastgroup
        if kind == "hyph":
            pass  # joined: the next letter follows the previous one directly
        elif kind == "ws":
            run = m.group()
            b.space("\n" if ("\n" in run or "\r" in run or "\u2028" in run or "\u2029" in run) else " ",
                    m.start(), m.end())
        elif kind == "carrier":
            _payload(b, original, m.start(), m.end(), depth)
        else:
            base = m.start()
            for c in _CLUSTER.finditer(m.group()):
                folded = _fold_cluster(c.group())
                if folded.isspace():
                    b.space(" ", base + c.start(), base + c.end())
                else:
                    b.emit(folded, base + c.start(), base + c.end())
        pos = m.end()
    b.copy(original, pos, len(original))
    return NormalizedText(original=original, text="".join(b.chars), starts=b.starts, ends=b.ends)
