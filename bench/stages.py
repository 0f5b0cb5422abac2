"""Where the screener's time goes: seconds per stage over the same texts as bench/throughput.py.

Wraps the NLP pass, normalisation, each detector, refine and redaction of one Screener with timers and
screens the texts once to warm up (vocabulary, caches), then once measured. Beside it, in the same process,
the bare pass of the loaded model over the folded texts (``nlp.pipe``), the baseline of the "nlp" row.

    python bench/stages.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import screener.engine as engine_module
from bench.throughput import DATA, load_texts
from screener.engine import Screener
from screener.model import Submission
from screener.text.normalize import normalize


def timed(spent: Counter[str], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        if name.startswith("detector:"):
            out = list(out)  # detectors may be lazy: the time is spent when they are consumed
        spent[name] += time.perf_counter() - t0
        return out
    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    path = Path(args.data) / "pii" / "tab_dev.jsonl"
    if not path.is_file():
        print(f"{path} not found: skipping (exit 0)")
        return 0
    texts = load_texts(path, args.limit, 1)
    subs = [Submission(id=f"t{i}", text=t) for i, t in enumerate(texts)]
    screener = Screener.from_config()
    assert screener.runner is not None
    spent: Counter[str] = Counter()
    for d in screener.detectors:
        d.detect = timed(spent, f"detector:{d.name}", d.detect)  # type: ignore[method-assign]
    screener.runner.run = timed(spent, "nlp", screener.runner.run)  # type: ignore[method-assign]
    screener.redactor.redact = timed(spent, "redact", screener.redactor.redact)  # type: ignore[method-assign]
    engine_module.normalize = timed(spent, "normalize", engine_module.normalize)  # type: ignore[assignment]
    engine_module.refine = timed(spent, "refine", engine_module.refine)  # type: ignore[assignment]
    sum(1 for _ in screener.screen_many(subs))  # warm-up
    spent.clear()
    t0 = time.perf_counter()
    sum(1 for _ in screener.screen_many(subs))
    total = time.perf_counter() - t0
    folded = [normalize(t).text for t in texts]
    t1 = time.perf_counter()
    sum(len(d.ents) for d in screener.runner.nlp.pipe(folded, batch_size=16))
    bare = time.perf_counter() - t1
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} TAB documents, {words} words; one warm-up pass, then one measured pass")
    print(f"{'stage':22} {'seconds':>8} {'share':>6}")
    print("-" * 38)
    for name, seconds in spent.most_common():
        print(f"{name:22} {seconds:8.3f} {seconds / total:6.1%}")
    print(f"{'other':22} {total - sum(spent.values()):8.3f} {(total - sum(spent.values())) / total:6.1%}")
    print(f"{'total':22} {total:8.3f}")
    print(f"\nbare nlp.pipe over the same folded texts: {bare:.3f} s (the nlp row inside the engine: "
          f"{spent['nlp']:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
