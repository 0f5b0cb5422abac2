"""The RE2 set prefilter: a pattern it does not report has no match; when the set fails, everything runs."""

from __future__ import annotations

import pytest

from screener.ruleset.regex import Prefilter, compile_pattern

PATTERNS = {
    "banner": compile_pattern(r"\bSTRICTLY\s+CONFIDENTIAL\b", ignore_case=True),
    "ticket": compile_pattern(r"\bNW-\d{5}\b"),
    "fallback": compile_pattern(r"(?<=key=)\w+(?=;)"),  # lookarounds: the fallback engine, never prefiltered
}


def runs(pre: Prefilter, text: str) -> set[str]:
    hits = pre.scan(text)
    return {name for name, p in PATTERNS.items() if pre.may_match(p, hits)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nothing to see here.", {"fallback"}),
        ("Marked strictly   confidential on every page.", {"banner", "fallback"}),
        ("Ticket NW-12345 was closed.", {"ticket", "fallback"}),
        ("", {"fallback"}),
    ],
    ids=["none", "case-insensitive", "one", "empty"],
)
def test_only_patterns_that_can_match_run(text: str, expected: set[str]) -> None:
    assert PATTERNS["fallback"].engine == "regex" and PATTERNS["ticket"].engine == "re2"
    pre = Prefilter(list(PATTERNS.values()))
    assert runs(pre, text) == expected
    for name, p in PATTERNS.items():  # what is skipped really has no match
        if name not in expected:
            assert list(p.finditer(text)) == []


def test_a_failed_set_makes_every_pattern_run() -> None:
    pre = Prefilter(list(PATTERNS.values()))

    class OutOfMemory:
        def Match(self, text: str) -> None:
            return None  # what RE2 reports when its automaton runs out of memory

    pre._set = OutOfMemory()
    assert pre.scan("Ticket NW-12345") is None
    assert runs(pre, "anything") == set(PATTERNS)


def test_no_re2_patterns_no_set() -> None:
    pre = Prefilter([PATTERNS["fallback"]])
    assert pre.scan("key=abc;") is None and pre.may_match(PATTERNS["fallback"], None)


def test_a_set_that_cannot_be_built_leaves_every_pattern_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import re2

    def refuse(self: object) -> None:
        raise re2.error("failed to compile Set")

    monkeypatch.setattr(re2.Set, "Compile", refuse)
    pre = Prefilter(list(PATTERNS.values()))
    assert pre.scan("Ticket NW-12345") is None
    assert runs(pre, "nothing here") == set(PATTERNS)
