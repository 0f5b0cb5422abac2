"""Complete a postal address around a street match: house number before it, unit, town, region, postal
code and country after it, across commas and line breaks.

A street rule (rules/pii_extra.yaml, PII154) finds the most recognisable part of an address ("Koskikatu 25",
"1987 Diakou Street"); the rest of the address block is short capitalised words, codes and numbers that
the model reads as dates, organisations or persons, or misses. Growing the street finding over that block
protects the whole address as one LOCATION and retires the model's conflicting pieces inside it. A house
number right after an address cue ("lives at 846 ...", "Address: 19902 ...") anchors a block too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import regex

from screener.model import Category, Evidence, Finding, Span

CUE_RULE = "PII154"  # street-address: the cue-anchored form is documented with that rule
MAX_TOKENS = 10  # address parts after the street
MAX_LINE_BREAKS = 4
_TRAILING = ".,;:?!"

_CUE = re.compile(
    r"\b(?:address(?:\s+is)?|lives?\s+at|located\s+at|(?:office|home|house)\s+is\s+at|meet\s+(?:me|you)\s+at|"
    r"(?:send|ship|deliver|mail|forward)\s+(?:it|them|this)?\s*to|drops?\s+(?:me|you)\s+off\s+at|moved\s+to|"
    r"lived\s+(?:at|in))[ \t]*:?[ \t]*(\d{1,6}[A-Za-z]?)\b(?=[ \t,]+\S)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[ \t]*(,?)[ \t]*((?:\n[ \t]*){0,2})(,?)[ \t]*([^\s,]+)")
_UNIT = re.compile(r"^(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Box|PO|P\.O\.|PSC|APO|FPO|BP|CP)\.?$", re.I)
_NUMBER = re.compile(r"^#?\d{1,6}(?:-\d{1,5})?[A-Za-z]?[.,]?$")
_CODE = re.compile(r"^[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,4})?[.,]?$")
_PARTICLE = frozenset({"de", "do", "da", "dos", "das", "di", "del", "la", "le", "van", "von", "der", "u.", "utca"})
_HOUSE_NUMBER_BEFORE = re.compile(r"(?:\d{1,6}[A-Za-z]?,?[ \t]+){1,2}$")
# The street line right before a unit line ("Allika 46" above "Suite 501").
_STREET_LINE_BEFORE = regex.compile(
    r"(?:\d{1,6}[ \t]+)?\p{Lu}[\p{L}'’.-]*(?:[ \t]+[\p{L}'’.-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\.?,?[ \t]*\n[ \t]*$"
)


def _is_address_token(tok: str) -> bool:
    core = tok.rstrip(_TRAILING)
    if not core:
        return False
    if _NUMBER.match(core) or _UNIT.match(core) or _CODE.match(core) or core.lower() in _PARTICLE:
        return True
    return core[0].isupper() and all(c.isalpha() or c in "-'’." for c in core)


def _extend(original: str, start: int, end: int) -> tuple[int, int]:
    before = _HOUSE_NUMBER_BEFORE.search(original, max(0, start - 16), start)
    if before:
        start = before.start()
    elif _UNIT.match(original[start:end].split()[0] if original[start:end].split() else ""):
        line = _STREET_LINE_BEFORE.search(original, max(0, start - 60), start)
        if line:
            start = line.start()
    pos, taken, breaks = end, 0, 0
    while taken < MAX_TOKENS:
        m = _TOKEN.match(original, pos)
        if not m or not _is_address_token(m.group(4)):
            break
        breaks += m.group(2).count("\n")
        if breaks > MAX_LINE_BREAKS:
            break
        tok = m.group(4)
        token_end = m.end(4) - (len(tok) - len(tok.rstrip(_TRAILING)) if not _UNIT.match(tok) else 0)
        end, pos, taken = token_end, m.end(), taken + 1
        if tok[-1:] in "?!" or (tok.endswith(".") and len(tok) > 4 and not _UNIT.match(tok)):
            break
    return start, end


def _cue_anchors(original: str) -> list[Finding]:
    """A house number right after an address cue ("lives at 846", "Address: 19902") starts an address."""
    out = []
    for m in _CUE.finditer(original):
        out.append(
            Finding(
                rule_id=CUE_RULE,
                category=Category.PERSONAL_DATA,
                span=Span(m.start(1), m.end(1)),
                score=0.6,
                evidence=Evidence(
                    detector="pii-refine", method="regex", entity="LOCATION", pattern="address-after-cue"
                ),
            )
        )
    return out


def complete_addresses(findings: Sequence[Finding], original: str) -> list[Finding]:
    """Grow every regex LOCATION finding over its address block; drop model findings inside a grown block."""
    grown: list[Finding] = []
    for f in findings:
        if f.category is Category.PERSONAL_DATA and f.entity == "LOCATION" and f.evidence.method == "regex":
            s, e = _extend(original, f.span.start, f.span.end)
            grown.append(dataclasses.replace(f, span=Span(s, e)))
    for cue in _cue_anchors(original):
        if any(g.span.overlaps(cue.span) for g in grown):
            continue
        s, e = _extend(original, cue.span.start, cue.span.end)
        if e > cue.span.end:  # a bare number after the cue is not an address
            grown.append(dataclasses.replace(cue, span=Span(s, e)))
    if not grown:
        return list(findings)
    blocks = [g.span for g in grown]
    out = list(grown)
    for f in findings:
        if f.category is Category.PERSONAL_DATA and f.entity == "LOCATION" and f.evidence.method == "regex":
            continue
        inside = any(b.contains(f.span) for b in blocks)
        if inside and f.category is Category.PERSONAL_DATA and f.evidence.method == "SpacyRecognizer":
            continue
        out.append(f)
    return out
