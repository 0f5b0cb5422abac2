"""CUAD scenario: the contracts stand in for a former employer's confidential document store.

Indexes CUAD contracts, then screens three kinds of submissions per sampled contract:

- quote:      our own framing text with a 40-word passage of the contract pasted in (reflowed);
- paraphrase: the same passage edited by machine at three strengths (share of words replaced, dropped or
              swapped with a neighbour: light 10%, medium 25%, heavy 40%), inside our framing text;
- discuss:    text written by us that only talks about the contract (its type and parties), no passage.

A hit is a fragment finding that names the right contract and overlaps the pasted passage; for "discuss"
any fragment finding is a false alarm; "other doc" counts submissions with a finding that names another
contract (contracts share clauses, so not all of these are wrong). Baseline in the same run: exact matching
of 8-word sequences. The scenario runs twice: against a plaintext index (FRG501/FRG502) and against a
fingerprint-only pack (FRG503).

    python bench/cuad_fragments.py                    # 60 contracts indexed, 30 sampled
    python bench/cuad_fragments.py --contracts 0      # all contracts
    python bench/cuad_fragments.py --modes pack --pack-k 3 --pack-window 4   # the former pack settings
"""

from __future__ import annotations

import argparse
import ast
import csv
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.detect.base import ScanInput
from screener.detect.fragments import FragmentDetector, rules_from
from screener.fingerprint.corpus import PACK_K, PACK_WINDOW, build, fingerprint
from screener.fingerprint.ingest import add_text
from screener.fingerprint.store import FingerprintStore
from screener.model import Metadata
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize

CUAD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "cuad"
RULES = Path(__file__).resolve().parents[1] / "rules" / "fragments.yaml"
_WORD = re.compile(r"\S+")
FILLERS = ("the", "a", "certain", "such", "any", "relevant", "applicable", "said")

INTRO = ("In my previous role I reviewed many commercial agreements. When asked how such contracts usually "
         "handle this point, I would say that the wording matters less than the commercial intent, but here "
         "is the kind of language one sees:")
OUTRO = ("In short, a careful reader should check who bears the risk, how long the obligations last and what "
         "happens when either side wants to leave the arrangement early.")
DISCUSS = (
    "I once worked on a {kind} involving {party}. Agreements of this type usually define the scope of the "
    "relationship, the fees, how long it runs and how either side can end it. What I remember is that the "
    "negotiation focused on exclusivity and on who owned improvements made during the term. Lawyers on both "
    "sides spent most of their time on liability caps and on the notice period for termination, which is "
    "typical for this kind of deal.",
    "A {kind} such as the one signed by {party} is mostly about allocating risk. My advice to anyone drafting "
    "one is to be precise about deliverables, payment milestones and audit rights, and to make sure that "
    "confidentiality survives the end of the contract. Courts read these documents literally, so vague "
    "promises rarely help the party that relied on them.",
)


def edit(words: list[str], strength: float, rng: random.Random) -> list[str]:
    """Replace, drop or swap about ``strength`` of the words (PAN-style random obfuscation)."""
    out = list(words)
    for i in rng.sample(range(len(out)), int(len(out) * strength)):
        op = rng.random()
        if op < 0.4:
            out[i] = rng.choice(FILLERS)
        elif op < 0.7:
            out[i] = ""
        elif i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
    return [w for w in out if w]


def parties(cuad: Path) -> dict[str, tuple[str, str]]:
    """Contract file stem -> (document name, first party) from the lawyers' labels."""
    out: dict[str, tuple[str, str]] = {}
    with (cuad / "master_clauses.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                names = ast.literal_eval(row["Parties"]) or ["the counterparty"]
                kind = (ast.literal_eval(row["Document Name"]) or ["agreement"])[0]
            except (ValueError, SyntaxError):
                continue
            out[Path(row["Filename"]).stem] = (str(kind).lower(), str(names[0]).title())
    return out


def grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


Row = tuple[bool, bool, bool, str, bool]  # hit, any finding, baseline hit, codes, finding naming another doc


def report(mode: str, n_texts: int, postings: int, size: int, build_s: float, n_subs: int, screen_s: float,
           results: dict[str, list[Row]]) -> None:
    print(f"\nCUAD scenario, {mode}: {n_texts} contracts ({postings} fingerprints, {size / 2**20:.1f} MiB, "
          f"{build_s:.1f}s), {n_subs} submissions screened in {screen_s:.1f}s")
    head = (f"{'scenario':18} {'texts':>5} {'hits':>5} {'misses':>6} {'any finding':>11} {'other doc':>9} "
            f"{'baseline':>8}  codes")
    print(head)
    print("-" * len(head))
    for scenario, rows in results.items():
        codes: dict[str, int] = {}
        for r in rows:
            codes[r[3]] = codes.get(r[3], 0) + 1
        hits = sum(r[0] for r in rows)
        desc = " ".join(f"{c}:{n}" for c, n in sorted(codes.items()))
        if scenario == "discuss":
            print(f"{scenario:18} {len(rows):5d} {'':>5} {'':>6} {sum(r[1] for r in rows):11d} {'':>9} "
                  f"{sum(r[2] for r in rows):8d}  (false alarms)")
        else:
            print(f"{scenario:18} {len(rows):5d} {hits:5d} {len(rows) - hits:6d} {sum(r[1] for r in rows):11d} "
                  f"{sum(r[4] for r in rows):9d} {sum(r[2] for r in rows):8d}  {desc}")


def scenarios_of(texts: dict[str, str], labels: dict[str, tuple[str, str]], sample_n: int,
                 rng: random.Random) -> list[tuple[str, str, str, str]]:
    """``(scenario, contract, submission, passage)`` for ``sample_n`` contracts drawn with ``rng``."""
    sample = rng.sample(sorted(texts), min(sample_n, len(texts)))
    scenarios: list[tuple[str, str, str, str]] = []
    for name in sample:
        words = _WORD.findall(texts[name])
        start = rng.randrange(len(words) // 4, max(len(words) // 4 + 1, 3 * len(words) // 4 - 40))
        passage = words[start : start + 40]
        quoted = " ".join(passage)
        scenarios.append(("quote", name, f"{INTRO}\n\n{quoted}\n\n{OUTRO}", quoted))
        for label, strength in (("paraphrase light", 0.1), ("paraphrase medium", 0.25), ("paraphrase heavy", 0.4)):
            edited = " ".join(edit(passage, strength, rng))
            scenarios.append((label, name, f"{INTRO}\n\n{edited}\n\n{OUTRO}", edited))
        kind, party = labels.get(Path(name).stem, ("agreement", "the counterparty"))
        scenarios.append(("discuss", name, rng.choice(DISCUSS).format(kind=kind, party=party), ""))
    return scenarios


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=CUAD)
    ap.add_argument("--contracts", type=int, default=60, help="contracts indexed (0: all)")
    ap.add_argument("--sample", type=int, default=30, help="contracts the submissions are made from")
    ap.add_argument("--seed", type=int, default=40)
    ap.add_argument("--modes", default="index,pack", help="comma-separated: index, pack")
    ap.add_argument("--pack-k", type=int, default=PACK_K, help="terms per shingle of the pack")
    ap.add_argument("--pack-window", type=int, default=PACK_WINDOW, help="winnowing window of the pack (1: none)")
    args = ap.parse_args()
    files = sorted((args.data / "contracts").glob("*.txt"))
    if not files:
        print(f"CUAD contracts not found under {args.data}: skipping (exit 0)")
        return 0
    rng = random.Random(args.seed)
    if args.contracts:
        files = sorted(rng.sample(files, min(args.contracts, len(files))))
    labels = parties(args.data)
    texts = {f.name: f.read_text(encoding="utf-8", errors="replace") for f in files}
    scenarios = scenarios_of(texts, labels, args.sample, rng)

    contract_grams = {name: grams(text) for name, text in texts.items()}
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            path = Path(tmp) / f"cuad.{'db' if mode == 'index' else 'pack'}"
            key = b"cuad-scenario-key-0123456789abcd"
            if mode == "index":
                build([], "cuad", path, key=key)
            else:
                fingerprint([], "cuad", path, key, k=args.pack_k, window=args.pack_window)
            store = FingerprintStore.open(path, key=key, writable=True)
            for name, text in texts.items():
                add_text(store, name, text)
            manifest = store.commit()
            build_s = time.perf_counter() - t0
            detector = FragmentDetector([store], rules_from(load_rules([RULES])))
            results: dict[str, list[Row]] = {}
            t1 = time.perf_counter()
            for scenario, name, submission, passage in scenarios:
                found = list(detector.detect(ScanInput(normalize(submission), None, Metadata())))
                at = submission.find(passage) if passage else -1
                right = [f for f in found if f.evidence.reference == name
                         and (at < 0 or (f.span.start < at + len(passage) and at < f.span.end))]
                base = bool(grams(passage) & contract_grams[name]) if passage else any(
                    grams(submission) & g for g in contract_grams.values())
                codes = ",".join(sorted({f.rule_id for f in right})) or "-"
                other = any(f.evidence.reference != name for f in found)
                results.setdefault(scenario, []).append((bool(right), bool(found), base, codes, other))
            screen_s = time.perf_counter() - t1
            store.close()
            size = path.stat().st_size
        label = mode if mode == "index" else f"pack (k={args.pack_k}, window={args.pack_window})"
        report(label, len(texts), manifest.postings, size, build_s, len(scenarios), screen_s, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
