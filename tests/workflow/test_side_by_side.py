"""Side-by-side evidence for copied passages: report --corpus / scan --show-source, shared words highlighted
on both sides, and a header that says what the report discloses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.record.report.sidebyside import shared_share, side_by_side

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.mark.parametrize(("own", "source", "own_marked", "source_marked"), [
    ("the quick brown fox jumps", "a quick brown fox sleeps", ["quick brown fox"], ["quick brown fox"]),
    ("The Quick  Brown\nFox", "quick brown fox", ["Quick  Brown\nFox"], ["quick brown fox"]),
    ("the cat and the dog", "the fish and the bird", [], []),
    ("one two three x one two three", "one two three", ["one two three", "one two three"], ["one two three"]),
], ids=["shared-run", "case-and-whitespace", "common-words-alone-not-marked", "repeated-run"])
def test_shared_runs_are_marked_on_both_sides(own: str, source: str, own_marked: list[str],
                                              source_marked: list[str]) -> None:
    left, right = side_by_side(own, source)
    assert re.findall(r'<mark class="same">(.*?)</mark>', left, re.S) == own_marked
    assert re.findall(r'<mark class="same">(.*?)</mark>', right, re.S) == source_marked


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script> one two three", "one two three \u202e evil",
                                     'one two three" onmouseover="x'], ids=["script", "bidi", "attribute"])
def test_both_sides_are_escaped(hostile: str) -> None:
    for side in side_by_side(hostile, hostile):
        assert "<script>" not in side and "\u202e" not in side and '" onmouseover' not in side
        assert '<mark class="same">' in side


def test_shared_share() -> None:
    assert shared_share("a b c d", "a b c d") == 1.0
    assert shared_share("a b c d", "x y z") == 0.0
    assert shared_share("", "a b c") == 0.0


def _header(html: str) -> str:
    found = re.search(r'<div class="sub">(.*?)</div>', html, re.S)
    assert found
    return found.group(1)


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sbs") / "results.jsonl"
    done = runner.invoke(app, ["scan", str(EXAMPLES / "fragment_verbatim_quote.txt"),
                               str(EXAMPLES / "fragment_own_words.txt"), "--corpus", "demo.db", "--corpus",
                               "boilerplate.db", "-q", "--out", str(out)])
    assert done.exit_code == 1, done.output
    return out


def test_report_with_corpus_shows_sources_side_by_side(screened: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    done = runner.invoke(app, ["report", str(screened), "-o", str(page), "--texts", str(EXAMPLES), "--corpus",
                               "demo.db", "--show-source"])
    assert done.exit_code == 0, done.output
    html = page.read_text()
    assert html.count('<div class="side">') == 1 and html.count('mark class="same"') >= 2
    assert "copied passages shown beside their sources" in _header(html)
    assert "source passages shown" in _header(html)


@pytest.mark.parametrize("args", [["--show-source"], []], ids=["no-corpus", "no-show-source"])
def test_report_without_source_stays_masked(screened: Path, tmp_path: Path, args: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Every corpus the configuration knows is in force by default: with none known, no source can be shown.
    (tmp_path / "no-corpora").mkdir()
    monkeypatch.setenv("SCREENER_CORPORA_DIR", str(tmp_path / "no-corpora"))
    page = tmp_path / "r.html"
    done = runner.invoke(app, ["report", str(screened), "-o", str(page), "--texts", str(EXAMPLES), *args])
    assert done.exit_code == 0
    html = page.read_text()
    assert '<div class="side">' not in html and "mark class=\"same\"" not in html
    assert _header(html).rstrip().endswith("matched text masked")
    if args:
        assert "no plaintext index" in done.stderr


def test_scan_report_show_source(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    done = runner.invoke(app, ["scan", str(EXAMPLES / "fragment_verbatim_quote.txt"), "--corpus", "demo.db", "-q",
                               "--report", str(page), "--show-source"])
    assert done.exit_code == 1
    html = page.read_text()
    assert '<div class="side">' in html and 'mark class="same"' in html
    assert "line " in html and "column " in html  # line and column beside the character offsets
