"""Rule selection by code or prefix, as ruff's ``select`` / ``extend-select`` / ``ignore``.

A selector is a rule code (``SEC401``), a prefix of one (``EMP``, ``PII11``) or ``ALL``. For a rule, the
longest selector that matches it among the selected ones (``select``, default ``ALL``, plus
``extend_select``) is compared with the longest among ``ignore``: the longer wins, and on a tie ``ignore``
wins. So ``select=["PII"], ignore=["PII1"], extend_select=["PII110"]`` keeps PII110 and PII2xx only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screener.errors import ConfigError


def _reach(selectors: Iterable[str], rule_id: str) -> int:
    """Length of the longest selector matching ``rule_id`` (``ALL`` counts as 0), or -1 if none matches."""
    best = -1
    for s in selectors:
        if s == "ALL":
            best = max(best, 0)
        elif rule_id.startswith(s):
            best = max(best, len(s))
    return best


@dataclass(frozen=True, slots=True)
class RuleSelection:
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] | None, extend_select: Iterable[str] = (),
           ignore: Iterable[str] = ()) -> RuleSelection:
        return cls(tuple(select) if select is not None else ("ALL",), tuple(extend_select), tuple(ignore))

    @property
    def is_default(self) -> bool:
        return self.select == ("ALL",) and not self.extend_select and not self.ignore

    def selects(self, rule_id: str) -> bool:
        chosen = _reach((*self.select, *self.extend_select), rule_id)
        return chosen >= 0 and chosen > _reach(self.ignore, rule_id)

    def check(self, known: Iterable[str]) -> None:
        """ConfigError when a selector names no known rule (a typo would otherwise silently select nothing)."""
        codes = tuple(known)
        unknown = [s for s in (*self.select, *self.extend_select, *self.ignore)
                   if s != "ALL" and not any(c.startswith(s) for c in codes)]
        if unknown:
            raise ConfigError(f"rule selectors match no loaded rule: {', '.join(sorted(set(unknown)))}", code="E140")

    def stamp(self) -> str:
        """A short description for a result's ``versions`` (e.g. ``select=EMP,SEC ignore=SEC402``)."""
        parts = [f"select={','.join(self.select)}"]
        if self.extend_select:
            parts.append(f"extend-select={','.join(self.extend_select)}")
        if self.ignore:
            parts.append(f"ignore={','.join(self.ignore)}")
        return " ".join(parts)
