"""Per-submission time and memory budgets, checked where the work happens.

A ``Deadline`` is started for each submission and charged with the CPU time (``time.thread_time``, so
threads sharing a Screener do not charge each other) that work on that submission takes. The engine calls
``check()`` between its stages, between detectors, and the NLP runner between model batches, so an overrun
stops the submission within one bounded step (one batch of at most ``batch_chars`` characters, one detector
pass) and turns it into UNSCANNED "time budget exceeded". ``check()`` also compares the process's resident
memory with the ceiling ("memory budget exceeded"); a ``MemoryError`` raised anywhere in a submission's
work means the same.

Worker processes add operating-system limits under these cooperative checks (``screener.run.worker``): an
address-space limit, so an allocation past the ceiling raises ``MemoryError`` instead of swapping, and a
CPU-time limit per part, so a step that never returns to Python is still stopped.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

TIME_EXCEEDED = "time budget exceeded"
MEMORY_EXCEEDED = "memory budget exceeded"


class BudgetExceeded(Exception):
    """A submission ran past its time or memory budget. ``reason`` is one of the two constants above."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb() -> float:
    """The process's current resident set size in MiB (0.0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass(slots=True)
class Deadline:
    """The budget of one submission: ``cpu_seconds`` of CPU time and ``memory_mb`` of resident memory (0: none).

    Time is charged only while the submission's own work runs (``with deadline.running():``, measured with
    ``time.thread_time``) or explicitly (``charge``: its share of a model batch run for several submissions),
    so submissions screened side by side in one batch do not spend each other's budget.
    """

    cpu_seconds: float
    memory_mb: float = 0.0
    charged: float = 0.0
    _window: float | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        """Charge the CPU time of the block to this submission; within the main thread, a CPU-time timer
        interrupts the block (``BudgetExceeded``) even in a long loop that never reaches a ``check()``."""
        self._window = time.thread_time()
        try:
            with _cpu_timer(self.cpu_seconds - self.charged):
                yield
        finally:
            self.charged += time.thread_time() - self._window
            self._window = None

    def spent(self) -> float:
        """CPU seconds spent on this submission so far."""
        return self.charged + (time.thread_time() - self._window if self._window is not None else 0.0)

    def charge(self, seconds: float) -> None:
        self.charged += seconds

    def expired(self) -> str | None:
        """The reason when a budget is exceeded, else None."""
        if self.spent() > self.cpu_seconds:
            return TIME_EXCEEDED
        if self.memory_mb and resident_mb() > self.memory_mb:
            return MEMORY_EXCEEDED
        return None

    def check(self) -> None:
        reason = self.expired()
        if reason is not None:
            raise BudgetExceeded(reason)


_TIMER = {"armed": False}


def _on_prof(signum: int, frame: object) -> None:
    if _TIMER["armed"]:  # a signal that arrives after the block ended is dropped
        _TIMER["armed"] = False
        raise BudgetExceeded(TIME_EXCEEDED)


@contextmanager
def _cpu_timer(seconds: float) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the block after ``seconds`` of process CPU time (``ITIMER_PROF``).

    Only in the main thread of a POSIX process and for finite budgets; elsewhere the block runs unguarded and
    the cooperative checks remain. A SIGPROF handler installed by someone else is left alone; ours stays
    installed once set (disarmed between blocks), so a late signal never meets the default action.
    """
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and math.isfinite(seconds) and not _TIMER["armed"]
              and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None, _on_prof))
    if not usable:
        yield
        return
    if seconds <= 0:
        raise BudgetExceeded(TIME_EXCEEDED)
    signal.signal(signal.SIGPROF, _on_prof)
    _TIMER["armed"] = True
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _TIMER["armed"] = False
