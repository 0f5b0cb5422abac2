"""Bounded regular expressions: RE2 (linear time) where the syntax allows, else the ``regex`` engine with a
time budget. A pattern that runs out of time raises :class:`PatternTimeout`; the engine turns that into an
UNSCANNED verdict, never a clean one.
"""

from __future__ import annotations

from collections.abc import Iterator
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

    def __post_init__(self) -> None:
        src = f"(?i){self.source}" if self.ignore_case else self.source
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


def compile_pattern(source: str, ignore_case: bool = False, timeout: float = 1.0) -> BoundedRegex:
    return BoundedRegex(source, ignore_case=ignore_case, timeout=timeout)
