"""The evasion suite: every disguise crossed with every kind of identifier, plus guards that ordinary words
under the same disguises stay clean. The same table is printed by bench/evasion_table.py."""

from __future__ import annotations

import pytest

from screener.ruleset.disguise import DISGUISES, disguised_text
from tests.detectors.rules_support import RULES, Run

IDENTIFIERS = {  # kind -> (identifier from the northwind demo profile, rule it must fire)
    "legal-name": ("Northwind Bank plc", "EMP201"),
    "alias": ("Northwind", "EMP201"),
    "ticker": ("NWBK", "EMP202"),
    "email": ("ops-desk@northwind-bank.example.com", "EMP203"),
    "intranet-host": ("wiki.corp.northwind-bank.example.com", "EMP204"),
    "codename": ("Project Kestrel", "EMP205"),
    "system": ("LedgerWatch", "EMP206"),
    "client": ("Harbourline Shipping", "EMP207"),
    "ticket-number": ("INC-NWB-204511", "EMP208"),
    "employee-id": ("NW-E-0041287", "EMP209"),
}
CASES = [(d, k) for d in DISGUISES for k in IDENTIFIERS if disguised_text(d, IDENTIFIERS[k][0]) is not None]
NOT_APPLICABLE = [(d, k) for d in DISGUISES for k in IDENTIFIERS if (d, k) not in CASES]


@pytest.mark.parametrize(("disguise", "kind"), CASES, ids=[f"{d}-x-{k}" for d, k in CASES])
def test_disguised_identifier_is_found(run_employers: Run, disguise: str, kind: str) -> None:
    identifier, code = IDENTIFIERS[kind]
    text = disguised_text(disguise, identifier)
    assert text is not None
    findings = [f for f in run_employers(text, ("northwind",)) if f.rule_id == code]
    assert findings, f"{disguise} hides the {kind}"
    # The span lies in the original text and covers the disguised identifier, not the carrier words.
    covered = "".join(text[f.span.start:f.span.end] for f in findings)
    assert "Last year" not in covered and "rollout" not in covered
    # Redacting the reported spans of the ORIGINAL text removes the identifier: a rescan finds nothing.
    redacted = text
    for f in sorted(run_employers(text, ("northwind",)), key=lambda f: -f.span.start):
        redacted = redacted[:f.span.start] + "<X>" + redacted[f.span.end:]
    assert run_employers(redacted, ("northwind",)) == []


def test_not_applicable_pairs_are_the_expected_ones() -> None:
    # (at)/(dot) applies only to addresses and host names; leetspeak leaves numbers alone (digits are the number).
    assert {d for d, _ in NOT_APPLICABLE} == {"at-dot", "leetspeak"}
    assert {k for d, k in NOT_APPLICABLE if d == "leetspeak"} == {"ticket-number", "employee-id"}


ORDINARY = [
    "The north wind blew across the bank of the river.",
    "Gold prices rose while the man waited.",
    "A kestrel hovered above the project site.",
    "We kept watch over the ledger all night.",
    "Shipping lines in the harbour were busy.",
    "Send it to someone at example dot com.",
    "Incident 204511 was closed.",
]
# Letter spacing erases word gaps once whitespace runs are collapsed, so "n o r t h  w i n d" IS the disguised
# alias: that one pair is a true hit, not a guard.
GUARDS = [(d, s) for d in DISGUISES for s in ORDINARY
          if d != "base64" and not (d == "letter-spacing" and s is ORDINARY[0])]


@pytest.mark.parametrize(("disguise", "sentence"), GUARDS, ids=[f"{d}-{ORDINARY.index(s)}" for d, s in GUARDS])
def test_ordinary_words_stay_clean_under_every_disguise(run_employers: Run, disguise: str, sentence: str) -> None:
    words = sentence.split(" ")
    form = DISGUISES[disguise]
    disguised = " ".join(w if (x := form(w)) is None else x for w in words)
    assert run_employers(disguised, ("northwind",)) == []


def _profile_terms() -> list[tuple[str, str, str]]:
    from screener.ruleset.employers import WORD_FIELDS, load_profiles

    out = []
    for p in load_profiles(RULES / "employers").profiles:
        for field in (*WORD_FIELDS, "abbreviations", "tickers"):
            out.extend((p.id, field, term) for term in getattr(p, field))
    return out


TERMS = _profile_terms()
TERM_DISGUISES = ("plain", "zero-width", "cyrillic", "fullwidth", "leetspeak", "letter-spacing", "base64",
                  "html-entity", "url-encoded")


@pytest.mark.parametrize("disguise", TERM_DISGUISES)
def test_every_profile_term_survives_each_disguise(run_employers: Run, disguise: str) -> None:
    missed = []
    for profile, field, term in TERMS:
        text = disguised_text(disguise, term)
        if text is None:
            continue
        if not any(f.evidence.employer == profile for f in run_employers(text, (profile,))):
            missed.append(f"{profile}/{field}")
    assert missed == []
