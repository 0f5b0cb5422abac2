"""Reading results back for reports (validated), and finding the original texts by the ids scan gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.errors import InputError
from screener.model import Verdict
from screener.record.report.load import load_results, result_from_dict
from screener.record.report.texts import load_texts
from screener.record.report.textview import clusters, visible
from tests.legal_support import TEXT, hostile_results, person_result


def test_round_trip_of_every_field(tmp_path: Path) -> None:
    results, _ = hostile_results()
    results.append(person_result("p", employers=["acme"]))
    path = tmp_path / "r.jsonl"
    path.write_text("".join(r.to_json() + "\n" for r in results), encoding="utf-8")
    loaded = load_results(path)
    assert [r.to_dict() for r in loaded] == [r.to_dict() for r in results]


GOOD = person_result().to_dict()


@pytest.mark.parametrize(("change", "message"), [
    ({"verdict": "maybe"}, "Verdict"),
    ({"findings": [{**GOOD["findings"][0], "category": "<script>"}]}, "Category"),
    ({"findings": [{**GOOD["findings"][0], "span": [5, "x"]}]}, "span"),
    ({"findings": [{**GOOD["findings"][0], "span": [9, 3]}]}, "invalid span"),
    ({"findings": [{**GOOD["findings"][0], "score": 7}]}, "outside 0..1"),
    ({"findings": [{**GOOD["findings"][0], "action": "explode"}]}, "Action"),
    ({"chars": -1}, "chars"),
    ({"id": 5}, "id must be a string"),
    ({"metadata": []}, "metadata"),
], ids=["verdict", "category", "span-type", "span-order", "score", "action", "chars", "id", "metadata"])
def test_malformed_records_are_input_errors(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({**GOOD, **change}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_results(path)


def test_unscanned_record_loads() -> None:
    raw = {**GOOD, "verdict": "unscanned", "findings": [], "sha256": None, "chars": 0}
    assert result_from_dict(raw).verdict is Verdict.UNSCANNED


def test_texts_by_scan_ids(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "r1", "text": "record text"}) + "\n", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"")
    texts = load_texts([tmp_path])
    assert texts == {f"{tmp_path.as_posix()}/a.txt": TEXT, f"{tmp_path.as_posix()}/b.jsonl#r1": "record text"}


@pytest.mark.parametrize(("text", "expected"), [
    ("plain <b>", "plain &lt;b&gt;"),
    ("a\u202eb", 'a<span class="ctl">U+202E</span>b'),
    ("line\nnext\ttab", "line\nnext\ttab"),
    ("\u2028", '<span class="ctl">U+2028</span>'),
    ("\ud800", '<span class="ctl">U+D800</span>'),
    ("a\u3164b", 'a<span class="ctl">U+3164</span>b'),
    ("tag\U000e0041", 'tag<span class="ctl">U+E0041</span>'),
    ("crlf\r\n", "crlf\r\n"),
], ids=["escaped", "bidi", "newline-and-tab-kept", "line-separator", "lone-surrogate", "hangul-filler",
        "tag-character", "crlf-kept"])
def test_visible(text: str, expected: str) -> None:
    assert str(visible(text)) == expected


def test_clusters_merge_overlaps_and_skip_bad_spans() -> None:
    r = person_result()
    from dataclasses import replace

    from tests.legal_support import decision, finding
    ds = (*r.decisions, decision(finding("PII103", 5, 20)), decision(finding("PII104", 80, 999)))
    got = clusters(replace(r, decisions=ds).decisions, len(TEXT))
    assert (got[0].start, got[0].end, got[0].members) == (0, 20, (0, 2))
    assert all(c.end <= len(TEXT) for c in got) and len(got) == 2


def test_long_text_shows_passages_around_findings() -> None:
    from screener.model import Action
    from screener.record.report.textview import render_text
    from tests.legal_support import decision, finding

    text = "a" * 5000 + "SECRET" + "b" * 5000 + "NAME" + "c" * 5000
    ds = [decision(finding("SEC401", 5000, 5006), Action.BLOCK), decision(finding("PII101", 10006, 10010))]
    page = str(render_text(text, ds, ["f1", "f2"], True, limit=2000, context=100))
    assert "SECRET" in page and "NAME" in page
    assert page.count('class="gap"') == 3
    assert page.count("[4900 characters not shown]") == 2 and "[4800 characters not shown]" in page
    assert len(page) < 2000
    assert str(render_text(text, ds, ["f1", "f2"], True)).count("a") >= 5000  # short enough: whole text
