"""A damaged, edited or foreign fingerprint store is refused or makes the submission UNSCANNED, never "no matches".

Each tampering is applied to a copy of a small synthetic index (or pack) built in the test; the outcome is what
screening a verbatim quote of a protected document gives: ``refused E4xx`` (the store cannot be opened, the run
stops with exit 2), ``unscanned`` (the submission fails closed), or the verdict and rule codes. The intact store
gives ``block FRG501``.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.detect.fragments import FragmentDetector, build_detector
from screener.engine import Screener
from screener.errors import ScreenerError
from screener.fingerprint import checks, corpus
from screener.fingerprint.manifest import FORMAT_VERSION
from screener.model import Verdict
from screener.policy import Policy
from screener.ruleset.loader import RuleSet, load_rules
from tests.fragments_support import KEY, PRICING, write_corpus

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "fragments.yaml"
# the decision paragraph of the pricing minutes, quoted word for word
QUOTE = PRICING.split("## Decision on the Aurora bond desk")[1].split("## Escalation")[0].strip()
INTACT = "block FRG501"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules([RULES])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index and a pack (with its key file) of the synthetic corpus, built once; tests tamper with copies."""
    root = tmp_path_factory.mktemp("pristine")
    docs = write_corpus(root)
    corpus.build([docs], "halvorsen", root / "h.db", key=KEY)
    (root / "h.key").write_text(KEY.hex(), encoding="ascii")
    corpus.fingerprint([docs], "halvorsen", root / "h.pack", KEY, expires=date(2999, 1, 1))
    return root


def copy_store(pristine: Path, tmp_path: Path, name: str = "h.db") -> Path:
    for f in pristine.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    return tmp_path / name


def outcome(path: Path, rules: RuleSet, text: str = QUOTE) -> str:
    """What screening ``text`` against the store at ``path`` gives (see the module docstring)."""
    config = ScreenerConfig(corpora_dir=path.parent, corpora=(Path(path.name),))
    try:
        detector = build_detector(config, rules)
    except ScreenerError as exc:
        return f"refused {exc.code}"
    assert isinstance(detector, FragmentDetector)
    try:
        engine = Screener(config, rules, Policy.load(config.policy_file()), [detector], None)
        result = engine.screen(text)
    finally:
        detector.close()
    if result.verdict is Verdict.UNSCANNED:
        return "unscanned"
    codes = sorted({d.finding.rule_id for d in result.decisions})
    return " ".join([result.verdict.value, *codes])


def failed_closed(result: str) -> bool:
    return result.startswith(("refused E4", "unscanned"))


def verify_fails(path: Path) -> bool:
    """`corpus verify` refuses the store or lists problems."""
    try:
        return bool(corpus.verify(path)[1])
    except ScreenerError as exc:
        return exc.code.startswith("E4")


def sql(*statements: str) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        with sqlite3.connect(path) as conn:
            for s in statements:
                conn.execute(s)
        conn.close()

    return run


def dump(path: Path) -> list[str] | None:
    """The logical content of an SQLite file (None when SQLite cannot read all of it)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            lines = list(conn.iterdump())
        conn.close()
        return lines
    except sqlite3.DatabaseError:
        return None


def test_the_intact_store_finds_the_quote(pristine: Path, tmp_path: Path, rules: RuleSet) -> None:
    assert outcome(copy_store(pristine, tmp_path), rules) == INTACT
    assert outcome(copy_store(pristine, tmp_path, "h.pack"), rules) == "block FRG503"


# -- byte damage at random pages --------------------------------------------------------------------------------


def used_bytes(data: bytes, page: int) -> tuple[int, int]:
    """The range of a page that holds records: a b-tree page's cell content area (its unused middle holds
    nothing), an overflow page's payload."""
    base = page * 4096
    header = base + (100 if page == 0 else 0)
    if data[header] in (2, 5, 10, 13):  # b-tree pages
        start = int.from_bytes(data[header + 5 : header + 7], "big") or 65536
        return base + min(start, 4095), base + 4096
    return base + 4, base + 4096


def damage_page(seed: int) -> Callable[[Path], None]:
    """Even seeds overwrite 1 to 600 bytes of a random page's records with random bytes, odd seeds flip one
    bit of them."""

    def run(path: Path) -> None:
        rng = random.Random(seed)
        data = bytearray(path.read_bytes())
        lo, hi = used_bytes(data, rng.randrange(len(data) // 4096))
        start = rng.randrange(lo, hi)
        if seed % 2:
            data[start] ^= 1 << rng.randrange(8)
        else:
            length = min(rng.randint(1, 600), hi - start)
            data[start : start + length] = rng.randbytes(length)
        path.write_bytes(bytes(data))

    return run


@pytest.mark.parametrize("seed", range(24), ids=[f"seed{s}" for s in range(24)])
def test_random_page_damage_never_reads_as_no_matches(pristine: Path, tmp_path: Path, rules: RuleSet,
                                                      seed: int) -> None:
    path = copy_store(pristine, tmp_path)
    before = dump(path)
    damage_page(seed)(path)
    result = outcome(path, rules)
    # a byte SQLite never reads (a freed cell) changes nothing: the store gives its intact answer
    harmless = dump(path) == before and result == INTACT
    assert failed_closed(result) or harmless, result
    assert harmless or verify_fails(path)


@pytest.mark.parametrize(
    "cut",
    [lambda n: n // 2, lambda n: n - 4096, lambda n: n - 1, lambda n: 100, lambda n: 0],
    ids=["half", "last-page", "one-byte", "header-only", "empty"],
)
def test_truncated_store_is_refused(pristine: Path, tmp_path: Path, rules: RuleSet,
                                    cut: Callable[[int], int]) -> None:
    path = copy_store(pristine, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: cut(len(data))])
    assert failed_closed(outcome(path, rules))
    assert verify_fails(path)


# -- edits that keep SQLite's own structure valid ---------------------------------------------------------------

def _flip_k_in_file(path: Path) -> None:
    """One bit of the file: the manifest record ('k', '3') becomes ('k', '7'); SQLite's structure stays valid."""
    data = bytearray(path.read_bytes())
    at = data.index(b"\x03\x0f\x0fk3")  # record header (3 bytes: two 1-char texts), then 'k', '3'
    data[at + 4] ^= 0x04
    path.write_bytes(bytes(data))


EDITS: dict[str, Callable[[Path], None]] = {
    "manifest-k-3-to-7": sql("UPDATE manifest SET value = '7' WHERE key = 'k'"),
    "manifest-k-bit-flipped-in-file": _flip_k_in_file,
    "manifest-window": sql("UPDATE manifest SET value = '5' WHERE key = 'window'"),
    "manifest-role-suppress": sql("UPDATE manifest SET value = 'suppress' WHERE key = 'role'"),
    "frequent-filled": sql("INSERT OR IGNORE INTO frequent SELECT DISTINCT hash, 1000 FROM postings"),
    "frequent-one-row": sql("INSERT OR IGNORE INTO frequent SELECT hash, 1000 FROM postings LIMIT 1"),
    "postings-shifted-counts-kept": sql("UPDATE postings SET hash = hash + 1"),
    "postings-deleted-count-edited": sql(
        "DELETE FROM postings WHERE doc = (SELECT id FROM docs WHERE ref = 'pricing_minutes.md')",
        "UPDATE manifest SET value = (SELECT count(*) FROM postings) WHERE key = 'postings'",
    ),
    "one-posting-moved-to-other-doc": sql(
        "UPDATE postings SET doc = 3 - doc WHERE (hash, doc, pos) IN (SELECT hash, doc, pos FROM postings LIMIT 1)"
    ),
    "docs-text-edited": sql("UPDATE docs SET text = replace(text, 'eleven', 'twelve')"),
    "docs-ids-swapped": sql("UPDATE docs SET id = -id", "UPDATE docs SET id = 3 + id"),
    "docs-sections-edited": sql("UPDATE docs SET sections = '[]'"),
    "docs-row-deleted-count-edited": sql(
        "DELETE FROM docs WHERE ref = 'pricing_minutes.md'",
        "UPDATE manifest SET value = '1' WHERE key = 'docs'",
    ),
}


@pytest.mark.parametrize("checked", ["in-full-at-open", "part-by-part"])
@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_edited_store_is_refused(pristine: Path, tmp_path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch,
                                 edit: Callable[[Path], None], checked: str) -> None:
    """Part by part is how a store larger than FULL_CHECK_BYTES is read: the parts the quote needs are checked
    as they are read, and the manifest, buckets and frequent tables at open."""
    if checked == "part-by-part":
        monkeypatch.setattr(checks, "FULL_CHECK_BYTES", 0)
    path = copy_store(pristine, tmp_path)
    edit(path)
    assert failed_closed(outcome(path, rules))
    assert verify_fails(path)


# -- wrong keys and foreign files -------------------------------------------------------------------------------

OTHER_KEY = bytes(range(100, 132))


def _index_key_replaced(path: Path) -> None:
    sql(f"UPDATE corpus_key SET key = x'{OTHER_KEY.hex()}'")(path)


def _index_key_and_key_id_replaced(path: Path) -> None:
    from screener.fingerprint.shingle import key_id

    sql(f"UPDATE corpus_key SET key = x'{OTHER_KEY.hex()}'",
        f"UPDATE manifest SET value = '{key_id(OTHER_KEY)}' WHERE key = 'key_id'")(path)


def _pack_key_replaced(path: Path) -> None:
    path.with_suffix(".key").write_text(OTHER_KEY.hex(), encoding="ascii")


def _other_tables(path: Path) -> None:
    path.unlink()
    sql("CREATE TABLE t(x)", "INSERT INTO t VALUES (1)")(path)


def _same_tables_no_rows(path: Path) -> None:
    sql("DELETE FROM manifest")(path)


def _text_file(path: Path) -> None:
    path.write_text("hash,doc,pos\n1,2,3\n" * 50, encoding="utf-8")


def _empty_file(path: Path) -> None:
    path.write_bytes(b"")


def _older_format(path: Path) -> None:
    sql(f"UPDATE manifest SET value = '{FORMAT_VERSION - 1}' WHERE key = 'format_version'")(path)


FOREIGN: dict[str, tuple[str, Callable[[Path], None]]] = {
    "index-key-replaced": ("h.db", _index_key_replaced),
    "index-key-and-key-id-replaced": ("h.db", _index_key_and_key_id_replaced),
    "pack-wrong-key-file": ("h.pack", _pack_key_replaced),
    "sqlite-of-other-tables": ("h.db", _other_tables),
    "store-tables-no-manifest": ("h.db", _same_tables_no_rows),
    "text-file": ("h.db", _text_file),
    "empty-file": ("h.db", _empty_file),
    "older-format-version": ("h.db", _older_format),
}


@pytest.mark.parametrize(("name", "damage"), list(FOREIGN.values()), ids=list(FOREIGN))
def test_wrong_key_or_foreign_file_is_refused(pristine: Path, tmp_path: Path, rules: RuleSet, name: str,
                                              damage: Callable[[Path], None]) -> None:
    path = copy_store(pristine, tmp_path, name)
    damage(path)
    result = outcome(path, rules)
    assert result.startswith("refused E4"), result
    assert verify_fails(path)


# -- the reproduction on a copy of the demo index -------------------------------------------------------


def test_demo_index_damaged_at_the_quoted_offset(tmp_path: Path) -> None:
    rules = load_rules([RULES])
    shutil.copy(ROOT / "corpora" / "demo.db", tmp_path / "demo.db")
    text = (ROOT / "corpora" / "demo" / "model_validation_standard.txt").read_text(encoding="utf-8")
    section = text[text.index("3. Performance thresholds") : text.index("4. Override monitoring")]
    assert outcome(tmp_path / "demo.db", rules, section) == INTACT
    with open(tmp_path / "demo.db", "r+b") as f:
        f.seek(15 * 4096 + 3000)
        f.write(b"\x07" * 1000)
    assert failed_closed(outcome(tmp_path / "demo.db", rules, section))
