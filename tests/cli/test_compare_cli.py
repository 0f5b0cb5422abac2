"""`screener compare SUBMISSION DOCUMENT...`, driven through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from screener.fingerprint.compare import build_index
from tests.fragments_support import BOILERPLATE, ONBOARDING, PRICING, UNRELATED

runner = CliRunner()
QUOTE = ("Our rule:\u200b The committee agreed that the Aurora desk will quote municipal bonds at a spread of eleven "
         "basis points over the composite curve for orders below two million dollars. [bold]mine[/bold]")


def run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, ["compare", *(str(a) for a in args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "minutes.md").write_text(PRICING, encoding="utf-8")
    (tmp_path / "checklist.txt").write_text(ONBOARDING, encoding="utf-8")
    (tmp_path / "quote.txt").write_text(QUOTE, encoding="utf-8")
    (tmp_path / "own.txt").write_text(UNRELATED, encoding="utf-8")
    return tmp_path


def test_a_match_exits_1_masked_by_default(files: Path) -> None:
    code, out, err = run(files / "quote.txt", files / "minutes.md", files / "checklist.txt")
    assert code == 1
    assert "minutes.md" in out and "FRG501" in out and "verbatim" in out
    assert "agreed" not in out and "municipal" not in out  # masked, on both sides (the section label shows)
    assert "1 shared passage with 1 of 2 documents" in err and "--show-text" in err


def test_show_text_prints_both_sides_escaped(files: Path) -> None:
    code, out, _ = run(files / "quote.txt", files / "minutes.md", "--show-text")
    assert code == 1
    assert out.count("The committee agreed") == 2
    assert "\u200b" not in out


def test_json_records_carry_original_offsets_and_no_text_unless_asked(files: Path) -> None:
    code, out, _ = run(files / "quote.txt", files / "minutes.md", "--json")
    assert code == 1
    (record,) = [json.loads(line) for line in out.splitlines()]
    start, end = record["submission_span"]
    assert QUOTE[start:end].startswith("The committee agreed") and QUOTE[start:end].endswith("dollars")
    s0, s1 = record["source_span"]
    assert PRICING[s0:s1].startswith("The committee agreed")
    assert "submission_text" not in record and "committee" not in out
    code, out, _ = run(files / "quote.txt", files / "minutes.md", "--json", "--show-text")
    assert json.loads(out)["source_text"] == PRICING[s0:s1]


def test_no_shared_passage_exits_0(files: Path) -> None:
    code, out, err = run(files / "own.txt", files / "minutes.md", files / "checklist.txt")
    assert (code, out) == (0, "")
    assert "0 shared passages" in err


def test_suppressed_boilerplate_exits_0(files: Path) -> None:
    (files / "mail.txt").write_text(BOILERPLATE + "\n" + UNRELATED, encoding="utf-8")
    (files / "memo.txt").write_text(BOILERPLATE + "\n" + PRICING, encoding="utf-8")
    assert run(files / "mail.txt", files / "memo.txt")[0] == 1
    build_index([BOILERPLATE], files / "boiler.db", role="suppress")
    assert run(files / "mail.txt", files / "memo.txt", "--suppress", files / "boiler.db")[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(("missing.txt", "minutes.md"), "no such file", id="missing-submission"),
    pytest.param(("quote.txt", "missing.md"), "no such file", id="missing-document"),
    pytest.param(("quote.txt",), "", id="no-document"),
    pytest.param(("quote.txt", "."), "no such file", id="directory-as-document"),
    pytest.param(("empty.txt", "minutes.md"), "empty submission", id="empty-submission"),
    pytest.param(("quote.txt", "empty.txt"), "empty document", id="empty-document"),
    pytest.param(("quote.txt", "broken.docx"), "ZIP", id="corrupt-docx"),
    pytest.param(("quote.txt", "minutes.md", "minutes.md"), "twice", id="same-document-twice"),
    pytest.param(("quote.txt", "minutes.md", "--suppress", "minutes.md"), "E41", id="suppress-not-a-store"),
])
def test_bad_input_exits_2_without_traceback(files: Path, args: tuple[str, ...], message: str) -> None:
    (files / "empty.txt").write_text("  \n", encoding="utf-8")
    (files / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = run(*(a if a.startswith("--") else files / a for a in args))
    assert code == 2
    assert message in err and "Traceback" not in err + out and "committee" not in err
