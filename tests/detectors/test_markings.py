"""Confidentiality markings: banners and legends found with original spans, contract prose left alone."""

from __future__ import annotations

import pytest

from screener.model import Category
from tests.detectors.rules_support import Run, spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PRIVILEGED & CONFIDENTIAL\nDraft advice", [("MRK301", "PRIVILEGED & CONFIDENTIAL")]),
        ("Header: STRICTLY CONFIDENTIAL", [("MRK302", "STRICTLY CONFIDENTIAL")]),
        ("Please do not forward.", [("MRK303", "do not forward")]),
        ("You are wall-crossed.", [("MRK304", "wall-crossed")]),
        ("Page 2 of 9 | Confidential", [("MRK305", "Page 2 of 9 | Confidential")]),
        ("Bates No. NWB 0004512", [("MRK306", "Bates No. NWB 0004512")]),
        ("Document No.: QMS-POL-0042", [("MRK307", "Document No.: QMS-POL-0042")]),
        ("CONFIDENTIAL TREATMENT REQUESTED", [("MRK308", "CONFIDENTIAL TREATMENT REQUESTED")]),
        ("a fee of [***] per unit", [("MRK309", "[***]")]),
    ],
    ids=["privilege", "classification", "distribution", "barrier", "footer", "bates", "doc-control",
         "sec-legend", "redaction"],
)
def test_markings_found(run_markings: Run, text: str, expected: list[tuple[str, str]]) -> None:
    findings = run_markings(text)
    assert spans(text, findings) == expected
    assert all(f.category is Category.MARKING for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Each party shall keep the terms of this Agreement confidential.",
        "This is without prejudice to the Licensor's other remedies.",
        "The Distributor may distribute the Products in the Territory.",
        "The wall was painted.",
        "Confidential Information excludes information that is public.",
        "Section 4.2 (Internal Controls) applies to each party.",
    ],
    ids=["keep-confidential", "without-prejudice-prose", "distribute", "wall", "defined-term", "internal"],
)
def test_contract_prose_is_not_a_marking(run_markings: Run, text: str) -> None:
    assert run_markings(text) == []



@pytest.mark.parametrize(
    ("text", "legend"),
    [
        ("Strictly confidential", "Strictly confidential"),
        ("Highly Confidential - Attorneys' Eyes Only", "Highly Confidential - Attorneys' Eyes Only"),
        ("Q3 funding plan\nNorthwind Confidential\nPrepared for the board.", "Northwind Confidential"),
        ("Slide text here.\nNorthwind Bank Confidential | Page 3", "Northwind Bank Confidential | Page 3"),
        ("Confidential | Page 4 of 12", "Confidential | Page 4 of 12"),
        ("The summary (Strictly Confidential) follows.", "(Strictly Confidential)"),
        ("© 2024 Kestrel Analytics. Confidential.", "© 2024 Kestrel Analytics. Confidential"),
    ],
    ids=["sentence-case-line", "title-case-with-aeo", "firm-header-line", "slide-footer", "page-footer",
         "bracketed", "copyright-footer"],
)
def test_title_and_sentence_case_legends(run_markings: Run, text: str, legend: str) -> None:
    assert ("MRK302", legend) in spans(text, run_markings(text))


@pytest.mark.parametrize(
    "text",
    [
        "the client asked us to keep it confidential",
        "Strictly confidential information must be returned at the end of the term.",
        "Confidential Information",
        "This Is Confidential",
        "Keep confidential",
        "The designation attorneys' eyes only applies to the exhibits.",
    ],
    ids=["prose", "legend-words-in-a-sentence", "defined-term-heading", "title-case-sentence", "instruction",
         "designation-in-prose"],
)
def test_legend_words_in_prose_are_not_legends(run_markings: Run, text: str) -> None:
    assert [f for f in run_markings(text) if f.rule_id == "MRK302"] == []

def test_disguised_banner_maps_back_to_the_original(run_markings: Run) -> None:
    text = "ＳＴＲＩＣＴＬＹ ＣＯＮＦＩＤＥＮＴＩＡＬ\u200b!"
    findings = run_markings(text)
    assert [f.rule_id for f in findings] == ["MRK302"]
    assert text[findings[0].span.start:findings[0].span.end] == "ＳＴＲＩＣＴＬＹ ＣＯＮＦＩＤＥＮＴＩＡＬ"


def test_context_words_raise_a_weak_pattern(run_markings: Run) -> None:
    weak = run_markings("Reference ABC_1234567 attached.")
    strong = run_markings("Reference ABC_1234567 was produced in discovery.")
    assert weak and strong and strong[0].score > weak[0].score


@pytest.mark.parametrize(
    ("text", "code", "covered"),
    [("S T R I C T L Y   C O N F I D E N T I A L\nBoard pack", "MRK302",
      "S T R I C T L Y   C O N F I D E N T I A L"),
     ("P R I V I L E G E D  &  C O N F I D E N T I A L", "MRK301",
      "P R I V I L E G E D  &  C O N F I D E N T I A L"),
     ("Footer: I N T E R N A L  U S E  O N L Y", "MRK302", "I N T E R N A L  U S E  O N L Y")],
    ids=["strictly", "privileged", "internal-use"],
)
def test_letter_spaced_banners(run_markings: Run, text: str, code: str, covered: str) -> None:
    found = [f for f in run_markings(text) if f.rule_id == code]
    assert [text[f.span.start:f.span.end] for f in found] == [covered]


def test_letter_spaced_words_are_not_run_together(run_markings: Run) -> None:
    # One-letter words in ordinary prose close up only within a run; word gaps of several spaces are kept.
    assert run_markings("a b c d e f and I N T E R N A L   R E V I E W") == []
