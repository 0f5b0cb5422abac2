"""Redaction of the ORIGINAL text with presidio-anonymizer operators.

Overlapping findings are resolved first, by one explicit rule: overlapping spans merge into their union, and
the union takes the entity and operator of the finding that ranks highest by (category priority: secret >
fragment > marking > employer > personal data; then score; then length; then rule id). Placeholders are
numbered per entity and consistent within a submission: the same person (same entity, same text up to case
and spacing) is ``<PERSON_1>`` everywhere. Operators: ``replace`` (the entity's placeholder, default),
``redact`` (remove the text, leaving the category's placeholder, ``<PROPRIETARY_FRAGMENT_1>``: a removal is
never an unmarked hole), ``mask`` (``*`` for every character), ``hash`` (keyed SHA-256 with the configured
redaction key), ``keep``. Operators are chosen per rule id, else per category (``secret: mask``), else
``replace``. The caller's findings are never changed; spans are replaced right to left by Presidio.

Before merging, every span is widened so that no part of a longer identifier stays in the clear, whatever
span a detector returned (see :func:`widen`): a span that ends inside a word takes the whole word, and a span
holding a digit takes the whole run of identifier-like tokens around it (``2223 0031 2200 3222``,
``GB82 WEST 1234 5698 7654 32``, ``+44 20 7946 0000``).
The redacted copy then loses every format or invisible character left in it (:func:`strip_format`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screener.errors import ConfigError
from screener.model import CATEGORY_PRIORITY, Category, Finding, Span

SEGMENT = 256  # replacements per Presidio call (see Redactor.redact)


@dataclass(frozen=True, slots=True)
class Replacement:
    span: Span
    entity: str
    operator: str
    winner: Finding


def _rank(f: Finding) -> tuple[int, float, int, str]:
    return (CATEGORY_PRIORITY[f.category], f.score, len(f.span), f.rule_id)


# Characters that join the tokens of one identifier: a single space (also no-break and thin) or a dash.
_JOINERS = frozenset(" \u00a0\u2009\u202f-\u2010\u2011\u2012\u2013")
_BRIDGE_LETTERS = 4  # a letters-only token this short joins a run between two tokens holding digits (a bank code)


def _token_left(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return start


def _token_right(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isalnum():
        end += 1
    return end


def _has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


def _joined_left(text: str, start: int) -> tuple[int, str] | None:
    """The token just before ``start`` when one joiner alone separates them: (its start, its text)."""
    if start < 2 or text[start - 1] not in _JOINERS or not text[start - 2].isalnum():
        return None
    begin = _token_left(text, start - 1)
    return begin, text[begin:start - 1]


def _joined_right(text: str, end: int) -> tuple[int, str] | None:
    """The token just after ``end`` when one joiner alone separates them: (its end, its text)."""
    if end + 1 >= len(text) or text[end] not in _JOINERS or not text[end + 1].isalnum():
        return None
    stop = _token_right(text, end + 1)
    return stop, text[end + 1:stop]


def widen(text: str, span: Span) -> Span:
    """The span to redact for a finding at ``span``: never part of a word, never part of an identifier run.

    First the span grows to whole words. If it then holds a digit, it grows over the run of identifier-like
    tokens it sits in: tokens of letters and digits separated by one space or one dash, each holding a digit;
    a letters-only token of at most four letters joins the run only between two such tokens (the bank code
    of an IBAN). A run ends at any other character, two separators in a row, or a plain word.
    """
    if span.start == span.end:
        return span
    # Only an edge that cuts through a word grows: a span that begins or ends on a non-word character (an
    # invisible carrier, punctuation) never swallows the visible word it touches.
    start = _token_left(text, span.start) if text[span.start].isalnum() else span.start
    end = _token_right(text, span.end) if text[span.end - 1].isalnum() else span.end
    if start == end or not _has_digit(text[start:end]):
        return Span(start, end)
    while (left := _joined_left(text, start)) is not None:
        begin, token = left
        if not _has_digit(token):
            beyond = _joined_left(text, begin)
            if not (token.isalpha() and len(token) <= _BRIDGE_LETTERS and beyond and _has_digit(beyond[1])):
                break
            begin = beyond[0]
        start = begin
    while (right := _joined_right(text, end)) is not None:
        stop, token = right
        if not _has_digit(token):
            beyond = _joined_right(text, stop)
            if not (token.isalpha() and len(token) <= _BRIDGE_LETTERS and beyond and _has_digit(beyond[1])):
                break
            stop = beyond[0]
        end = stop
    return Span(start, end)


def resolve_overlaps(findings: Iterable[Finding], operators: Mapping[str, str] | None = None,
                     text: str | None = None) -> list[Replacement]:
    """Non-overlapping replacements, in text order, by the merge rule above.

    With ``text``, each span is first widened by :func:`widen`; spans that then touch or overlap merge.
    """
    operators = operators or {}
    spans = {f: widen(text, f.span) if text is not None else f.span for f in findings}
    ordered = sorted(spans, key=lambda f: (spans[f].start, -spans[f].end))
    groups: list[list[Finding]] = []
    end = -1
    for f in ordered:
        # Widened spans that meet inside a token merge too: two halves of one card number become one placeholder.
        if groups and (spans[f].start < end or (text is not None and spans[f].start == end and _joins(text, end))):
            groups[-1].append(f)
            end = max(end, spans[f].end)
        else:
            groups.append([f])
            end = spans[f].end
    out = []
    for group in groups:
        winner = max(group, key=_rank)
        span = Span(min(spans[f].start for f in group), max(spans[f].end for f in group))
        operator = operators.get(winner.rule_id) or operators.get(winner.category.value) or "replace"
        entity = _category_entity(winner.category) if operator == "redact" else winner.entity
        out.append(Replacement(span, entity, operator, winner))
    return out


def _joins(text: str, at: int) -> bool:
    """Whether two spans meeting at ``at`` are pieces of one token (a letter or digit on each side)."""
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def _category_entity(category: Category) -> str:
    """``proprietary-fragment`` -> ``PROPRIETARY_FRAGMENT``: the placeholder name of a removal."""
    return category.value.upper().replace("-", "_")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def placeholders(text: str, replacements: Iterable[Replacement]) -> list[str]:
    """``<ENTITY_n>`` for each replacement, numbered per entity by first appearance of the same text."""
    numbers: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    out = []
    for r in replacements:
        key = (r.entity, _key(text[r.span.start : r.span.end]))
        if key not in numbers:
            counts[r.entity] = counts.get(r.entity, 0) + 1
            numbers[key] = counts[r.entity]
        out.append(f"<{r.entity}_{numbers[key]}>")
    return out


_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f\ufff9-\ufffb"
                        "\U000e0000-\U000e007f\U000e0100-\U000e01ef]+")
_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
                    "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]")
_FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,8}\U000e007f")


def _kept(run: str, before: str, after: str) -> str:
    """What of an invisible ``run`` between ``before`` and ``after`` is legitimate emoji use and stays."""
    if before == "\U0001f3f4" and _FLAG_TAGS.fullmatch(run):  # a subdivision flag (Scotland, Wales)
        return run
    if run in ("\ufe0e", "\ufe0f") and before and not before.isspace():  # text or emoji presentation
        return run
    if run in ("\u200d", "\ufe0f\u200d") and _EMOJI.match(before or " ") and _EMOJI.match(after or " "):
        return run  # an emoji ZWJ sequence
    return ""


def strip_format(text: str) -> str:
    """``text`` without format and invisible characters: Cf characters (zero-width, soft hyphen, bidi controls,
    tag characters...) and variation selectors, except one presentation selector after a visible character,
    the joiner of an emoji ZWJ sequence and the tags of a subdivision flag."""
    pieces: list[str] = []
    pos = 0
    for m in _INVISIBLE.finditer(text):
        pieces.append(text[pos:m.start()])
        pieces.append(_kept(m.group(), text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]))
        pos = m.end()
    pieces.append(text[pos:])
    out = "".join(pieces)
    if any(unicodedata.category(c) == "Cf" for c in out if not _INVISIBLE.match(c)):
        out = "".join(c for c in out if unicodedata.category(c) != "Cf" or _INVISIBLE.match(c))
    return out


class Redactor:
    def __init__(self, operators: Mapping[str, str] | None = None, key: str | None = None) -> None:
        from presidio_anonymizer import AnonymizerEngine

        self.operators = dict(operators or {})
        if "hash" in self.operators.values() and not key:
            users = sorted(r for r, op in self.operators.items() if op == "hash")
            raise ConfigError(f"{users} use the hash operator but no redaction_key is configured")
        self.key = key
        self.engine = AnonymizerEngine()  # type: ignore[no-untyped-call]

    def _config(self, operator: str, placeholder: str, length: int) -> tuple[str, dict[str, object]]:
        if operator in ("replace", "redact"):  # a removal leaves its category's placeholder, never a hole
            return "replace", {"new_value": placeholder}
        if operator == "mask":
            return "mask", {"masking_char": "*", "chars_to_mask": length, "from_end": False}
        if operator == "hash":
            return "hash", {"hash_type": "sha256", "salt": self.key}
        return operator, {}  # redact, keep

    def redact(self, text: str, findings: Iterable[Finding]) -> str:
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        replacements = resolve_overlaps(findings, self.operators, text)
        if not replacements:
            return strip_format(text)
        names = placeholders(text, replacements)
        # Presidio rebuilds the whole string at every replacement (quadratic in a long text): hand it windows of
        # at most SEGMENT replacements each, cut between replacements, and join the redacted windows.
        pieces: list[str] = []
        cursor = 0
        for first in range(0, len(replacements), SEGMENT):
            group = replacements[first : first + SEGMENT]
            stop = len(text) if first + SEGMENT >= len(replacements) else group[-1].span.end
            results, configs = [], {}
            for i, (r, name) in enumerate(zip(group, names[first : first + SEGMENT], strict=True)):
                tag = f"SCREENER_{first + i}"  # one pseudo-entity per replacement: Presidio must not merge ours
                results.append(RecognizerResult(entity_type=tag, start=r.span.start - cursor,
                                                end=r.span.end - cursor, score=1.0))
                op, params = self._config(r.operator, name, len(r.span))
                configs[tag] = OperatorConfig(op, params)
            window = text[cursor:stop]
            pieces.append(str(self.engine.anonymize(window, results, configs, merge_entities_with_spaces=False).text))
            cursor = stop
        return strip_format("".join(pieces))
