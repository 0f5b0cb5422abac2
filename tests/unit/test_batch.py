"""Resumable batches: a run killed part-way and started again screens every submission exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.errors import StoreError
from screener.model import Submission
from screener.run.batch import BatchRun


def subs(n: int) -> list[Submission]:
    return [Submission(id=f"s{i:03d}", text=f"Note {i}: write to person{i}@example.com." if i % 4 else "")
            for i in range(n)]


def crashing(items: list[Submission], after: int) -> Iterator[Submission]:
    for i, item in enumerate(items):
        if i == after:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C, or the machine went away
        yield item


@pytest.fixture(scope="module")
def cfg() -> ScreenerConfig:
    return ScreenerConfig.load()


def test_killed_run_resumes_exactly_once(tmp_path: Path, cfg: ScreenerConfig, engine: object) -> None:
    items = subs(23)
    run = BatchRun(cfg, tmp_path, part_size=5)
    with pytest.raises(KeyboardInterrupt):
        run.run(crashing(items, after=12))
    assert sorted(p.name for p in tmp_path.glob("part-*.jsonl")) == ["part-000000.jsonl", "part-000001.jsonl"]
    assert not list(tmp_path.glob(".part-*")), "no temporary file is left behind"

    summary = BatchRun(cfg, tmp_path, part_size=5).run(items)
    assert (summary.parts, summary.skipped_parts, summary.submissions) == (5, 2, 23)
    merged = tmp_path / "results.jsonl"
    assert run.merge(summary.parts, merged) == 23
    ids = [json.loads(line)["id"] for line in merged.read_text().splitlines()]
    assert ids == [s.id for s in items]
    assert summary.verdicts == {"unscanned": 6, "redact": 17}

    again = BatchRun(cfg, tmp_path, part_size=5).run(items)
    assert again.skipped_parts == 5


def test_a_damaged_part_is_redone(tmp_path: Path, cfg: ScreenerConfig, engine: object) -> None:
    items = subs(10)
    BatchRun(cfg, tmp_path, part_size=5).run(items)
    (tmp_path / "part-000001.jsonl").write_text("truncated")
    summary = BatchRun(cfg, tmp_path, part_size=5).run(items)
    assert summary.skipped_parts == 1
    assert len((tmp_path / "part-000001.jsonl").read_text().splitlines()) == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [("input", "the input changed"), ("settings", "other settings")],
    ids=["changed-input", "changed-settings"],
)
def test_resume_refuses_a_different_run(tmp_path: Path, cfg: ScreenerConfig, engine: object, change: str,
                                        message: str) -> None:
    BatchRun(cfg, tmp_path, part_size=5).run(subs(10))
    with pytest.raises(StoreError, match=message):
        if change == "input":
            BatchRun(cfg, tmp_path, part_size=5).run(list(reversed(subs(10))))
        else:
            BatchRun(cfg, tmp_path, part_size=4).run(subs(10))


def test_process_pool_gives_the_same_results(tmp_path: Path, cfg: ScreenerConfig, engine: object) -> None:
    items = subs(12)
    one, two = BatchRun(cfg, tmp_path / "one", part_size=3), BatchRun(cfg, tmp_path / "two", part_size=3, workers=2)
    s1, s2 = one.run(items), two.run(items)
    one.merge(s1.parts, tmp_path / "a.jsonl")
    two.merge(s2.parts, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_corrupt_ledger_is_refused(tmp_path: Path, cfg: ScreenerConfig) -> None:
    (tmp_path / "ledger.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a readable SQLite database"):
        BatchRun(cfg, tmp_path, part_size=5).run(subs(3))
