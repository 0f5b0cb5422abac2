"""The self-check page in headless Chromium (driven by Playwright, with the system's Chromium): an upload
gives the fixes and the highlighted draft; the whole round works from the keyboard alone and without
JavaScript; the page breaks no rule of its own Content-Security-Policy. Set ``SCREENER_SCREENSHOT_DIR`` to
keep the screenshot. Needs Debian's ``chromium`` package; skipped without it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.conftest import EXPERT_TOKEN

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]
PROTECTED = next(p for p in (ROOT / "corpora/demo/wire_exception_procedure.md").read_text(encoding="utf-8")
                 .split("\n\n") if p.startswith("This procedure tells"))
DRAFT = ("Notes for the payments module, by a former operations analyst.\n\n"
         f"{PROTECTED}\n\n"
         "Questions can go to dana.whitfield@example.com. We called the rebuild Project Kestrel.\n"
         "INTERNAL USE ONLY\n")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    pg = context.new_page()
    pg.problems = []  # console errors (a CSP violation is one) and failed requests
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("requestfailed", lambda r: pg.problems.append(r.url))
    try:
        yield pg
    finally:
        context.close()


def _keep(shot: Path) -> None:
    keep = os.environ.get("SCREENER_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def test_upload_shows_what_to_fix_where_and_why(page: Any, base_url: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    page.goto(f"{base_url}/")
    page.fill("#token", EXPERT_TOKEN)
    page.set_input_files("#file", str(draft))
    page.click("button[type=submit]")
    page.wait_for_selector("#results")
    fixes = page.locator("#fixes > li")
    kinds = [fixes.nth(i).get_attribute("class") for i in range(fixes.count())]
    assert any("proprietary-fragment" in k for k in kinds) and any("employer-identifier" in k for k in kinds)
    assert any("confidentiality-marking" in k for k in kinds) and any("personal-data" in k for k in kinds)
    body = page.inner_text("body")
    assert "This passage closely follows a protected document" in body and "Rewrite it from your own knowledge" in body
    assert "Lines 3\u20136" in body  # the protected paragraph, by line
    assert "Project Kestrel" in body and "Northwind" not in body and "wire_exception" not in body
    assert "Remove the legend" in body  # a remedy from the rule docs
    assert page.locator("#draft mark").count() >= 4
    assert page.input_value("#text") == DRAFT  # the extracted draft comes back for the next round
    shot = tmp_path / "selfcheck.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _keep(shot)
    assert page.problems == []


def test_keyboard_only_round(page: Any, open_url: str) -> None:
    page.goto(f"{open_url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("Please write to dana.whitfield@example.com about Project Kestrel.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#fixes > li").count() >= 2
    page.keyboard.press("Tab")  # the skip link now leads to the results
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#results"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")  # first fix's link, then Enter jumps to its highlight in the draft
    target = page.evaluate("document.activeElement.getAttribute('href')")
    assert target.startswith("#m-")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == target
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    assert page.problems == []


def test_works_without_javascript(browser: Any, open_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{open_url}/")
        pg.fill("#text", "The wiki is at wiki.corp.northwind-bank.example.com.")
        pg.click("button[type=submit]")
        pg.wait_for_selector("#fixes")
        assert "wiki.corp.northwind-bank.example.com" in pg.inner_text("#fixes")
    finally:
        context.close()


def test_page_has_no_script_and_blocks_framing(page: Any, open_url: str) -> None:
    response = page.goto(f"{open_url}/")
    assert page.locator("script").count() == 0
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"  # the stylesheet loaded
    assert page.problems == []
