"""The Presidio adapter's shortcuts give upstream's results: windowed recognizers (URL, IP, passport, MAC,
phone) and the context enhancer that skips results of recognizers without context words."""

from __future__ import annotations

from typing import Any

import pytest

from screener.detect.pii import _RUN_HINTS, _context_enhancer, _windowed, phone_windows, run_windows

URL_TEXTS = {
    "schema": "See https://portal.example.com/docs?id=7 for the form.",
    "bare": "Write to support at www.example.org or example.net/help today.",
    "quoted": "The link was 'http://intranet.example.co.uk/a' and \"example.com\".",
    "sentence-end": "Its site is example.com. Another is test.example.io.",
    "abbreviations": "The court, i.e. the Chamber, cited e.g. art. 6 and No. 25929/05.",
    "none": "No address in this sentence at all, only words and 12.5 per cent.",
    "many-dots": "a.b.c.d.e.f.g.h example..com ..org x.y-z.info",
}
PHONE_TEXTS = {
    "us": "Call (425) 555-0100 or 425.555.0199 ext 12 after noon.",
    "uk": "Our London desk is on +44 20 7946 0958, fax 020 7946 0000.",
    "adjacent": "Numbers 2025550143, 2025550187 and 555-0123 are listed.",
    "none": "In 2019 the fund returned 7.5 per cent on 1,250,000 units.",
}


def _spans(results: list[Any]) -> list[tuple[int, int, str, float]]:
    return sorted({(r.start, r.end, r.entity_type, round(r.score, 6)) for r in results})


def _upstream_after_dedupe(results: list[Any]) -> list[tuple[int, int, str, float]]:
    from presidio_analyzer import EntityRecognizer

    return _spans(EntityRecognizer.remove_duplicates(results))


RUN_TEXTS = {
    "ipv4": "The gateway 10.0.12.7 and 192.168.1.254/24 answered; 999.1.1.1 did not.",
    "ipv6": "Hosts fe80::1%eth0, 2001:db8::8a2e:370:7334 and ::ffff:192.0.2.128 replied (see ::).",
    "ip-in-prose": "As follows: version 3.2.1 shipped at 10:30, ratio 1:2.",
    "passport": "Passport 912803456 and C03005988 were checked; 12345678 is too short.",
    "mac": "Adapters 00:1A:2B:3C:4D:5E, 00-1a-2b-3c-4d-5f and 0011.2233.4455 were seen.",
    "edges": "(10.0.0.1) [912803456] 'fe80::2' 00:1a:2b:3c:4d:5e.",
    "unicode-space": "Address\u00a010.1.2.3\u2003and\u3000fe80::9 here.",
    **{f"url-{name}": text for name, text in URL_TEXTS.items()},
}
RUN_RECOGNIZERS = sorted(_RUN_HINTS)


@pytest.mark.parametrize("recognizer", RUN_RECOGNIZERS)
@pytest.mark.parametrize("text", list(RUN_TEXTS.values()), ids=list(RUN_TEXTS))
def test_run_windowed_recognizers_equal_upstream(recognizer: str, text: str) -> None:
    from presidio_analyzer import predefined_recognizers

    base = getattr(predefined_recognizers, recognizer)
    upstream = base()
    ours = _windowed(base, run_windows(_RUN_HINTS[recognizer]), False, name=recognizer)
    entities = upstream.supported_entities
    assert _spans(ours.analyze(text, entities)) == _spans(upstream.analyze(text, entities))


@pytest.mark.parametrize("recognizer", RUN_RECOGNIZERS)
def test_run_texts_hold_matches_for_each_recognizer(recognizer: str) -> None:
    from presidio_analyzer import predefined_recognizers

    upstream = getattr(predefined_recognizers, recognizer)()
    assert sum(len(upstream.analyze(t, upstream.supported_entities)) for t in RUN_TEXTS.values()) >= 3


def test_run_windows_visit_each_run_once() -> None:
    import re

    text = "a.b.c.d.e " + "x" * 50_000 + " k.l"
    assert list(run_windows(re.compile(r"\.\w"))(text)) == [(0, 9), (len(text) - 3, len(text))]


def test_url_windows_skip_text_without_a_dotted_word() -> None:
    url_windows = run_windows(_RUN_HINTS["UrlRecognizer"])
    assert list(url_windows(URL_TEXTS["none"])) == []
    assert list(url_windows("x" * 100_000)) == []  # a long run without a dot costs one pass


@pytest.mark.parametrize("text", list(PHONE_TEXTS.values()), ids=list(PHONE_TEXTS))
def test_windowed_phone_recognizer_equals_upstream(text: str) -> None:
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    upstream = PhoneRecognizer()
    ours = _windowed(PhoneRecognizer, phone_windows, True, name="PhoneRecognizer")
    assert _upstream_after_dedupe(ours.analyze(text, ["PHONE_NUMBER"])) == _upstream_after_dedupe(
        upstream.analyze(text, ["PHONE_NUMBER"]))


def test_phone_texts_hold_matches() -> None:
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    upstream = PhoneRecognizer()
    assert sum(len(upstream.analyze(t, ["PHONE_NUMBER"])) for t in PHONE_TEXTS.values()) >= 3


def test_context_enhancer_matches_upstream() -> None:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

    text = "Her ssn is 536-90-4399 and the file lists 536904399; Dana lives in Leeds."
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(UsSsnRecognizer())
    tokens = text.replace(";", " ;").replace(".", " .").split()
    indices, pos = [], 0
    for t in tokens:
        pos = text.index(t, pos)
        indices.append(pos)
        pos += len(t)
    artifacts = NlpArtifacts(entities=[], tokens=tokens, tokens_indices=indices,  # type: ignore[arg-type]
                             lemmas=[t.lower() for t in tokens], nlp_engine=None, language="en")
    artifacts.keywords = [t.lower() for t in tokens]  # as the screener sets them (no engine to derive them)

    def run(**kwargs: Any) -> list[tuple[int, int, str, float]]:
        engine = AnalyzerEngine(registry=registry, nlp_engine=_NoNlp(), supported_languages=["en"], **kwargs)
        return _spans(engine.analyze(text, language="en", nlp_artifacts=artifacts))

    upstream, ours = run(), run(context_aware_enhancer=_context_enhancer())
    assert ours == upstream
    scores = sorted(score for *_, score in ours)
    assert len(scores) == 2 and scores[0] < 0.5 < scores[1]  # only the number next to 'ssn' was raised


class _NoNlp:
    """An NLP engine that is never asked for anything (the artifacts are given)."""

    def is_loaded(self) -> bool:
        return True

    def get_supported_languages(self) -> list[str]:
        return ["en"]

    def get_supported_entities(self) -> list[str]:
        return []
