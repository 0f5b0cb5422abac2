"""Proprietary document fragments: passages shared with protected corpora (FRG5xx).

The detector reads the folded view, matches it against every configured fingerprint index or pack
(screener.fingerprint.match) and reports each passage in ORIGINAL offsets with evidence: source document id,
section, source offsets (indexes only), similarity, matched length in words, and in ``note`` the corpus name
and the share of the source document covered. It never carries text.

Rules (``kind: fingerprint`` in rules/fragments.yaml) choose the code of each passage: ``verbatim`` for index
passages at or above its ``min_similarity``, ``edited`` for the other index passages, ``summary`` for summary
passages (a long source passage retold much shorter, screener.fingerprint.summary), ``pack`` for pack
matches; each rule's ``min_words`` and ``min_similarity`` filter, ``enabled: false`` switches it off. A code
whose rule is not loaded keeps the built-in thresholds below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from screener.config import ScreenerConfig
from screener.detect.base import Detector, ScanInput, SourceHit
from screener.errors import StoreError
from screener.fingerprint.corpus import open_store
from screener.fingerprint.match import Matcher, MatchParams
from screener.fingerprint.passages import Passage, loose
from screener.fingerprint.store import FingerprintStore
from screener.model import Category, Evidence, Finding, Span
from screener.ruleset.loader import RuleSet
from screener.ruleset.schema import FingerprintRule


@dataclass(frozen=True, slots=True)
class FragmentRule:
    id: str
    entity: str
    min_words: int
    min_similarity: float
    enabled: bool = True


# An edited passage shorter than FRG502's ``min_words`` is still reported when it is this long and at least
# this similar: a lightly edited passage (one word in five changed) of 30 words aligns to 22 words or more at
# about 0.8 once its changed edge words are trimmed.
SHORT_EDITED_WORDS = 20
SHORT_EDITED_SIMILARITY = 0.7

DEFAULT_RULES: dict[str, FragmentRule] = {
    "verbatim": FragmentRule("FRG501", "VERBATIM_PASSAGE", 12, 0.9),
    "edited": FragmentRule("FRG502", "EDITED_PASSAGE", 25, 0.3),
    "pack": FragmentRule("FRG503", "FINGERPRINTED_PASSAGE", 16, 0.55),
    "summary": FragmentRule("FRG504", "SUMMARISED_PASSAGE", 40, 0.75),
}


def rules_from(ruleset: RuleSet | None) -> dict[str, FragmentRule]:
    rules = dict(DEFAULT_RULES)
    for rule in ruleset.rules if ruleset is not None else ():
        if isinstance(rule, FingerprintRule):
            rules[rule.match] = FragmentRule(rule.id, rule.entity, rule.min_words, rule.min_similarity, rule.enabled)
    return rules


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A fragment finding's source side, for the report (plaintext indexes only)."""

    reference: str
    section: str | None
    source_span: Span
    source_text: str
    similarity: float | None


class FragmentDetector:
    name = "fragments"
    requires_nlp = False

    def __init__(self, stores: list[FingerprintStore], rules: dict[str, FragmentRule] | None = None,
                 params: MatchParams | None = None) -> None:
        self.stores = stores
        self.rules = rules or dict(DEFAULT_RULES)
        self.matcher = Matcher(stores, params)

    @property
    def corpora(self) -> dict[str, str]:
        """Each store's name and version, for result stamps: kind, role, content digest (and pack id)."""
        out = {}
        for store in self.stores:
            m = store.manifest
            pack = f" pack:{m.pack_id}" if m.pack_id else ""
            out[m.name] = f"{m.kind}/{m.role} sha256:{m.sha256[:16]}{pack}"
        return out

    def classify(self, p: Passage) -> FragmentRule | None:
        if p.kind in ("pack", "summary"):
            rule = self.rules[p.kind]
        else:
            verbatim = self.rules["verbatim"]
            rule = verbatim if p.similarity >= verbatim.min_similarity else self.rules["edited"]
        if not rule.enabled or p.similarity < rule.min_similarity:
            return None
        short_edited = (rule is self.rules["edited"] and p.words >= min(rule.min_words, SHORT_EDITED_WORDS)
                        and p.similarity >= max(rule.min_similarity, SHORT_EDITED_SIMILARITY))
        if p.words < rule.min_words and not short_edited:
            return None
        if rule is self.rules["edited"] and loose(p, self.matcher.params):
            return None
        return rule

    def detect(self, item: ScanInput) -> Iterator[Finding]:
        """FRG5xx findings of ``item``. Raises StoreError (E413 unreadable, E417 differs from its build) when
        a store part this submission reads is damaged: the engine makes the submission UNSCANNED, never
        "no matches". Every index passage and seed cluster, findings or not, goes to ``item.evidence`` as a
        SourceHit (cumulative exposure)."""
        weak: list[Passage] = []
        passages = self.matcher.match(item.text, weak=weak)
        for p in (*passages, *weak):
            if p.s_chars is not None and p.coverage > 0:  # both sides already in original offsets
                item.evidence.append(SourceHit(p.store, p.ref, p.q_chars, p.s_chars,
                                               round((p.s_chars[1] - p.s_chars[0]) / p.coverage), p.words,
                                               round(p.similarity, 4)))
        for p in passages:
            rule = self.classify(p)
            if rule is None:
                continue
            method = {"pack": "fingerprint-pack", "summary": "fingerprint-summary"}.get(p.kind, "fingerprint-index")
            evidence = Evidence(
                detector=self.name, method=method, entity=rule.entity, reference=p.ref, section=p.section,
                source_span=Span(*p.s_chars) if p.s_chars else None, similarity=round(p.similarity, 4),
                matched_words=p.words,
                note=f"corpus={p.store}; coverage={p.coverage:.3f}",
            )
            score = min(1.0, (0.5 if p.kind == "pack" else 0.6) + 0.4 * p.similarity)
            yield Finding(rule.id, Category.FRAGMENT, Span(*p.q_chars), round(score, 4), evidence)

    def aligned_source(self, finding: Finding) -> AlignedPair | None:
        """The source passage aligned with ``finding`` (None for packs, other detectors, unknown documents)."""
        ev = finding.evidence
        if ev.detector != self.name or ev.source_span is None or ev.reference is None:
            return None
        corpus = (ev.note or "").split(";")[0].removeprefix("corpus=")
        for store in self.stores:
            if store.manifest.name != corpus or store.manifest.kind != "index":
                continue
            for doc in store.documents().values():
                if doc.ref == ev.reference:
                    text = store.text(doc.id) or ""
                    span = ev.source_span
                    return AlignedPair(ev.reference, ev.section, span, text[span.start : span.end], ev.similarity)
        return None

    def close(self) -> None:
        for store in self.stores:
            store.close()


def corpus_paths(config: ScreenerConfig) -> list[Path]:
    """Configured stores; a relative path is taken as given when it exists, else under ``corpora_dir``.

    A bare name without a suffix (``demo``) finds ``NAME.db`` or else ``NAME.pack`` there (``corpora/demo/`` is
    the demo's source documents, ``corpora/demo.db`` its index).
    """
    return [_resolve_store(Path(c), config.corpora_dir) for c in config.corpora]


def _resolve_store(path: Path, corpora_dir: Path) -> Path:
    """``path`` as given, else under ``corpora_dir`` (a bare name: ``NAME.db``, else ``NAME.pack``). Raises
    StoreError E415 naming both places when it is in neither."""
    if path.is_absolute() or path.is_file():
        return path
    candidate = corpora_dir / path
    if candidate.is_file():
        return candidate
    if not path.suffix:
        for suffix in (".db", ".pack"):
            if candidate.with_suffix(suffix).is_file():
                return candidate.with_suffix(suffix)
    where = f"{candidate}{'' if path.suffix else '(.db|.pack)'}"
    raise StoreError(f"fingerprint store {path} not found, neither as given nor as {where}", code="E415")


def aligned_passage(config: ScreenerConfig, finding: Finding) -> AlignedPair | None:
    """The source passage of a fragment finding, read from the configured index (for the HTML report).

    None for packs (no text), for findings of other detectors, and when the document is no longer indexed.
    """
    if finding.evidence.detector != FragmentDetector.name or finding.evidence.source_span is None:
        return None
    detector = build_detector(config, None)
    if not isinstance(detector, FragmentDetector):
        return None
    try:
        return detector.aligned_source(finding)
    finally:
        detector.close()


def build_detector(config: ScreenerConfig, rules: RuleSet | None) -> Detector | None:
    """The fragment detector over ``config.corpora`` (.db indexes, .pack packs); None when none is configured.

    Raises StoreError when a store is missing, corrupt, truncated, edited, of another format, expired or
    without its key (FingerprintStore.open says what opening checks): the run stops before screening.
    """
    paths = corpus_paths(config)
    if not paths:
        return None
    stores: list[FingerprintStore] = []
    try:
        for path in paths:
            stores.append(open_store(path))
    except Exception:
        for store in stores:
            store.close()
        raise
    return FragmentDetector(stores, rules_from(rules))
