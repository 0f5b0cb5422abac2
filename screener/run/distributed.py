"""Dask adapter: the same per-part function as the local pool (``screener.run.batch.screen_part``), shipped to a
Dask cluster. Each worker process builds its Screener once per configuration and reuses it.

    from dask.distributed import Client
    client = Client(n_workers=4, threads_per_worker=1)          # or the address of a running scheduler
    lines = screen_on_dask(client, config, submissions, part_size=500)
    for line in lines: ...                                       # screener-result/1 JSON, input order

Install with ``pip install -e ".[dask]"``. Nothing here imports Dask until it is called.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from screener.config import ScreenerConfig
from screener.errors import ConfigError, ScreenerError
from screener.model import Submission
from screener.run.batch import isolate, screen_part


def screen_on_dask(client: Any, config: ScreenerConfig, submissions: Iterable[Submission],
                   part_size: int = 500, in_flight: int | None = None) -> Iterator[str]:
    """Screen on a Dask cluster; yield one result line per submission in input order.

    At most ``in_flight`` parts (default: twice the cluster's worker threads) are submitted at once, so an
    input of any size streams through with bounded memory. A part that fails on the cluster (its worker died)
    is screened here one submission at a time (``screener.run.batch.isolate``); nothing is skipped. A
    configuration error raises.
    """
    try:
        from distributed import Future  # noqa: F401  (checks that the extra is installed)
    except ImportError as exc:
        raise ConfigError('Dask is not installed: pip install -e ".[dask]"', code="E130") from exc
    config_json = config.model_dump_json()
    limit = in_flight or max(2, 2 * sum(client.nthreads().values()))
    window: list[tuple[list[Submission], Any]] = []
    it = iter(submissions)
    while True:
        chunk = list(itertools.islice(it, part_size))
        if chunk:
            window.append((chunk, client.submit(screen_part, config_json, chunk, pure=False)))
        if window and (len(window) >= limit or not chunk):
            part, future = window.pop(0)
            try:
                lines = list(future.result())
            except ScreenerError:
                raise
            except Exception:  # the part's worker died or the part raised: screen it here, one at a time
                lines = isolate(config_json, config, part)
            yield from lines
        if not chunk and not window:
            return
