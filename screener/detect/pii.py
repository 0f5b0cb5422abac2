"""Personal data through Presidio, given the spaCy result the engine already computed.

Presidio's AnalyzerEngine is built with an explicit NLP engine that wraps the screener's own loaded model,
so it never loads (or downloads) one; its registry holds only the recognizers the ``presidio`` rules name.
The e-mail recognizer's domain check uses tldextract's bundled suffix list, never the network.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from screener.detect.base import DocChunk, ScanInput
from screener.detect.pii_caps import caps_person_spans
from screener.detect.pii_formats import card_recognizer, iban_recognizer, keep_url
from screener.errors import ConfigError
from screener.model import Category, Evidence, Finding
from screener.ruleset.schema import PresidioRule

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from spacy.language import Language

    from screener.config import ScreenerConfig
    from screener.ruleset.loader import RuleSet

# spaCy labels -> Presidio entities; labels not listed are ignored (CARDINAL, MONEY, LAW, ...).
SPACY_TO_PRESIDIO = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "NORP": "NRP",
}
SPACY_IGNORED = ("CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LANGUAGE", "LAW", "PRODUCT",
                 "WORK_OF_ART", "EVENT", "MISC")

for _name in ("presidio-analyzer", "presidio_analyzer"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def _offline_email_recognizer(context: list[str] | None) -> EntityRecognizer:
    import tldextract
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):  # type: ignore[misc]
        def validate_result(self, pattern_text: str) -> bool:
            return bool(extractor(pattern_text).fqdn)

    return OfflineEmailRecognizer(context=context)


_PHONE_CANDIDATE = re.compile(r"[+(]?\d[\d \t().\-/\u2013\u00a0]{4,28}\d(?:\s*(?:x|ext\.?)\s*\d{1,6})?", re.I)
_PHONE_MARGIN = 12  # characters either side, so the matcher sees the same neighbourhood it checks upstream
_URL_HINT = re.compile(r"[a-z0-9.\-]\.[a-z]", re.I)  # every URL pattern needs a character, a dot and a letter
_IP_HINT = re.compile(r":|\d\.\d")  # IPv6 needs a colon, IPv4 a dotted number
_PASSPORT_HINT = re.compile(r"\d{8}")  # nine digits, or a letter and eight
_MAC_HINT = re.compile(r"[0-9a-f]{2}[:-][0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}", re.I)

Windows = Callable[[str], Iterable[tuple[int, int]]]


def phone_windows(text: str) -> Iterator[tuple[int, int]]:
    """Stretches of digits and separators holding at least seven digits, with a margin either side."""
    for m in _PHONE_CANDIDATE.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 7:
            yield max(0, m.start() - _PHONE_MARGIN), min(len(text), m.end() + _PHONE_MARGIN)


def run_windows(hint: re.Pattern[str]) -> Windows:
    """The runs of non-space characters in which ``hint`` occurs.

    For recognizers whose patterns match no white space and test the surroundings of a match only for what
    is absent (``\b``, negative look-arounds), every match lies inside one such run, and the start and end
    of the run answer those tests as the white space around it does: the patterns find the same matches in
    the runs as in the whole text. Each run is visited once, however many hints it holds.
    """

    def windows(text: str) -> Iterator[tuple[int, int]]:
        end = 0
        for m in hint.finditer(text):
            if m.start() < end:
                continue
            start = m.start()
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            end = m.end()
            while end < len(text) and not text[end].isspace():
                end += 1
            yield start, end

    return windows



def _windowed(base: type[EntityRecognizer], windows: Windows, drop_nested: bool,
              keep: Callable[[str, int, int], bool] | None = None, **kwargs: Any) -> EntityRecognizer:
    """A Presidio recognizer run only on the windows of the text where its entity can be.

    Upstream recognizers scan the whole text (libphonenumber once per region, the URL pattern's long
    alternation at every position); a cheap pattern picks the windows and the recognizer runs on each.
    With overlapping windows (``drop_nested``) a match cut short by a window edge is dropped when a longer
    one holds it. ``keep(text, start, end)``, when given, vets each match in the whole text.
    """

    class Windowed(base):  # type: ignore[misc, valid-type]
        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, *args: Any,
                    **kw: Any) -> list[Any]:
            found: dict[tuple[int, int], Any] = {}
            for lo, hi in windows(text):
                for r in super().analyze(text[lo:hi], entities, nlp_artifacts, *args, **kw):
                    r.start += lo
                    r.end += lo
                    if keep is None or keep(text, r.start, r.end):
                        found.setdefault((r.start, r.end), r)
            if not drop_nested:
                return list(found.values())
            spans = list(found)
            return [r for (a, b), r in found.items()
                    if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)]

    return Windowed(**kwargs)  # type: ignore[no-any-return]


def _context_enhancer() -> ContextAwareEnhancer:
    """Presidio's lemma enhancer, handed only the results of recognizers that have context words.

    Upstream deep-copies every result before it looks at any; model entities, most of the results, have no
    context words and would come back unchanged, so they skip the copy. Same scores, same explanations.
    """
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY

    class ContextWhereNeeded(LemmaContextAwareEnhancer):  # type: ignore[misc]
        def enhance_using_context(self, text: str, raw_results: list[Any], nlp_artifacts: Any,
                                  recognizers: list[Any], context: list[str] | None = None) -> list[Any]:
            with_context = {r.id for r in recognizers if r.context}
            todo: list[Any] = []
            rest: list[Any] = []
            for r in raw_results:
                (todo if (r.recognition_metadata or {}).get(key) in with_context else rest).append(r)
            return rest + list(super().enhance_using_context(text, todo, nlp_artifacts, recognizers, context))

    return ContextWhereNeeded()


# Recognizers run only on the runs of non-space characters holding their hint (see run_windows)
_RUN_HINTS = {"UrlRecognizer": _URL_HINT, "IpRecognizer": _IP_HINT, "UsPassportRecognizer": _PASSPORT_HINT,
              "MacAddressRecognizer": _MAC_HINT}


def _recognizer(rule: PresidioRule, entities: list[str]) -> EntityRecognizer:
    from presidio_analyzer import predefined_recognizers

    context = list(rule.context) or None
    if rule.recognizer == "EmailRecognizer":
        return _offline_email_recognizer(context)
    if rule.recognizer == "PhoneRecognizer":
        from presidio_analyzer.predefined_recognizers import PhoneRecognizer

        return _windowed(PhoneRecognizer, phone_windows, True, context=context, name="PhoneRecognizer")
    if rule.recognizer in _RUN_HINTS:
        base = getattr(predefined_recognizers, rule.recognizer)
        hint = run_windows(_RUN_HINTS[rule.recognizer])
        keep = keep_url if rule.recognizer == "UrlRecognizer" else None
        return _windowed(base, hint, False, keep, name=rule.recognizer, **({"context": context} if context else {}))
    if rule.recognizer == "CreditCardRecognizer":
        return card_recognizer(supported_language="en", **({"context": context} if context else {}))
    if rule.recognizer == "IbanRecognizer":
        return iban_recognizer(supported_language="en", **({"context": context} if context else {}))
    if rule.recognizer == "SpacyRecognizer":
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        return SpacyRecognizer(supported_entities=entities, ner_strength=0.85)
    cls = getattr(predefined_recognizers, rule.recognizer, None)
    if cls is None:
        raise ConfigError(f"rule {rule.id}: unknown Presidio recognizer {rule.recognizer!r}", code="E120")
    kwargs: dict[str, Any] = {"supported_language": "en"}
    if context:
        kwargs["context"] = context
    return cls(**kwargs)  # type: ignore[no-any-return]


def build_analyzer(nlp: Language, model: str, rules: Iterable[PresidioRule]) -> AnalyzerEngine:
    """An AnalyzerEngine over ``nlp`` with the recognizers ``rules`` name, nothing loaded behind our back."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=SPACY_TO_PRESIDIO,
        labels_to_ignore=list(SPACY_IGNORED),
        low_score_entity_names=[],
    )
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}], ner_model_configuration=ner_config)
    engine.nlp = {"en": nlp}  # type: ignore[assignment]  # already loaded: SpacyNlpEngine.load() (which may download) is never called
    rules = list(rules)
    spacy_entities = sorted({r.presidio_entity or r.entity for r in rules if r.recognizer == "SpacyRecognizer"})
    registry = RecognizerRegistry(supported_languages=["en"])
    seen: set[str] = set()
    for rule in rules:
        if rule.recognizer in seen:
            continue
        seen.add(rule.recognizer)
        registry.add_recognizer(_recognizer(rule, spacy_entities))
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"],
                          context_aware_enhancer=_context_enhancer())


_EDGE = " \t\n-\u2013\u2014,;:!?\"'()[]{}<>*_#|/\\"


def _is_ner(r: Any) -> bool:
    return (r.recognition_metadata or {}).get("recognizer_name") == "SpacyRecognizer"


def prefer_patterns(results: list[Any], text: str) -> list[Any]:
    """Clean Presidio's results of one text.

    A pattern result (validated formats: e-mail, card, IBAN, ...) is more precise than a model guess, so a
    model entity overlapping one is dropped; a pattern result inside a higher-scoring pattern result of
    another type (the domain of an e-mail read as a URL) is dropped; model entities lose punctuation and
    spaces at their edges ("Tom Ellery -" -> "Tom Ellery").
    """
    patterns = [r for r in results if not _is_ner(r)]
    kept_patterns = [
        r for r in patterns
        if not any(o is not r and o.entity_type != r.entity_type and o.start <= r.start and r.end <= o.end
                   and o.score >= r.score for o in patterns)
    ]
    out = list(kept_patterns)
    for r in results:
        if not _is_ner(r) or any(p.start < r.end and r.start < p.end for p in kept_patterns):
            continue
        while r.start < r.end and text[r.start] in _EDGE:
            r.start += 1
        while r.end > r.start and text[r.end - 1] in _EDGE:
            r.end -= 1
        if r.end > r.start:
            out.append(r)
    return sorted(out, key=lambda r: (r.start, r.end, r.entity_type))


@functools.cache
def _lazy_artifacts_class() -> type:
    """Presidio's NlpArtifacts for one chunk, with token lists built on first use (defined on first call, so
    that importing this module does not import Presidio).

    Only the context enhancer reads the token lists, and only for results of recognizers with context words;
    in most texts there are none. Built in one pass over the token arrays: token texts stand in for spaCy
    tokens (the enhancer reads only their length, and scans them once per result: strings make that cheap);
    lemmas are the lower-cased tokens, as the lemmatizer (which needs the tagger) is not loaded; the context
    keywords (tokens that are neither stop words nor punctuation, as Presidio picks them) are a set, as they
    are only looked up.
    """
    from presidio_analyzer.nlp_engine import NlpArtifacts

    class LazyArtifacts(NlpArtifacts):  # type: ignore[misc]
        def __init__(self, chunk: DocChunk, entities: list[Any], scores: list[float], engine: Any) -> None:
            # NlpArtifacts.__init__ would build the token lists now
            self.chunk = chunk
            self.entities = entities
            self.scores = scores
            self.nlp_engine = engine
            self.language = "en"

        @functools.cached_property
        def _columns(self) -> tuple[list[str], list[int], set[str]]:
            doc, whole = self.chunk.doc, self.chunk.text
            texts: list[str] = []
            indices: list[int] = []
            keywords: set[str] = set()
            if len(doc):
                # arrays, not Token objects (costly to create), and the chunk's text, not Doc.text (rebuilt per access)
                for idx, length, stop, punct in doc.to_array(["IDX", "LENGTH", "IS_STOP", "IS_PUNCT"]).tolist():
                    token = whole[idx : idx + length]
                    indices.append(idx)
                    texts.append(token)
                    if not stop and not punct:
                        keywords.update(token.lower().split(":"))
            return texts, indices, keywords

        @property
        def tokens(self) -> list[str]:  # type: ignore[override]
            return self._columns[0]

        @property
        def tokens_indices(self) -> list[int]:  # type: ignore[override]
            return self._columns[1]

        @functools.cached_property
        def lemmas(self) -> list[str]:  # type: ignore[override]
            return [t.lower() for t in self._columns[0]]

        @property
        def keywords(self) -> set[str]:  # type: ignore[override]
            return self._columns[2]

    return LazyArtifacts


class PiiDetector:
    name = "pii"
    requires_nlp = True

    def __init__(self, analyzer: AnalyzerEngine, rules: Iterable[PresidioRule]) -> None:
        self.analyzer = analyzer
        self.by_entity = {(r.presidio_entity or r.entity): r for r in rules if r.enabled}
        self.entities = sorted(self.by_entity)
        self._nlp_engine: Any = analyzer.nlp_engine

    def _artifacts(self, chunk: DocChunk) -> Any:
        """Presidio's view of our Doc: the entities now, the token lists only if a recognizer asks for them."""
        ents = list(chunk.doc.ents)
        entities, scores = self._nlp_engine._get_updated_entities(ents, [0.85] * len(ents))
        return _lazy_artifacts_class()(chunk, entities, scores, self._nlp_engine)

    def _chunk_findings(self, item: ScanInput, chunk: DocChunk) -> Iterator[Finding]:
        results = self.analyzer.analyze(
            text=chunk.text,
            language="en",
            entities=self.entities,
            nlp_artifacts=self._artifacts(chunk),
            return_decision_process=True,
        )
        for r in prefer_patterns(results, chunk.text):
            start = chunk.offset + r.start
            if not chunk.core_start <= start < chunk.core_end:
                continue
            rule = self.by_entity.get(r.entity_type)
            if rule is None or r.score < rule.min_score:
                continue
            span = item.text.to_original(start, chunk.offset + r.end)
            if not span:
                continue
            expl = r.analysis_explanation
            context = (expl.supportive_context_word,) if expl and expl.supportive_context_word else ()
            yield Finding(
                rule_id=rule.id,
                category=Category.PERSONAL_DATA,
                span=span,
                score=min(1.0, max(0.0, float(r.score))),
                evidence=Evidence(
                    detector=self.name,
                    method=(r.recognition_metadata or {}).get("recognizer_name", rule.recognizer),
                    entity=rule.entity,
                    pattern=(expl.pattern_name if expl else None) or None,
                    context=context,
                ),
            )

    def _caps_names(self, item: ScanInput) -> list[Finding]:
        """Names in capitals, read again with their case restored (pii_caps)."""
        rule = self.by_entity.get("PERSON")
        if rule is None:
            return []
        out = []
        for s, e, how in caps_person_spans(item.text.text, self._nlp_engine.nlp["en"]):
            span = item.text.to_original(s, e)
            if span:
                out.append(Finding(rule_id=rule.id, category=Category.PERSONAL_DATA, span=span, score=0.85,
                                   evidence=Evidence(detector=self.name, method="SpacyRecognizer", entity="PERSON",
                                                     pattern=how)))
        return out

    def detect(self, item: ScanInput) -> Iterator[Finding]:
        if item.nlp is None:
            raise ValueError("the personal-data detector needs the NLP result")
        names = self._caps_names(item)
        for chunk in item.nlp.chunks:
            for f in self._chunk_findings(item, chunk):
                # the model's other reading of a name in capitals (an ORGANIZATION, say) gives way to the name
                if f.evidence.method == "SpacyRecognizer" and any(n.span.overlaps(f.span) for n in names):
                    continue
                yield f
        yield from names


def build_detector(config: ScreenerConfig, rules: RuleSet, nlp: Language | None = None) -> PiiDetector | None:
    presidio_rules = [r for r in rules.rules if isinstance(r, PresidioRule) and r.enabled]
    if not presidio_rules or nlp is None:
        return None
    return PiiDetector(build_analyzer(nlp, config.nlp_model, presidio_rules), presidio_rules)
