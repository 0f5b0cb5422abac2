"""The annotated fixture format: cases, multi-line cases, and every format problem with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.model import Category, Evidence, Finding, Span
from screener.ruleset.fixtures import check_case, parse_fixture, run_fixtures


def test_cases_are_parsed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("# a comment\n\n# expect: MRK301, MRK302\nline one\nline two\n\n# ok: SEC401\nplain\n")
    cases, problems = parse_fixture(path)
    assert problems == []
    assert [(c.line, c.expect, c.codes, c.text) for c in cases] == [
        (3, True, ("MRK301", "MRK302"), "line one\nline two"), (7, False, ("SEC401",), "plain")]


@pytest.mark.parametrize(
    ("content", "needle"),
    [("stray text\n", "a.txt:1: text outside a case"),
     ("# expect: XYZ1\nsomething\n", "a.txt:1: not a rule code: XYZ1"),
     ("# expect: MRK301\n\nsomething\n", "a.txt:1: directive without a case")],
    ids=["stray", "bad-code", "empty-case"],
)
def test_format_problems(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(content)
    _, problems = parse_fixture(path)
    assert any(needle in p for p in problems), problems


def _finding(code: str) -> Finding:
    return Finding(code, Category.MARKING, Span(0, 1), 0.9, Evidence(detector="t", method="regex", entity="X"))


def test_check_and_run(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("# expect: MRK301\nx\n# ok: MRK302\ny\n# expect: PII101\nz\n")
    cases, _ = parse_fixture(path)
    fires_301 = lambda text: [_finding("MRK301")]  # noqa: E731
    fires_302 = lambda text: [_finding("MRK302")]  # noqa: E731
    assert check_case(cases[0], fires_301) is None
    assert check_case(cases[1], fires_302) == f"{path}:3: MRK302 fired on a line marked ok"
    assert run_fixtures(cases, fires_301, known={"MRK301", "MRK302"}) == []
    assert run_fixtures(cases, fires_302) == [f"{path}:1: expected MRK301 to fire", f"{path}:3: MRK302 fired on a "
                                              "line marked ok", f"{path}:5: expected PII101 to fire"]
