"""Former-employer identifiers (EMP2xx): names, tickers, domains, hosts, codenames, systems, clients, numbers.

All terms of all profiles go into one :class:`~screener.detect.terms.TermMatcher` (one pass whatever the
number of profiles or terms); hits are kept for the profiles in force for the submission. Reference-number
and employee-id formats are bounded regular expressions. Base64 runs are decoded and rescanned. A spaCy ORG
entity over a hit, or a profile context word near it, raises the score; neither is needed for a hit.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.detect.encoded import decoded_runs
from screener.detect.terms import METHOD_RANK, Hit, Term, TermMatcher
from screener.detect.views import decode_escapes, identity_view, joined_view, needs_join, reference_view
from screener.model import Category, Evidence, Finding
from screener.ruleset.employers import (
    CAPS_FIELDS,
    WORD_FIELDS,
    EmployerProfile,
    ProfileSet,
    check_known,
    load_configured,
)
from screener.ruleset.employers import load_profiles as load_profiles
from screener.ruleset.loader import RuleSet
from screener.ruleset.regex import BoundedRegex, compile_pattern
from screener.ruleset.schema import EmployerRule
from screener.text.normalize import NormalizedText, normalize

# A near variant is less certain than the term itself: its score is the rule's times this factor.
VARIANT_FACTOR = {"fuzzy": 0.8, "plural": 0.85}
PLURAL_FIELDS = ("systems",)  # product and tool names have plurals; names of firms and people do not
CASED_FIELDS = ("codenames",)  # often ordinary words: without their capitals they need a context word
# Where two fields match the same characters, the earlier wins (an intranet host over its e-mail domain).
FIELD_ORDER = ("legal_names", "names", "aliases", "abbreviations", "tickers", "hosts", "email_domains", "codenames",
               "systems", "clients", "counterparties", "reference_formats", "employee_id_formats")


@dataclass(frozen=True, slots=True)
class _Source:
    profile: str
    field: str
    rule: EmployerRule


def _terms(profile: EmployerProfile, field: str, rule: EmployerRule) -> Iterator[Term]:
    """The profile's terms for one field, each matched as its kind asks (tag filled in by the caller)."""
    if field in CAPS_FIELDS:  # capitals and letters exactly, no plural, no fuzzy
        for t in getattr(profile, field):
            yield Term(t, -1, "word", case_sensitive=True)
    elif field in WORD_FIELDS:
        for t in getattr(profile, field):
            yield Term(t, -1, "word", fuzzy=rule.fuzzy, fuzzy_min_length=rule.fuzzy_min_length,
                       plural=field in PLURAL_FIELDS, cased=field in CASED_FIELDS)
    elif field == "email_domains":
        for d in profile.email_domains:
            yield Term(d, -1, "domain")
    elif field == "hosts":
        for h in profile.hosts:
            if not h.startswith("*."):
                yield Term(h, -1, "domain")
            elif h[2:] in profile.email_domains:  # the apex is an e-mail domain: that term reports it
                yield Term(h[2:], -1, "host")
            else:  # "*.fm-intranet.example": every host under it, the apex itself and addresses at either
                yield Term(h[2:], -1, "domain")


class EmployerDetector:
    name = "employers"
    requires_nlp = False

    def __init__(self, profiles: ProfileSet, rules: Iterable[EmployerRule], all_on: bool = False,
                 timeout: float = 1.0) -> None:
        self.profiles = profiles
        self.all_on = all_on
        by_field: dict[str, EmployerRule] = {}
        for rule in rules:
            for name in rule.fields:
                by_field.setdefault(name, rule)
        self.sources: list[_Source] = []
        terms: list[Term] = []
        self.formats: dict[str, list[tuple[int, BoundedRegex]]] = {}
        for p in profiles.profiles:
            for field, rule in sorted(by_field.items(), key=lambda kv: FIELD_ORDER.index(kv[0])):
                if field in ("reference_formats", "employee_id_formats"):
                    for fmt in getattr(p, field):
                        self.formats.setdefault(p.id, []).append(
                            (len(self.sources), compile_pattern(fmt.regex, fmt.ignore_case, timeout)))
                        self.sources.append(_Source(p.id, field, rule))
                    continue
                tag = len(self.sources)
                self.sources.append(_Source(p.id, field, rule))
                terms.extend(replace(t, tag=tag) for t in _terms(p, field, rule))
        self.matcher = TermMatcher(terms)

    def active(self, item: ScanInput) -> frozenset[str]:
        if self.all_on:
            return frozenset(self.profiles.ids())
        return frozenset(p.id for p in self.profiles.select(item.employers))

    def notes(self, item: ScanInput) -> tuple[str, ...]:
        """Declared employers that no profile matches: their identifiers could not be checked."""
        if self.all_on:
            return ()
        unknown = sorted({d for d in item.employers if self.profiles.resolve(d) is None})
        return tuple(f"declared employer {d!r} has no profile: its identifiers were not checked" for d in unknown)

    def detect(self, item: ScanInput) -> Iterable[Finding]:
        active = self.active(item)
        if not active:
            return []
        base = item.text.text
        hits = self._hits(item.text, active)
        for start, end, decoded in decoded_runs(base):
            inner = self._hits(normalize(decoded), active)
            if inner:  # the run is one finding, under the rule of the longest identifier inside it
                best = max(_dedupe(inner), key=lambda h: (h.end - h.start, -h.start))
                hits.append(Hit(start, end, best.tag, "base64"))
        kept = _dedupe(hits)
        orgs = _org_spans(item) if kept else []
        return [self._finding(item, h, orgs) for h in kept]

    def _hits(self, text: NormalizedText, active: frozenset[str]) -> list[Hit]:
        base = text.text
        hits = [h for h in self.matcher.match(base) if self.sources[h.tag].profile in active
                and not (h.needs_context and not self._context(base, self.sources[h.tag], h.start, h.end))]
        formats = [f for pid in sorted(active) for f in self.formats.get(pid, ())]
        if formats:
            view = joined_view(base, text) if needs_join(base) else identity_view(base)
            # As written, and with escapes decoded, separators read as hyphens and look-alikes as digits.
            views = (view, reference_view(decode_escapes(view)))
            for tag, pattern in formats:
                for v in views:
                    hits.extend(Hit(*v.to_base(s, e), tag, "pattern") for s, e in pattern.finditer(v.text))
        return hits

    def _finding(self, item: ScanInput, hit: Hit, orgs: list[tuple[int, int]]) -> Finding:
        source = self.sources[hit.tag]
        method = hit.method
        span = item.text.to_original(hit.start, hit.end)
        if method == "exact" and item.text.original[span.start:span.end] != item.text.text[hit.start:hit.end]:
            method = "normalized"  # invisible characters, look-alike letters or full-width forms were folded
        score = source.rule.score * VARIANT_FACTOR.get(method, 1.0)
        return self._make(item, source, hit.start, hit.end, method, score, orgs)

    def _context(self, base: str, source: _Source, start: int, end: int) -> list[str]:
        """The profile's context words within the rule's window around ``[start, end)`` (folded offsets)."""
        profile = self.profiles.get(source.profile)
        if profile is None or not profile.context:
            return []
        window_size = source.rule.context_window
        window = base[max(0, start - window_size):end + window_size].lower()
        return [w for w in profile.context if w.lower() in window]

    def _make(self, item: ScanInput, source: _Source, start: int, end: int, method: str, score: float,
              orgs: list[tuple[int, int]]) -> Finding:
        rule = source.rule
        context = self._context(item.text.text, source, start, end)
        i = bisect.bisect_left(orgs, (end, end))
        if any(s < end and start < e for s, e in orgs[max(0, i - 8):i]):
            context.append("ORG")
        score = min(1.0, score + (rule.context_boost if context else 0.0))
        evidence = Evidence(detector=self.name, method=method, entity=rule.entity, pattern=source.field,
                            context=tuple(context), employer=source.profile,
                            reference=f"{source.profile}/{source.field}")
        return Finding(rule.id, Category.EMPLOYER, item.text.to_original(start, end), round(score, 4), evidence)


def _org_spans(item: ScanInput) -> list[tuple[int, int]]:
    """spaCy ORG entities (folded offsets), sorted: corroboration only, never a hit by themselves."""
    if item.nlp is None:
        return []
    return sorted((s, e) for label, s, e in item.nlp.entities() if label == "ORG")


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per place: the longest wins; among equal spans the most direct method."""
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start), METHOD_RANK[h.method], h.tag))
    kept: list[Hit] = []
    reach = -1  # every kept hit starts at or before the current one, so containment is ``end <= reach``
    for h in ordered:
        if h.end <= reach:
            continue
        kept.append(h)
        reach = max(reach, h.end)
    return kept


def build_detector(config: ScreenerConfig, rules: RuleSet) -> Detector | None:
    """The employer detector, or None when no EMP rule is enabled or no profile exists."""
    emp_rules = [r for r in rules.rules if isinstance(r, EmployerRule) and r.enabled]
    if not emp_rules:
        return None
    profiles = load_configured(config)
    check_known(profiles, config.employers)
    if not profiles.profiles:
        return None
    return EmployerDetector(profiles, emp_rules, all_on=config.all_employers, timeout=config.regex_timeout)
