"""Terms, keyed shingle hashes and the winnowing guarantee."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.fingerprint.shingle import fold_word, guarantee, key_id, shingle_hashes, terms_of, winnow, words_of

KEY = b"k" * 32
OTHER_KEY = b"q" * 32


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Aurora desk quotes bonds at eleven basis points.", "the AURORA desk quotes bonds at eleven basis points"),
        ("quotes municipal\nbonds at a spread", "quotes municipal bonds at a spread"),
        ("spread, of eleven; basis points!", "spread of eleven basis points"),
        ("the desk quotes bonds", "desk quotes bonds"),
    ],
    ids=["case", "reflow", "punctuation", "function-words"],
)
def test_terms_ignore_surface_changes(a: str, b: str) -> None:
    assert terms_of(a).terms == terms_of(b).terms


SENTENCE = "The analyst holds the wire and calls back an authorised signer to confirm the new account details."


def _swap(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


@pytest.mark.parametrize(
    "table",
    [{"o": "0"}, {"e": "3"}, {"a": "4"}, {"i": "1"}, {"s": "5"}, {"s": "$"}, {"t": "7"}, {"a": "@"},
     {"o": "0", "e": "3", "a": "@", "s": "$", "i": "!"}, {"o": "0", "e": "3", "a": "4", "s": "5", "i": "1", "t": "7"}],
    ids=["o-0", "e-3", "a-4", "i-1", "s-5", "s-dollar", "t-7", "a-at", "mixed-symbols", "mixed-digits"],
)
def test_look_alike_substitutions_keep_the_terms(table: dict[str, str]) -> None:
    # A word written in digits alone ("4" for "a", "70" for "to") cannot be told from a number: left out here.
    kept = [w for w in SENTENCE.split() if any(c.isalpha() for c in _swap(w, table))]
    plain, disguised = " ".join(kept), _swap(" ".join(kept), table)
    assert disguised != plain
    assert terms_of(disguised).terms == terms_of(plain).terms
    assert words_of(disguised).words == words_of(plain).words


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("pr0c3dur3", "procedure"), ("7r3473d", "treated"), ("p@$$w0rd", "password"), ("d!sclose", "disclose"),
        ("t0", "to"), ("2024", "2024"), ("5,000", "5,000"), ("fy2024", "fy2024"), ("usd500", "usd500"),
        ("1000x", "1000x"), ("$5", "5"), ("100$", "100"), ("$5m", "5m"), ("10am", "10am"), ("1st", "1st"),
        ("30bps", "30bps"), ("1990s", "1990s"), ("covid19", "covidi9"), ("0f", "of"), ("4nd", "and"),
        ("procedure", "procedure"),
    ],
    ids=["digits", "digit-runs-between-letters", "symbols", "bang", "short-word", "year", "amount", "fiscal-year",
         "currency-amount", "multiplier", "dollar-amount", "trailing-dollar", "amount-with-unit", "time", "ordinal",
         "basis-points", "decade", "name-with-number", "leading-digit", "leading-digit-and", "plain"],
)
def test_fold_word(word: str, folded: str) -> None:
    assert fold_word(word) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [("at 10am on 1 March", "at 11am on 1 March"), ("Wires above $5 million", "Wires above $8 million"),
     ("FY2024 revenue", "FY2023 revenue"), ("within 48 hours", "within 18 hours")],
    ids=["time", "amount", "fiscal-year", "count"],
)
def test_numbers_that_differ_keep_different_terms(a: str, b: str) -> None:
    assert terms_of(a).terms != terms_of(b).terms


@pytest.mark.parametrize(
    ("text", "words"),
    [("Done! Next step", ["done", "next", "step"]), ("great!Northwind", ["great", "northwind"]),
     ("$NWBK fell", ["snwbk", "fell"]), ("cost $5m", ["cost", "5m"])],
    ids=["bang-after-word", "bang-before-capital", "ticker", "amount-with-unit"],
)
def test_symbols_stay_punctuation_outside_disguised_words(text: str, words: list[str]) -> None:
    assert list(words_of(text).words) == words


def test_terms_keep_offsets_of_words() -> None:
    text = "Quote  Bonds, Today"
    t = terms_of(text)
    assert [text[s:e] for s, e in zip(t.starts, t.ends, strict=True)] == ["Quote", "Bonds", "Today"]


def test_hashes_are_keyed_blake2b_not_python_hash() -> None:
    terms = terms_of("aurora desk quotes municipal bonds").terms
    hashes = shingle_hashes(terms, 3, KEY)
    first = "\x1f".join(sorted(terms[:3])).encode()
    expected = int.from_bytes(hashlib.blake2b(first, digest_size=8, key=KEY).digest(), "big", signed=True)
    assert hashes[0] == expected
    assert shingle_hashes(terms, 3, KEY) == hashes  # deterministic across calls
    assert set(shingle_hashes(terms, 3, OTHER_KEY)).isdisjoint(hashes)  # another key, other fingerprints
    assert all(-(2**63) <= h < 2**63 for h in hashes)


@pytest.mark.parametrize(("a", "b", "same"), [(KEY, KEY, True), (KEY, OTHER_KEY, False)], ids=["same", "other"])
def test_key_id_names_a_key_without_revealing_it(a: bytes, b: bytes, same: bool) -> None:
    assert (key_id(a) == key_id(b)) is same
    assert key_id(a) != a.hex()[:16]


@pytest.mark.parametrize(
    ("hashes", "w", "expected"),
    [
        ([], 4, []),
        ([5, 3, 9], 4, [(1, 3)]),
        ([7, 7, 7], 2, [(1, 7), (2, 7)]),
        ([4, 1, 6, 2, 8, 3, 0], 3, [(1, 1), (3, 2), (6, 0)]),
    ],
    ids=["empty", "shorter-than-window", "ties-rightmost", "sliding"],
)
def test_winnow_table(hashes: list[int], w: int, expected: list[tuple[int, int]]) -> None:
    assert winnow(hashes, w) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=60), st.integers(1, 8))
def test_every_window_holds_a_fingerprint(hashes: list[int], w: int) -> None:
    chosen = {p for p, _ in winnow(hashes, w)}
    for start in range(max(1, len(hashes) - w + 1)):
        assert chosen & set(range(start, start + w))


WORDS = st.sampled_from(
    ["ledger", "spread", "quote", "desk", "bond", "client", "audit", "trigger", "margin", "curve", "limit",
     "escrow", "tariff", "vessel", "harbor"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=0, max_size=30), st.lists(WORDS, min_size=6, max_size=20),
       st.lists(WORDS, min_size=0, max_size=30))
def test_shared_passage_of_t_terms_shares_a_fingerprint(pre: list[str], shared: list[str], post: list[str]) -> None:
    k, w = 3, 4
    assert len(shared) >= guarantee(k, w)
    doc = " ".join(["alpha", *pre, *shared, *post])
    query = " ".join(["omega", *shared, "zulu"])
    doc_fp = {h for _, h in winnow(shingle_hashes(terms_of(doc).terms, k, KEY), w)}
    query_fp = {h for _, h in winnow(shingle_hashes(terms_of(query).terms, k, KEY), w)}
    assert doc_fp & query_fp
