"""Presidio's format recognizers, widened to the forms its patterns miss and narrowed where they over-reach.

- Payment cards (:func:`card_recognizer`): upstream's pattern knows neither Mastercard's 2-series (2221-2720,
  ISO/IEC 7812 ranges since 2017) nor 19-digit numbers (Visa, Maestro, UnionPay); both are added, still checked
  by Luhn, and a match inside a longer valid one is dropped, so the finding covers the whole number.
- IBANs (:func:`iban_recognizer`): upstream matches capitals only; candidates in any case are checked in
  capitals by upstream's validator (ISO 13616 mod-97 and the country's format), so "at61 1904 ..." and
  "Gb82 West ..." are found as their capitalised forms are.
- URLs (:func:`keep_url`): a bare host ends at a whole label that is a public suffix (tldextract's bundled
  list, never fetched); a match that starts or ends inside a word ("os.sy" of "os.system") is a module path.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer

_MASTERCARD_2 = r"2(?:22[1-9]|2[3-9]\d|[3-6]\d{2}|7[01]\d|720)"
_CARD_PREFIX = rf"(?:4\d{{3}}|5[1-5]\d{{2}}|{_MASTERCARD_2}|6\d{{3}}|3\d{{3}})"
# (name, regex, score) as Presidio's Pattern takes them; the validator (Luhn) lifts a valid match to 1.0
CARD_PATTERNS = (
    ("Mastercard 2-series", rf"\b{_MASTERCARD_2}(?:[- ]?\d{{4}}){{3}}\b", 0.3),
    ("19-digit card", rf"\b{_CARD_PREFIX}(?:[- ]?\d{{4}}){{3}}[- ]?\d{{3}}\b", 0.3),
)

# Two-label names whose last label is both a country's domain and a common file extension: "rpc.py",
# "README.md", "build.sh" are files unless a scheme, "www." or a path says otherwise.
FILE_EXTENSIONS = frozenset({"py", "sh", "md", "rs", "pl", "pm", "ps", "cc", "so", "mk", "ml"})
_SCHEME_OR_WWW = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\d{0,3}\.)", re.IGNORECASE)


def _drop_nested(results: list[Any]) -> list[Any]:
    """Results not strictly inside another result of the same entity."""
    return [r for r in results
            if not any(o is not r and o.entity_type == r.entity_type and o.start <= r.start and r.end <= o.end
                       and (o.start, o.end) != (r.start, r.end) for o in results)]


def card_recognizer(**kwargs: Any) -> EntityRecognizer:
    """Presidio's CreditCardRecognizer with the 2-series and 19-digit patterns beside its own."""
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    class WholeCardRecognizer(CreditCardRecognizer):  # type: ignore[misc]
        def analyze(self, text: str, entities: list[str], *args: Any, **kw: Any) -> list[Any]:
            return _drop_nested(list(super().analyze(text, entities, *args, **kw)))

    patterns = [*CreditCardRecognizer.PATTERNS, *(Pattern(n, rx, s) for n, rx, s in CARD_PATTERNS)]
    return WholeCardRecognizer(patterns=patterns, **kwargs)  # type: ignore[no-any-return]


_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?=[ -]?[A-Za-z0-9])")
_IBAN_GROUP = re.compile(r"[ -]?([A-Za-z0-9]{1,4})")
_IBAN_MAX_GROUPS = 8  # 30 characters after the country code and check digits (ISO 13616 allows 34 in all)


def iban_candidates(text: str) -> list[tuple[int, int]]:
    """Spans that may be an IBAN in any letter case: a country code and check digits, then groups of up to four
    letters or digits (a group shorter than four ends it), each span ending at a word's end. Longest first per
    start, so that a validator keeps the whole number."""
    spans: list[tuple[int, int]] = []
    for m in _IBAN_START.finditer(text):
        pos, ends = m.end(), []
        for _ in range(_IBAN_MAX_GROUPS):
            g = _IBAN_GROUP.match(text, pos)
            if g is None:
                break
            pos = g.end()
            if pos == len(text) or not text[pos].isalnum():
                ends.append(pos)
            if len(g.group(1)) < 4:
                break
        spans.extend((m.start(), e) for e in reversed(ends))
    return spans


def iban_recognizer(**kwargs: Any) -> EntityRecognizer:
    """Presidio's IbanRecognizer, plus IBANs in small or mixed capitals checked by the same validator
    (mod-97 and the country's format) on their capitalised form."""
    from presidio_analyzer import PatternRecognizer, RecognizerResult
    from presidio_analyzer.predefined_recognizers import IbanRecognizer

    class AnyCaseIbanRecognizer(IbanRecognizer):  # type: ignore[misc]
        def analyze(self, text: str, entities: list[str], *args: Any, **kw: Any) -> list[Any]:
            results = list(super().analyze(text, entities, *args, **kw))
            if text.isupper() or not _IBAN_START.search(text):
                return results
            taken = [(r.start, r.end) for r in results]
            for start, end in iban_candidates(text):
                if any(a < end and start < b for a, b in taken):
                    continue
                value = text[start:end]
                if value.isupper() or not self.validate_result(value.upper()):
                    continue  # capitals are upstream's; their verdict stands
                taken.append((start, end))
                name: str = getattr(self, "name", "IbanRecognizer")
                expl = PatternRecognizer.build_regex_explanation(
                    name, "IBAN any case", _IBAN_START.pattern, 1.0, True, 0)
                results.append(RecognizerResult(
                    entity_type="IBAN_CODE", start=start, end=end, score=1.0, analysis_explanation=expl,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: getattr(self, "id", name)}))
            return results

    return AnyCaseIbanRecognizer(**kwargs)  # type: ignore[no-any-return]


@functools.cache
def _suffixes() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled snapshot, no network


def _inside_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def keep_url(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a URL pattern's match, is a web address rather than a code name.

    Dropped: a match that starts or ends inside a word ("os.sy" of "os.system", "numpy.li" of "numpy.linalg");
    without a scheme or "www.", a host whose last label is not a public suffix, or a bare two-label name with
    a file extension ("rpc.py").
    """
    if (start > 0 and _inside_word(text[start - 1])) or (end < len(text) and _inside_word(text[end])):
        return False
    value = text[start:end]
    if _SCHEME_OR_WWW.match(value):
        return True
    host, slash, _ = value.partition("/")
    host = host.rstrip(".")
    parts = _suffixes()(host)
    if not parts.suffix or not parts.domain:
        return False
    return bool(slash) or parts.subdomain != "" or parts.suffix.lower() not in FILE_EXTENSIONS
