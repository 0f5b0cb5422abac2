"""The HTML report in a real browser (headless Chromium): it renders, has the expected structure, and no
hostile submission executes anything.

Chromium runs from the command line only (``--dump-dom`` gives the DOM after the load event, when inline
scripts, ``onerror`` and ``onload`` handlers would have run; ``--screenshot`` saves a PNG). A positive control
page holding the same payloads unescaped proves the harness sees execution when it happens. Set
``SCREENER_SCREENSHOT_DIR`` to keep the screenshots. Needs Debian's ``chromium`` package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from screener.record.report.html import write_report
from tests.legal_support import HOSTILE, hostile_results

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--hide-scrollbars", "--mute-audio", "--no-default-browser-check"]


def chromium(page: Path, profile: Path, *args: str) -> str:
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def count(self, tag: str, **attrs: str) -> int:
        return sum(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self.tags)


def dom_of(page: Path, profile: Path) -> Dom:
    dom = Dom()
    dom.feed(chromium(page, profile, "--dump-dom", "--virtual-time-budget=3000"))
    return dom


def _keep(shot: Path) -> None:
    keep = os.environ.get("SCREENER_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


@pytest.fixture(scope="module")
def examples_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from screener.engine import Screener
    from screener.record.report.texts import load_texts
    from screener.run.inputs import iter_paths

    engine = Screener.from_config()
    examples = Path(os.path.relpath(ROOT / "examples"))  # ids as `screener scan examples/` gives them
    results = list(engine.screen_many(iter_paths([examples], engine.config)))
    out = tmp_path_factory.mktemp("report") / "examples-report.html"
    write_report(out, results, load_texts([examples], engine.config), engine.rules)
    return out


def test_examples_report_renders(examples_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report-examples.png"
    chromium(examples_report, tmp_path / "p1", f"--screenshot={shot}", "--window-size=1280,1600")
    assert shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _keep(shot)
    dom = dom_of(examples_report, tmp_path / "p2")
    assert dom.title == "Screening report"
    sections = [a for t, a in dom.tags if t == "section" and "subm" in (a.get("class") or "")]
    assert len(sections) == 9  # 6 submissions of the core examples + 3 fragment_*.txt
    assert dom.count("section", id="summary") == 1 and dom.count("section", id="rules") == 1
    assert dom.count("svg", **{"class": "chart"}) == 2
    assert dom.count("input", type="radio") == 12
    links = [a["href"] for t, a in dom.tags if t == "a" and a.get("href")]
    ids = {a["id"] for _, a in dom.tags if a.get("id")}
    assert links and all(h.startswith("#") and h[1:] in ids for h in links if h)
    hits = [a for t, a in dom.tags if t == "a" and "hit" in (a.get("class") or "")]
    assert len(hits) >= 20
    assert dom.count("script") == 0


IDS = ["analyst_notes.txt", "banker_process.txt", "consultant_report.md", "form-001", "form-002", "form-003"]


def _verdicts_and_categories() -> dict[str, tuple[str, set[str]]]:
    """Each listed submission's verdict and finding categories, from the same screen as the report."""
    from screener.engine import Screener
    from screener.run.inputs import iter_paths

    engine = Screener.from_config()
    examples = Path(os.path.relpath(ROOT / "examples"))
    out = {}
    for r in engine.screen_many(iter_paths([examples], engine.config)):
        short = next((i for i in IDS if r.submission_id.endswith(i)), None)
        if short is not None:
            out[short] = (r.verdict.value, {d.finding.category.value for d in r.decisions})
    return out


@pytest.fixture(scope="module")
def screened() -> dict[str, tuple[str, set[str]]]:
    return _verdicts_and_categories()


@pytest.mark.parametrize(("radio", "want"), [
    ("fv-all", None),
    ("fv-allow", ("verdict", "allow")),
    ("fv-redact", ("verdict", "redact")),
    ("fv-flag", ("verdict", "flag")),
    ("fv-block", ("verdict", "block")),
    ("fc-personal-data", ("category", "personal-data")),
    ("fc-secret", ("category", "secret")),
    ("fc-employer-identifier", ("category", "employer-identifier")),
], ids=["all", "verdict-allow", "verdict-redact", "verdict-flag", "verdict-block", "category-personal-data",
        "category-secret", "category-employer"])
def test_filters_hide_what_does_not_match(examples_report: Path, screened: dict[str, tuple[str, set[str]]],
                                          tmp_path: Path, radio: str, want: tuple[str, str] | None) -> None:
    """The CSS-only filters, as the browser lays them out: printed to PDF, hidden submissions are absent. What
    each filter must show is read off the screen's own results, so a change of verdicts cannot leave it stale;
    every filter but "all" must hide at least one submission and show at least one, or it tests nothing."""
    from pypdf import PdfReader

    assert set(screened) == set(IDS)
    if want is None:
        shown = list(IDS)
    elif want[0] == "verdict":
        shown = [i for i, (v, _) in screened.items() if v == want[1]]
    else:
        shown = [i for i, (_, cats) in screened.items() if want[1] in cats]
    if want is not None:
        assert 0 < len(shown) < len(IDS), (radio, shown)
    group = radio.split("-")[0]
    page = examples_report.read_text(encoding="utf-8")
    page = page.replace(f'id="{group}-all" checked', f'id="{group}-all"')
    page = page.replace(f'name="{group}" id="{radio}"', f'name="{group}" id="{radio}" checked')
    assert page.count("\" checked>") == 2
    filtered = tmp_path / "filtered.html"
    filtered.write_text(page, encoding="utf-8")
    pdf = tmp_path / "filtered.pdf"
    chromium(filtered, tmp_path / "p", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")
    for sub in IDS:
        assert (sub in text) is (sub in shown), sub


def test_control_page_shows_the_harness_detects_execution(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><html><head><title>control</title></head><body>"
                       + "".join(HOSTILE.values()) + "</body></html>", encoding="utf-8")
    dom = dom_of(control, tmp_path / "p")
    assert "PWNED" in dom.title or dom.count("pwned-svg") > 0


def test_hostile_submissions_execute_nothing(tmp_path: Path) -> None:
    results, texts = hostile_results()
    page = tmp_path / "hostile.html"
    write_report(page, results, texts, show_text=True, title="Hostile report")
    shot = tmp_path / "report-hostile.png"
    chromium(page, tmp_path / "p1", f"--screenshot={shot}", "--window-size=1280,1600")
    _keep(shot)
    raw = chromium(page, tmp_path / "p2", "--dump-dom", "--virtual-time-budget=3000")
    dom = Dom()
    dom.feed(raw)
    assert dom.title == "Hostile report"
    assert "PWNED" not in dom.title
    for tag in ("script", "iframe", "img", "pwned-svg", "base", "textarea", "object", "embed"):
        assert dom.count(tag) == 0, tag
    assert dom.count("svg") == 2  # only the two charts
    assert dom.count("meta", **{"http-equiv": "refresh"}) == 0
    for tag, attrs in dom.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not (attrs.get("href") or "#").lower().startswith("javascript"), attrs
    assert dom.count("a", id="pwn-link") == 0
    assert len(re.findall(r'class="ctl"', raw)) >= 6
    assert "\u202e" not in raw and "&lt;script&gt;document.title='PWNED-script'&lt;/script&gt;" in raw
    sections = [a for t, a in dom.tags if t == "section" and "subm" in (a.get("class") or "")]
    assert len(sections) == len(HOSTILE)
