"""Resumable batch runs: parts written atomically, a SQLite ledger, a local process pool or a Dask cluster.

The input is cut into parts of ``part_size`` submissions in input order. Each part is screened (in this
process or by a pool worker, which builds its own Screener once), written to ``part-NNNNNN.jsonl`` through a
temporary file and a rename, and only then recorded as done in the ledger. A run that is killed and started
again with the same input skips the parts the ledger holds (checking that their ids and file digests still
match) and redoes the rest, so every submission ends up in exactly one part, exactly once. ``merge`` joins
the parts into one results file.

The per-part function ``screen_part`` is the same one the Dask adapter ships to its workers; given a Dask
``client``, a run sends its parts there instead of to the local pool, with the same ledger and part files.

A part whose screening fails as a whole (its worker process died: killed by the memory or CPU limit, or a
crash in native code) is screened again one submission at a time, each in a worker of its own; a submission
that kills that worker too gets an UNSCANNED line ("worker process died"). So one hostile submission costs
its own result, never its part, and a resumed run never stops at the same part again. Pool workers exit
when the run's process dies (``screener.run.worker``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screener.config import ScreenerConfig
from screener.errors import ScreenerError, StoreError
from screener.model import Metadata, ScreenResult, Submission, Verdict
from screener.private import private_file
from screener.record.report.jsonl import atomic_writer, result_line
from screener.run.worker import in_worker, init_worker, limit_cpu
from screener.safe_text import utf8_clean

log = logging.getLogger("screener")

LEDGER_SCHEMA = 1
_ENGINES: dict[str, object] = {}  # per worker process: one Screener per config, built on first use


def _engine(config_json: str):  # type: ignore[no-untyped-def]
    from screener.engine import Screener

    engine = _ENGINES.get(config_json)
    if engine is None:
        engine = Screener.from_config(ScreenerConfig.model_validate_json(config_json))
        _ENGINES[config_json] = engine
    return engine


def screen_part(config_json: str, items: list[Submission], exposure: bool = False) -> list[str]:
    """Screen one part; return one ``screener-result/1`` JSON line per submission, in order (with ``exposure``,
    each line also carries the submission's exposure for the driver's ledger: screener.exposure.transport)."""
    engine = _engine(config_json)
    if in_worker():  # the kernel's backstop under the engine's cooperative checks
        limit_cpu(sum(engine.budget_of(item).cpu_seconds for item in items) + 60)
    if exposure:
        from screener.exposure.transport import with_exposure

        lines = [with_exposure(r) for r in engine.screen_many(items)]
    else:
        lines = [result_line(r) for r in engine.screen_many(items)]
    if len(lines) != len(items):
        raise RuntimeError("result count differs from submission count")
    return lines


def unscanned_line(item: Submission, reason: str) -> str:
    """The result line of a submission that could not be screened at all (its worker died)."""
    meta = item.metadata if isinstance(item.metadata, Metadata) else Metadata()
    return result_line(ScreenResult(submission_id=utf8_clean(item.id), verdict=Verdict.UNSCANNED, decisions=(),
                                    reasons=(reason,), metadata=meta, sha256=None, chars=0))


def _pool(workers: int, config: ScreenerConfig) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=init_worker,
                               initargs=(os.getpid(), config.memory_budget_mb))


def isolate(config_json: str, config: ScreenerConfig, items: list[Submission]) -> list[str]:
    """Screen ``items`` one at a time in a worker of their own; a submission that kills it is UNSCANNED."""
    lines: list[str] = []
    pool: ProcessPoolExecutor | None = None
    try:
        for item in items:
            pool = pool or _pool(1, config)
            try:
                lines.extend(pool.submit(screen_part, config_json, [item]).result())
            except BrokenProcessPool:
                log.warning("submission %s: its worker process died", utf8_clean(item.id))
                lines.append(unscanned_line(item, "worker process died (memory or CPU limit, or a crash)"))
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
            except ScreenerError:  # configuration, model or store: the run's problem, not the submission's
                raise
            except Exception as exc:
                lines.append(unscanned_line(item, f"screening failed ({exc.__class__.__name__})"))
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return lines


@dataclass(frozen=True, slots=True)
class BatchSummary:
    parts: int
    skipped_parts: int
    submissions: int
    seconds: float
    verdicts: dict[str, int]


class Ledger:
    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(private_file(path))
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS parts (part INTEGER PRIMARY KEY, first_id TEXT NOT NULL,"
                " last_id TEXT NOT NULL, count INTEGER NOT NULL, sha256 TEXT NOT NULL, done_at REAL NOT NULL);"
            )
            row = self.db.execute("SELECT value FROM meta WHERE key='run'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"batch ledger {path} is not a readable SQLite database", code="E410") from exc
        if row is None:
            with self.db:
                self.db.execute("INSERT INTO meta VALUES ('run', ?)", (fingerprint,))
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(LEDGER_SCHEMA),))
        elif row[0] != fingerprint:
            raise StoreError(f"batch ledger {path} belongs to a run with other settings (part size or config); "
                             "use a new output directory", code="E411")

    def done(self, part: int) -> tuple[str, str, int, str] | None:
        row = self.db.execute("SELECT first_id, last_id, count, sha256 FROM parts WHERE part=?", (part,)).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])

    def record(self, part: int, first: str, last: str, count: int, sha: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?)",
                            (part, first, last, count, sha, time.time()))

    def close(self) -> None:
        self.db.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


class BatchRun:
    def __init__(self, config: ScreenerConfig, out_dir: Path, part_size: int = 500, workers: int = 1,
                 client: Any = None, in_flight: int | None = None, exposure_ledger: Path | None = None) -> None:
        """``workers`` > 1: a local process pool; ``client``: a ``distributed.Client`` that screens the parts,
        at most ``in_flight`` of them at once. ``exposure_ledger``: each finished part's exposure is recorded
        there on this process (the driver), and after the run the results it changes (FRG510, EMP290, in
        submitted_at order) go to ``exposure.jsonl``, which ``merge`` and the verdict counts apply."""
        self.config = config
        self.config_json = config.model_dump_json()
        self.out_dir = Path(out_dir)
        self.part_size = part_size
        self.workers = max(1, workers)
        self.client = client
        self.in_flight = in_flight
        self.exposure_ledger = exposure_ledger
        self._exposure: Any = None

    def part_path(self, part: int) -> Path:
        return self.out_dir / f"part-{part:06d}.jsonl"

    @property
    def overlay_path(self) -> Path:
        return self.out_dir / "exposure.jsonl"

    def _write(self, ledger: Ledger, part: int, items: list[Submission], lines: list[str]) -> None:
        if self._exposure is not None:  # recorded before the part counts as done: a resumed part records again,
            from screener.exposure.transport import record_lines  # which the exposure ledger ignores

            lines = record_lines(self._exposure, lines)
        path = self.part_path(part)
        with atomic_writer(path) as handle:
            handle.writelines(line + "\n" for line in lines)
        ledger.record(part, utf8_clean(items[0].id), utf8_clean(items[-1].id), len(items), _sha(path))

    def run(self, submissions: Iterable[Submission], progress=None) -> BatchSummary:  # type: ignore[no-untyped-def]
        """Screen everything not yet done; ``progress(n)`` is called with the count of each finished part.

        Streams: at most ``2 * workers`` parts are in memory at once, whatever the size of the input.
        """
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fingerprint = hashlib.sha256(f"{self.part_size}\0{self.config_json}".encode()).hexdigest()
        ledger = Ledger(self.out_dir / "ledger.sqlite", fingerprint)
        started = time.perf_counter()
        counts = {"parts": 0, "skipped": 0, "total": 0}

        def pending() -> Iterator[tuple[int, list[Submission]]]:
            for part, chunk in enumerate(_chunks(submissions, self.part_size)):
                counts["parts"] += 1
                counts["total"] += len(chunk)
                entry = ledger.done(part)
                if entry is not None:
                    if entry[:3] != (utf8_clean(chunk[0].id), utf8_clean(chunk[-1].id), len(chunk)):
                        raise StoreError(f"part {part} of the ledger holds other submissions than the input now "
                                         "gives: the input changed since the run started", code="E412")
                    if entry[3] == _sha(self.part_path(part)):
                        counts["skipped"] += 1
                        if progress:
                            progress(len(chunk))
                        continue
                yield part, chunk

        if self.exposure_ledger is not None:
            from screener.exposure.ledger import ExposureLedger

            self._exposure = ExposureLedger(self.exposure_ledger)
        try:
            self._execute(ledger, pending(), progress)
            if self._exposure is not None:
                self._apply_exposure(counts["parts"])
        finally:
            ledger.close()
            if self._exposure is not None:
                self._exposure.close()
                self._exposure = None
        parts = counts["parts"]
        return BatchSummary(parts, counts["skipped"], counts["total"], time.perf_counter() - started,
                            self.verdicts(parts))

    def _execute(self, ledger: Ledger, todo: Iterator[tuple[int, list[Submission]]], progress) -> None:  # type: ignore[no-untyped-def]
        def finished(part: int, chunk: list[Submission], lines: list[str]) -> None:
            self._write(ledger, part, chunk, lines)
            if progress:
                progress(len(chunk))

        if self.client is not None:
            self._execute_dask(todo, finished)
            return
        if self.workers == 1:
            for part, chunk in todo:
                try:
                    lines = screen_part(self.config_json, chunk, self._exposure is not None)
                except ScreenerError:
                    raise
                except Exception as exc:
                    log.warning("part %d failed (%s); screening it one submission at a time", part,
                                exc.__class__.__name__)
                    lines = isolate(self.config_json, self.config, chunk)
                finished(part, chunk, lines)
            return
        self._execute_pool(todo, finished)

    def _execute_pool(self, todo: Iterator[tuple[int, list[Submission]]],
                      finished: Callable[[int, list[Submission], list[str]], None]) -> None:
        """Parts on a local pool, at most ``2 * workers`` in flight, written in input order. When the pool
        breaks (a worker died), the part at the head is screened submission by submission (``isolate``) and
        the others are submitted again to a new pool."""
        window: deque[tuple[int, list[Submission], Future[list[str]]]] = deque()
        pool = _pool(self.workers, self.config)

        def settle() -> None:
            nonlocal pool
            p, c, f = window.popleft()
            try:
                lines = f.result()
            except BrokenProcessPool:
                log.warning("part %d: a worker process died; screening it one submission at a time", p)
                pool.shutdown(wait=True, cancel_futures=True)
                lines = isolate(self.config_json, self.config, c)
                pool = _pool(self.workers, self.config)
                for _ in range(len(window)):  # parts the old pool finished keep their results
                    q, d, g = window.popleft()
                    window.append((q, d, g if _succeeded(g) else pool.submit(screen_part, self.config_json, d,
                                                                                  self._exposure is not None)))
            except ScreenerError:
                raise
            except Exception as exc:
                log.warning("part %d failed (%s); screening it one submission at a time", p,
                            exc.__class__.__name__)
                lines = isolate(self.config_json, self.config, c)
            finished(p, c, lines)

        try:
            for part, chunk in todo:
                window.append((part, chunk, pool.submit(screen_part, self.config_json, chunk,
                                                        self._exposure is not None)))
                if len(window) >= 2 * self.workers:
                    settle()
            while window:
                settle()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _execute_dask(self, todo: Iterator[tuple[int, list[Submission]]], finished) -> None:  # type: ignore[no-untyped-def]
        """Parts go to the cluster, at most ``in_flight`` at once (default twice its worker threads), written
        back in input order. When reading the input fails, the parts already screened are still recorded."""
        limit = self.in_flight or max(2, 2 * sum(self.client.nthreads().values()))
        window: deque[tuple[int, list[Submission], Any]] = deque()

        def lines_of(p: int, c: list[Submission], f: Any) -> list[str]:
            try:
                return list(f.result())
            except ScreenerError:
                raise
            except Exception as exc:  # the part's worker died or the part raised: screen it here, one by one
                log.warning("part %d failed on the cluster (%s); screening it one submission at a time", p,
                            exc.__class__.__name__)
                return isolate(self.config_json, self.config, c)

        try:
            for part, chunk in todo:
                window.append((part, chunk, self.client.submit(screen_part, self.config_json, chunk,
                                                               self._exposure is not None, pure=False)))
                if len(window) >= limit:
                    p, c, f = window.popleft()
                    finished(p, c, lines_of(p, c, f))
        except BaseException:
            for p, c, f in window:
                if f.done() and f.status == "finished":
                    finished(p, c, f.result())
                else:
                    f.cancel()
            raise
        while window:
            p, c, f = window.popleft()
            finished(p, c, lines_of(p, c, f))

    def _apply_exposure(self, parts: int) -> None:
        from screener.decide.policy import Policy
        from screener.exposure.policy import ExposurePolicy
        from screener.exposure.transport import overlay
        from screener.model import ScreenResult

        policy = Policy.load(self.config.policy_file()).exposure or ExposurePolicy()
        results = (ScreenResult.from_json(line) for line in self._lines(parts, overlay=False))
        overlay(self._exposure, results, policy, self.overlay_path)

    def _lines(self, parts: int, overlay: bool = True) -> Iterator[str]:
        from screener.exposure.transport import lines_with_overlay, read_overlay

        replacements = read_overlay(self.overlay_path) if overlay else {}
        for part in range(parts):
            with self.part_path(part).open(encoding="utf-8") as handle:
                yield from lines_with_overlay(handle, replacements)

    def results(self, parts: int) -> Iterator[dict[str, object]]:
        for line in self._lines(parts):
            yield json.loads(line)

    def verdicts(self, parts: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.results(parts):
            key = str(record["verdict"])
            counts[key] = counts.get(key, 0) + 1
        return counts

    def merge(self, parts: int, target: Path) -> int:
        n = 0
        with atomic_writer(target) as out:
            for line in self._lines(parts):
                out.write(line)
                n += 1
        return n


def _succeeded(future: Future[list[str]]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _chunks(items: Iterable[Submission], size: int) -> Iterator[list[Submission]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
