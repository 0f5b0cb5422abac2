"""eval_pii's scoring pipeline on a hand-made TAB-style document, without any model."""

from __future__ import annotations

from bench.datasets import Doc
from bench.eval_pii import evaluate, span_table, tab_table
from bench.scoring import ALL, ANY, GoldEntity, LabeledSpan, Mention

TEXT = "Mr John Smith sued Acme Corp in Oslo for EUR 100."
#       0123456789012345678901234567890123456789012345678
DOC = Doc(
    "d1",
    TEXT,
    gold=(LabeledSpan(3, 13, "PERSON"), LabeledSpan(19, 28, "ORGANIZATION"), LabeledSpan(32, 36, "LOCATION")),
    ignore=((41, 48),),
    entities=(
        GoldEntity("e1", "PERSON", "DIRECT", (Mention(0, 13, True),)),
        GoldEntity("e2", "ORG", "NO_MASK", (Mention(19, 28, False),)),
        GoldEntity("e3", "LOC", "QUASI", (Mention(32, 36, True),)),
        GoldEntity("e4", "QUANTITY", "QUASI", (Mention(41, 48, True),)),
    ),
)
PRED = [
    LabeledSpan(0, 13, "PERSON"),  # title included: wrong boundary for exact, right for overlap
    LabeledSpan(19, 28, "PERSON"),  # right place, wrong label
    LabeledSpan(41, 48, "MONEY_AMOUNT"),  # on an ignored region for span scoring, a mask for TAB
]


def test_fixture_offsets() -> None:
    assert [TEXT[g.start : g.end] for g in DOC.gold] == ["John Smith", "Acme Corp", "Oslo"]
    assert TEXT[41:48] == "EUR 100"


def test_evaluate_span_and_tab_measures() -> None:
    spans, tab = evaluate([DOC], [PRED])
    exact, overlap = spans["exact"].by_label, spans["overlap"].by_label
    assert (exact[ALL].pred_correct, exact[ALL].pred_total, exact[ALL].gold_found) == (0, 2, 0)
    assert (overlap[ALL].pred_correct, overlap[ALL].pred_total, overlap[ALL].gold_found) == (1, 2, 1)
    assert (overlap[ANY].pred_correct, overlap[ANY].gold_found, overlap[ANY].gold_total) == (2, 2, 3)
    assert (tab.direct.gold_found, tab.direct.gold_total) == (1, 1)
    assert (tab.quasi.gold_found, tab.quasi.gold_total) == (1, 2)  # the amount is masked, Oslo is not
    # masked tokens: Mr John Smith Acme Corp EUR 100 -> Mr (in the DIRECT mention), John, Smith, EUR, 100 are right
    assert (tab.tokens.pred_correct, tab.tokens.pred_total) == (5, 7)


def test_tables_show_every_system_and_label() -> None:
    spans, tab = evaluate([DOC], [PRED])
    table = span_table("[demo] overlap match", {"a": spans["overlap"], "b": spans["overlap"]})
    rows = [line.split()[0] for line in table.splitlines()[2:]]
    assert rows == ["LOCATION", "ORGANIZATION", "PERSON", "ALL", "ANY"]
    assert all(line.count("|") == 1 for line in table.splitlines() if not line.startswith("-"))
    text = tab_table({"a": tab})
    assert "entity recall DIRECT" in text and "0.714" in text  # token precision 5/7
