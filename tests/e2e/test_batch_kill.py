"""Killed runs leave nothing behind: after SIGKILL of ``screener batch --workers 2`` its pool workers exit, and the
run resumed with two workers screens every submission exactly once. A worker that dies on one submission costs
that submission's result (UNSCANNED), never its part or the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.model import Submission
from screener.run.batch import BatchRun

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _inputs(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"note-{i:03d}.txt").write_text(f"Note {i}: write to person{i}@example.com about the plan.")
    return folder


def _batch(inputs: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from cli import main; main()", "batch", str(inputs), "--out-dir", str(out),
            "--workers", "2", "--part-size", "3", *extra]


def test_sigkill_leaves_no_worker_and_the_resumed_run_is_exact(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in", 600)  # 200 parts: the run is still going when the first part is written
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_batch(inputs, out), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        if len(workers) >= 2 and list(out.glob("part-*.jsonl")):
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed; give it more input"
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone_by = time.monotonic() + 10
    while time.monotonic() < gone_by and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not [w for w in workers if _alive(w)], "pool workers outlived the killed run"

    merged = tmp_path / "merged.jsonl"
    done = subprocess.run(_batch(inputs, out, "--merge", str(merged)), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # every note holds an e-mail address: findings
    ids = [json.loads(line)["id"] for line in merged.read_text().splitlines()]
    expected = sorted(p.as_posix() for p in inputs.iterdir())
    assert len(ids) == len(set(ids)) and sorted(ids) == expected, "0 lost, 0 duplicated"


def test_a_worker_that_dies_costs_only_its_submission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import engine as engine_mod

    original = engine_mod.Screener._finish

    def finish(self: object, prep: object, nlp: object) -> object:
        if prep.submission.id == "poison":  # type: ignore[attr-defined]
            os._exit(9)  # as a crash in native code or the kernel's memory or CPU limit would end it
        return original(self, prep, nlp)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_mod.Screener, "_finish", finish)  # forked workers inherit the patch
    items = [Submission(id=f"s{i}", text=f"Note {i}: write to p{i}@example.com.") for i in range(7)]
    items.insert(4, Submission(id="poison", text="Note: write to x@example.com."))
    cfg = ScreenerConfig.load()
    summary = BatchRun(cfg, tmp_path, part_size=3, workers=2).run(items)
    lines = [json.loads(line) for part in range(summary.parts) for line in
             (tmp_path / f"part-{part:06d}.jsonl").read_text().splitlines()]
    assert [r["id"] for r in lines] == [s.id for s in items]
    poison = next(r for r in lines if r["id"] == "poison")
    assert poison["verdict"] == "unscanned" and poison["reasons"][0].startswith("worker process died")
    assert all(r["verdict"] == "redact" for r in lines if r["id"] != "poison")
    again = BatchRun(cfg, tmp_path, part_size=3, workers=2).run(items)
    assert again.skipped_parts == again.parts == 3, "the resumed run does not stop at that part again"


@pytest.mark.parametrize("exc", [ValueError("x"), RecursionError("x"), NotImplementedError("x")],
                         ids=["ValueError", "RecursionError", "NotImplementedError"])
def test_a_submission_that_raises_never_stops_its_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        exc: BaseException) -> None:
    from screener import engine as engine_mod

    original = engine_mod.extract

    def extract(data: bytes, *args: object, **kwargs: object) -> object:
        if data.startswith(b"PK"):
            raise exc
        return original(data, *args, **kwargs)

    monkeypatch.setattr(engine_mod, "extract", extract)
    items = [Submission(id=f"s{i:03d}", data=f"Note {i}: mail p{i}@example.com.".encode(), name="n.txt")
             for i in range(101)]
    items[50] = Submission(id="s050", data=b"PK\x03\x04 not really a docx", name="n.docx")
    cfg = ScreenerConfig.load()
    summary = BatchRun(cfg, tmp_path, part_size=10).run(items)
    assert summary.submissions == 101 and summary.verdicts == {"redact": 100, "unscanned": 1}
    again = BatchRun(cfg, tmp_path, part_size=10).run(items)
    assert again.skipped_parts == again.parts == 11
