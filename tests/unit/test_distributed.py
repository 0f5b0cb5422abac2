"""The Dask adapter gives the same lines, in the same order, as screening in process."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig
from screener.model import Submission

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


def test_dask_matches_in_process(engine: object) -> None:
    from screener.distributed import screen_on_dask
    from screener.engine import Screener

    assert isinstance(engine, Screener)
    subs = [Submission(id=f"d{i}", text=f"Item {i} for person{i}@example.com" if i % 5 else "") for i in range(11)]
    expected = [r.to_json() for r in engine.screen_many(subs)]
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        lines = list(screen_on_dask(client, ScreenerConfig.load(), iter(subs), part_size=3, in_flight=2))
    assert lines == expected
