"""Former-employer identifiers (EMP2xx): names, tickers, domains, hosts, codenames, systems, clients, numbers.

All terms of all profiles go into one :class:`~screener.detect.terms.TermMatcher` (one pass whatever the
number of profiles or terms); hits are kept for the profiles in force for the submission. Reference-number
and employee-id formats are bounded regular expressions. Base64 runs are decoded and rescanned. A spaCy ORG
entity over a hit, or a profile context word near it, raises the score; neither is needed for a hit.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput
from screener.detect.encoded import decoded_runs
from screener.detect.terms import METHOD_RANK, Hit, Term, TermKind, TermMatcher
from screener.detect.views import joined_view, needs_join
from screener.model import Category, Evidence, Finding
from screener.ruleset.employers import CAPS_FIELDS, WORD_FIELDS, EmployerProfile, ProfileSet, check_known
from screener.ruleset.employers import load_profiles as load_profiles
from screener.ruleset.loader import RuleSet
from screener.ruleset.regex import BoundedRegex, compile_pattern
from screener.ruleset.schema import EmployerRule
from screener.text.normalize import NormalizedText, normalize

FUZZY_FACTOR = 0.8  # a near variant is less certain than the name itself
# Where two fields match the same characters, the earlier wins (an intranet host over its e-mail domain).
FIELD_ORDER = ("legal_names", "names", "aliases", "abbreviations", "tickers", "hosts", "email_domains", "codenames",
               "systems", "clients", "counterparties", "reference_formats", "employee_id_formats")


@dataclass(frozen=True, slots=True)
class _Source:
    profile: str
    field: str
    rule: EmployerRule


def _terms(profile: EmployerProfile, field: str) -> Iterator[tuple[str, TermKind, bool]]:
    if field in WORD_FIELDS or field in CAPS_FIELDS:
        for t in getattr(profile, field):
            yield t, "word", field in CAPS_FIELDS
    elif field == "email_domains":
        for d in profile.email_domains:
            yield d, "domain", False
    elif field == "hosts":
        for h in profile.hosts:
            yield (h[2:], "host", False) if h.startswith("*.") else (h, "domain", False)


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
                for text, kind, caps in _terms(p, field):
                    terms.append(Term(text, tag, kind, caps, rule.fuzzy and kind == "word" and not caps,
                                      rule.fuzzy_min_length))
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
        hits = [h for h in self.matcher.match(base) if self.sources[h.tag].profile in active]
        formats = [f for pid in sorted(active) for f in self.formats.get(pid, ())]
        if formats:
            view = joined_view(base, text) if needs_join(base) else None
            for tag, pattern in formats:
                if view is None:
                    hits.extend(Hit(s, e, tag, "pattern") for s, e in pattern.finditer(base))
                    continue
                for s, e in pattern.finditer(view.text):
                    hits.append(Hit(*view.to_base(s, e), tag, "pattern"))
        return hits

    def _finding(self, item: ScanInput, hit: Hit, orgs: list[tuple[int, int]]) -> Finding:
        source = self.sources[hit.tag]
        method = hit.method
        span = item.text.to_original(hit.start, hit.end)
        if method == "exact" and item.text.original[span.start:span.end] != item.text.text[hit.start:hit.end]:
            method = "normalized"  # invisible characters, look-alike letters or full-width forms were folded
        score = source.rule.score * (FUZZY_FACTOR if method == "fuzzy" else 1.0)
        return self._make(item, source, hit.start, hit.end, method, score, orgs)

    def _make(self, item: ScanInput, source: _Source, start: int, end: int, method: str, score: float,
              orgs: list[tuple[int, int]]) -> Finding:
        rule = source.rule
        profile = self.profiles.get(source.profile)
        context: list[str] = []
        if profile is not None and profile.context:
            window = item.text.text[max(0, start - rule.context_window):end + rule.context_window].lower()
            context = [w for w in profile.context if w.lower() in window]
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
    profiles = load_profiles(config.rules_dir / "employers")
    check_known(profiles, config.employers)
    if not profiles.profiles:
        return None
    return EmployerDetector(profiles, emp_rules, all_on=config.all_employers, timeout=config.regex_timeout)
