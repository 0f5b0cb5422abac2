"""Screening off the event loop, within a time budget, failing closed.

One ``Screener`` (built once at startup) is shared by ``workers`` threads; the event loop only awaits. At most
``max_pending`` screenings wait or run at once: beyond that a request is refused at once (``Busy``). A
screening that has not finished within the budget (queue wait included) raises ``OverBudget``; its thread
runs on to the end and keeps its slot until then, so a flood of slow inputs shows as ``Busy`` rather than as
unbounded work. Callers turn both into HTTP 503 with an UNSCANNED result, never a partial answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every slot is taken; try again later."""


class OverBudget(Exception):
    """The screening did not finish within the time budget."""


class ScreenPool:
    """A bounded thread pool with a per-call time budget (seconds)."""

    def __init__(self, workers: int, max_pending: int, budget: float) -> None:
        self.budget = budget
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="screen")
        self._slots = threading.BoundedSemaphore(max_pending)

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a worker thread; raise Busy when no slot is free, OverBudget past the budget."""
        if not self._slots.acquire(blocking=False):
            raise Busy()
        try:
            future: Future[T] = self._executor.submit(fn)
        except RuntimeError:  # shutting down
            self._slots.release()
            raise Busy() from None
        future.add_done_callback(lambda _f: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout=self.budget)
        except TimeoutError:
            future.cancel()  # frees the slot at once if it never started
            raise OverBudget() from None

    def close(self) -> None:
        """Stop taking work; queued calls are cancelled, running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)
