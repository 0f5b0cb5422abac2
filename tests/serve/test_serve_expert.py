"""The expert's view of a result, from the real Screener: own words only, fragments widened to paragraphs,
secrets masked, unscanned drafts never shown as clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.model import Span, Submission
from screener.serve.expert import FRAGMENT_TITLE, expert_view, paragraph_span
from screener.serve.page import render

ROOT = Path(__file__).resolve().parents[2]
PROTECTED = next(p for p in (ROOT / "corpora/demo/wire_exception_procedure.md").read_text(encoding="utf-8")
                 .split("\n\n") if p.startswith("This procedure tells"))
OWN = "In my experience a good exception process is written down and reviewed every year by the team."


def _page(engine: Any, text: str) -> tuple[Any, str]:
    view = expert_view(engine.screen(text), text, engine.rules)
    return view, render(page_open=True, max_body_bytes=1_000_000, view=view, text=text)


@pytest.mark.parametrize(("text", "own_words"), [
    ("We ran it as Project Kestrel in 2019.", ["Project Kestrel"]),
    ("The NWBK ticker fell that quarter.", ["NWBK"]),
    ("Mail ops at ops-desk@northwind-bank.example.com for access.", ["northwind-bank.example.com"]),
    ("Send it to the team at n0rthw1nd-bank.example.com please.", ["n0rthw1nd-bank.example.com"]),
], ids=["codename", "ticker", "email-domain", "leetspeak-domain"])
def test_employer_terms_are_shown_only_as_the_experts_words(engine: Any, text: str, own_words: list[str]) -> None:
    view, page = _page(engine, text)
    employer = [f for f in view.fixes if f.kind == "employer-identifier"]
    assert employer, [f.kind for f in view.fixes]
    assert all(f.quote is not None and f.quote in text for f in employer)
    assert any(w in (f.quote or "") for f in employer for w in own_words)
    for hidden in ("Northwind Bank", "northwind/", "EMP20", "score"):
        assert hidden not in page.replace(text, ""), hidden


@pytest.mark.parametrize(("text", "paragraph"), [
    (PROTECTED, 0),
    (f"{OWN}\n\n{PROTECTED}\n\n{OWN}", 1),
    (f"{OWN}\n\n{OWN} {PROTECTED}\n\n{OWN}", 1),
], ids=["alone", "between-own-paragraphs", "inside-own-paragraph"])
def test_fragment_is_one_fix_over_the_whole_paragraph(engine: Any, text: str, paragraph: int) -> None:
    view, page = _page(engine, text)
    fragments = [f for f in view.fixes if f.kind == "proprietary-fragment"]
    assert len(fragments) == 1 and fragments[0].quote is None and fragments[0].must_fix
    parts = text.split("\n\n")
    start = sum(len(p) + 2 for p in parts[:paragraph])
    assert fragments[0].span == Span(start, start + len(parts[paragraph]))
    assert fragments[0].line == text.count("\n", 0, start) + 1
    assert FRAGMENT_TITLE in page and "wire_exception" not in page and "Operations Manual" not in page


@pytest.mark.parametrize(("text", "span", "want"), [
    ("one\n\ntwo three\nfour\n\nfive", Span(7, 9), Span(5, 19)),
    ("alpha beta", Span(2, 4), Span(0, 10)),
    ("a\n \t\nb c d\n\n", Span(6, 7), Span(5, 10)),
], ids=["middle", "single-paragraph", "whitespace-only-break"])
def test_paragraph_span(text: str, span: Span, want: Span) -> None:
    assert paragraph_span(text, span) == want


@pytest.mark.parametrize("secret", [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
], ids=["aws-key-id", "github-token"])
def test_secret_is_masked(engine: Any, secret: str) -> None:
    text = f"Use the key {secret} for the upload job."
    view, page = _page(engine, text)
    fixes = [f for f in view.fixes if f.kind == "secret"]
    assert fixes and all(secret not in (f.quote or "") for f in fixes)
    highlighted = page.split("<textarea")[0]  # the textarea gives the draft back for editing; nothing else may
    assert secret not in highlighted and "\u25aa" in highlighted


@pytest.mark.parametrize(("sub", "reason"), [
    (Submission("s", data=b"\x00\x01\x02" * 50, name="x.bin"), ""),
    (Submission("s", text="   "), "empty"),
], ids=["binary", "blank"])
def test_unscanned_is_said_plainly_never_as_clean(engine: Any, sub: Submission, reason: str) -> None:
    view = expert_view(engine.screen(sub), None, engine.rules)
    page = render(page_open=True, max_body_bytes=1_000_000, view=view)
    assert not view.scanned and reason in (view.unscanned_reason or "")
    assert "could not be checked" in page and "Nothing to fix" not in page


def test_hostile_draft_is_escaped(engine: Any) -> None:
    text = "<script>alert(1)</script> Dana Whitfield \u202e<img src=x onerror=alert(2)>"
    _, page = _page(engine, text)
    assert "<script>" not in page and "<img" not in page and "U+202E" in page and "\u202e" not in page
