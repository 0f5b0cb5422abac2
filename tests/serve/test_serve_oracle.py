"""The self-check is no oracle: a probe that sends a protected passage of the demo corpus with one word
changed at a time learns nothing more than "rewrite this" -- every answer has the same body (bar the echo of
the probe's own draft), names no document or section, shows no similarity, score or rule code, and holds no
source text the probe did not send. A positive control shows the same probes through the pipeline's API do
carry that information, so the comparison would see it if the page leaked it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve.conftest import AUTH, EXPERT_TOKEN

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "corpora" / "demo" / "wire_exception_procedure.md"
REPLACEMENT = "marmalade"


def _protected_passage() -> str:
    """The demo procedure's purpose paragraph (56 words; nothing but the passage itself is a finding)."""
    paragraphs = SOURCE.read_text(encoding="utf-8").split("\n\n")
    return next(p for p in paragraphs if p.startswith("This procedure tells"))


def _variants(passage: str) -> list[tuple[str, str]]:
    words = list(re.finditer(r"\S+", passage))
    out = [("original", passage)]
    for i, m in enumerate(words):
        out.append((f"word-{i}", passage[:m.start()] + REPLACEMENT + passage[m.end():]))
    return out


def _without_echo(page: str) -> str:
    """The page minus the two places that echo the probe's own draft (the highlighted copy, the textarea)."""
    page = re.sub(r'<section id="draft".*?</section>', "", page, flags=re.S)
    return re.sub(r"<textarea([^>]*)>.*?</textarea>", r"<textarea\1></textarea>", page, flags=re.S)


@pytest.fixture(scope="module")
def probes(base_url: str) -> list[tuple[str, str, str]]:
    """(variant id, text sent, page answered) for the original and every one-word change."""
    out = []
    with httpx.Client(timeout=60) as client:
        for name, text in _variants(_protected_passage()):
            got = client.post(f"{base_url}/check", data={"token": EXPERT_TOKEN, "text": text})
            assert got.status_code == 200, name
            out.append((name, text, got.text))
    return out


def test_every_probe_gets_the_same_answer(probes: list[tuple[str, str, str]]) -> None:
    answers = {_without_echo(page) for _, _, page in probes}
    assert len(answers) == 1, f"{len(answers)} distinct answers to one-word changes"
    answer = answers.pop()
    assert "This passage closely follows a protected document" in answer
    assert "Rewrite it from your own knowledge" in answer
    assert answer.count('<li id="fix-') == 1


def test_no_probe_learns_document_section_similarity_or_rule(probes: list[tuple[str, str, str]],
                                                             base_url: str) -> None:
    api = httpx.post(f"{base_url}/v1/screen", json={"text": _protected_passage()}, headers=AUTH, timeout=60).json()
    evidence = next(f["evidence"] for f in api["findings"] if f["category"] == "proprietary-fragment")
    secrets = {evidence["reference"], Path(evidence["reference"]).stem, evidence["section"], "northwind",
               "wire_exception", "FRG50", "similar", "coverage", "score", f"{evidence['similarity']:.2f}"[1:]}
    for name, _, page in probes:
        lowered = page.lower()
        leaked = sorted(s for s in secrets if s.lower() in lowered)
        assert not leaked, (name, leaked)
        assert "%" not in _without_echo(page), name


def test_no_probe_sees_source_text_it_did_not_send(probes: list[tuple[str, str, str]]) -> None:
    source_words = SOURCE.read_text(encoding="utf-8").split()
    windows = {" ".join(source_words[i:i + 6]) for i in range(len(source_words) - 5)}
    for name, sent, page in probes:
        flat_sent = " ".join(sent.split())
        flat_page = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        unseen = [w for w in windows if w not in flat_sent and w in flat_page]
        assert not unseen, (name, unseen[:2])


def test_positive_control_the_api_answers_do_differ(base_url: str) -> None:
    """Through the pipeline's API (an API token, never an expert's) the same probes differ in rule, span or
    similarity: the page's sameness above is the view's doing, not a blind comparison."""
    seen: set[str] = set()
    with httpx.Client(timeout=60) as client:
        for _, text in _variants(_protected_passage())[:12]:
            result: dict[str, Any] = client.post(f"{base_url}/v1/screen", json={"text": text}, headers=AUTH).json()
            fragment = [f for f in result["findings"] if f["category"] == "proprietary-fragment"]
            seen.add(repr([(f["rule_id"], f["span"], f["evidence"].get("similarity")) for f in fragment]))
    assert len(seen) > 1
