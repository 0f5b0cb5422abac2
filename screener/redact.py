"""Redaction of the ORIGINAL text with presidio-anonymizer operators.

Overlapping findings are resolved first, by one explicit rule: overlapping spans merge into their union, and
the union takes the entity and operator of the finding that ranks highest by (category priority: secret >
fragment > marking > employer > personal data; then score; then length; then rule id). Placeholders are
numbered per entity and consistent within a submission: the same person (same entity, same text up to case
and spacing) is ``<PERSON_1>`` everywhere. Operators: ``replace`` (the placeholder, default), ``redact``
(remove), ``mask`` (``*`` for every character), ``hash`` (keyed SHA-256 with the configured redaction key),
``keep``. Operators are chosen per rule id, else per category (``secret: mask``), else ``replace``.
The caller's findings are never changed; spans are replaced right to left by Presidio.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screener.errors import ConfigError
from screener.model import CATEGORY_PRIORITY, Finding, Span

SEGMENT = 256  # replacements per Presidio call (see Redactor.redact)


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
            return text
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
        return "".join(pieces)
