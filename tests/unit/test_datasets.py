"""Dataset loaders on tiny synthetic files in each format (the real data is never used in unit tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.datasets import load_enron, load_synth, load_tab

CONLL = "\n".join(
    [
        "#begin document (demo_1)",
        "From\tAda\t-\t-",
        ":\tAda\t-\t-",
        "ada.lovelace@example.com\tAda\t(P0*)\t(0)",
        "",
        "Dear\tAda\t-\t-",
        "Charles\tAda\t(P1\t(1",
        "Babbage\tAda\tP1)\t1)",
        ",\tAda\t-\t-",
        "you\tAda\t(P1)\t(1)",
        "work\tAda\t-\t-",
        "at\tAda\t-\t-",
        "Analytical\tAda\t(O0|(D0\t(2",
        "Engines\tAda\tO0)\t2)",
        "file\tAda\tD0)\t-",
        "in\tAda\t-\t-",
        "London\tAda\t(L0)\t(3)",
        ".\tAda\t-\t-",
        "#end document",
        "",
    ]
)


def test_enron_text_offsets_and_mapping(tmp_path: Path) -> None:
    (tmp_path / "demo_1.conll").write_text(CONLL, encoding="utf-8")
    [doc] = load_enron(tmp_path)
    assert (
        doc.text
        == "From: ada.lovelace@example.com\nDear Charles Babbage, you work at Analytical Engines file in London."
    )
    got = [(doc.text[g.start : g.end], g.label) for g in doc.gold]
    assert got == [
        ("ada.lovelace@example.com", "EMAIL_ADDRESS"),
        ("Charles Babbage", "PERSON"),
        ("Analytical Engines", "ORGANIZATION"),
        ("London", "LOCATION"),
    ]
    ignored = sorted(doc.text[s:e] for s, e in doc.ignore)
    assert ignored == ["Analytical Engines file", "you"]  # DIG is unmapped, pronouns are not names
    assert doc.unmapped == {"enron:D": 1, "enron:P-unnamed": 1}


TAB_RECORD = {
    "metadata": {"data_id": "TAB-demo"},
    "text": "Mr John Smith sued Acme Corp. Smith paid EUR 100.",
    "entities": [
        {"entity_type": "PERSON", "start_offset": 3, "end_offset": 13, "entity_id": "e1", "identifier_type": "DIRECT"},
        {"entity_type": "PERSON", "start_offset": 30, "end_offset": 35, "entity_id": "e1", "identifier_type": "QUASI"},
        {"entity_type": "ORG", "start_offset": 19, "end_offset": 28, "entity_id": "e2", "identifier_type": "NO_MASK"},
        {
            "entity_type": "QUANTITY",
            "start_offset": 41,
            "end_offset": 48,
            "entity_id": "e3",
            "identifier_type": "QUASI",
        },
    ],
}


def test_tab_entities_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "tab.jsonl"
    path.write_text(json.dumps(TAB_RECORD) + "\n" + json.dumps(TAB_RECORD) + "\n", encoding="utf-8")
    docs = load_tab(path, limit=1)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.doc_id == "TAB-demo"
    assert [(g.label, doc.text[g.start : g.end]) for g in doc.gold] == [
        ("PERSON", "John Smith"),
        ("ORGANIZATION", "Acme Corp"),
        ("PERSON", "Smith"),
    ]
    assert doc.ignore == ((41, 48),)
    by_id = {e.entity_id: e for e in doc.entities}
    assert by_id["e1"].identifier == "DIRECT" and len(by_id["e1"].mentions) == 2
    assert by_id["e2"].identifier == "NO_MASK" and not by_id["e2"].mentions[0].needs_masking
    assert by_id["e3"].identifier == "QUASI"  # unmapped for span scoring, still counted by TAB's measures


@pytest.mark.parametrize(
    ("label", "expected"),
    [("STREET_ADDRESS", "LOCATION"), ("GPE", "LOCATION"), ("DOMAIN_NAME", "URL"), ("TITLE", None), ("AGE", None)],
    ids=["street", "gpe", "domain", "title-unmapped", "age-unmapped"],
)
def test_synth_mapping(tmp_path: Path, label: str, expected: str | None) -> None:
    rec = {"full_text": "value here", "spans": [{"entity_type": label, "start_position": 0, "end_position": 5}]}
    path = tmp_path / "synth.json"
    path.write_text(json.dumps([rec]), encoding="utf-8")
    [doc] = load_synth(path)
    if expected is None:
        assert doc.gold == () and doc.ignore == ((0, 5),)
    else:
        assert [g.label for g in doc.gold] == [expected]
