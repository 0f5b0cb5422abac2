"""`screener corpus` sub-app, driven through Typer's CliRunner."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.commands.corpus import app
from screener.fingerprint import corpus as lib
from tests.fragments_support import ONBOARDING, PRICING, write_corpus

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def built(tmp_path: Path) -> Path:
    out = tmp_path / "h.db"
    code, _ = run("build", str(write_corpus(tmp_path)), "--name", "halvorsen", "--out", str(out))
    assert code == 0
    return out


def test_build_reports_each_file(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path)
    (docs / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    code, out = run("build", str(docs), "--name", "halvorsen", "--out", str(tmp_path / "h.db"))
    assert code == 1  # written, but a script must notice that it does not cover every file
    assert "2 added, 1 skipped" in out and "corrupt ZIP" in out and "1 file not indexed" in out
    assert "Aurora" not in out  # no document text on the terminal
    assert (tmp_path / "h.db").is_file()


@pytest.mark.parametrize("what", ["empty-folder", "only-unreadable", "only-unsupported"])
def test_a_build_that_indexes_nothing_fails_and_leaves_no_store(tmp_path: Path, what: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    if what == "only-unreadable":
        (docs / "blank.txt").write_text("   \n", encoding="utf-8")
    elif what == "only-unsupported":
        (docs / "memo.rtf").write_text("{\\rtf1 Halvorsen Aurora desk}", encoding="utf-8")
    code, out = run("build", str(docs), "--name", "x", "--out", str(tmp_path / "x.db"))
    assert code == 2 and "E421" in out and "holds no document" in out
    assert not (tmp_path / "x.db").exists()
    assert "Aurora" not in out


def test_files_of_formats_not_read_are_reported_not_left_out(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path)
    (docs / "notes.rtf").write_text("{\\rtf1 Aurora}", encoding="utf-8")
    (docs / "image.png").write_bytes(b"\x89PNG\r\n")
    code, out = run("build", str(docs), "--name", "halvorsen", "--out", str(tmp_path / "h.db"))
    assert code == 1 and "2 added, 2 skipped" in out and "2 files not indexed" in out
    assert "notes.rtf" in out and "image.png" in out and "'.rtf'" in out and "'.png'" in out


def test_scanning_against_an_index_without_documents_is_refused(tmp_path: Path) -> None:
    from cli import app as main_app

    lib.build([], "empty", tmp_path / "empty.db")
    sub = tmp_path / "sub.txt"
    sub.write_text("The Aurora desk quotes municipal bonds at eleven basis points.", encoding="utf-8")
    result = runner.invoke(main_app, ["scan", str(sub), "--corpus", str(tmp_path / "empty.db")])
    assert result.exit_code == 2 and "E422" in result.output and "holds no document" in result.output


def test_info_json_lists_manifest_and_documents(built: Path) -> None:
    code, out = run("info", str(built), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["manifest"]["name"] == "halvorsen" and data["manifest"]["k"] == str(lib.DEFAULT_K)
    assert sorted(d["id"] for d in data["documents"]) == ["onboarding_checklist.txt", "pricing_minutes.md"]


def test_add_remove_and_verify(built: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.md"
    extra.write_text(PRICING.replace("Aurora", "Borealis"), encoding="utf-8")
    assert run("add", str(built), str(extra))[0] == 0
    assert run("verify", str(built))[0] == 0
    code, out = run("remove", str(built), "extra.md", "ghost.md")
    assert code == 1 and "not in the index" in out and "ghost.md" in out
    code, out = run("verify", str(built))
    assert code == 0 and "ok (2 documents" in " ".join(out.split())


def test_verify_fails_on_tampering(built: Path) -> None:
    with sqlite3.connect(built) as conn:
        conn.execute("UPDATE docs SET text = 'changed' WHERE id = 1")
    code, out = run("verify", str(built))
    assert code == 2 and "E417" in out and "sha256" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("info", "nowhere.db"), "does not exist"),
        (("build", "nowhere.txt", "--name", "x", "--out", "{tmp}/x.db"), "holds no document"),
        (("build", "{tmp}", "--name", "x", "--out", "{tmp}/no/such/dir/x.db"), "cannot create"),
        (("fingerprint", "{tmp}", "--key-file", "{tmp}/k.key", "--out", "{tmp}/x.db"), "must name a .pack"),
        (("fingerprint", "{tmp}", "--key-file", "{tmp}/absent.key", "--out", "{tmp}/x.pack"), "cannot read key"),
    ],
    ids=["missing-store", "nothing-readable", "no-such-directory", "pack-suffix", "missing-key"],
)
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    (tmp_path / "a.txt").write_text(ONBOARDING, encoding="utf-8")
    code, out = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code == 2 and message in out and "Traceback" not in out


def test_fingerprint_pack_with_new_key(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path)
    key, pack = tmp_path / "h.key", tmp_path / "h.pack"
    code, out = run("fingerprint", str(docs), "--key-file", str(key), "--new-key", "--out", str(pack), "--days", "30")
    assert code == 0 and "pack id" in out and "expires" in out
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    with sqlite3.connect(pack) as conn:
        assert conn.execute("SELECT count(*) FROM docs WHERE text IS NOT NULL").fetchone()[0] == 0
    # refusing to overwrite an existing key
    code, out = run("fingerprint", str(docs), "--key-file", str(key), "--new-key", "--out", str(tmp_path / "b.pack"))
    assert code == 2 and "refusing to overwrite" in out
    code, out = run("info", str(pack), "--json")
    assert json.loads(out)["manifest"]["kind"] == "pack"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param((), (lib.PACK_K, lib.PACK_WINDOW), id="default-every-2-term-shingle"),
        pytest.param(("--k", "3", "--window", "4"), (3, 4), id="former-winnowed-3-terms"),
        pytest.param(("--k", "2", "--window", "2"), (2, 2), id="winnowed-2-terms"),
    ],
)
def test_fingerprint_records_its_shingle_settings(tmp_path: Path, options: tuple[str, ...],
                                                  expected: tuple[int, int]) -> None:
    pack = tmp_path / "h.pack"
    code, _ = run("fingerprint", str(write_corpus(tmp_path)), "--key-file", str(tmp_path / "h.key"), "--new-key",
                  "--out", str(pack), *options)
    manifest = json.loads(run("info", str(pack), "--json")[1])["manifest"]
    assert code == 0 and (int(manifest["k"]), int(manifest["window"])) == expected


def test_build_with_key_file_is_reproducible(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path)
    (tmp_path / "k.key").write_text("ab" * 32, encoding="ascii")
    digests = []
    for name in ("a.db", "b.db"):
        assert run("build", str(docs), "--name", "h", "--key-file", str(tmp_path / "k.key"),
                   "--out", str(tmp_path / name))[0] == 0
        digests.append(json.loads(run("info", str(tmp_path / name), "--json")[1])["manifest"]["sha256"])
    assert digests[0] == digests[1]


REPO = Path(__file__).resolve().parents[2]


def test_scan_against_a_damaged_demo_index_stops_before_screening(tmp_path: Path) -> None:
    """The reproduction: 1,000 bytes of 0x07 at offset 15*4096+3000 of a copy of the demo index; a verbatim
    quote of section 3 of the model validation standard."""
    from cli import app as main_app

    text = (REPO / "corpora" / "demo" / "model_validation_standard.txt").read_text(encoding="utf-8")
    quote = tmp_path / "quote.txt"
    quote.write_text(text[text.index("3. Performance thresholds") : text.index("4. Override monitoring")],
                     encoding="utf-8")
    damaged = tmp_path / "demo.db"
    damaged.write_bytes((REPO / "corpora" / "demo.db").read_bytes())
    intact = runner.invoke(main_app, ["scan", str(quote), "--corpus", str(REPO / "corpora" / "demo.db"),
                                      "--format", "jsonl", "--quiet"])
    assert intact.exit_code == 1 and '"FRG501"' in intact.output
    with open(damaged, "r+b") as f:
        f.seek(15 * 4096 + 3000)
        f.write(b"\x07" * 1000)
    code, out = run("verify", str(damaged))
    assert code == 2 and "failed verification" in out
    result = runner.invoke(main_app, ["scan", str(quote), "--corpus", str(damaged), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 2 and "[E41" in result.output and "Traceback" not in result.output
    assert '"verdict"' not in result.output  # nothing screened against it


def test_verify_checks_a_pack_with_its_key(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path)
    key, pack = tmp_path / "h.key", tmp_path / "h.pack"
    assert run("fingerprint", str(docs), "--key-file", str(key), "--new-key", "--out", str(pack))[0] == 0
    assert run("verify", str(pack))[0] == 0  # NAME.key beside the pack
    moved = tmp_path / "elsewhere.key"
    key.rename(moved)
    code, out = run("verify", str(pack))
    assert code == 2 and "no key" in out
    assert run("verify", str(pack), "--key-file", str(moved))[0] == 0
    with sqlite3.connect(pack) as conn:
        conn.execute("UPDATE manifest SET value = '7' WHERE key = 'k'")
    conn.close()
    code, out = run("verify", str(pack), "--key-file", str(moved))
    assert code == 2 and "MAC" in out


def test_the_help_lists_every_format_a_build_reads() -> None:
    import re

    from screener.text.extract import DOCUMENT_SUFFIXES

    code, out = run("build", "--help")
    flat = " ".join(out.replace("│", " ").split())
    assert code == 0
    assert [s for s in sorted(DOCUMENT_SUFFIXES) if not re.search(rf"{re.escape(s)}(?![a-z])", flat)] == []


@pytest.mark.parametrize("given", ["nonexist.db", "nonexist", "sub/nonexist.pack"])
def test_a_corpus_found_nowhere_is_named_as_given_and_where_it_was_looked_for(tmp_path: Path, given: str) -> None:
    from cli import app as main_app

    sub = tmp_path / "sub.txt"
    sub.write_text("Plain words.", encoding="utf-8")
    result = runner.invoke(main_app, ["scan", str(sub), "--corpus", given])
    message = " ".join(result.output.split())
    assert result.exit_code == 2 and "E415" in message
    assert f"fingerprint store {given} not found, neither as given nor as" in message


def test_removing_every_document_is_refused_and_changes_nothing(built: Path) -> None:
    before = built.read_bytes()
    code, out = run("remove", str(built), "pricing_minutes.md", "onboarding_checklist.txt")
    assert code == 2 and "E421" in out and "nothing was removed" in " ".join(out.split())
    assert built.read_bytes() == before
    code, out = run("remove", str(built), "pricing_minutes.md")
    assert code == 0 and "removed 1" in out


def test_a_removal_that_removes_nothing_leaves_the_file_as_it_was(built: Path) -> None:
    before = built.read_bytes()
    code, out = run("remove", str(built), "no-such-document.md")
    assert code == 1 and "removed 0; 2 documents" in " ".join(out.split())
    assert built.read_bytes() == before
