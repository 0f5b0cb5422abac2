"""Refine steps that read the words around a model entity (pii_refine runs them; see its docstring).

``parties``: in a judgment or complaint against a state ("an application against the Republic of Turkey",
"Stec and Others v. the United Kingdom"), the state named as the party to public proceedings says nothing
about the person the text is about. The seat of a government office ("of the Foreign and Commonwealth
Office, London") goes too.

``laws``: the titles of laws read as organisations ("the Asylum and Immigration Act 1996", "the Brussels I
Regulation", "Rules of Court"), and dates a law or treaty came into force ("on 1 November 1998, when
Protocol No. 11 came into force"), are public, not personal.

``labels``: a single word the model reads as a person, at the start of a line and followed by a colon, is a
field label ("Config: retries set to three", "Agenda:") when it is a common field label or the text uses it
in small letters nearby ("the config file"); a speaker label ("Dana: I agree") stays a person, and so
does the name after a label ("Owner: Dana Whitfield").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.detect.pii_words import FIELD_LABELS, STATE_ADJECTIVES
from screener.model import Finding

_STATE_NAMES = "|".join(sorted((re.escape(s) for s in STATE_ADJECTIVES), key=len, reverse=True))
# "(application|complaint|case|...) ... against (the) <state>", "<party> v. (the) <state>"
_PARTY = re.compile(
    rf"(?:\b(?:application|applications|complaint|complaints|case|cases|petition|proceedings|claim|action)\b"
    rf"[^;\n]{{0,200}}?\bagainst|\bv\.?|\bversus)\s+(?:the\s+)?({_STATE_NAMES})\b",
    re.IGNORECASE,
)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
# A place after these words is where a representative or an institution sits.
_SEAT_BEFORE = re.compile(r"\b(?:Office|Ministry|Department|Agency|Directorate)\s*,\s*$")
_LAW_HEAD = re.compile(
    r"\b(?:Act|Acts|Regulation|Regulations|Directive|Code|Codes|Law|Laws|Convention|Treaty|Rules|Order|Decree|"
    r"Statute|Bill|Ordinance|Protocol)(?:\s+(?:No\.?\s*)?\d{1,4}(?:/\d+)?)?\s*$",
)
_INTO_FORCE = re.compile(r"\b(?:came|come|comes|coming|entered|enter|enters|entering|took|take)\s+(?:into\s+force|"
                         r"effect)\b", re.IGNORECASE)


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z])|\n")
# Before a label: the start of its line, then indentation, a bullet or list number, emphasis ("- **Config:**").
_LABEL_BEFORE = re.compile(r"[ \t]*(?:(?:[-*•>#]+|\d{1,3}[.)])[ \t]*)?[*_]{0,2}")
_LABEL_AFTER = re.compile(r"[*_]{0,2}[ \t]*:(?!:)")
_LABEL_WINDOW = 4000  # characters either side in which a label's word may be written in small letters


@dataclass(frozen=True, slots=True)
class Parties:
    """Where a text names a state as the party to proceedings ("against the Republic of Turkey", "v. the
    United Kingdom"); the state's other mentions may still locate a person ("she arrived in the United
    Kingdom") and are left alone."""

    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, original: str) -> Parties:
        return cls(tuple(m.span(1) for m in _PARTY.finditer(original)))

    def holds(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.spans)


def field_label(f: Finding, original: str) -> bool:
    """Whether model PERSON ``f`` is one word standing as a field label: at a line's start, before a colon, and
    either a common field label (:data:`FIELD_LABELS`) or a word the text also writes in small letters within
    4,000 characters."""
    word = original[f.span.start : f.span.end]
    if f.entity != "PERSON" or not word.isalpha() or not word[:1].isupper():
        return False
    if not _LABEL_AFTER.match(original, f.span.end):
        return False
    line_start = original.rfind("\n", 0, f.span.start) + 1
    if f.span.start - line_start > 24 or not _LABEL_BEFORE.fullmatch(original, line_start, f.span.start):
        return False
    low = word.lower()
    near = original[max(0, f.span.start - _LABEL_WINDOW) : f.span.end + _LABEL_WINDOW]  # bounded: one pass per label
    # as a word of prose, not inside an address or a user name ("paul.jones@example.com" says nothing)
    return low in FIELD_LABELS or re.search(rf"(?<![\w.@/-]){re.escape(low)}(?![\w-]|[.@][\w])", near) is not None


def context_reason(f: Finding, original: str, parties: Parties) -> str | None:
    """``"parties"``, ``"laws"`` or ``"labels"`` when the words around model entity ``f`` show it is not
    personal data."""
    if field_label(f, original):
        return "labels"
    span = original[f.span.start : f.span.end].strip()
    if f.entity == "LOCATION":
        lead = _LEADING_THE.match(span)
        start = f.span.start + (lead.end() if lead else 0)
        if parties.holds(start, f.span.end) or _SEAT_BEFORE.search(original[max(0, start - 40) : start]):
            return "parties"
    if f.entity == "ORGANIZATION" and _LAW_HEAD.search(span):
        return "laws"
    if f.entity == "DATE_TIME":
        after = original[f.span.end : f.span.end + 120]
        cut = _SENTENCE_END.search(after)
        if _INTO_FORCE.search(after[: cut.start() if cut else len(after)]) or re.search(
                r"\binto\s+force\s+(?:on|in)\s+$", original[max(0, f.span.start - 20) : f.span.start], re.I):
            return "laws"
    return None
