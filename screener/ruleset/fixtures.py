"""Annotated fixture files: examples that must (``# expect: CODE``) or must not (``# ok: CODE``) fire a rule.

Format (``tests/rules/*.txt``)::

    # expect: MRK301
    PRIVILEGED & CONFIDENTIAL
    # ok: MRK301, MRK302
    The parties shall keep the terms of this agreement confidential.

A case is the block of non-blank lines under a directive (so a case may span lines, e.g. a key block).
Other lines starting with ``#`` are comments. Every case is screened on its own with every employer profile
switched on. ``run_fixtures`` takes the screening function, so the same files can test any set of detectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from screener.model import Finding

_DIRECTIVE = re.compile(r"^#\s*(expect|ok)\s*:\s*(.+?)\s*$")
_CODE = re.compile(r"^(PII|EMP|MRK|SEC|FRG)[0-9]{3}$")

Screen = Callable[[str], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class FixtureCase:
    path: Path
    line: int  # of the directive
    expect: bool  # True: every code must fire; False: none may
    codes: tuple[str, ...]
    text: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def parse_fixture(path: Path) -> tuple[list[FixtureCase], list[str]]:
    """The cases of one file and every format problem as ``file:line: message``."""
    cases: list[FixtureCase] = []
    problems: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if m is None:
            if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                problems.append(f"{path}:{i + 1}: text outside a case (put '# expect: CODE' or '# ok: CODE' above)")
            i += 1
            continue
        codes = tuple(c.strip() for c in m.group(2).split(","))
        bad = [c for c in codes if not _CODE.match(c)]
        if bad:
            problems.append(f"{path}:{i + 1}: not a rule code: {', '.join(bad)}")
        j = i + 1
        while j < len(lines) and lines[j].strip() and not _DIRECTIVE.match(lines[j]):
            j += 1
        if j == i + 1:
            problems.append(f"{path}:{i + 1}: directive without a case below it")
        else:
            cases.append(FixtureCase(path, i + 1, m.group(1) == "expect", codes, "\n".join(lines[i + 1:j])))
        i = j
    return cases, problems


def load_fixtures(directory: Path) -> tuple[list[FixtureCase], list[str]]:
    cases: list[FixtureCase] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.txt")) if directory.is_dir() else []:
        c, p = parse_fixture(path)
        cases.extend(c)
        problems.extend(p)
    return cases, problems


def check_case(case: FixtureCase, screen: Screen) -> str | None:
    """None when the case holds, else why not (codes and place only, never the text)."""
    fired = {f.rule_id for f in screen(case.text)}
    if case.expect:
        missing = [c for c in case.codes if c not in fired]
        return f"{case.where}: expected {', '.join(missing)} to fire" if missing else None
    wrong = [c for c in case.codes if c in fired]
    return f"{case.where}: {', '.join(wrong)} fired on a line marked ok" if wrong else None


def run_fixtures(cases: Sequence[FixtureCase], screen: Screen, known: Iterable[str] | None = None) -> list[str]:
    """Every failing case; with ``known`` (codes the screen can raise), cases of other codes are left out."""
    allowed = None if known is None else set(known)
    failures = []
    for case in cases:
        if allowed is not None and not set(case.codes) <= allowed:
            continue
        failure = check_case(case, screen)
        if failure:
            failures.append(failure)
    return failures


def covered_codes(cases: Iterable[FixtureCase]) -> set[str]:
    """Codes with at least one ``expect`` case."""
    return {c for case in cases if case.expect for c in case.codes}
