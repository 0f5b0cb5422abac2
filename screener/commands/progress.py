"""The progress bar of ``batch``: a real bar with the total, the count, elapsed time and an ETA, like ``scan``.

The total comes from one counting pass over the inputs (``count_submissions``: each file is read once more,
nothing is kept), so the bar ends at 100% exactly: parts already finished in an earlier run count as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from screener.config import ScreenerConfig
from screener.run.inputs import iter_paths


def count_submissions(paths: Iterable[Path], cfg: ScreenerConfig) -> int:
    """How many submissions ``iter_paths`` will yield for ``paths`` (bad inputs count: they are results too)."""
    return sum(1 for _ in iter_paths(paths, cfg))


@contextmanager
def batch_progress(console: Console, total: int | None) -> Iterator[tuple[Progress, TaskID]]:
    """A transient bar on ``console``: ``screening ━━━━╸━━ 120/500 0:00:41 eta 0:02:10``."""
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        yield progress, progress.add_task("batch", total=total)
