"""Cumulative exposure per expert, on a synthetic set of expert histories (fictional firms and experts).

Protected store: the four demo documents (corpora/demo/) and CUAD contracts (../shared/data/corpus/cuad) in a
plaintext fingerprint index built for the run. Histories (5 to 30 submissions each, submission times spread
over months, screened in a shuffled file order):

- piecewise leak: one protected document (a demo document or a short CUAD contract) given away in order, a
  piece per submission inside the expert's own framing text; pieces alternate between 9-11 words verbatim
  (under FRG501's 12) and 16-22 words lightly edited (under FRG502's 25);
- weak signals: honest writing, plus details of one demo employer profile that are harmless one by one
  (two locations, one or two deal types, a year, two context words), one per submission at random places;
- honest: writing on the same topics (payments, credit, model validation, consulting, contracts), using the
  same generic vocabulary (treasury, partner, matter, engagement, years), discussing CUAD contracts by kind
  and quoting common contract boilerplate from memory (governing law, assignment, entire agreement); a third
  of them also name one location and one deal type that a profile lists, once each.

Each submission is screened by the fragment detector (its findings are the single-submission baseline) and
the weak-signal finder, then all results go through one exposure ledger under the policy's ``exposure``
section. Reported: histories caught (exposure ledger vs single-submission rules), false alarms on honest
histories, and for every leak the submission at which it was caught and the true share of the document out
by then (goal: every piecewise leak caught by 30%, no honest history flagged).

    python bench/exposure_eval.py                       # 40 histories, seed 13
    python bench/exposure_eval.py --experts 80 --seed 5
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.config import ScreenerConfig
from screener.decide.policy import Policy
from screener.detect.base import ScanInput
from screener.detect.employers import build_detector as build_employers
from screener.detect.fragments import FragmentDetector, rules_from
from screener.exposure import ExposureLedger, ExposurePolicy, SignalFinder, apply, documents, employers
from screener.exposure.signals import exposure_of
from screener.fingerprint.corpus import build
from screener.fingerprint.ingest import add_text
from screener.fingerprint.store import FingerprintStore
from screener.model import Metadata, ScreenResult, Verdict, text_sha256
from screener.ruleset.employers import EmployerProfile, load_profiles
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEMO = ROOT / "corpora" / "demo"
_WORD = re.compile(r"\S+")
FILLERS = ("the", "a", "certain", "such", "any", "relevant", "applicable", "said")

HONEST = (
    "A payment exception queue works best when every analyst can see why an item stopped.",
    "In my experience the second approval matters more than the first, because it is the one people skip.",
    "Treasury teams tend to look at liquidity in daily buckets and argue about intraday peaks.",
    "Credit committees usually ask the same three questions: cash flow, collateral and who stands behind it.",
    "A scoring model should be monitored for drift, and the thresholds should be written down in advance.",
    "Most consulting projects fail at the handover, not in the analysis.",
    "A steering committee that meets monthly rarely catches a slipping workstream in time.",
    "When I reviewed contracts I looked first at termination, then liability, then the definitions.",
    "Lawyers spend a surprising share of a matter on conflict checks and engagement terms.",
    "A partner review of a deck is mostly about the storyline, not the numbers.",
    "Back in 2019 many banks moved their onboarding checks to a single workflow tool.",
    "By 2017 most of the large firms had a knowledge team curating precedents.",
    "Covenants protect the lender only if somebody actually tests them every quarter.",
    "Stress testing is only useful if the scenarios are severe enough to hurt.",
    "Good procedures name an owner for every step and a deadline for every exception.",
    "A branch network is expensive to run, which is why so much servicing moved online.",
    "Associates learn more from redlining a real agreement than from any training session.",
    "Vendor onboarding usually takes longer than the contract negotiation itself.",
    "An audit trail is worth little if nobody reads it after an incident.",
    "Fee earners track time in six-minute units, which shapes how work is split.",
    "Data retention rules differ by jurisdiction and are easy to get wrong.",
    "A clear escalation path keeps a small issue from becoming a regulatory finding.",
)
# Contract boilerplate an honest expert may well write from memory (it is in many CUAD contracts).
BOILERPLATE = (
    "This Agreement shall be governed by and construed in accordance with the laws of the State of New York.",
    "Neither party may assign this Agreement without the prior written consent of the other party.",
    "This Agreement constitutes the entire agreement between the parties with respect to the subject matter "
    "hereof.",
    "All notices under this Agreement shall be in writing and shall be deemed given when delivered personally.",
    "If any provision of this Agreement is held invalid, the remaining provisions shall continue in full force "
    "and effect.",
)
DISCUSS = ("I once read a {kind} of this sort; agreements like it define scope, fees, term and how either side "
           "can end the relationship, and the negotiation usually turns on liability caps.",
           "A {kind} is mostly about allocating risk: be precise about deliverables, milestones and audit rights.")
FRAMES = ("From my own notes on this topic:", "Here is how I would explain it:", "One more point worth making:",
          "As a practical matter:", "To put it concretely:", "A detail people often miss:")
SIGNAL_TEMPLATES = {
    "locations": "Our office was near {term}, which made client visits easy.",
    "years": "This was around {term}, if I remember correctly.",
    "deal_types": "The work I remember best was a {term}.",
    "context": "The {term} side of things was always busy.",
}


@dataclass
class History:
    expert: str
    kind: str  # "piecewise" | "signals" | "honest"
    target: str = ""  # document reference or employer id
    texts: list[str] = field(default_factory=list)
    share_out: list[float] = field(default_factory=list)  # true share of the document out after each one


def edit(words: list[str], strength: float, rng: random.Random) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), int(len(out) * strength)):
        op = rng.random()
        if op < 0.5:
            out[i] = rng.choice(FILLERS)
        elif i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def honest_text(rng: random.Random, kinds: list[str]) -> str:
    parts = rng.sample(HONEST, rng.randint(2, 4))
    if kinds and rng.random() < 0.3:
        parts.append(rng.choice(DISCUSS).format(kind=rng.choice(kinds)))
    if rng.random() < 0.3:
        parts.append("A typical clause reads: " + rng.choice(BOILERPLATE))
    return " ".join(parts)


def piecewise(expert: str, ref: str, text: str, rng: random.Random, kinds: list[str],
              passes: Callable[[str, str], bool]) -> History:
    """Pieces of ``text`` in order from a random start, one per submission, until 45% of it is out. A piece
    that a single-submission rule catches (``passes`` false: the matcher grew it to whole sentences) is cut
    shorter until it passes, as a leaker probing the gate would; it is skipped below six words."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    h = History(expert, "piecewise", ref)
    covered = 0
    i = rng.randrange(0, max(1, len(spans) // 10))
    verbatim = True
    while len(h.texts) < 30 and i < len(spans) and covered / len(text) < 0.45:
        n = rng.randint(9, 11) if verbatim else rng.randint(16, 22)
        frame, tail = rng.choice(FRAMES), rng.choice(HONEST)
        while n >= 6:
            chunk = spans[i:i + n]
            words = [text[a:b] for a, b in chunk]
            submission = f"{frame} {' '.join(words if verbatim else edit(words, 0.15, rng))} {tail}"
            if passes(submission, ref):
                break
            n -= 2
        if n >= 6 and chunk:
            covered += chunk[-1][1] - chunk[0][0]
            h.texts.append(submission)
            h.share_out.append(covered / len(text))
        i += max(n, 6) + rng.randint(0, 3)
        verbatim = not verbatim
    while len(h.texts) < 5:
        h.texts.append(honest_text(rng, kinds))
        h.share_out.append(h.share_out[-1] if h.share_out else 0.0)
    return h


def signals(expert: str, profile: EmployerProfile, rng: random.Random, kinds: list[str]) -> History:
    n = rng.randint(6, 30)
    h = History(expert, "signals", profile.id)
    h.texts = [honest_text(rng, kinds) for _ in range(n)]
    chosen = [("locations", t) for t in rng.sample(list(profile.locations), 2)]
    chosen += [("deal_types", t) for t in rng.sample(list(profile.deal_types), rng.randint(1, 2))]
    chosen += [("years", rng.choice(list(profile.years)))]
    chosen += [("context", t) for t in rng.sample(list(profile.context), 2)]
    for (fname, term), at in zip(chosen, sorted(rng.sample(range(n), min(n, len(chosen)))), strict=False):
        h.texts[at] += " " + SIGNAL_TEMPLATES[fname].format(term=term)
    h.share_out = [0.0] * n
    return h


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--experts", type=int, default=40)
    ap.add_argument("--contracts", type=int, default=40, help="CUAD contracts indexed")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--policy", type=Path, default=ROOT / "rules" / "policies" / "default.yaml")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    policy = Policy.load(args.policy).exposure or ExposurePolicy()
    docs = {p.name: p.read_text(encoding="utf-8") for p in sorted(DEMO.iterdir()) if p.is_file()}
    cuad = sorted((args.data / "corpus" / "cuad" / "contracts").glob("*.txt"))
    short: list[str] = []
    if not cuad:
        print(f"CUAD contracts not found under {args.data}: demo documents only")
    else:
        for f in rng.sample(cuad, min(args.contracts, len(cuad))):
            text = f.read_text(encoding="utf-8", errors="replace")
            docs[f.name] = text
            if 600 <= len(_WORD.findall(text)) <= 1300:
                short.append(f.name)
    kinds = ["services agreement", "license agreement", "supply agreement", "joint venture agreement",
             "distribution agreement", "co-branding agreement"]
    config = ScreenerConfig.load(all_employers=True)
    profiles = load_profiles(config.rules_dir / "employers")
    rules = load_rules(config.rule_files())
    tmpdir = tempfile.TemporaryDirectory()
    tmp = tmpdir.name
    t0 = time.perf_counter()
    key = b"exposure-eval-key-0123456789abcd"
    build([], "protected", Path(tmp) / "protected.db", key=key)
    store = FingerprintStore.open(Path(tmp) / "protected.db", key=key, writable=True)
    for ref, text in docs.items():
        add_text(store, ref, text)
    store.commit()
    fragments = FragmentDetector([store], rules_from(rules))
    build_s = time.perf_counter() - t0

    def passes(text: str, ref: str) -> bool:
        """No single-submission fragment finding on document ``ref``."""
        item = ScanInput(normalize(text), None, Metadata(), ())
        return not any(f.evidence.reference == ref for f in fragments.detect(item))

    n = max(40, args.experts)
    n_leak = n // 4
    targets = [*sorted(p.name for p in DEMO.iterdir()), *short]
    histories: list[History] = []
    for k in range(n):
        expert = f"expert-{k:03d}"
        if k < (n_leak + 1) // 2:
            ref = targets[k % len(targets)] if k % 2 == 0 or not short else short[k % len(short)]
            histories.append(piecewise(expert, ref, docs[ref], rng, kinds, passes))
        elif k < n_leak:
            histories.append(signals(expert, rng.choice(profiles.profiles), rng, kinds))
        else:
            h = History(expert, "honest")
            h.texts = [honest_text(rng, kinds) for _ in range(rng.randint(5, 30))]
            if k % 3 == 0:  # an honest expert may name one place and one kind of deal that a profile lists
                p = rng.choice(profiles.profiles)
                for fname, term in (("locations", rng.choice(p.locations)), ("deal_types", rng.choice(p.deal_types))):
                    at = rng.randrange(len(h.texts))
                    h.texts[at] += " " + SIGNAL_TEMPLATES[fname].format(term=term)
            h.share_out = [0.0] * len(h.texts)
            histories.append(h)

    with tmpdir:
        emp_detector = build_employers(config, rules)
        finder = SignalFinder(profiles)
        results: list[ScreenResult] = []
        single: dict[str, bool] = {}
        start = 1_767_225_600  # 2026-01-01 UTC; one expert's submissions days apart
        t1 = time.perf_counter()
        for h in histories:
            day = rng.randint(0, 30)
            for i, text in enumerate(h.texts):
                day += rng.randint(1, 9)
                folded = normalize(text)
                item = ScanInput(folded, None, Metadata(expert_id=h.expert), ())
                found = list(fragments.detect(item))
                if emp_detector is not None:
                    found += list(emp_detector.detect(ScanInput(folded, None, Metadata(), tuple(profiles.ids()))))
                on_target = any(f.evidence.reference == h.target or f.evidence.employer == h.target for f in found)
                if on_target if h.kind != "honest" else bool(found):
                    single[h.expert] = True
                when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + day * 86_400 + i * 60))
                results.append(ScreenResult(
                    f"{h.expert}/sub-{i:02d}", Verdict.ALLOW, (), (),
                    Metadata.of(h.expert, extra={"submitted_at": when}), text_sha256(text), len(text),
                    exposure=exposure_of(folded, item.evidence, finder)))
        screen_s = time.perf_counter() - t1
        rng.shuffle(results)  # file order is not submission order
        t2 = time.perf_counter()
        with ExposureLedger(Path(tmp) / "exposure.db") as ledger:
            out = apply(ledger, results, policy)
            again = apply(ledger, results[: len(results) // 2], policy)  # screened twice: counted once
            assert len(again) == len(results) // 2
            counted = sum(len(ledger.entries(h.expert)) for h in histories)
            margin = {"score": 0.0, "coverage": 0.0}  # the highest an honest history reached
            for h in histories:
                if h.kind == "honest":
                    entries = ledger.entries(h.expert)
                    for emp in employers(entries, ledger.signals(h.expert), policy):
                        margin["score"] = max(margin["score"], emp.score)
                    for doc in documents(entries, ledger.ranges(h.expert), policy):
                        margin["coverage"] = max(margin["coverage"], doc.coverage)
        ledger_s = time.perf_counter() - t2
        sample = [normalize(t) for h in histories if h.kind == "honest" for t in h.texts][:200]
        cost = {"without": float("inf"), "with": float("inf")}
        for label in ("without", "with") * 2:  # the side channel's cost, same texts; best of two (warm cache)
            t3 = time.perf_counter()
            for folded in sample:
                fragments.matcher.match(folded, weak=[] if label == "with" else None)
            cost[label] = min(cost[label], time.perf_counter() - t3)
        store.close()

    by_id = {r.submission_id: r for r in out}
    rows = []
    for h in histories:
        codes = "FRG510" if h.kind == "piecewise" else "EMP290"
        caught_at = next((i for i in range(len(h.texts))
                          if any(f.rule_id in ("FRG510", "EMP290") for f in by_id[f"{h.expert}/sub-{i:02d}"].findings)),
                         None)
        rows.append((h, codes, caught_at))
    total_subs = sum(len(h.texts) for h in histories)
    print(f"\nexposure evaluation: {len(histories)} histories, {total_subs} submissions ({counted} counted once "
          f"after re-screening half), {len(docs)} protected documents; index {build_s:.1f}s, screening "
          f"{screen_s:.1f}s, ledger (record, evaluate, re-screen half) {ledger_s:.1f}s;\npolicy {args.policy.name}: "
          f"coverage {policy.coverage}, words {policy.words}, "
          f"employer score {policy.employer_score}")
    print(f"\n{'kind':<11}{'histories':>10}{'subs':>6}{'caught: ledger':>16}{'caught: single rules':>22}"
          f"{'false alarms: ledger':>22}{'single rules':>14}")
    for kind in ("piecewise", "signals", "honest"):
        sel = [(h, c, at) for h, c, at in rows if h.kind == kind]
        subs = sum(len(h.texts) for h, _, _ in sel)
        if kind == "honest":
            fa = sum(at is not None for _, _, at in sel)
            base = sum(single.get(h.expert, False) for h, _, _ in sel)
            print(f"{kind:<11}{len(sel):>10}{subs:>6}{'-':>16}{'-':>22}{fa:>22}{base:>14}")
        else:
            hit = sum(at is not None for _, _, at in sel)
            base = sum(single.get(h.expert, False) for h, _, _ in sel)
            print(f"{kind:<11}{len(sel):>10}{subs:>6}{f'{hit}/{len(sel)}':>16}{f'{base}/{len(sel)}':>22}{'-':>22}"
                  f"{'-':>14}")
    print(f"\n{'expert':<12}{'kind':<11}{'target':<44}{'subs':>5}{'caught at':>10}{'share out then':>16}"
          f"{'share out at end':>18}  goal")
    shares = []
    for h, _, at in rows:
        if h.kind == "honest":
            continue
        then = f"{h.share_out[at]:.0%}" if at is not None and h.kind == "piecewise" else "-"
        end = f"{h.share_out[-1]:.0%}" if h.kind == "piecewise" else "-"
        ok = at is not None and (h.kind != "piecewise" or h.share_out[at] <= 0.30)
        if at is not None and h.kind == "piecewise":
            shares.append(h.share_out[at])
        print(f"{h.expert:<12}{h.kind:<11}{h.target[:43]:<44}{len(h.texts):>5}"
              f"{(f'#{at + 1}' if at is not None else 'missed'):>10}{then:>16}{end:>18}  {'yes' if ok else 'NO'}")
    print(f"\nmatcher on {len(sample)} honest submissions: {cost['without']:.2f}s without the exposure side "
          f"channel, {cost['with']:.2f}s with it (x{cost['with'] / max(cost['without'], 1e-9):.2f})")
    print(f"honest histories at most: weak-signal score {margin['score']:g} (threshold {policy.employer_score}), "
          f"coverage of one document {margin['coverage']:.1%} (threshold {policy.coverage})")
    if shares:
        print(f"\npiecewise leaks: share of the document out when caught: median {statistics.median(shares):.0%}, "
              f"max {max(shares):.0%} (goal: at most 30%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
