"""Redaction of the ORIGINAL text with presidio-anonymizer operators.

Overlapping findings are resolved first, by one explicit rule: overlapping spans merge into their union, and
the union takes the entity and operator of the finding that ranks highest by (category priority: secret >
fragment > marking > employer > personal data; then score; then length; then rule id). Placeholders are
numbered per entity and consistent within a submission: the same person (same entity, same text up to case
and spacing) is ``<PERSON_1>`` everywhere. Operators: ``replace`` (the placeholder, default), ``redact``
(remove), ``mask`` (``*`` for every character), ``hash`` (keyed SHA-256 with the configured redaction key),
``keep``. Operators are chosen per rule id, else per category (``secret: mask``), else ``replace``.
The caller's findings are never changed; spans are replaced right to left by Presidio. The redacted copy
then loses every format or invisible character left in it (:func:`strip_format`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screener.errors import ConfigError
from screener.model import CATEGORY_PRIORITY, Finding, Span


@dataclass(frozen=True, slots=True)
class Replacement:
    span: Span
    entity: str
    operator: str
    winner: Finding


def _rank(f: Finding) -> tuple[int, float, int, str]:
    return (CATEGORY_PRIORITY[f.category], f.score, len(f.span), f.rule_id)


def resolve_overlaps(findings: Iterable[Finding], operators: Mapping[str, str] | None = None) -> list[Replacement]:
    """Non-overlapping replacements, in text order, by the merge rule above."""
    operators = operators or {}
    ordered = sorted(findings, key=lambda f: (f.span.start, -f.span.end))
    groups: list[list[Finding]] = []
    end = -1
    for f in ordered:
        if groups and f.span.start < end:
            groups[-1].append(f)
            end = max(end, f.span.end)
        else:
            groups.append([f])
            end = f.span.end
    out = []
    for group in groups:
        winner = max(group, key=_rank)
        span = Span(min(f.span.start for f in group), max(f.span.end for f in group))
        operator = operators.get(winner.rule_id) or operators.get(winner.category.value) or "replace"
        out.append(Replacement(span, winner.entity, operator, winner))
    return out


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
        if operator == "replace":
            return "replace", {"new_value": placeholder}
        if operator == "mask":
            return "mask", {"masking_char": "*", "chars_to_mask": length, "from_end": False}
        if operator == "hash":
            return "hash", {"hash_type": "sha256", "salt": self.key}
        return operator, {}  # redact, keep

    def redact(self, text: str, findings: Iterable[Finding]) -> str:
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        replacements = resolve_overlaps(findings, self.operators)
        if not replacements:
            return strip_format(text)
        names = placeholders(text, replacements)
        results, configs = [], {}
        for i, (r, name) in enumerate(zip(replacements, names, strict=True)):
            tag = f"SCREENER_{i}"  # one pseudo-entity per replacement: Presidio must not merge ours
            results.append(RecognizerResult(entity_type=tag, start=r.span.start, end=r.span.end, score=1.0))
            op, params = self._config(r.operator, name, len(r.span))
            configs[tag] = OperatorConfig(op, params)
        return strip_format(str(self.engine.anonymize(text, results, configs, merge_entities_with_spaces=False).text))
