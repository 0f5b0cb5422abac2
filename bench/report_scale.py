"""HTML report of a large batch: file size, render time, and how long headless Chromium takes to load it.

Synthetic, deterministic batch (fictional words, ``example.com`` addresses): ``--n`` submissions of about
``--chars`` characters with about ``--findings`` findings each, across every category and verdict. Baseline
in the same run: writing the same results as JSON Lines. With Chromium installed, the page is also loaded
(``--dump-dom``) beside a 5-submission report, as a sign that it stays usable.

    python bench/report_scale.py --n 1000
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screener.model import (
    Action,
    Category,
    Decision,
    Evidence,
    Finding,
    Metadata,
    ScreenResult,
    Span,
    Verdict,
    text_sha256,
)
from screener.record.report.html import render_report
from screener.ruleset.loader import load_rules

WORDS = ("credit", "committee", "term", "sheet", "covenant", "headroom", "sponsor", "leverage", "facility",
         "analyst", "model", "downside", "review", "memo", "client", "partner", "matter", "intake", "conflicts",
         "waiver", "engagement", "scope", "retention")
KINDS = [("PII101", Category.PERSONAL_DATA, "PERSON", Action.REDACT), ("PII110", Category.PERSONAL_DATA,
         "EMAIL_ADDRESS", Action.REDACT), ("EMP210", Category.EMPLOYER, "EMPLOYER_NAME", Action.FLAG),
         ("MRK301", Category.MARKING, "MARKING", Action.BLOCK), ("SEC401", Category.SECRET, "API_KEY", Action.BLOCK),
         ("FRG501", Category.FRAGMENT, "FRAGMENT", Action.BLOCK)]
ORDER = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}


def batch(n: int, chars: int, findings: int, seed: int = 7) -> tuple[list[ScreenResult], dict[str, str]]:
    rng = random.Random(seed)
    results, texts = [], {}
    for i in range(n):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(WORDS))
        text = " ".join(words)
        decisions = []
        k = rng.randint(0, findings * 2)
        starts = sorted(rng.sample(range(0, max(1, len(text) - 20)), min(k, max(1, len(text) - 20))))
        for s in starts:
            rule, cat, entity, action = rng.choice(KINDS[:3] if rng.random() < 0.85 else KINDS)
            ev = Evidence("bench", "synthetic", entity, employer="northwind" if cat is Category.EMPLOYER else None,
                          reference="ops-manual" if cat is Category.FRAGMENT else None)
            decisions.append(Decision(Finding(rule, cat, Span(s, s + rng.randint(4, 16)), 0.8, ev), action,
                                      f"{action.value}: medium (policy default)"))
        worst = max((d.action for d in decisions), key=ORDER.__getitem__, default=Action.ALLOW)
        verdict = Verdict.UNSCANNED if i % 97 == 0 else Verdict(worst.value)
        sub_id = f"batch/submission-{i:05d}.txt"
        results.append(ScreenResult(sub_id, verdict, tuple(decisions) if verdict is not Verdict.UNSCANNED else (),
                                    ("synthetic",), Metadata.of(f"EXP-{i % 50}", ["northwind"] if i % 3 else []),
                                    text_sha256(text), len(text), versions=(("rules", "bench"),)))
        texts[sub_id] = text
    return results, texts


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def chromium_load(page: Path) -> float | None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--dump-dom", page.resolve().as_uri()]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, timeout=300, check=False)
        return time.perf_counter() - t0 if done.returncode == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="submissions (default 1000)")
    ap.add_argument("--chars", type=int, default=1500, help="characters per submission (default 1500)")
    ap.add_argument("--findings", type=int, default=8, help="mean findings per submission (default 8)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium load")
    args = ap.parse_args()
    rules = load_rules(sorted((Path(__file__).resolve().parents[1] / "rules").glob("*.yaml")))
    results, texts = batch(args.n, args.chars, args.findings)
    small, small_texts = results[:5], {k: texts[k] for k in list(texts)[:5]}
    nfind = sum(len(r.decisions) for r in results)
    t_jsonl, _ = timed(lambda: "".join(r.to_json() + "\n" for r in results), 3)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, kwargs in (("positions only", {"texts": None}), ("masked text", {"texts": texts}),
                              ("text shown", {"texts": texts, "show_text": True})):
            secs, page = timed(lambda kw=kwargs: render_report(results, rules=rules, **kw), 2)
            path = Path(tmp) / f"{label.replace(' ', '-')}.html"
            path.write_text(page, encoding="utf-8")
            load = None if args.no_browser else chromium_load(path)
            rows.append((label, len(page.encode()), secs, load))
        small_path = Path(tmp) / "small.html"
        small_path.write_text(render_report(small, small_texts, rules=rules), encoding="utf-8")
        small_load = None if args.no_browser else chromium_load(small_path)
    print(f"report of {args.n} submissions, {nfind} findings, ~{args.chars} chars each")
    print(f"baseline: JSON Lines of the same results {t_jsonl * 1000:.0f} ms")
    print(f"{'variant':<16} {'size':>10} {'render':>9} {'x JSONL':>8} {'Chromium load':>14} {'x 5-sub load':>13}")
    for label, size, secs, load in rows:
        load_s = f"{load:.2f} s" if load is not None else "-"
        ratio = f"{load / small_load:.1f}" if load is not None and small_load else "-"
        print(f"{label:<16} {size / 1e6:>8.2f} MB {secs:>7.2f} s {secs / t_jsonl:>8.1f} {load_s:>14} {ratio:>13}")
    if small_load is not None:
        print(f"5-submission report: Chromium load {small_load:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
