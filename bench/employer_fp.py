"""False employer hits with all three demo profiles on, over CUAD contracts and TAB texts.

Neither corpus mentions our fictional firms, so every employer finding there is false. Baseline in the same
run: the same terms matched exactly (case-insensitive, whole words, no folds, no fuzzy, no base64), which
shows what the evasion folds cost in false alarms. Run: python bench/employer_fp.py [--limit N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from rules_common import ROOT, cuad_texts, data_dir, tab_texts, table

from screener.config import ScreenerConfig
from screener.detect import employers
from screener.detect.base import ScanInput
from screener.model import Metadata
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="evaluation data directory (default ../shared/data)")
    parser.add_argument("--limit", type=int, default=None, help="texts per corpus (default: all)")
    args = parser.parse_args()
    data = data_dir(args.data)
    if data is None:
        return
    rules = load_rules(sorted((ROOT / "rules").glob("*.yaml")))
    det = employers.build_detector(ScreenerConfig(rules_dir=ROOT / "rules", all_employers=True), rules)
    assert isinstance(det, employers.EmployerDetector)
    rows, detail = [], Counter()
    corpora = (("CUAD contracts", cuad_texts(data, args.limit)), ("TAB dev texts", tab_texts(data, args.limit)))
    for corpus, texts in corpora:
        words = sum(len(t.split()) for _, t in texts)
        found = exact = docs_hit = 0
        start = time.perf_counter()
        for _, text in texts:
            findings = list(det.detect(ScanInput(normalize(text), None, Metadata())))
            found += len(findings)
            docs_hit += bool(findings)
            exact += sum(f.evidence.method in ("exact", "pattern") for f in findings)
            for f in findings:
                detail[(corpus, f.rule_id, f.evidence.method, f.evidence.employer)] += 1
        elapsed = time.perf_counter() - start
        rows.append([corpus, len(texts), words, found, exact, found - exact, docs_hit,
                     f"{found / words * 1e6:.1f}", round(words / elapsed)])
    print(table(["corpus", "texts", "words", "false hits (all methods)", "of which exact/pattern (baseline)",
                 "added by folds/fuzzy", "texts with a hit", "per million words", "words/s"], rows))
    if detail:
        print("\nfalse hits by corpus, rule, method, profile:")
        print(table(["corpus", "rule", "method", "profile", "count"], [[*k, v] for k, v in sorted(detail.items())]))


if __name__ == "__main__":
    main()
