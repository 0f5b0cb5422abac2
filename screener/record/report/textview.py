"""Submission text for the HTML report: escaped, control and bidi characters made visible, findings
highlighted, and the matched words masked unless the user asks to see them.

Everything returned is ``Markup`` built here from escaped pieces; nothing from a submission reaches the page
unescaped. Control, format (bidi overrides, zero-width), private-use, surrogate and line/paragraph separator
characters are replaced by a visible code such as ``U+202E`` so that nothing can reorder or hide text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from screener.model import CATEGORY_PRIORITY, Decision

_KEEP = frozenset("\n\t\r")
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
# Letters and marks that render as nothing: Hangul fillers and the combining grapheme joiner.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u034f")
MASK_MAX = 12
MASK_CH = "\u25aa"


def is_hidden(ch: str) -> bool:
    return ch not in _KEEP and (ch in _BLANK or unicodedata.category(ch) in _HIDDEN)


def visible(text: str) -> Markup:
    """Escape ``text`` and show every invisible or reordering character as a visible ``U+XXXX`` chip."""
    if not any(is_hidden(ch) for ch in text):
        return escape(text)
    out: list[str] = []
    run: list[str] = []
    for ch in text:
        if is_hidden(ch):
            out.append(str(escape("".join(run))))
            run = []
            out.append(f'<span class="ctl">U+{ord(ch):04X}</span>')
        else:
            run.append(ch)
    out.append(str(escape("".join(run))))
    return Markup("".join(out))


def finalize(value: object) -> object:
    """Jinja ``finalize`` hook: every string printed by a template goes through ``visible``."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


@dataclass(frozen=True, slots=True)
class Cluster:
    """A run of overlapping findings, shown as one highlight linking to the first of them."""

    start: int
    end: int
    members: tuple[int, ...]  # indexes into the submission's decisions


def clusters(decisions: Sequence[Decision], length: int) -> list[Cluster]:
    spans = sorted((d.finding.span.start, d.finding.span.end, i) for i, d in enumerate(decisions)
                   if 0 <= d.finding.span.start < d.finding.span.end <= length)
    out: list[Cluster] = []
    for start, end, i in spans:
        if out and start < out[-1].end:
            last = out[-1]
            out[-1] = Cluster(last.start, max(last.end, end), (*last.members, i))
        else:
            out.append(Cluster(start, end, (i,)))
    return out


def _windows(cs: Sequence[Cluster], length: int, limit: int, context: int) -> list[tuple[int, int]]:
    """The whole text when it is short; else the passages around findings, merged, within ``limit``."""
    if length <= limit:
        return [(0, length)]
    out: list[tuple[int, int]] = []
    for c in cs:
        start, end = max(0, c.start - context), min(length, c.end + context)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    kept: list[tuple[int, int]] = []
    total = 0
    for start, end in out:
        if total + (end - start) > limit:
            break
        kept.append((start, end))
        total += end - start
    return kept or [(0, min(length, limit))]


def render_text(text: str, decisions: Sequence[Decision], anchors: Sequence[str], show_text: bool,
                limit: int = 200_000, context: int = 300) -> Markup:
    """The text with each cluster of findings highlighted (and masked unless ``show_text``). A text longer
    than ``limit`` characters is shown as the passages around its findings, with gaps marked."""
    cs = clusters(decisions, len(text))
    parts: list[str] = []
    previous_end = 0
    for w_start, w_end in _windows(cs, len(text), limit, context):
        if w_start > previous_end:
            parts.append(f'<span class="gap">[{w_start - previous_end} characters not shown]</span>\n')
        pos = w_start
        for c in cs:
            if c.start < w_start or c.end > w_end:
                continue
            parts.append(str(visible(text[pos:c.start])))
            # the label is the deciding finding's: one that was acted on before an allowed one, then priority
            top = max(c.members, key=lambda i: (decisions[i].action.value != "allow",
                                                CATEGORY_PRIORITY[decisions[i].finding.category]))
            d = decisions[top]
            acted = any(decisions[i].action.value != "allow" for i in c.members)
            codes = " ".join(sorted({decisions[i].finding.rule_id for i in c.members}))
            label = (str(visible(text[c.start:c.end])) if show_text
                     else f"{escape(d.finding.entity)} {MASK_CH * min(MASK_MAX, c.end - c.start)}")
            parts.append(
                f'<a class="hit cat-{d.finding.category.value}{"" if acted else " allowed"}" '
                f'href="#{anchors[top]}" title="{escape(codes)}">{label}</a>'
            )
            pos = c.end
        parts.append(str(visible(text[pos:w_end])))
        previous_end = w_end
    if previous_end < len(text):
        parts.append(f'\n<span class="gap">[{len(text) - previous_end} characters not shown]</span>')
    return Markup("".join(parts))


def passage(text: str, start: int, end: int, show_text: bool, entity: str) -> Markup:
    """One finding's own words (for side-by-side views), masked unless ``show_text``."""
    if not 0 <= start <= end <= len(text):
        return Markup("")
    if show_text:
        return visible(text[start:end])
    return Markup(f"{escape(entity)} {MASK_CH * min(MASK_MAX, end - start)}")
