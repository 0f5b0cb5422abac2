"""Terms, keyed shingle hashes and the winnowing guarantee."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.fingerprint.shingle import guarantee, key_id, shingle_hashes, terms_of, winnow

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
