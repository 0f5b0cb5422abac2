"""Post-processing of personal-data findings: fix what the statistical model gets systematically wrong.

Each step is a general rule about language, never a list of documents or names; the error analysis in
bench/README.md shows what each one fixes and what it costs. Only findings of the model (Presidio's
SpacyRecognizer) are trimmed or dropped; pattern findings (e-mail, card, IBAN, rule packs) pass unchanged.

1. ``edges``: a leading article ("the Ministry") and a trailing possessive ("Smith's") are not part of a name.
2. ``titles``: a courtesy title right before a person ("Mr", "Mrs", "Dr") joins the span: it reveals gender
   and is masked with the name.
3. ``generic`` institutions: a span made only of generic institutional words and adjectives of nationality,
   ending in an institution noun ("the Court", "Grand Chamber", "Ministry of Justice", "the Turkish
   Government", "the United Kingdom Government") names no one and is dropped.
4. ``citations``: legal citations read as persons: "Articles 6 § 1", "Law no. 2004", "Appendix II" are not people.
5. ``dates``: relative and vague dates: "two days later", "next week", "monthly", "a couple of months", "years" point
   at no moment in time and are dropped; calendar dates and counted durations ("three years'
   imprisonment" can identify) stay.
6. ``headings`` and abbreviations: a model ORGANIZATION on an all-capitals heading line ("THE FACTS"), or an
   everyday abbreviation (SSN, IBAN, ATM, ASAP), is not an organisation.
7. ``addresses``: a street match grows over its address block (pii_address.complete_addresses).
8. ``cues``: a model ORGANIZATION or LOCATION right after "My name is", "Name:", "Dear" is a PERSON.
9. ``overlaps``: of two findings of the same entity that overlap, the longer one is kept (a rule-pack match
   "Mr Ahmet Kaya" absorbs the model's "Ahmet Kaya").
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable

from screener.detect.base import NlpResult
from screener.detect.pii_address import complete_addresses
from screener.detect.pii_words import CITATION_HEADS, COMMON_ABBREVIATIONS, COUNTRY_WORDS, GENERIC_WORDS
from screener.model import Category, Finding, Span, sort_findings
from screener.text.normalize import NormalizedText

MODEL_METHOD = "SpacyRecognizer"
STEPS = ("edges", "titles", "generic", "citations", "dates", "headings", "addresses", "cues", "overlaps")
NAME_ENTITIES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mme|Mlle|Dr|Prof|Sir|Dame)\.?\s+$")
_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?|\d+")

_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "to", "at"})

_NAME_CUE = re.compile(r"(?:\bmy\s+name\s+is|\bname\s*:|\bdear|\bhello|\bhi|\bthis\s+is)[ \t]*$", re.IGNORECASE)
# Adjectives of nationality ("Turkish", "Austrian", "Maltese"): with an institution noun they name a state body.
_DEMONYM = re.compile(r"^[a-z]{3,}(?:ish|ese|ian|ean|ic)$")

_NUMBER_WORD = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|few|several|"
    r"some|a\s+couple\s+of|couple\s+of)"
)
_UNIT = r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|year|decade)s?"
# "two days later", "a week earlier": a step in the narrative, not a moment.
_LATER = re.compile(rf"^(?:{_NUMBER_WORD}[\s-]+)?{_UNIT}\s+(?:later|earlier|afterwards|before)$", re.IGNORECASE)
# "a couple of months", "years", "the first year", "a few weeks ago": no number, no moment.
_VAGUE = re.compile(
    rf"^(?:(?:the|a|an|in|for|within|over|after)\s+)*(?:(?:a\s+)?(?:few|couple\s+of|several|many|some|first|last|"
    rf"past|next|recent|coming|those|these|other)\s+)?{_UNIT}(?:\s+ago)?$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"^(?:(?:the|this|that|next|last|previous|following|same|coming|past|every|each|a|one)\s+)*"
    r"(?:today|tonight|tomorrow|yesterday|morning|afternoon|evening|night|weekend|week|month|year|day|time|"
    r"season|summer|winter|spring|autumn|fall|daily|weekly|monthly|yearly|annual|annually|quarterly|hourly|"
    r"nightly|recently|now|then|the\s+autumn\s+and\s+winter)$",
    re.IGNORECASE,
)


def _generic(word: str, entity: str) -> bool:
    if word in GENERIC_WORDS or word in _FUNCTION_WORDS or _DEMONYM.match(word):
        return True
    return entity == "ORGANIZATION" and word in COUNTRY_WORDS  # a state body; a country as a place stays


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _is_model(f: Finding) -> bool:
    return f.category is Category.PERSONAL_DATA and f.evidence.method == MODEL_METHOD


def _trim(f: Finding, original: str, skip: frozenset[str]) -> Finding:
    s, e = f.span.start, f.span.end
    part = original[s:e]
    m = _LEADING_ARTICLE.match(part)
    if "edges" not in skip and m and m.end() < len(part):
        s += m.end()
    p = _TRAILING_POSSESSIVE.search(original[s:e])
    if "edges" not in skip and p and p.start() > 0 and f.entity in NAME_ENTITIES:
        e = s + p.start()
    if "titles" not in skip and f.entity == "PERSON":
        t = _TITLE_BEFORE.search(original[max(0, s - 8) : s])
        if t:
            s = max(0, s - 8) + t.start()
    if (s, e) == (f.span.start, f.span.end):
        return f
    return dataclasses.replace(f, span=Span(s, e))


def _relabel(f: Finding, original: str) -> Finding:
    """A model ORGANIZATION or LOCATION right after a naming cue ("My name is", "Dear", "Name:") is a person."""
    if f.entity not in {"ORGANIZATION", "LOCATION"} or len(original[f.span.start : f.span.end].split()) > 3:
        return f
    if not _NAME_CUE.search(original, max(0, f.span.start - 20), f.span.start):
        return f
    return dataclasses.replace(f, evidence=dataclasses.replace(f.evidence, entity="PERSON"))


def _line_of(original: str, start: int, end: int) -> str:
    a = original.rfind("\n", 0, start) + 1
    b = original.find("\n", end)
    return original[a : b if b >= 0 else len(original)]


def _drop_reason(f: Finding, original: str) -> str | None:
    """The step that drops ``f``, if any."""
    span = original[f.span.start : f.span.end]
    words = _words(span)
    if not words:
        return "edges"
    if f.entity in NAME_ENTITIES and words[-1] in GENERIC_WORDS and all(_generic(w, f.entity) for w in words):
        return "generic"
    if f.entity == "PERSON" and (words[0] in CITATION_HEADS or "§" in span):
        return "citations"
    if f.entity == "DATE_TIME" and any(rx.match(span.strip()) for rx in (_RELATIVE, _LATER, _VAGUE)):
        return "dates"
    if f.entity == "ORGANIZATION":
        if span.strip().upper() in COMMON_ABBREVIATIONS:
            return "headings"
        line = _line_of(original, f.span.start, f.span.end)  # prose lines stop at their first small letter
        if (len(span.split()) <= 3 and all(c.isupper() for c in line if c.isalpha())
                and sum(c.isalpha() for c in line) > 3):
            return "headings"
    return None


def _absorb(findings: list[Finding]) -> list[Finding]:
    """Of overlapping personal-data findings of one entity, keep the longest (ties: higher score)."""
    ranked = sorted(findings, key=lambda f: (-(f.span.end - f.span.start), -f.score, f.sort_key()))
    kept: list[Finding] = []
    # Kept spans of one entity never overlap, so sorted by start they are sorted by end too: the only kept span
    # that can overlap [s, e) is the last one starting before e (a bisection, not a scan: linear-log overall).
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for f in ranked:
        if f.category is Category.PERSONAL_DATA:
            s, e = starts.setdefault(f.entity, []), ends.setdefault(f.entity, [])
            if not f.span:  # an empty span sorts last and overlaps nothing kept; keep the check exact anyway
                if any(Span(a, b).overlaps(f.span) for a, b in zip(s, e, strict=True)):
                    continue
                kept.append(f)
                continue
            i = bisect.bisect_left(s, f.span.end)
            if i and e[i - 1] > f.span.start:
                continue
            s.insert(i, f.span.start)
            e.insert(i, f.span.end)
        kept.append(f)
    return kept


def refine(
    findings: Iterable[Finding],
    text: NormalizedText,
    nlp: NlpResult | None = None,
    *,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """The findings with the model's personal-data spans corrected; other findings pass unchanged.

    ``skip`` names steps of :data:`STEPS` to leave out (for measuring what each one contributes).
    ``nlp`` is accepted for future steps that need the model's analysis; the current rules read only the text.
    """
    off = frozenset(skip)
    unknown = off - set(STEPS)
    if unknown:
        raise ValueError(f"unknown refine steps: {sorted(unknown)}")
    original = text.original
    out: list[Finding] = []
    for f in findings:
        if _is_model(f):
            f = _trim(f, original, off)
            if "cues" not in off:
                f = _relabel(f, original)
            reason = _drop_reason(f, original)
            if reason is not None and reason not in off:
                continue
        out.append(f)
    if "addresses" not in off:
        out = complete_addresses(out, original)
    if "overlaps" not in off:
        out = _absorb(out)
    return list(sort_findings(out))
