"""Redacted output never leaks: partial spans take the whole identifier run; removals leave a placeholder."""

from __future__ import annotations

import re

import pytest

from screener.model import Category, Evidence, Finding, Span
from screener.redact import Redactor, widen


def _at(text: str, part: str, rule: str = "PII107", entity: str = "DATE_TIME",
        category: Category = Category.PERSONAL_DATA, nth: int = 0) -> Finding:
    """A finding over the ``nth`` occurrence of ``part`` in ``text`` (a detector's partial span)."""
    starts = [m.start() for m in re.finditer(re.escape(part), text)]
    start = starts[nth]
    return Finding(rule, category, Span(start, start + len(part)), 0.9, Evidence("test", "unit", entity))


# (text, identifier that must vanish whole, partial spans a detector returned)
PARTIAL = [
    pytest.param("Card 2223 0031 2200 3222 on file.", "2223 0031 2200 3222", ["2223", "2200 3222"],
                 id="card-two-date-halves"),
    pytest.param("Card 2223-0031-2200-3222 on file.", "2223-0031-2200-3222", ["0031-2200"], id="card-dashes-middle"),
    pytest.param("Card 4111 1111 1111 1111 exp 12/30.", "4111 1111 1111 1111", ["4111 1111 1111"],
                 id="card-last-group-missed"),
    pytest.param("Pay to Gb82 West 1234 5698 7654 32 today.", "Gb82 West 1234 5698 7654 32", ["1234 5698"],
                 id="iban-mixed-case-middle"),
    pytest.param("IBAN DE89 3704 0044 0532 0130 00 please.", "DE89 3704 0044 0532 0130 00", ["0532 0130 00"],
                 id="iban-tail-only"),
    pytest.param("Call +44 20 7946 0000 after nine.", "44 20 7946 0000", ["20 7946"], id="phone-middle"),
    pytest.param("Call 555-0134-2209 after nine.", "555-0134-2209", ["0134"], id="phone-dashes"),
    pytest.param("Account 12-345-678 at the branch.", "12-345-678", ["345"], id="account-dashes"),
    pytest.param("Account 0012345678 at the branch.", "0012345678", ["2345"], id="account-inside-word"),
    pytest.param("Ticket NW 2024 0042 7 was closed.", "2024 0042 7", ["2024"], id="reference-year-prefix"),
    pytest.param("Ref KST-2024-0042-A1 was closed.", "KST-2024-0042-A1", ["2024", "0042"],
                 id="reference-letters-and-digits"),
]


@pytest.mark.parametrize(("text", "identifier", "parts"), PARTIAL)
def test_partial_spans_never_leave_part_of_an_identifier(text: str, identifier: str, parts: list[str]) -> None:
    out = Redactor().redact(text, [_at(text, p) for p in parts])
    digit_tokens = [t for t in re.split(r"[\s-]+", identifier) if any(c.isdigit() for c in t)]
    assert digit_tokens
    for token in digit_tokens:
        assert token not in out, (token, out)
    assert out.count("<") == 1, out  # one placeholder for the whole run, the halves merged


@pytest.mark.parametrize(
    ("text", "part", "kept"),
    [
        pytest.param("In 2019 we met Dana.", "2019", "In <DATE_TIME_1> we met Dana.", id="year-stops-at-words"),
        pytest.param("Call 0207946 0000.  Then 12 more.", "0207946", "Call <DATE_TIME_1>.  Then 12 more.",
                     id="run-stops-at-punctuation"),
        pytest.param("Dana Whitfield 2019", "Dana", "<DATE_TIME_1> Whitfield 2019", id="no-digit-no-run"),
        pytest.param("codes 1234  5678", "1234", "codes <DATE_TIME_1>  5678", id="two-spaces-end-a-run"),
    ],
)
def test_runs_end_where_identifiers_end(text: str, part: str, kept: str) -> None:
    assert Redactor().redact(text, [_at(text, part)]) == kept


def test_widen_takes_whole_words() -> None:
    assert widen("the account 0012345678 is closed", Span(15, 18)) == Span(12, 22)


@pytest.mark.parametrize(
    ("rule", "entity", "category"),
    [
        pytest.param("FRG501", "VERBATIM_PASSAGE", Category.FRAGMENT, id="verbatim"),
        pytest.param("FRG502", "EDITED_PASSAGE", Category.FRAGMENT, id="paraphrase"),
        pytest.param("FRG503", "FINGERPRINTED_PASSAGE", Category.FRAGMENT, id="pack"),
    ],
)
def test_removed_fragment_leaves_a_placeholder(rule: str, entity: str, category: Category) -> None:
    text = "Section 3. Every model is validated by an independent team before use."
    finding = Finding(rule, category, Span(0, len(text) - 1), 0.9, Evidence("test", "unit", entity))
    out = Redactor({rule: "redact"}).redact(text, [finding])
    assert out == "<PROPRIETARY_FRAGMENT_1>."


def test_redact_operator_names_the_category_for_every_category() -> None:
    text = "Dana Whitfield and Northwind"
    findings = [Finding("PII101", Category.PERSONAL_DATA, Span(0, 14), 0.9, Evidence("t", "u", "PERSON")),
                Finding("EMP201", Category.EMPLOYER, Span(19, 28), 0.9, Evidence("t", "u", "EMPLOYER_NAME"))]
    out = Redactor({"personal-data": "redact", "employer-identifier": "redact"}).redact(text, findings)
    assert out == "<PERSONAL_DATA_1> and <EMPLOYER_IDENTIFIER_1>"


def _tags(payload: str) -> str:
    """``payload`` written in Unicode tag characters (U+E0000 + ASCII): invisible when displayed."""
    return "".join(chr(0xE0000 + ord(c)) for c in payload)


# (text with a tag-character carrier, visible words that must stay, other findings as (part, rule, entity))
CARRIERS = [
    pytest.param("Invoice total 500" + _tags("Northwind") + "USD paid.", ["500", "USD", "paid"], [],
                 id="carrier-between-number-and-word"),
    pytest.param("Invisible: ok" + _tags("pw=hunter22"), ["Invisible", "ok"], [], id="carrier-after-a-word"),
    pytest.param(_tags("Kestrel") + "Review the ledger.", ["Review", "the"], [], id="carrier-before-a-word"),
    pytest.param("Mail jane@example.com" + _tags("Northwind") + " now", ["Mail", "now"],
                 [("jane@example.com", "PII110", "EMAIL_ADDRESS")], id="carrier-after-an-email"),
]


@pytest.mark.parametrize(("text", "kept", "others"), CARRIERS)
def test_a_carrier_never_takes_the_visible_words_it_touches(text: str, kept: list[str],
                                                            others: list[tuple[str, str, str]]) -> None:
    """A finding that starts or ends on a non-word character (a hidden-text carrier) is not widened to the words
    it touches, and does not merge with a finding that merely touches it: each keeps its own placeholder."""
    start = next(i for i, c in enumerate(text) if 0xE0000 <= ord(c) <= 0xE007F)
    end = start
    while end < len(text) and 0xE0000 <= ord(text[end]) <= 0xE007F:
        end += 1
    carrier = Finding("MRK390", Category.MARKING, Span(start, end), 1.0, Evidence("hidden", "tags", "HIDDEN_TEXT"))
    found = [carrier, *(_at(text, part, rule, entity) for part, rule, entity in others)]
    out = Redactor().redact(text, found)
    for word in kept:
        assert word in out, (word, out)
    assert "<HIDDEN_TEXT_1>" in out, out
    for _, _, entity in others:
        assert f"<{entity}_1>" in out, out
    assert not any(0xE0000 <= ord(c) <= 0xE007F for c in out)
