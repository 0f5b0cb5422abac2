"""What fragment matching against a large index adds to ``Screener.screen_many`` time.

Builds an index of ``--docs`` documents (bench/scale_index.py's generator: slices of the PAN13 sources and
CUAD contracts, then unrelated documents of the same words) and screens the TAB court judgments (real texts,
never indexed) with the full screener twice in one process, alternating the order each round:

  baseline   ``Screener.from_config(ScreenerConfig(corpora=()))``: every detector, no corpus
  index      the same with the index as its only corpus (fragment matching on)

Times are CPU seconds of this process (``time.process_time``, all its threads), so other load on the machine
does not blur them. The table gives the median time of each over ``--repeat`` rounds (after a warm-up of
both; every round starts with the fragment detector's caches empty), the time the fragment detector took
inside the index run (its ``detect`` timed), and the ratio index / baseline; the goal is at most 1.15x for a
10,000-document index.

    python bench/fragment_overhead.py                   # 10,000 documents, 100 TAB texts
    python bench/fragment_overhead.py --docs 1000 --limit 40
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scale_index import DATA, corpus_words, documents
from screener.config import ScreenerConfig
from screener.detect.fragments import FragmentDetector
from screener.engine import Screener
from screener.fingerprint.corpus import build
from screener.fingerprint.ingest import add_text
from screener.fingerprint.store import FingerprintStore
from screener.model import Submission

_SPENT = [0.0]


def _timed_detect(detect):  # type: ignore[no-untyped-def]
    def run(self, item):  # type: ignore[no-untyped-def]
        t0 = time.process_time()
        out = list(detect(self, item))
        _SPENT[0] += time.process_time() - t0
        return out
    return run


def _cold(engine: Screener) -> None:
    """Forget what the fragment detector holds from earlier rounds (prepared candidate documents, checked
    buckets), so that every round screens the texts as new ones, as a batch of fresh submissions would."""
    for detector in getattr(engine, "detectors", ()):
        if isinstance(detector, FragmentDetector):
            detector.matcher._cache.clear()
            for store in detector.stores:
                getattr(store, "_checked", {}).clear()
                store._checked_postings_held = 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--doc-words", type=int, default=150)
    ap.add_argument("--limit", type=int, default=100, help="TAB texts screened")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tab = args.data / "pii" / "tab_dev.jsonl"
    if not tab.is_file() or not (args.data / "reuse" / "pan13_train" / "src").is_dir():
        print(f"evaluation data not found under {args.data}: skipping (exit 0)")
        return 0
    texts = [json.loads(line)["text"] for line in tab.open(encoding="utf-8") if line.strip()][: args.limit]
    subs = [Submission(id=f"tab{i}", text=t) for i, t in enumerate(texts)]
    words = corpus_words(args.data, args.docs * args.doc_words)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overhead.db"
        t0 = time.perf_counter()
        build([], "overhead", path)
        store = FingerprintStore.open(path, writable=True)
        for ref, text in documents(words, args.docs, args.doc_words):
            add_text(store, ref, text)
        manifest = store.commit()
        store.close()
        build_s = time.perf_counter() - t0
        FragmentDetector.detect = _timed_detect(FragmentDetector.detect)  # type: ignore[method-assign]
        engines = {
            "baseline": Screener.from_config(ScreenerConfig(corpora=())),
            "index": Screener.from_config(ScreenerConfig(corpora=(path,))),
        }
        times: dict[str, list[float]] = {name: [] for name in engines}
        stage: list[float] = []
        for rnd in range(args.repeat + 1):  # round 0 warms both up
            order = list(engines) if rnd % 2 else list(reversed(engines))
            for name in order:
                _cold(engines[name])
                _SPENT[0] = 0.0
                t1 = time.process_time()
                results = list(engines[name].screen_many(subs))
                elapsed = time.process_time() - t1
                if len(results) != len(subs) or not all(r.scanned for r in results):
                    print(f"{name}: not every text was screened")
                    return 1
                if rnd:
                    times[name].append(elapsed)
                    if name == "index":
                        stage.append(_SPENT[0])
    n_words = sum(len(t.split()) for t in texts)
    base, idx = statistics.median(times["baseline"]), statistics.median(times["index"])
    print(f"fragment matching overhead: {len(texts)} TAB texts ({n_words} words), index of {args.docs} documents "
          f"of {args.doc_words} words ({manifest.postings} fingerprints, built in {build_s:.1f}s); median of "
          f"{args.repeat} alternating rounds")
    head = f"{'engine':10} {'seconds':>8} {'words/s':>8} {'fragments s':>11} {'x baseline':>10}"
    print(head)
    print("-" * len(head))
    print(f"{'baseline':10} {base:8.2f} {n_words / base:8.0f} {'-':>11} {1.0:10.2f}")
    print(f"{'index':10} {idx:8.2f} {n_words / idx:8.0f} {statistics.median(stage):11.2f} {idx / base:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
