"""Hostile input never stops the gate: the fault-injection table and the budget cases, rerunnable.

Part 1, the fault table: each kind of fault of issue 15 (and injected faults of the same kinds), with the
input, what the tool did BEFORE (as reported in the issue) and what it does NOW (measured in this run: the
verdict and reason of the submission, the exit code of the command, counts of results and files).

Part 2, the budget cases: each case screened in a fresh process (so its peak memory, max RSS, is its own)
with the default per-submission budget (``ScreenerConfig.time_budget`` + ``time_budget_per_mb``, and
``memory_budget_mb``); the table gives the verdict, reason, wall and CPU seconds and peak MB. Long texts are
contract prose from ../shared/data/corpus/cuad (skipped when absent); the DOCX and PDF cases are built here.

    python bench/fault_table.py [--skip-budgets] [--sizes 1,10] [--skip-kill] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import budget_cases  # noqa: E402  (bench/budget_cases.py: part 2)

DATA = ROOT.parent / "shared" / "data"
CLI = [sys.executable, "-c", "from cli import main; main()"]
DEEP = 100_000
Row = tuple[str, str, str, str]  # kind, input, before, now


def _cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*CLI, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _one(engine: Any, sub: Any) -> str:
    r = engine.screen(sub)
    return f"{r.verdict.value}: {r.reasons[0] if r.reasons else ''}"


# -- part 1 -----------------------------------------------------------------------------------------------------

def _boundary_rows(engine: Any) -> Iterator[Row]:
    """Faults injected into each stage of one submission of three; the neighbours must be screened."""
    import zlib

    from screener import engine as engine_mod
    from screener.model import ScreenResult, Submission

    poison, clean = "Poison: write to dana@example.com.", "Clean: write to maria@example.com."
    stages: list[tuple[str, str, BaseException]] = [
        ("extract", "DOCX member with a bad CRC", zipfile.BadZipFile("x")),
        ("extract", "DOCX member with the encrypted flag", RuntimeError("x")),
        ("extract", "DOCX member with an unknown compression", NotImplementedError("x")),
        ("extract", "a PDF tripping a parser limit", type("LimitReachedError", (Exception,), {})("x")),
        ("extract", "an extractor bug", KeyError("x")),
        ("extract", "a flate bomb's decompressor", zlib.error("x")),
        ("extract", "an allocation that fails", MemoryError()),
        ("normalize", "normalisation nested too deep", RecursionError("x")),
        ("refine", "a post-processing bug", IndexError("x")),
        ("redact", "a redaction operator bug", ValueError("x")),
        ("to_json", "a result that cannot be encoded", UnicodeEncodeError("utf-8", "x", 0, 1, "surrogate")),
    ]
    for stage, what, exc in stages:
        undo = _inject(engine, engine_mod, ScreenResult, stage, exc)
        try:
            items = [Submission(id="a", data=clean.encode(), name="a.txt"),
                     Submission(id="poison", data=poison.encode(), name="p.txt"),
                     Submission(id="b", data=clean.encode(), name="b.txt")]
            results = list(engine.screen_many(items))
        finally:
            undo()
        neighbours = " ".join(r.verdict.value for r in results if r.submission_id != "poison")
        poisoned = next(r for r in results if r.submission_id == "poison")
        yield (f"1 boundary: {stage}", f"{what} ({exc.__class__.__name__} injected)",
               "the exception ends the whole scan: exit 3, no results",
               f"{poisoned.verdict.value}: {poisoned.reasons[0]}; neighbours {neighbours}")


def _inject(engine: Any, engine_mod: Any, result_cls: Any, stage: str, exc: BaseException) -> Callable[[], None]:
    def when_poison(original: Callable[..., Any], pick: Callable[..., str]) -> Callable[..., Any]:
        def patched(*args: Any, **kwargs: Any) -> Any:
            if "Poison" in pick(*args):
                raise exc
            return original(*args, **kwargs)
        return patched

    if stage in ("extract", "normalize"):
        original = getattr(engine_mod, stage)
        setattr(engine_mod, stage, when_poison(original, lambda v, *a: v if isinstance(v, str) else v.decode()))
        return lambda: setattr(engine_mod, stage, original)
    if stage == "refine":
        original = engine_mod.refine
        engine_mod.refine = when_poison(original, lambda f, t, *a: t.original)
        return lambda: setattr(engine_mod, "refine", original)
    if stage == "redact":
        original = engine.redactor.redact
        engine.redactor.redact = when_poison(original, lambda t, *a: t)
        return lambda: delattr(engine.redactor, "redact")
    original = result_cls.to_json

    def to_json(self: Any, *args: Any, **kwargs: Any) -> str:
        if self.submission_id == "poison" and self.verdict.value != "unscanned":
            raise exc
        return str(original(self, *args, **kwargs))

    result_cls.to_json = to_json
    return lambda: setattr(result_cls, "to_json", original)


def _input_rows(engine: Any, tmp: Path) -> Iterator[Row]:
    from screener.config import ScreenerConfig
    from screener.model import Metadata, Submission
    from screener.run.inputs import iter_paths

    cfg = ScreenerConfig()
    (tmp / "deep.json").write_text("[" * DEEP + "]" * DEEP)
    (tmp / "deep.jsonl").write_text('{"a":' * DEEP + "1" + "}" * DEEP + "\n")
    for name, what in (("deep.json", "JSON nested 100,000 deep"), ("deep.jsonl", "a JSONL line nested 100,000 deep")):
        subs = list(iter_paths([tmp / name], cfg))
        yield ("1 input", what, "RecursionError: exit 3, no results",
               "; ".join(_one(engine, s) for s in subs))
    for sub_id, meta, what in (
        (os.fsdecode(b"caf\xe9.txt"), None, "a file name with a latin-1 byte"),
        ("note-\ud800", None, "a JSONL id holding a lone surrogate"),
        ("note", "expert-\udfff", "an expert id holding a lone surrogate"),
    ):
        r = engine.screen(Submission(id=sub_id, text="Write to ana@example.com.", metadata=Metadata(expert_id=meta)))
        line = r.to_json().encode("utf-8")
        yield ("1 writers", what, "UnicodeEncodeError at --out, --audit-log, batch parts, stdout: exit 3",
               f"{r.verdict.value}, id {r.submission_id!r}, expert {r.metadata.expert_id!r}; {len(line)} bytes UTF-8")

    def source() -> Iterator[Submission]:
        yield Submission(id="one", text="Write to ana@example.com.")
        yield Submission(id="two", text="Plain words.")
        raise OSError("the input went away")

    got: list[str] = []
    try:
        for r in engine.screen_many(source(), batch_size=16):
            got.append(r.submission_id)
    except OSError:
        pass
    yield ("1 screen_many", "the input iterator raises after 2 items (batch of 16)",
           "the 2 items already taken are lost", f"{len(got)} results ({', '.join(got)}), then the OSError")


def _cli_rows(tmp: Path) -> Iterator[Row]:
    d = tmp / "walk"
    d.mkdir()
    (d / "note.txt").write_text("A plain note about the schedule.")
    (d / "loop-a").symlink_to("loop-b")
    (d / "loop-b").symlink_to("loop-a")
    (d / "dangling").symlink_to("nowhere.txt")
    os.mkfifo(d / "pipe")
    (d / "locked").mkdir()
    (d / "locked" / "x.txt").write_text("x")
    (d / "locked").chmod(0)
    from screener.config import ScreenerConfig
    from screener.run import inputs

    real_scandir = inputs.os.scandir

    def scandir(path: Any) -> Any:  # the folder is unreadable even to root, who ignores its mode
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    inputs.os.scandir = scandir  # type: ignore[assignment]
    try:
        subs = list(inputs.iter_paths([d], ScreenerConfig()))
    finally:
        inputs.os.scandir = real_scandir  # type: ignore[assignment]
        (d / "locked").chmod(0o755)
    reasons = ", ".join(f"{Path(s.id).name}: {s.error or 'read'}" for s in subs)
    yield ("4 walk", "note, symlink loop (2 links), dangling link, FIFO, unreadable folder",
           "1 result for 5 entries", f"{len(subs)} submissions: {reasons}")

    names = ["x y.txt", "x;y.txt", "x_y.txt", "x/y.txt", "x__y.txt", "a.txt", ".a.txt", "_2Ea.txt"]
    recs = tmp / "names.jsonl"
    recs.write_text("".join(json.dumps({"id": n, "text": f"Note {i}: mail ana{i}@example.com."}) + "\n"
                            for i, n in enumerate(names)))
    red = tmp / "red"
    done = _cli("scan", str(recs), "--redacted-dir", str(red), "-q")
    files = sorted(red.iterdir()) if red.is_dir() else []
    own = sum(f"Note {names.index(n)}:" in (red / f"{_file_name(f'{recs.as_posix()}#{n}')}.redacted.txt").read_text()
              for n in names if (red / f"{_file_name(f'{recs.as_posix()}#{n}')}.redacted.txt").is_file())
    yield ("4 names", f"{len(names)} submissions: " + ", ".join(names), "8 submissions gave 4 files, some with "
           "another's text", f"exit {done.returncode}, {len(files)} files, {own} holding their own text")

    ids = ["[/]", "[link=https://example.com]x[/link]", "[bold]b[/bold]", "\x1b[2K\x1b]0;title\x07erase"]
    recs = tmp / "ids.jsonl"
    recs.write_text("".join(json.dumps({"id": i, "text": "Mail ana@example.com."}) + "\n" for i in ids))
    done = _cli("scan", str(recs), "--details")
    shown = done.stdout + done.stderr
    controls = sum(shown.count(c) for c in "\x1b\x07")
    literal = sum(i in shown.replace("\n", "") for i in ids[:3])
    yield ("5 terminal", "ids " + ", ".join(repr(i) for i in ids), "[/] crashes the summary (MarkupError, exit 3); "
           "[link]/[bold] interpreted; escapes reach the terminal",
           f"exit {done.returncode}; {controls} control characters printed; markup ids shown as written: {literal}/3")


def _file_name(sub_id: str) -> str:
    from screener.safe_text import file_name

    return file_name(sub_id)


def _yaml_rows(tmp: Path) -> Iterator[Row]:
    names = "abcdefghi"
    bomb = "bomb:\n" + "".join(
        f"  {names[i]}: &{names[i]} [{', '.join(['x'] * 9 if i == 0 else [f'*{names[i - 1]}'] * 9)}]\n"
        for i in range(9))
    rules = tmp / "rules"
    cases = [
        ("rule pack", "rules/bomb.yaml", "schema: screener-rules/1\n", ["rules", "list", "--rules-dir", str(rules)]),
        ("policy", "rules/policies/bomb.yaml", "schema: screener-policy/1\n",
         ["policy", "show", "--rules", str(rules), "--policy", "bomb"]),
        ("policy layer", "rules/policies/employers/bomb.yaml", "schema: screener-policy-layer/1\n",
         ["policy", "show", "--rules", str(rules), "--employer", "bomb"]),
        ("employer profile", "rules/employers/bomb.yaml", "schema: screener-employer/1\n",
         ["rules", "employers", "--rules-dir", str(rules)]),
        ("--config", "config.yaml", "", ["scan", str(ROOT / "examples"), "--config", str(tmp / "config.yaml")]),
    ]
    for kind, rel, head, argv in cases:
        if rules.exists():
            shutil.rmtree(rules)
        shutil.copytree(ROOT / "rules", rules)
        (tmp / rel).write_text(head + bomb)
        started = time.perf_counter()
        done = _cli(*argv, timeout=300)
        seconds = time.perf_counter() - started
        message = " ".join((done.stderr + done.stdout).split())
        where = message[message.find(Path(rel).name):][:60] if Path(rel).name in message else message[-80:]
        yield ("3 YAML", f"nine-level alias bomb in a {kind}",
               "refused" if kind == "--config" else "hangs past 120 s, memory climbing",
               f"exit {done.returncode} in {seconds:.1f} s: {where}")
        (tmp / rel).unlink()


def _batch_rows(tmp: Path) -> Iterator[Row]:
    inputs = tmp / "batch-in"
    inputs.mkdir()
    for i in range(40):
        (inputs / f"n{i:03d}.txt").write_text(f"Note {i}: write to person{i}@example.com about the plan.")
    out = tmp / "batch-out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [*CLI, "batch", str(inputs), "--out-dir", str(out), "--workers", "2", "--part-size", "4"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        if len(workers) >= 2 and list(out.glob("part-*.jsonl")):
            break
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    parts_before = len(list(out.glob("part-*.jsonl")))
    time.sleep(5)
    left = [w for w in workers if _alive(w)]
    merged = tmp / "merged.jsonl"
    done = subprocess.run([*argv, "--merge", str(merged)], cwd=ROOT, env=env, capture_output=True, text=True)
    ids = [json.loads(line)["id"] for line in merged.read_text().splitlines()] if merged.is_file() else []
    lost = 40 - len(set(ids))
    yield ("6 kill", f"SIGKILL of batch --workers 2 after {parts_before} of 10 parts; then resume",
           "both workers survive every kill (44 in 40 runs, 20 min later)",
           f"{len(left)} of {len(workers)} workers alive 5 s after the kill; resume exit {done.returncode}: "
           f"{lost} lost, {len(ids) - len(set(ids))} duplicated")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--skip-budgets", action="store_true")
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument("--sizes", default="1,10", help="long-text cases in MB of contract prose")
    parser.add_argument("--data", default=str(DATA), help="the shared evaluation data folder")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(budget_cases.budget_case(args.case, Path(args.data))))
        return 0
    from screener.engine import Screener

    logging.getLogger("screener").setLevel(logging.ERROR)  # the injected faults' warnings are expected
    engine = Screener.from_config()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        rows += _boundary_rows(engine)
        rows += _input_rows(engine, tmp)
        rows += _yaml_rows(tmp)
        rows += _cli_rows(tmp)
        if not args.skip_kill:
            rows += _batch_rows(tmp)
    print(f"{'kind':<20} | {'input':<60} | {'before (issue 15)':<45} | now")
    for kind, what, before, now in rows:
        print(f"{kind:<20} | {what[:60]:<60} | {before[:45]:<45} | {now}")
    if not args.skip_budgets:
        budget_cases.table([float(s) for s in args.sizes.split(",") if s], Path(args.data), __file__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
