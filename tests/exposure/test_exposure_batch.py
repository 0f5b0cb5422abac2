"""Batch runs with an exposure ledger: a killed and resumed run, and a Dask run, count every submission once
and give the findings of one uninterrupted in-process run; the ledger is updated on the driver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.exposure import ExposureLedger
from screener.model import Metadata, Submission
from screener.run.batch import BatchRun

WIRE = (Path(__file__).resolve().parents[2] / "corpora" / "demo" / "wire_exception_procedure.md").read_text().split()


def history(n: int = 12) -> list[Submission]:
    """Pieces of one demo document by one expert, in reverse file order; every third is honest writing."""
    out = []
    for i in range(n):
        piece = " ".join(WIRE[60 + i * 10:70 + i * 10]) if i % 3 else "Approvals should be simple and written down."
        out.append(Submission(f"s{i:02d}", text=f"My notes on payments: {piece} That is all.",
                              metadata=Metadata.of("exp-batch", extra={"submitted_at": f"2026-07-{i + 1:02d}"})))
    return list(reversed(out))


def crashing(items: list[Submission], after: int) -> Iterator[Submission]:
    for i, item in enumerate(items):
        if i == after:
            raise KeyboardInterrupt
        yield item


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> ScreenerConfig:
    policy = tmp_path_factory.mktemp("pol") / "exposure.yaml"
    policy.write_text("schema: screener-policy/1\nname: exposure-batch\nexposure: {coverage: 0.08, words: null}\n")
    return ScreenerConfig.load(policy=str(policy))


def _flagged(path: Path) -> dict[str, list[str]]:
    out = {}
    for line in path.read_text().splitlines():
        r = json.loads(line)
        out[r["id"]] = [f["rule_id"] for f in r["findings"] if f["rule_id"] == "FRG510"]
    return out


def test_killed_batch_resumes_and_counts_once(tmp_path: Path, cfg: ScreenerConfig, engine: object) -> None:
    items = history()
    whole_dir, whole_led = tmp_path / "whole", tmp_path / "whole.db"
    BatchRun(cfg, whole_dir, part_size=4, exposure_ledger=whole_led).run(items)
    BatchRun(cfg, whole_dir, part_size=4, exposure_ledger=whole_led).merge(3, tmp_path / "whole.jsonl")
    expected = _flagged(tmp_path / "whole.jsonl")
    assert any(expected.values()) and not all(expected.values())

    run_dir, led = tmp_path / "run", tmp_path / "run.db"
    with pytest.raises(KeyboardInterrupt):
        BatchRun(cfg, run_dir, part_size=4, exposure_ledger=led).run(crashing(items, after=9))
    summary = BatchRun(cfg, run_dir, part_size=4, exposure_ledger=led).run(items)
    assert summary.skipped_parts == 2
    BatchRun(cfg, run_dir, part_size=4, exposure_ledger=led).run(items)  # and once more: nothing new
    run = BatchRun(cfg, run_dir, part_size=4, exposure_ledger=led)
    assert run.merge(summary.parts, tmp_path / "run.jsonl") == 12
    assert _flagged(tmp_path / "run.jsonl") == expected
    with ExposureLedger(led) as ledger:
        assert len(ledger.entries("exp-batch")) == 12
    for part in run_dir.glob("part-*.jsonl"):  # part files hold plain results, no exposure
        assert all("exposure" not in json.loads(line) for line in part.read_text().splitlines())


def test_dask_batch_updates_the_ledger_on_the_driver(tmp_path: Path, cfg: ScreenerConfig, engine: object) -> None:
    distributed = pytest.importorskip("distributed")
    items = history()
    BatchRun(cfg, tmp_path / "local", part_size=4, exposure_ledger=tmp_path / "local.db").run(items)
    BatchRun(cfg, tmp_path / "local", part_size=4).merge(3, tmp_path / "local.jsonl")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        BatchRun(cfg, tmp_path / "dask", part_size=4, client=client, exposure_ledger=tmp_path / "dask.db").run(items)
    BatchRun(cfg, tmp_path / "dask", part_size=4).merge(3, tmp_path / "dask.jsonl")
    assert _flagged(tmp_path / "dask.jsonl") == _flagged(tmp_path / "local.jsonl")
    with ExposureLedger(tmp_path / "dask.db") as ledger:
        assert [e.submission for e in ledger.entries("exp-batch")] == [f"s{i:02d}" for i in range(12)]
