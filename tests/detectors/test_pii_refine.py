"""pii_refine on hand-made findings: each rule fires where it should and leaves everything else alone."""

from __future__ import annotations

import pytest

from screener.detect.pii_refine import refine
from screener.model import Category, Evidence, Finding, Span
from screener.text.normalize import normalize


def model(text: str, phrase: str, entity: str, rule: str = "PII101", nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Finding(
        rule, Category.PERSONAL_DATA, Span(start, start + len(phrase)), 0.85,
        Evidence(detector="pii", method="SpacyRecognizer", entity=entity),
    )  # fmt: skip


def spans(text: str, findings: list[Finding]) -> list[tuple[str, str]]:
    return [(text[f.span.start : f.span.end], f.entity) for f in refine(findings, normalize(text), None)]


@pytest.mark.parametrize(
    ("text", "phrase", "entity", "expected"),
    [
        ("He wrote to the Ministry of Finance of Ruritania.", "the Ministry of Finance of Ruritania", "ORGANIZATION",
         [("Ministry of Finance of Ruritania", "ORGANIZATION")]),
        ("It was Dana Whitfield's report.", "Dana Whitfield's", "PERSON", [("Dana Whitfield", "PERSON")]),
        ("The applicant, Mrs Dana Whitfield, appealed.", "Dana Whitfield", "PERSON",
         [("Mrs Dana Whitfield", "PERSON")]),
        ("Signed by Dr. Ivo Marsh today.", "Ivo Marsh", "PERSON", [("Dr. Ivo Marsh", "PERSON")]),
        ("The Ruritanian Government replied.", "The Ruritanian Government", "ORGANIZATION", []),
        ("The case went to the Grand Chamber.", "the Grand Chamber", "ORGANIZATION", []),
        ("The United Kingdom Government replied.", "The United Kingdom Government", "ORGANIZATION", []),
        ("She moved to the United States.", "the United States", "LOCATION", [("United States", "LOCATION")]),
        ("She sued Kingdom Logistics Ltd.", "Kingdom Logistics Ltd", "ORGANIZATION",
         [("Kingdom Logistics Ltd", "ORGANIZATION")]),
        ("The Supreme Court of Justice ruled.", "The Supreme Court of Justice", "ORGANIZATION", []),
        ("The Kestrel Regional Court ruled.", "The Kestrel Regional Court", "ORGANIZATION",
         [("Kestrel Regional Court", "ORGANIZATION")]),
        ("under Articles 6 § 1 of it", "Articles 6 § 1", "PERSON", []),
        ("as amended by Law no. 4/2001", "Law", "PERSON", []),
        ("Two days later he left.", "Two days later", "DATE_TIME", []),
        ("He paid it monthly.", "monthly", "DATE_TIME", []),
        ("He was sentenced to three years.", "three years", "DATE_TIME", [("three years", "DATE_TIME")]),
        ("He left on 3 May 2001.", "3 May 2001", "DATE_TIME", [("3 May 2001", "DATE_TIME")]),
        ("Here is my SSN for the form.", "SSN", "ORGANIZATION", []),
        ("THE FACTS\nThe applicant was born in 1960.", "FACTS", "ORGANIZATION", []),
        ("She joined NATO in 1999.", "NATO", "ORGANIZATION", [("NATO", "ORGANIZATION")]),
        ("She met JOHN SMITH there.", "JOHN SMITH", "PERSON", [("JOHN SMITH", "PERSON")]),
        ("I will be back in a couple of months.", "a couple of months", "DATE_TIME", []),
        ("My name is Rubija and I sing.", "Rubija", "ORGANIZATION", [("Rubija", "PERSON")]),
        ("She moved to Rubija last year.", "Rubija", "LOCATION", [("Rubija", "LOCATION")]),
    ],
    ids=[
        "leading-article", "possessive", "title-joins", "title-with-dot", "government-by-nationality",
        "grand-chamber", "government-by-country", "country-as-place-kept", "company-kept",
        "generic-court", "named-court-kept", "citation-article", "citation-law",
        "relative-later", "frequency", "duration-kept", "calendar-date-kept", "everyday-abbreviation",
        "all-caps-heading", "acronym-in-prose-kept", "all-caps-name-kept", "vague-duration", "name-cue-relabels",
        "no-cue-keeps-label",
    ],
)  # fmt: skip
def test_model_findings(text: str, phrase: str, entity: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, [model(text, phrase, entity)]) == expected



@pytest.mark.parametrize(
    ("text", "phrase", "entity", "expected"),
    [
        ("Reconciliations are done in more than a week.", "Reconciliations", "ORGANIZATION", []),
        ("Reconciliations are done in more than a week.", "more than a week", "DATE_TIME", []),
        ("It took forty minutes.", "forty minutes", "DATE_TIME", []),
        ("The Gini coefficient rose.", "Gini", "PERSON", []),
        ("Field report follows. The Team met twice.", "Field report", "PERSON", []),
        ("The team met twice a week.", "twice a week", "DATE_TIME", []),
        ("Meetings ran for half an hour.", "half an hour", "DATE_TIME", []),
        ("Within the 60-day time-limit he appealed.", "60-day", "DATE_TIME", []),
        ("It was checked every second.", "every second", "DATE_TIME", []),
        ("token_count: 4096", "4096", "DATE_TIME", []),
        ("He was born in 1961.", "1961", "DATE_TIME", [("1961", "DATE_TIME")]),
        ("Fifth, that his age is 49.", "49", "DATE_TIME", [("49", "DATE_TIME")]),
        ("Onboarding lasted less than a month.", "less than a month", "DATE_TIME", []),
        ("Investments grew. Partnerships followed.", "Partnerships", "ORGANIZATION", []),
        ("We fitted a Poisson distribution.", "Poisson", "PERSON", []),
        ("Dana Whitfield signed it.", "Dana Whitfield", "PERSON", [("Dana Whitfield", "PERSON")]),
        ("Ludwig van Beethoven wrote it.", "Ludwig van Beethoven", "PERSON",
         [("Ludwig van Beethoven", "PERSON")]),
        ("Constance replied on Monday.", "Constance", "PERSON", [("Constance", "PERSON")]),
        ("She sued Global Communications Ltd.", "Global Communications Ltd", "ORGANIZATION",
         [("Global Communications Ltd", "ORGANIZATION")]),
        ("He was detained for three days.", "three days", "DATE_TIME", [("three days", "DATE_TIME")]),
        ("Mr Poisson replied.", "Poisson", "PERSON", [("Mr Poisson", "PERSON")]),
        ("He was held at Kestrel garrison.", "Kestrel garrison", "PERSON", [("Kestrel garrison", "PERSON")]),
        ("It sat in the unladen lorry.", "unladen lorry", "PERSON", []),
        ("my name is lena andersson.", "lena andersson", "PERSON", [("lena andersson", "PERSON")]),
        ("they had 3: silvana, adam and chad.", "silvana", "PERSON", [("silvana", "PERSON")]),
        ("To: Dana Whitfield / NA / Northwind\ncc: the team", "Dana Whitfield / NA / Northwind\ncc", "PERSON",
         [("Dana Whitfield / NA / Northwind\ncc", "PERSON")]),
    ],
    ids=["plural-noun-at-start", "more-than-a-week", "forty-minutes", "eponym", "lower-case-word-in-name",
         "frequency", "half-an-hour", "adjectival-period", "every-second", "number-not-a-year", "year-kept", "age-kept",
         "less-than-a-month",
         "plural-noun-after-sentence", "eponym-distribution", "name-at-start-kept", "particle-kept",
         "name-with-noun-ending-kept", "noun-inside-firm-kept", "counted-days-kept", "surname-alone-kept",
         "mid-sentence-place-kept", "small-letter-person", "uncased-text-name-kept", "uncased-list-name-kept",
         "header-value-after-colon-kept"],
)  # fmt: skip
def test_everyday_nouns_and_durations_are_not_personal_data(
    text: str, phrase: str, entity: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text, [model(text, phrase, entity)]) == expected

def test_pattern_findings_pass_unchanged() -> None:
    text = "Mail the Court at court@example.com"
    f = Finding(
        "PII110", Category.PERSONAL_DATA, Span(18, 35), 1.0,
        Evidence(detector="pii", method="EmailRecognizer", entity="EMAIL_ADDRESS"),
    )  # fmt: skip
    other = Finding(
        "MRK301", Category.MARKING, Span(0, 4), 0.9, Evidence(detector="markings", method="regex", entity="MARKING")
    )
    assert refine([f, other], normalize(text), None) == [other, f]


def test_longer_finding_of_same_entity_absorbs_the_shorter() -> None:
    text = "lodged by Mr Evrenos Onen on 3 May"
    short = model(text, "Onen", "PERSON")
    long_ = Finding(
        "PII151", Category.PERSONAL_DATA, Span(10, 25), 0.85,
        Evidence(detector="pii-rules", method="regex", entity="PERSON"),
    )  # fmt: skip
    assert refine([short, long_], normalize(text), None) == [long_]


def test_overlapping_findings_of_different_entities_both_stay() -> None:
    text = "Call Acme Bank on Monday"
    a = model(text, "Acme Bank", "ORGANIZATION")
    b = model(text, "Bank on Monday", "DATE_TIME")
    assert len(refine([a, b], normalize(text), None)) == 2


def test_harmless_essay_is_allowed(engine) -> None:  # type: ignore[no-untyped-def]
    from screener.model import Verdict

    essay = ("Reconciliations are done in more than a week. It took forty minutes to agree the figures.\n"
             "Field report follows: the team met twice a week for about three hours.")
    assert engine.screen(essay).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Config: retries set to three for the nightly job.", "Config", []),
        ("Summary: the migration finished on time.", "Summary", []),
        ("Notes:\n  retries: 3", "Notes", []),
        ("  - **Agenda:** quarterly review", "Agenda", []),
        ("1. Owner: to be named", "Owner", []),
        ("Kubeconfig: copied from the kubeconfig of staging", "Kubeconfig", []),
        ("Dana: I think we should ship it on Friday.", "Dana", [("Dana", "PERSON")]),
        ("Owner: Dana Whitfield", "Dana Whitfield", [("Dana Whitfield", "PERSON")]),
        ("We asked Config: no answer.", "Config", [("Config", "PERSON")]),
        ("Config - retries set to three", "Config", [("Config", "PERSON")]),
        ("From: paul.avery@example.com\nPaul:\nThanks for the call.", "Paul", [("Paul", "PERSON")]),
    ],
    ids=["config-label", "summary-label", "label-then-block", "bullet-bold-label", "numbered-label",
         "word-used-in-small-letters", "speaker-label-kept", "name-after-label-kept", "mid-line-kept",
         "no-colon-kept", "salutation-name-in-address-kept"],
)  # fmt: skip
def test_field_label_is_not_a_person(text: str, phrase: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, [model(text, phrase, "PERSON")]) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Config: retries set to three for the nightly job.", []),
        ("Config: retries set to three.\nOwner: Dana Whitfield", ["Dana Whitfield"]),
    ],
    ids=["quoted-config", "label-and-owner"],
)
def test_field_labels_through_the_engine(engine, text: str, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    found = engine.screen(text).findings
    assert [text[f.span.start : f.span.end] for f in found if f.entity == "PERSON"] == names
