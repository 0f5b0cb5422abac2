"""Directory walks skip nothing silently: every entry gets a submission, screened or UNSCANNED with the reason."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.run import inputs
from screener.run.inputs import iter_paths

CFG = ScreenerConfig()


def _walk(path: Path) -> dict[str, str | None]:
    return {Path(s.id).relative_to(path).as_posix() if s.id != path.as_posix() else ".": s.error
            for s in iter_paths([path], CFG)}


def _deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` unreadable (chmod is no obstacle when the tests run as root)."""
    folder.chmod(0)
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(inputs.os, "scandir", scandir)


def test_the_issue_directory_gives_one_result_per_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "note.txt").write_text("A plain note.")
    (tmp_path / "loop-a").symlink_to("loop-b")
    (tmp_path / "loop-b").symlink_to("loop-a")
    (tmp_path / "dangling").symlink_to("nowhere.txt")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text("unreachable")
    _deny(monkeypatch, tmp_path / "locked")
    try:
        got = _walk(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert got == {
        "note.txt": None,
        "loop-a": "symbolic link loop",
        "loop-b": "symbolic link loop",
        "dangling": "dangling symbolic link",
        "pipe": "not a regular file (FIFO)",
        "locked": "cannot read directory: permission denied",
    }


@pytest.mark.parametrize(("make", "reason"), [
    (lambda d: (d / "up").symlink_to(d, target_is_directory=True),
     "directory already walked (symbolic link loop or a second path to it)"),
    (lambda d: (d / "self").symlink_to("self"), "symbolic link loop"),
    (lambda d: socket.socket(socket.AF_UNIX).bind(str(d / "sock")), "not a regular file (socket)"),
    (lambda d: (d / "null").symlink_to("/dev/null"), "not a regular file (device)"),
], ids=["link-to-ancestor", "self-link", "unix-socket", "link-to-device"])
def test_other_entries_that_are_not_files(tmp_path: Path, make: object, reason: str) -> None:
    sub = tmp_path / "d"
    sub.mkdir()
    (sub / "a.txt").write_text("A plain note.")
    make(sub)  # type: ignore[operator]
    got = _walk(tmp_path)
    assert got.pop("d/a.txt") is None
    assert list(got.values()) == [reason]


def test_a_fifo_given_by_name_is_unscanned_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block forever
    (sub,) = iter_paths([tmp_path / "pipe.txt"], CFG)
    assert sub.error == "not a regular file (FIFO)"


def test_a_file_swapped_for_a_fifo_after_the_check_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "late.txt")
    (sub,) = inputs._file(tmp_path / "late.txt", CFG, ())
    assert sub.error == "cannot read file (NotRegularFile)"


def test_symlinked_directory_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("A plain note.")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    got = _walk(tmp_path)
    assert got == {"alias/a.txt": None, "real": "directory already walked (symbolic link loop or a second path to it)"}


def test_an_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert _walk(tmp_path) == {".": "directory holds no files"}


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_records_past_the_cap_are_reported_not_dropped(tmp_path: Path, suffix: str) -> None:
    import json

    cfg = ScreenerConfig(max_records=3)
    path = tmp_path / f"r{suffix}"
    records = [{"id": f"n{i}", "text": f"Note {i}."} for i in range(5)]
    path.write_text(json.dumps(records) if suffix == ".json" else "".join(json.dumps(r) + "\n" for r in records))
    subs = list(iter_paths([path], cfg))
    assert [s.error for s in subs[:3]] == [None, None, None]
    assert len(subs) == 4 and subs[3].error == "file holds more than 3 records; the rest is not screened"
