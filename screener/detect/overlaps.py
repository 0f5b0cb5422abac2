"""One reading per identifier: a generic personal-data finding on characters that a more specific rule of
another category already explains gives way to that rule's finding.

Detectors run independently, so one identifier can come back several times: an employer's deal reference
``BRV-DL-123456`` as EMP208 and its prefix ``BRV`` as a model ORGANIZATION; an employer mailbox as EMP203 and
as an e-mail address (PII110); a codename as EMP205 and as a model PERSON. The finding of the employer,
secret or marking rule is the more specific reading (it names the rule that matters to the policy and is
redacted like the other); the personal-data finding is dropped when its span

- covers the same characters as the specific finding (up to surrounding spaces and punctuation), or
- lies inside a specific finding that is one token (no whitespace): a piece of one identifier, or
- is a model guess (spaCy NER) at least half of whose characters are such a token: the model read the
  identifier with a word beside it ("Ticket INC-NWB-123456" as an organisation).

A personal-data finding inside a longer passage (a proprietary fragment, a banner line) stays: a name in a
copied paragraph is still a name. Findings are never changed, only kept or dropped; the cost is
O(n log n) in the number of findings.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from screener.model import Category, Finding

_EDGE = " \t\r\n\"'`.,;:()[]{}<>"
MODEL_METHOD = "SpacyRecognizer"


def _core(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without surrounding spaces and punctuation."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def prefer_specific(findings: Iterable[Finding], original: str) -> list[Finding]:
    """``findings`` without the personal-data findings that a specific finding of another category explains
    (see the module docstring). ``original``: the text the spans point into. Order is kept."""
    found = list(findings)
    specific = [f for f in found if f.category not in (Category.PERSONAL_DATA, Category.FRAGMENT) and f.span]
    if not specific:
        return found
    same = {_core(original, f.span.start, f.span.end) for f in specific}
    tokens = sorted((f.span.start, f.span.end) for f in specific
                    if not any(c.isspace() for c in original[f.span.start : f.span.end]))
    starts = [s for s, _ in tokens]
    reach: list[int] = []  # reach[i]: the furthest end among tokens[0..i]
    for _, e in tokens:
        reach.append(max(e, reach[-1]) if reach else e)
    longest = max((e - s for s, e in tokens), default=0)
    kept = []
    for f in found:
        if f.category is Category.PERSONAL_DATA and f.span:
            start, end = _core(original, f.span.start, f.span.end)
            if (start, end) in same:
                continue
            i = bisect.bisect_right(starts, f.span.start)
            if i and reach[i - 1] >= f.span.end:
                continue
            if f.evidence.method == MODEL_METHOD and 2 * _covered(tokens, starts, longest, start, end) >= end - start:
                continue
        kept.append(f)
    return kept


def _covered(tokens: list[tuple[int, int]], starts: list[int], longest: int, start: int, end: int) -> int:
    """How many characters of ``[start, end)`` lie in the (start-sorted) ``tokens``; only tokens that can reach
    the range are visited."""
    marks: set[int] = set()
    j = bisect.bisect_left(starts, end) - 1
    while j >= 0 and starts[j] > start - longest:
        s, e = tokens[j]
        marks.update(range(max(s, start), min(e, end)))
        j -= 1
    return len(marks)
