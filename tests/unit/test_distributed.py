"""The Dask adapter gives the same lines, in the same order, as screening in process."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig
from screener.model import Submission

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


def test_dask_matches_in_process(engine: object) -> None:
    from screener.engine import Screener
    from screener.run.distributed import screen_on_dask

    assert isinstance(engine, Screener)
    subs = [Submission(id=f"d{i}", text=f"Item {i} for person{i}@example.com" if i % 5 else "") for i in range(11)]
    expected = [r.to_json() for r in engine.screen_many(subs)]
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        lines = list(screen_on_dask(client, ScreenerConfig.load(), iter(subs), part_size=3, in_flight=2))
    assert lines == expected


def test_batch_run_on_dask_resumes_and_matches_the_local_run(tmp_path, engine: object) -> None:  # type: ignore[no-untyped-def]
    from screener.run.batch import BatchRun

    cfg = ScreenerConfig.load()
    subs = [Submission(id=f"b{i:02d}", text=f"Call {i} from person{i}@example.com" if i % 4 else "") for i in range(10)]

    def crashing():  # type: ignore[no-untyped-def]
        for i, sub in enumerate(subs):
            if i == 7:
                raise KeyboardInterrupt
            yield sub

    local = BatchRun(cfg, tmp_path / "local", part_size=3)
    local.merge(local.run(subs).parts, tmp_path / "local.jsonl")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        with pytest.raises(KeyboardInterrupt):
            BatchRun(cfg, tmp_path / "dask", part_size=3, client=client, in_flight=1).run(crashing())
        run = BatchRun(cfg, tmp_path / "dask", part_size=3, client=client)
        summary = run.run(subs)
    assert (summary.parts, summary.skipped_parts, summary.submissions) == (4, 2, 10)
    run.merge(summary.parts, tmp_path / "dask.jsonl")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
