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
   at no moment in time and are dropped, and so are durations shorter than a day ("forty minutes", "half an
   hour"), bounds ("more than a week"), frequencies ("twice a week", "every second") and period lengths used
   as adjectives ("the 60-day time-limit"), and bare numbers that are neither a year nor an age ("4096");
   calendar dates and counted durations of days or more ("three years' imprisonment" can identify) stay.
5b. ``nouns``: a model name that is an everyday noun: a capitalised abstract or plural noun opening a sentence
   ("Reconciliations are done ..."), the eponym of a technical term ("the Gini coefficient"), and where the
   text uses capitals, a "name" without one ("inter alia") or a person's "name" opening a sentence with a
   word in small letters ("Field report follows").
5c. ``parties``, ``laws`` and ``labels`` (pii_context): a state party to the proceedings and its nationals'
   adjective, a representative's seat; titles of laws read as organisations, dates a law came into force; a
   field label at a line's start read as a person ("Config: ...").
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
from screener.detect.pii_context import Parties, context_reason
from screener.detect.pii_words import CITATION_HEADS, COMMON_ABBREVIATIONS, COUNTRY_WORDS, GENERIC_WORDS
from screener.model import Category, Finding, Span, sort_findings
from screener.text.normalize import NormalizedText

MODEL_METHOD = "SpacyRecognizer"
STEPS = ("edges", "titles", "generic", "citations", "dates", "nouns", "parties", "laws", "labels", "headings",
         "addresses", "cues", "overlaps")
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
_COUNT = (
    r"(?:\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|a\s+hundred|hundred|a\s+dozen|dozen|a\s+few|few|"
    r"several|some|many|a\s+couple\s+of|couple\s+of|half\s+an?|a\s+half|an?\s+and\s+a\s+half)"
)
# "forty minutes", "about three hours", "half an hour": spans shorter than a day time an activity, not a person.
_SHORT = re.compile(
    rf"^(?:(?:for|in|within|after|about|around|some|nearly|almost|over|under|roughly|approximately|only|just|"
    rf"barely|another|the|first|last|next)\s+)*(?:{_COUNT}[\s-]+)*(?:second|minute|hour)s?(?:\s+and\s+a\s+half)?$",
    re.IGNORECASE,
)
# "more than a week", "less than a month", "up to two years", "at least a day": a bound, not a moment.
_HEDGED = re.compile(
    rf"^(?:(?:for|in|within|after|only|just)\s+)?(?:(?:more|less|fewer|longer|shorter)\s+than|up\s+to|at\s+(?:least|most)|"
    rf"no\s+(?:more|less)\s+than|over|under|almost|nearly|about|around|roughly|approximately)\s+"
    rf"(?:{_COUNT}[\s-]+)?{_UNIT}$",
    re.IGNORECASE,
)
# "twice a week", "three times a day", "every second", "each morning", "once a month": how often, not when.
_FREQUENCY = re.compile(
    rf"^(?:(?:once|twice|thrice|{_COUNT}\s+times)\s+(?:a|an|per|each|every)\s+{_UNIT}|"
    rf"(?:every|each|per)\s+(?:other\s+)?(?:{_COUNT}\s+)?(?:{_UNIT}|morning|afternoon|evening|night|weekday)s?)$",
    re.IGNORECASE,
)
_AGE_BEFORE = re.compile(r"\b(?:age[ds]?|aged|years\s+old)\b[^.\n\d]{0,12}$", re.IGNORECASE)
# "60-day", "ten-year", "two-month": the length of a period as an adjective ("the 60-day time-limit").
_ADJECTIVAL = re.compile(rf"^{_COUNT}-(?:second|minute|hour|day|week|month|year|decade)$", re.IGNORECASE)
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


# Endings of English abstract and plural common nouns that names of people and firms rarely have ("Reconciliations",
# "Investments", "Partnerships", "Onboarding" is left alone: surnames end in -ing(s), -ance, -ence, -ity, -ment).
_NOUN_ENDING = re.compile(
    r"^[^\W\d_]{3,}(?:tions?|sions?|ments|nesses|ities|ances|ences|ships|isms|ologies|ology|izations?|isations?)$",
    re.IGNORECASE,
)
# Particles and function words that may stand in small letters inside a name ("Ludwig van Beethoven").
_NAME_PARTICLES = frozenset(
    "van von der den de du da di del della la le les ben bin bint ibn al el ter ten y e dos das do of and the".split()  # noqa: SIM905
)
# Heads of eponymous terms: "the Gini coefficient", "a Poisson distribution", "the Nash equilibrium".
_EPONYM_HEADS = frozenset(
    """
    coefficient coefficients index indices equation equations theorem theorems distribution distributions curve
    curves test tests effect effects method methods algorithm algorithms principle principles constant constants
    ratio ratios model models score scores scale scales criterion criteria transform transforms function functions
    equilibrium equilibria diagram diagrams plot plots matrix matrices filter filters process processes inequality
    inequalities bound bounds lemma conjecture paradox hypothesis approximation series space spaces norm norms
    integral integrals estimator estimators statistic statistics correction chart charts box rule
    """.split()  # noqa: SIM905
)
_SENTENCE_START = re.compile(r"(?:^|[.!?•]|\n)[\s\"'“‘(\[*#>-]*$")  # not after a colon: "To: Paul Y'Barbo"


def _cased(original: str, start: int, end: int) -> bool:
    """Whether the text around ``[start, end)`` (its line, or else up to 2,000 characters either side) uses
    capitals outside the span."""
    line = _line_of(original, start, end)
    if any(c.isupper() for c in line.replace(original[start:end], "", 1)):
        return True
    around = original[max(0, start - 2000) : start] + original[end : end + 2000]
    return any(c.isupper() for c in around)


def _common_noun(f: Finding, original: str, span: str) -> bool:
    """A model name that is an everyday noun: a capitalised abstract or plural noun opening a sentence
    ("Reconciliations are done ..."), the eponym of a technical term ("the Gini coefficient"), and, in text
    that uses capitals, a "name" without one ("inter alia") or a person's "name" opening a sentence with a
    word in small letters after its first ("Field report follows")."""
    words = span.split()
    if not words:
        return False
    at_start = bool(_SENTENCE_START.search(original, max(0, f.span.start - 12), f.span.start))
    if len(words) == 1 and at_start and _NOUN_ENDING.match(words[0].strip(".,;:")):
        return True
    if not _cased(original, f.span.start, f.span.end):
        return False  # text written without capitals ("my name is lena andersson"): case tells nothing
    if f.entity != "NRP" and not any(c.isupper() for c in span):
        return True  # "inter alia", "unladen lorry" in cased text: no capital, no name ("ecuadoreans" is a group)
    small = [w[:1].islower() and w.lower() not in _NAME_PARTICLES for w in words]
    if f.entity == "PERSON" and at_start and any(small[1:]):
        return True  # mid-sentence, "Catterick garrison" may still name a place: its capital is its own
    if f.entity == "PERSON" and len(words) == 1:
        after = _WORD.match(original[f.span.end :].lstrip(" \t-"))
        return bool(after and after.group().lower() in _EPONYM_HEADS and after.group()[:1].islower())
    return False


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
    if "edges" not in skip and f.entity == "DATE_TIME" and _MONTH_FIRST.match(original, s):
        day = _DAY_BEFORE.search(original, max(0, s - 8), s)
        if day:  # "12 November 2002" read as "November 2002"
            s = day.start()
    if "edges" not in skip:
        grow = _GROW.get(f.entity)
        m = grow.match(original, e) if grow else None
        if m:  # "Turkish national", "Supreme Court (Högsta domstolen)": the rest of the name or attribute
            e = m.end()
        cut = _unbalanced_open(original[s:e])
        if cut is not None:  # "the Fourth Section (Rule" -> "the Fourth Section"
            e = s + len(original[s : s + cut].rstrip())
    if (s, e) == (f.span.start, f.span.end) or e <= s:
        return f
    return dataclasses.replace(f, span=Span(s, e))


_MONTH_FIRST = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|"
                          r"December)\b")
_DAY_BEFORE = re.compile(r"(?<![\d.,/-])(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?[ \t]+$")
# What continues a model entity: a nationality's noun, an institution's proper name in its own language or its
# abbreviation in brackets, capitalised (no digits, no quotation: "(“the Government”)" and "(Rule 59)" are not
# names; a generic term in small letters, "(yargıtay)", leaves a generic institution generic).
_GROW = {
    "NRP": re.compile(r"[ \t]+(?:nationals?|citizens?|origin|descent)\b"),
    "ORGANIZATION": re.compile(r"[ \t]*\((?!The\b)[A-ZÀ-ÞĀ-Ž][^()\n\d“”\"§]{1,60}\)"),
}


def _unbalanced_open(part: str) -> int | None:
    """Offset of an opening bracket in ``part`` that is never closed in it, if any (and not at its start)."""
    depth, first = 0, None
    for i, ch in enumerate(part):
        if ch in "([":
            if depth == 0:
                first = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
    return first if depth and first else None


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


def _drop_reason(f: Finding, original: str, parties: Parties, off: frozenset[str] = frozenset()) -> str | None:
    """The step that drops ``f``, if any (steps in ``off`` are not asked)."""
    span = original[f.span.start : f.span.end]
    words = _words(span)
    if not words:
        return "edges"
    if (f.entity in NAME_ENTITIES and f.entity != "NRP" and words[-1] in GENERIC_WORDS
            and all(_generic(w, f.entity) for w in words)):
        return "generic"
    if f.entity == "PERSON" and (words[0] in CITATION_HEADS or "§" in span):
        return "citations"
    if f.entity == "DATE_TIME" and any(
            rx.match(span.strip()) for rx in (_RELATIVE, _LATER, _VAGUE, _SHORT, _HEDGED, _FREQUENCY, _ADJECTIVAL)):
        return "dates"
    if (f.entity == "DATE_TIME" and span.strip().isdigit() and not 1000 <= int(span.strip()) <= 2099
            and not _AGE_BEFORE.search(original, max(0, f.span.start - 20), f.span.start)):
        return "dates"  # a bare number that is no year ("token_count: 4096") nor an age ("his age is 49")
    if f.entity in NAME_ENTITIES and _common_noun(f, original, span):
        return "nouns"
    reason = context_reason(f, original, parties)
    if reason is not None and reason not in off:
        return reason
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
    parties = Parties.of(original)
    out: list[Finding] = []
    for f in findings:
        if _is_model(f):
            f = _trim(f, original, off)
            if "cues" not in off:
                f = _relabel(f, original)
            reason = _drop_reason(f, original, parties, off)
            if reason is not None and reason not in off:
                continue
        out.append(f)
    if "addresses" not in off:
        out = complete_addresses(out, original)
    if "overlaps" not in off:
        out = _absorb(out)
    return list(sort_findings(out))
