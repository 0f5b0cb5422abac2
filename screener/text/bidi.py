"""Reading order of text under explicit bidi controls: a bounded subset of the Unicode Bidirectional
Algorithm (UAX #9, https://www.unicode.org/reports/tr9/).

Only paragraphs holding an explicit embedding, override or isolate (LRE RLE LRO RLO PDF, LRI RLI FSI PDI) are
reordered; other text keeps its logical order, which is the order Unicode stores a reader's text in.

Covered: paragraph level (P2, P3, isolates skipped), explicit levels and directional overrides with the
stack, depth limit and overflow counters of X1-X8, removal of embedding controls (X9; boundary neutrals such as
tag characters stay in place so that hidden-text carriers survive),
weak types W1-W7 over level runs, neutrals N1-N2, implicit levels I1-I2, trailing white space (L1) and
reversal (L2). Not covered: isolating run sequences are approximated by level runs (BD13), paired brackets
(N0), mirroring and combining-mark reordering (L3, L4).

The reading order is then taken from the display as a reader meets it: the line in the paragraph's direction,
and within it each run of glyphs of the other direction in their own direction (Latin letters and digits left
to right, Hebrew and Arabic right to left; neutrals join the run around them). For text without overrides
this gives back the logical order; under an override it gives what the reader actually reads ("\\u202e" +
"knaB dniwhtroN" + "\\u202c" reads "Northwind Bank").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_DEPTH = 125
WORK_BUDGET = 2_000_000  # run reversals per paragraph; past it the paragraph is left in stored order
MAX_PARAGRAPH = 200_000  # characters; a longer paragraph with controls is likewise left in stored order


CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PARAGRAPH = re.compile("[\n\r\u2029\x1c-\x1e\x85]")
_EMBED = {"\u202a": (False, "N"), "\u202b": (True, "N"), "\u202d": (False, "L"), "\u202e": (True, "R")}
_ISOLATE = {"\u2066": False, "\u2067": True, "\u2068": None}  # LRI, RLI, FSI (direction from its content)
_PDF, _PDI = "\u202c", "\u2069"
_STRONG = {"L": 0, "R": 1, "AL": 1}
_NEUTRAL = frozenset(("B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"))


def has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def _first_strong(classes: list[str], start: int, stop: int) -> int | None:
    """P2/P3: the direction (0 or 1) of the first strong character, skipping isolates; None when there is none."""
    depth = 0
    for i in range(start, stop):
        c = classes[i]
        if c in ("LRI", "RLI", "FSI"):
            depth += 1
        elif c == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and c in _STRONG:
            return _STRONG[c]
    return None


def _matching_pdi(classes: list[str], start: int) -> int:
    depth = 1
    for i in range(start + 1, len(classes)):
        if classes[i] in ("LRI", "RLI", "FSI"):
            depth += 1
        elif classes[i] == "PDI":
            depth -= 1
            if depth == 0:
                return i
    return len(classes)


def _explicit(para: str, classes: list[str], base: int) -> tuple[list[int], list[str], list[bool]]:
    """X1-X9: per character its embedding level, its type (overrides applied) and whether X9 removes it."""
    n = len(para)
    levels, types, removed = [base] * n, list(classes), [False] * n
    stack: list[tuple[int, str, bool]] = [(base, "N", False)]
    over_iso = over_emb = valid_iso = 0
    for i, ch in enumerate(para):
        level, override, _ = stack[-1]
        if ch in _EMBED:
            odd, new_override = _EMBED[ch]
            new = (level + 1) | 1 if odd else (level + 2) & ~1
            if new <= MAX_DEPTH and over_iso == 0 and over_emb == 0:
                stack.append((new, new_override, False))
            elif over_iso == 0:
                over_emb += 1
            removed[i] = True
        elif ch in _ISOLATE:
            levels[i] = level
            if override != "N":
                types[i] = override
            direction = _ISOLATE[ch]
            if direction is None:
                direction = _first_strong(classes, i + 1, _matching_pdi(classes, i)) == 1
            new = (level + 1) | 1 if direction else (level + 2) & ~1
            if new <= MAX_DEPTH and over_iso == 0 and over_emb == 0:
                valid_iso += 1
                stack.append((new, "N", True))
            else:
                over_iso += 1
        elif ch == _PDI:
            if over_iso:
                over_iso -= 1
            elif valid_iso:
                over_emb = 0
                while not stack[-1][2]:
                    stack.pop()
                stack.pop()
                valid_iso -= 1
            level, override, _ = stack[-1]
            levels[i] = level
            if override != "N":
                types[i] = override
        elif ch == _PDF:
            if over_iso == 0:
                if over_emb:
                    over_emb -= 1
                elif not stack[-1][2] and len(stack) >= 2:
                    stack.pop()
            removed[i] = True
        else:  # boundary neutrals (BN) stay in place, unlike X9: tag-character carriers must survive
            levels[i] = level
            if override != "N":
                types[i] = override
    return levels, types, removed


def _resolve(levels: list[int], types: list[str], keep: list[int], base: int) -> list[int]:
    """W1-W7, N1-N2 and I1-I2 over each level run of the kept characters; returns the resolved levels."""
    out = [levels[i] for i in keep]
    t = [types[i] for i in keep]
    n = len(keep)
    start = 0
    while start < n:
        end = start
        while end < n and out[end] == out[start]:
            end += 1
        level = out[start]
        prev = out[start - 1] if start else base
        nxt = out[end] if end < n else base
        sos, eos = ("R" if max(level, prev) % 2 else "L"), ("R" if max(level, nxt) % 2 else "L")
        run = range(start, end)
        last = sos
        for i in run:  # W1 (NSM), W2 (EN after AL), W3 (AL -> R)
            if t[i] == "NSM":
                before = t[i - 1] if i > start else sos
                t[i] = "ON" if before in ("LRI", "RLI", "FSI", "PDI") else before
            if t[i] in ("L", "R", "AL"):
                last = t[i]
            elif t[i] == "EN" and last == "AL":
                t[i] = "AN"
        for i in run:
            if t[i] == "AL":
                t[i] = "R"
        for i in range(start + 1, end - 1):  # W4
            number = t[i - 1] if t[i - 1] == t[i + 1] else ""
            if (t[i] == "ES" and number == "EN") or (t[i] == "CS" and number in ("EN", "AN")):
                t[i] = t[i - 1]
        for i in run:  # W5 (ET next to EN), W6 (other separators -> ON)
            if t[i] == "ET":
                j = i
                while j < end and t[j] == "ET":
                    j += 1
                if (i > start and t[i - 1] == "EN") or (j < end and t[j] == "EN"):
                    for k in range(i, j):
                        t[k] = "EN"
        for i in run:
            if t[i] in ("ES", "ET", "CS"):
                t[i] = "ON"
        last = sos
        for i in run:  # W7
            if t[i] in ("L", "R"):
                last = t[i]
            elif t[i] == "EN" and last == "L":
                t[i] = "L"
        i = start
        while i < end:  # N1, N2
            if t[i] not in _NEUTRAL:
                i += 1
                continue
            j = i
            while j < end and t[j] in _NEUTRAL:
                j += 1
            before = sos if i == start else ("R" if t[i - 1] in ("R", "EN", "AN") else "L")
            after = eos if j == end else ("R" if t[j] in ("R", "EN", "AN") else "L")
            fill = before if before == after else ("R" if level % 2 else "L")
            for k in range(i, j):
                t[k] = fill
            i = j
        for i in run:  # I1, I2
            if level % 2 == 0:
                out[i] += 1 if t[i] == "R" else 2 if t[i] in ("AN", "EN") else 0
            elif t[i] in ("L", "EN", "AN"):
                out[i] += 1
        start = end
    return out


def _visual(levels: list[int]) -> list[int] | None:
    """L2: indices in display order (left to right), reversing runs of equal level rather than characters;
    None when that would take more than ``WORK_BUDGET`` run reversals (hostile nesting)."""
    runs: list[tuple[int, int, int]] = []  # (level, start, end)
    for i, level in enumerate(levels):
        if runs and runs[-1][0] == level:
            runs[-1] = (level, runs[-1][1], i + 1)
        else:
            runs.append((level, i, i + 1))
    if not runs:
        return []
    lowest_odd = min(levels) | 1
    highest = max(levels)
    if len(runs) * max(0, highest - lowest_odd + 1) > WORK_BUDGET:
        return None
    items = [(r, False) for r in range(len(runs))]  # run index, reversed inside
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(items):
            if runs[items[i][0]][0] < level:
                i += 1
                continue
            j = i
            while j < len(items) and runs[items[j][0]][0] >= level:
                j += 1
            items[i:j] = [(r, not flipped) for r, flipped in reversed(items[i:j])]
            i = j
    order: list[int] = []
    for r, flipped in items:
        _, start, end = runs[r]
        order.extend(range(end - 1, start - 1, -1) if flipped else range(start, end))
    return order


def _paragraph_order(para: str) -> list[int] | None:
    """Indices of ``para``'s characters in reading order, embedding controls left out. Boundary neutrals (BN:
    zero-width characters, tag characters) take no part in the ordering (X9) and follow the character before
    them, so a carrier stays in one piece. None past the work budget."""
    classes = [unicodedata.bidirectional(c) or "L" for c in para]
    base = _first_strong(classes, 0, len(classes)) or 0
    levels, types, removed = _explicit(para, classes, base)
    keep = [i for i in range(len(para)) if not removed[i] and classes[i] != "BN"]
    resolved = _resolve(levels, types, keep, base)
    for k in range(len(keep) - 1, -1, -1):  # L1: trailing white space and isolate controls
        if classes[keep[k]] in ("WS", "LRI", "RLI", "FSI", "PDI", "S"):
            resolved[k] = base
        else:
            break
    visual = _visual(resolved)
    if visual is None:
        return None
    display = [keep[k] for k in visual]
    if base:
        display.reverse()
    flags = _directions([_reads_rtl(classes[i]) for i in display], bool(base))
    ordered: list[int] = []
    k = 0
    while k < len(display):
        j = k
        while j < len(display) and flags[j] == flags[k]:
            j += 1
        ordered.extend(display[k:j][::-1] if flags[k] != bool(base) else display[k:j])
        k = j
    follows: dict[int, list[int]] = {}
    owner = -1
    for i, c in enumerate(classes):
        if c == "BN":
            follows.setdefault(owner, []).append(i)
        elif not removed[i]:
            owner = i
    out = list(follows.get(-1, ()))
    for i in ordered:
        out.append(i)
        out.extend(follows.get(i, ()))
    return out


def _directions(found: list[bool | None], rtl: bool) -> list[bool]:
    """Whether each glyph reads right to left: neutrals (None) join the run around them, else take ``rtl``."""
    out: list[bool] = []
    k = 0
    while k < len(found):
        f = found[k]
        if f is not None:
            out.append(f)
            k += 1
            continue
        j = k
        while j < len(found) and found[j] is None:
            j += 1
        left = found[k - 1] if k else None
        right = found[j] if j < len(found) else None
        out.extend([left if left is not None and left == right else rtl] * (j - k))
        k = j
    return out


def _reads_rtl(cls: str) -> bool | None:
    if cls in ("R", "AL"):
        return True
    if cls in ("L", "EN", "AN"):
        return False
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """``order``: indices of a text in reading order; ``unordered``: ``(start, end)`` of paragraphs with
    controls left in stored order because they are longer than ``MAX_PARAGRAPH`` or nest levels past the
    work budget."""

    order: list[int]
    unordered: tuple[tuple[int, int], ...] = ()


def read(text: str) -> Reading:
    """``text`` in reading order; the embedding and override controls of reordered paragraphs are left out.
    Paragraphs without explicit controls keep their logical order."""
    out: list[int] = []
    unordered: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        para = text[pos:end]
        order = _paragraph_order(para) if has_controls(para) and len(para) <= MAX_PARAGRAPH else None
        if order is None:
            if has_controls(para):
                unordered.append((pos, end))
            out.extend(range(pos, end))
        else:
            out.extend(pos + i for i in order)
        if m is not None:
            out.append(m.start())
            pos = m.end()
    return Reading(out, tuple(unordered))


def reading_order(text: str) -> list[int]:
    return read(text).order


def reordered_blocks(order: list[int]) -> list[tuple[int, int]]:
    """The smallest runs ``[a, b)`` of positions of ``order`` that hold the same characters as the same
    positions of the stored order, but not in the same order: each is read in another order than stored."""
    ranks = {i: r for r, i in enumerate(sorted(order))}
    blocks: list[tuple[int, int]] = []
    start = high = 0
    for r, i in enumerate(order):
        high = max(high, ranks[i])
        if high == r:  # positions start..r hold exactly the characters stored there
            if r > start:
                blocks.append((start, r + 1))
            start = r + 1
    return blocks
