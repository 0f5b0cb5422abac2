"""Bounded regular expressions: RE2 (linear time) where the syntax allows, else the ``regex`` engine with a
time budget. A pattern that runs out of time raises :class:`PatternTimeout`; the engine turns that into an
UNSCANNED verdict, never a clean one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import re2
import regex

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


class PatternTimeout(Exception):
    """A pattern used up its time budget on one text."""


@dataclass(frozen=True, slots=True)
class BoundedRegex:
    source: str
    ignore_case: bool = False
    timeout: float = 1.0
    engine: str = field(init=False, default="")
    _compiled: Any = field(init=False, default=None, repr=False, compare=False)

    @property
    def effective_source(self) -> str:
        return f"(?i){self.source}" if self.ignore_case else self.source

    def __post_init__(self) -> None:
        src = self.effective_source
        try:
            compiled: Any = re2.compile(src, _RE2_OPTIONS)
            engine = "re2"
        except Exception:
            flags = regex.V0 | (regex.IGNORECASE if self.ignore_case else 0)
            compiled = regex.compile(self.source, flags)  # raises regex.error on bad syntax
            engine = "regex"
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "engine", engine)

    def matches_empty(self) -> bool:
        return self._compiled.fullmatch("") is not None

    def fullmatch(self, text: str) -> bool:
        if self.engine == "re2":
            return self._compiled.fullmatch(text) is not None
        try:
            return self._compiled.fullmatch(text, timeout=self.timeout) is not None
        except TimeoutError as exc:
            raise PatternTimeout(f"pattern exceeded its {self.timeout}s budget") from exc

    @property
    def groups(self) -> int:
        return int(self._compiled.groups)

    def finditer(self, text: str, group: int = 0) -> Iterator[tuple[int, int]]:
        """Yield ``(start, end)`` of each non-empty match (of capture ``group`` when it took part)."""
        if self.engine == "re2":
            for m in self._compiled.finditer(text):
                s, e = m.span(group) if m.start(group) >= 0 else (m.start(), m.start())
                if e > s:
                    yield s, e
            return
        try:
            for m in self._compiled.finditer(text, timeout=self.timeout):
                s, e = m.span(group) if m.start(group) >= 0 else (m.start(), m.start())
                if e > s:
                    yield s, e
        except TimeoutError as exc:
            raise PatternTimeout(f"pattern exceeded its {self.timeout}s budget") from exc


class Prefilter:
    """One RE2 pass over a text that tells which of many patterns can match in it at all.

    The RE2 patterns go into one ``RE2::Set``; a pattern the set does not report has no match in the text,
    so its own scan is skipped. Patterns of the fallback engine always run. The set holds a sentinel that
    matches every text: RE2 reports nothing at all when its automaton runs out of memory, and a missing
    sentinel then makes every pattern run (never a silent skip).
    """

    def __init__(self, patterns: Sequence[BoundedRegex]) -> None:
        self._slot: dict[int, int] = {}
        self._set: Any = None
        candidates = [p for p in patterns if p.engine == "re2"]
        if not candidates:
            return
        options = re2.Options()
        options.log_errors = False
        options.max_mem = 64 << 20
        found = re2.Set.SearchSet(options)
        try:
            self._sentinel = found.Add(r"\A")
            slots = {id(p): found.Add(p.effective_source) for p in candidates}
            found.Compile()
        except re2.error:  # a set RE2 cannot build: no prefilter, every pattern runs
            return
        self._slot = slots
        self._set = found

    def scan(self, text: str) -> frozenset[int] | None:
        """The set slots matching somewhere in ``text``; None when every pattern must run."""
        if self._set is None:
            return None
        hits = self._set.Match(text)
        if not hits or self._sentinel not in hits:
            return None
        return frozenset(hits)

    def may_match(self, pattern: BoundedRegex, hits: frozenset[int] | None) -> bool:
        slot = self._slot.get(id(pattern))
        return hits is None or slot is None or slot in hits


def compile_pattern(source: str, ignore_case: bool = False, timeout: float = 1.0) -> BoundedRegex:
    return BoundedRegex(source, ignore_case=ignore_case, timeout=timeout)
