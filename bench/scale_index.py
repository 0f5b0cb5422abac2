"""Fingerprint index at scale: build time, size on disk, time to open (and check) the store and query time per
submission as the corpus grows, with the store checked in full when opened (then direct lookups: the baseline)
and checked part by part as it is read (what the screener does above 16 MiB).

Documents are slices of ``--doc-words`` words cut from the PAN13 source documents and the CUAD contracts;
when more documents are needed than the texts hold, further ones interleave the words of two slices, so that
no query passage gains near-copies as the corpus grows. Each query is a ``--query-words`` submission of
unrelated text (court judgments of the TAB set, never indexed) with one 60-word passage of a random indexed
document pasted in; the table reports whether that passage was found. The baseline is the smallest size in
the same run: query time should stay nearly flat as the corpus grows.

    python bench/scale_index.py                          # 1k and 10k documents (short)
    python bench/scale_index.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.detect.base import ScanInput
from screener.detect.fragments import FragmentDetector
from screener.fingerprint.corpus import build
from screener.fingerprint.ingest import add_text
from screener.fingerprint.store import FingerprintStore
from screener.model import Metadata
from screener.text.normalize import normalize

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_WORD = re.compile(r"\S+")


def corpus_words(data: Path, limit: int) -> list[str]:
    words: list[str] = []
    files = sorted((data / "reuse" / "pan13_train" / "src").glob("*.txt"))
    files += sorted((data / "corpus" / "cuad" / "contracts").glob("*.txt"))
    for f in files:
        words.extend(_WORD.findall(f.read_text(encoding="utf-8", errors="replace")))
        if len(words) >= limit:
            break
    return words


def filler_words(data: Path) -> list[str]:
    """Unrelated text for the queries: court judgments (TAB), which share no source with PAN or CUAD."""
    import json

    words: list[str] = []
    with (data / "pii" / "tab_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            words.extend(_WORD.findall(json.loads(line).get("text", "")))
            if len(words) > 200_000:
                break
    return words


def documents(words: list[str], n: int, size: int) -> Iterator[tuple[str, str]]:
    """``n`` documents of ``size`` words. Once the texts run out, further documents interleave the words of
    two slices (real words and frequencies, but no passage shared with another document), so that every
    query passage has exactly one source whatever the corpus size: near-copies would turn a larger corpus
    into more true matches per query, which is another measurement."""
    per_pass = len(words) // size
    for i in range(n):
        passno, slot = divmod(i, per_pass)
        chunk = words[slot * size : (slot + 1) * size]
        if passno:
            other = (slot + passno * 7919) % per_pass
            mate = words[other * size : (other + 1) * size]
            start = (passno - 1) % 2  # the second pass starts with the slice's own words, the third with its mate's
            mixed = [w for pair in zip(chunk, mate, strict=False) for w in pair]
            chunk = mixed[start : start + size]
        yield f"doc{i:06d}", " ".join(chunk)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (documents)")
    ap.add_argument("--doc-words", type=int, default=150)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--query-words", type=int, default=400)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    if not (args.data / "reuse" / "pan13_train" / "src").is_dir():
        print(f"evaluation data not found under {args.data}: skipping (exit 0)")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    words = corpus_words(args.data, max(sizes) * args.doc_words)
    filler = filler_words(args.data)
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"scale{n}.db"
            t0 = time.perf_counter()
            build([], f"scale{n}", path)
            store = FingerprintStore.open(path, writable=True)
            texts: dict[str, str] = {}
            for ref, text in documents(words, n, args.doc_words):
                add_text(store, ref, text)
                texts[ref] = text
            manifest = store.commit()
            store.close()
            build_s = time.perf_counter() - t0
            queries = []
            for _ in range(args.queries):
                ref = f"doc{rng.randrange(n):06d}"
                doc_words = texts[ref].split()
                start = rng.randrange(max(1, len(doc_words) - 60))
                passage = doc_words[start : start + 60]
                at = rng.randrange(len(filler) - args.query_words)
                pre = filler[at : at + args.query_words // 2]
                post = filler[at + args.query_words // 2 : at + args.query_words - 60]
                queries.append((ref, ScanInput(normalize(" ".join(pre + passage + post)), None, Metadata())))
            measured = {}
            for full in (True, False):  # checked in full at open, then direct lookups | checked part by part
                t0 = time.perf_counter()
                detector = FragmentDetector([FingerprintStore.open(path, full_check=full)])
                open_ms = (time.perf_counter() - t0) * 1000
                list(detector.detect(ScanInput(normalize(" ".join(filler[:300])), None, Metadata())))  # warm-up
                hits, elapsed = 0, 0.0
                for ref, item in queries:
                    t1 = time.perf_counter()
                    found = list(detector.detect(item))
                    elapsed += time.perf_counter() - t1
                    hits += any(f.evidence.reference == ref for f in found)
                detector.close()
                measured[full] = (open_ms, elapsed / args.queries * 1000, hits)
            rows.append((n, manifest.postings, build_s, path.stat().st_size, measured))
            del texts

    print(f"fingerprint index scale: documents of {args.doc_words} words, {args.queries} queries of "
          f"{args.query_words} words with one 60-word indexed passage each; 'full': the store checked in full "
          "when opened, then direct lookups; 'parts': checked part by part as read (the default above "
          "16 MiB); x smallest: parts query time against the smallest size")
    head = (f"{'docs':>8} {'postings':>10} {'build s':>8} {'docs/s':>7} {'size MB':>8} {'open ms':>15} "
            f"{'query ms':>15} {'parts/full':>10} {'x smallest':>10} {'found':>7}")
    print(f"{'':45} {'full':>7} {'parts':>7} {'full':>7} {'parts':>7}")
    print(head)
    print("-" * len(head))
    base = rows[0][4][False][1]
    for n, postings, build_s, size, m in rows:
        (open_f, query_f, hits_f), (open_p, query_p, hits_p) = m[True], m[False]
        print(f"{n:8d} {postings:10d} {build_s:8.1f} {n / build_s:7.0f} {size / 1e6:8.1f} {open_f:7.1f} {open_p:7.1f} "
              f"{query_f:7.1f} {query_p:7.1f} {query_p / query_f:10.2f} {query_p / base:10.2f} "
              f"{min(hits_f, hits_p):3d}/{args.queries:<3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
