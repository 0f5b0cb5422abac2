"""Per-submission budgets: an overrun of CPU time or memory is that submission's UNSCANNED result with the reason,
enforced where the work runs (cooperative checks between stages and model batches, a CPU timer that interrupts
a loop that never checks), and the submissions beside it are screened as usual. No test here asserts a time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from screener import budget
from screener import engine as engine_mod
from screener.budget import MEMORY_EXCEEDED, TIME_EXCEEDED, BudgetExceeded, Deadline
from screener.model import Submission, Verdict
from screener.nlp import NlpRunner

CLEAN = "Clean note: write to maria.lopez@example.com about the schedule."
SLOW = "Slow note: a text our patched stage spins on."
SAFETY = 120.0  # a spinning stage gives up after this long, so a broken budget fails the test instead of hanging it


def _spin(*args: Any, **kwargs: Any) -> Any:
    """A pure-Python loop that never reaches a cooperative check (as a quadratic parser would)."""
    end = time.monotonic() + SAFETY
    n = 0
    while time.monotonic() < end:
        n += 1
    raise AssertionError("the time budget did not interrupt the loop")


def _small_budget(engine: Any, monkeypatch: pytest.MonkeyPatch, **update: Any) -> None:
    monkeypatch.setattr(engine, "config", engine.config.model_copy(update=update))


def _slow_only(original: Any) -> Any:
    def patched(value: Any, *args: Any, **kwargs: Any) -> Any:
        text = value if isinstance(value, str) else getattr(value, "original", None) or value.decode()
        if "Slow note" in text:
            return _spin()
        return original(value, *args, **kwargs)

    return patched


@pytest.mark.parametrize("stage", ["extract", "normalize", "refine"])
def test_a_loop_that_never_checks_is_stopped_by_the_cpu_timer(stage: str, engine: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _small_budget(engine, monkeypatch, time_budget=1.0)
    if stage == "refine":
        original = engine_mod.refine
        monkeypatch.setattr(engine_mod, "refine",
                            lambda findings, text, *a, **k: _spin() if "Slow note" in text.original
                            else original(findings, text, *a, **k))
    else:
        monkeypatch.setattr(engine_mod, stage, _slow_only(getattr(engine_mod, stage)))
    items = [Submission(id="slow", data=SLOW.encode(), name="s.txt") if stage == "extract"
             else Submission(id="slow", text=SLOW), Submission(id="next", text=CLEAN)]
    slow, after = engine.screen_many(items)
    assert slow.verdict is Verdict.UNSCANNED and slow.reasons[0] == TIME_EXCEEDED
    assert after.verdict is Verdict.REDACT


def _burn(seconds: float) -> None:
    """Use ``seconds`` of this thread's CPU time, then return normally."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_outside_the_main_thread_the_checks_between_stages_stop_it(engine: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _small_budget(engine, monkeypatch, time_budget=0.5)
    original = engine_mod.normalize

    def costly(text: str) -> Any:  # a stage that overruns but returns (no CPU timer outside the main thread)
        if "Slow note" in text:
            _burn(0.8)
        return original(text)

    monkeypatch.setattr(engine_mod, "normalize", costly)
    with ThreadPoolExecutor(1) as pool:
        slow, after = pool.submit(lambda: list(engine.screen_many(
            [Submission(id="slow", text=SLOW), Submission(id="next", text=CLEAN)]))).result()
    assert slow.reasons[0] == TIME_EXCEEDED and after.verdict is Verdict.REDACT


@pytest.mark.parametrize("where", ["detector", "resident"])
def test_memory_over_the_ceiling_is_memory_budget_exceeded(where: str, engine: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if where == "detector":
        det = engine.detectors[-1]
        original = det.detect

        def detect(item: Any) -> Any:
            if "Slow note" in item.text.original:
                raise MemoryError
            return original(item)

        monkeypatch.setattr(det, "detect", detect)
    else:
        _small_budget(engine, monkeypatch, memory_budget_mb=1)  # below any real process: the first check trips
    results = list(engine.screen_many([Submission(id="slow", text=SLOW), Submission(id="next", text=CLEAN)]))
    assert results[0].verdict is Verdict.UNSCANNED and results[0].reasons[0] == MEMORY_EXCEEDED
    if where == "detector":
        assert results[1].verdict is Verdict.REDACT


class _CountingModel:
    """A stand-in for a spaCy pipeline that records which texts it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def pipe(self, texts: list[str], batch_size: int) -> Iterator[Any]:
        for t in texts:
            self.seen.append(t)
            yield object()


class _ExpiresAfter(Deadline):
    def __init__(self, checks: int) -> None:
        super().__init__(float("inf"))
        self.left = checks

    def expired(self) -> str | None:
        self.left -= 1
        return TIME_EXCEEDED if self.left < 0 else None


def test_no_model_batch_runs_for_a_text_past_its_budget() -> None:
    model = _CountingModel()
    runner = NlpRunner(model, "fake", chunk_chars=1_000, overlap=100, batch_size=2, batch_chars=2_000)  # type: ignore[arg-type]
    long_text, short_text = ("word " * 2_000), "a short text"
    results = runner.run([long_text, short_text], [_ExpiresAfter(2), Deadline(float("inf"))])
    assert results[0] is None and results[1] is not None
    assert short_text in model.seen
    assert sum(t in long_text for t in model.seen if t != short_text) <= 4, "at most two batches of the long text"


def test_model_batches_are_bounded_in_characters() -> None:
    model = _CountingModel()
    runner = NlpRunner(model, "fake", chunk_chars=1_000, overlap=100, batch_size=64, batch_chars=2_500)  # type: ignore[arg-type]
    batches: list[int] = []
    original = model.pipe

    def pipe(texts: list[str], batch_size: int) -> Iterator[Any]:
        batches.append(sum(map(len, texts)))
        return original(texts, batch_size)

    model.pipe = pipe  # type: ignore[method-assign]
    progress: list[tuple[int, int]] = []
    (result,) = runner.run(["word " * 3_000], progress=lambda done, total: progress.append((done, total)))
    assert result is not None and len(result.chunks) > 10
    assert max(batches) <= 2_500 and len(batches) > 5
    assert progress[-1][0] == progress[-1][1] and [p[0] for p in progress] == sorted(p[0] for p in progress)


def test_deadline_charges_only_its_own_work() -> None:
    d = Deadline(10.0)
    with d.running():
        pass
    d.charge(4.0)
    assert 4.0 <= d.spent() < 5.0 and d.expired() is None
    d.charge(7.0)
    assert d.expired() == TIME_EXCEEDED
    with pytest.raises(BudgetExceeded):
        d.check()
    assert budget.resident_mb() > 0


def test_the_engine_reports_model_progress_for_a_long_text(engine: Any) -> None:
    calls: list[tuple[int, int]] = []
    text = "Write to maria.lopez@example.com about the schedule. " * 6_000  # over 300,000 characters
    (result,) = engine.screen_many([Submission(id="long", text=text)], progress=lambda d, t: calls.append((d, t)))
    assert result.verdict is Verdict.REDACT
    assert len(calls) >= 2 and calls[-1][0] == calls[-1][1] >= len(text)


def _child(code: str) -> Any:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc, sets rlimits")
def test_a_worker_allocation_past_its_ceiling_is_a_memory_error() -> None:
    done = _child("import os\nfrom screener.run.worker import init_worker\ninit_worker(os.getppid(), 64)\n"
                  "try:\n    block = bytearray(4 * 2**30)\n    print('allocated')\n"
                  "except MemoryError:\n    print('MemoryError')\n")
    assert done.stdout.strip() == "MemoryError", done.stderr


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="sets rlimits")
def test_a_worker_past_its_cpu_limit_is_stopped_by_the_kernel() -> None:
    import signal

    done = _child("from screener.run.worker import limit_cpu\nlimit_cpu(1)\nwhile True:\n    pass\n")
    assert done.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
