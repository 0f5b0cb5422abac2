"""PAN 2013 text alignment: plagdet, precision, recall and granularity per obfuscation category.

Indexes the source documents of the sampled pairs (``--index-all``: every source) in a temporary fingerprint
index and scores the passages found between each pair with our own plagdet (bench/plagdet.py). In ``pairs``
mode (PAN's text alignment task) the matcher aligns each suspicious document with its given source; in
``index`` mode the shipped detector screens it against the whole index and the passages attributed to the
pair's source are kept, so retrieval misses count too. Category 01 has no reuse: its detections are false
detections.

Baseline in the same run: exact matching of 8-word sequences (lower-cased words), adjacent matches merged,
which is what a verbatim-only matcher finds.

    python bench/eval_fragments.py                        # 40 pairs per category, given pairs (quick)
    python bench/eval_fragments.py --pairs 0              # every pair (several minutes)
    python bench/eval_fragments.py --pairs 0 --mode index # candidates from an index of all 3,230 sources
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.plagdet import Annotation, Scores, plagdet
from screener.detect.base import ScanInput
from screener.detect.fragments import FragmentDetector, rules_from
from screener.fingerprint.corpus import build
from screener.fingerprint.ingest import add_text
from screener.fingerprint.match import MatchParams
from screener.fingerprint.shingle import words_of
from screener.fingerprint.store import FingerprintStore
from screener.model import Metadata
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "reuse" / "pan13_train"
CATEGORIES = ("01-no-plagiarism", "02-no-obfuscation", "03-random-obfuscation",
              "04-translation-obfuscation", "05-summary-obfuscation")
BASELINE_N = 8


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def gold(xml: Path) -> tuple[str, str, list[Annotation]]:
    root = ET.parse(xml).getroot()
    susp = root.get("reference", "")
    src = "source-" + xml.name.split("-source-")[1].replace(".xml", ".txt")
    pair = f"{susp}|{src}"
    cases = []
    for f in root.iter("feature"):
        if f.get("name") != "plagiarism":
            continue
        t0, s0 = int(f.get("this_offset", 0)), int(f.get("source_offset", 0))
        cases.append(Annotation(pair, (t0, t0 + int(f.get("this_length", 0))),
                                (s0, s0 + int(f.get("source_length", 0)))))
    return susp, src, cases


def baseline(pair: str, susp: str, src: str) -> list[Annotation]:
    """Exact 8-word matches between the folded texts, merged when adjacent."""
    ns, nr = normalize(susp), normalize(src)
    ws, wr = words_of(ns.text), words_of(nr.text)
    grams: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(len(wr.words) - BASELINE_N + 1):
        grams[wr.words[i : i + BASELINE_N]].append(i)
    runs: list[list[int]] = []
    for i in range(len(ws.words) - BASELINE_N + 1):
        for j in grams.get(ws.words[i : i + BASELINE_N], ())[:1]:
            if runs and i - runs[-1][1] <= 1 and 0 <= j - runs[-1][3] <= 2:
                runs[-1][1], runs[-1][3] = i, j
            else:
                runs.append([i, i, j, j])
    out = []
    for a, b, c, d in runs:
        t = ns.to_original(ws.starts[a], ws.ends[b + BASELINE_N - 1])
        s = nr.to_original(wr.starts[c], wr.ends[d + BASELINE_N - 1])
        out.append(Annotation(pair, (t.start, t.end), (s.start, s.end)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--pairs", type=int, default=40, help="pairs per category (0: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--mode", choices=("pairs", "index"), default="pairs",
                    help="pairs: align each given pair (PAN's task); index: candidates from the whole index")
    ap.add_argument("--index-all", action="store_true", help="index every source document, not only the sampled")
    ap.add_argument("--categories", default="", help="comma-separated category prefixes, e.g. 02,03")
    ap.add_argument("--rules", type=Path, default=Path(__file__).resolve().parents[1] / "rules" / "fragments.yaml")
    ap.add_argument("--min-words", type=int, default=0, help="override every fragment rule's min_words")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="override a matcher parameter (screener.fingerprint.match.MatchParams)")
    args = ap.parse_args()
    if not (args.data / "src").is_dir():
        print(f"PAN13 data not found at {args.data}: skipping (exit 0)")
        return 0
    rng = random.Random(args.seed)
    sample: dict[str, list[Path]] = {}
    cats = [c for c in CATEGORIES if not args.categories or c[:2] in args.categories.split(",")]
    for cat in cats:
        xmls = sorted((args.data / cat).glob("*.xml"))
        sample[cat] = xmls if args.pairs <= 0 else sorted(rng.sample(xmls, min(args.pairs, len(xmls))))
    pairs = {cat: [gold(x) for x in xmls] for cat, xmls in sample.items()}
    sources = sorted({src for ps in pairs.values() for _, src, _ in ps})
    if args.index_all:
        sources = sorted(p.name for p in (args.data / "src").glob("*.txt"))

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = Path(tmp) / "pan.db"
        build([], "pan13", index)
        store = FingerprintStore.open(index, writable=True)
        for src in sources:
            add_text(store, src, read(args.data / "src" / src))
        store.commit()
        build_s = time.perf_counter() - t0
        overrides = {k: type(getattr(MatchParams(), k))(v) for k, v in (p.split("=", 1) for p in args.param)}
        rules = rules_from(load_rules([args.rules]))
        if args.min_words:
            rules = {k: replace(r, min_words=args.min_words) for k, r in rules.items()}
        detector = FragmentDetector([store], rules, MatchParams(**overrides))
        rows = []
        tot_cases: list[Annotation] = []
        tot_ours: list[Annotation] = []
        tot_base: list[Annotation] = []
        t_ours = t_base = 0.0
        for cat in cats:
            cases: list[Annotation] = []
            ours: list[Annotation] = []
            base: list[Annotation] = []
            for susp_name, src, gold_cases in pairs[cat]:
                pair = f"{susp_name}|{src}"
                susp = read(args.data / "susp" / susp_name)
                cases.extend(gold_cases)
                t1 = time.perf_counter()
                norm = normalize(susp)
                if args.mode == "index":  # the detector as shipped: candidates come from the whole index
                    for f in detector.detect(ScanInput(norm, None, Metadata())):
                        ev = f.evidence
                        if ev.reference == src and ev.source_span is not None:
                            ours.append(Annotation(pair, (f.span.start, f.span.end), tuple(ev.source_span.to_list())))
                else:  # PAN's text alignment task: the pair is given, align it with the same matcher and rules
                    for p in detector.matcher.match(norm, only=frozenset({src})):
                        if detector.classify(p) is not None and p.s_chars is not None:
                            ours.append(Annotation(pair, p.q_chars, p.s_chars))
                t2 = time.perf_counter()
                base.extend(baseline(pair, susp, read(args.data / "src" / src)))
                t_base += time.perf_counter() - t2
                t_ours += t2 - t1
            rows.append((cat, len(pairs[cat]), plagdet(cases, ours), plagdet(cases, base), len(ours), len(base)))
            tot_cases += cases
            tot_ours += ours
            tot_base += base
        store.close()

    rule_desc = ", ".join(f"{r.id} >= {r.min_words} words" for r in rules.values())
    print(f"PAN13 text alignment ({args.mode} mode), {sum(len(p) for p in pairs.values())} pairs, "
          f"{len(sources)} sources indexed "
          f"in {build_s:.1f}s; detector {t_ours:.1f}s, baseline {t_base:.1f}s; rules: {rule_desc}")
    head = f"{'category':28} {'pairs':>5} {'plagdet':>7} {'prec':>6} {'rec':>6} {'gran':>5} | {'base':>6} {'ratio':>6}"
    print(head)
    print("-" * len(head))

    def line(name: str, n: int, s: Scores, b: Scores) -> None:
        ratio = f"{s.plagdet / b.plagdet:6.2f}" if b.plagdet else "     -"
        print(f"{name:28} {n:5d} {s.plagdet:7.3f} {s.precision:6.3f} {s.recall:6.3f} {s.granularity:5.2f} | "
              f"{b.plagdet:6.3f} {ratio}")

    for cat, n, s, b, n_ours, n_base in rows:
        if cat.startswith("01"):
            print(f"{cat:28} {n:5d}  false detections: ours {n_ours}, baseline {n_base}")
        else:
            line(cat, n, s, b)
    line("overall (01-05)", sum(len(p) for p in pairs.values()), plagdet(tot_cases, tot_ours),
         plagdet(tot_cases, tot_base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
