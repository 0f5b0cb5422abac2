"""What one submission contributes to its expert's exposure: shared passages and weak employer signals.

Shared passages (``SourceHit``) come from the fragment detector's side channel, findings or not. Weak employer
signals are words of an employer profile that say little alone (its ``context`` words, ``systems``,
``locations``, ``years`` and ``deal_types``) found in the folded text, by whole word, case-insensitively, for
every profile whether or not it is declared. Both are offsets and ids plus, for a signal, the profile's own
term (profile data, never submission text), which the ledger stores only as a keyed hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.detect.base import SourceHit
from screener.ruleset.employers import ProfileSet
from screener.text.normalize import NormalizedText

WEAK_FIELDS = ("context", "systems", "locations", "years", "deal_types")


@dataclass(frozen=True, slots=True)
class EmployerSignal:
    """A weak signal for ``employer``: the profile term ``term`` of field ``field``, found at ``span`` (ORIGINAL
    offsets of the submission)."""

    employer: str
    field: str
    term: str  # the profile's term (profile data, never submission text); the ledger keeps a keyed hash
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Exposure:
    """A submission's contribution: shared passages and weak signals, in text order."""

    hits: tuple[SourceHit, ...] = ()
    signals: tuple[EmployerSignal, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.hits or self.signals)


class SignalFinder:
    """Finds every profile's weak-signal terms in a folded text: one alternation per profile, literal terms
    only (escaped, bounded by word boundaries), so the scan is linear in the text."""

    def __init__(self, profiles: ProfileSet | None) -> None:
        self._patterns: list[tuple[str, re.Pattern[str], dict[str, tuple[str, str]]]] = []
        for p in profiles.profiles if profiles is not None else ():
            terms: dict[str, tuple[str, str]] = {}
            for field in WEAK_FIELDS:
                for term in getattr(p, field):
                    terms.setdefault(" ".join(term.lower().split()), (field, term))
            if terms:
                alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+")
                                       for t in sorted(terms, key=len, reverse=True))
                self._patterns.append((p.id, re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), terms))

    def find(self, folded: str) -> list[tuple[str, str, str, int, int]]:
        """``(employer, field, term, start, end)`` in folded offsets."""
        out = []
        for employer, pattern, terms in self._patterns:
            for m in pattern.finditer(folded):
                field, term = terms[" ".join(m.group(0).lower().split())]
                out.append((employer, field, term, m.start(), m.end()))
        return sorted(out, key=lambda t: (t[3], t[0]))


def exposure_of(folded: NormalizedText | None, evidence: list[object], finder: SignalFinder) -> Exposure:
    """A screened submission's exposure: the SourceHits in ``evidence`` and the weak signals ``finder`` sees."""
    if folded is None:
        return Exposure()
    hits = tuple(sorted((e for e in evidence if isinstance(e, SourceHit)), key=lambda h: (h.span, h.reference)))
    signals = []
    for employer, field, term, start, end in finder.find(folded.text):
        span = folded.to_original(start, end)
        signals.append(EmployerSignal(employer, field, term, (span.start, span.end)))
    return Exposure(hits, tuple(signals))
