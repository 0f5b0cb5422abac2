"""Cost of profile size: screening time with 5,000 (and 500) profile terms against 50, on the same texts.

Terms are organisation names from the presidio-research company list (../shared/data/pii/presidio_research),
put into one profile as names (exact, leetspeak, spacing and fuzzy matching all on). Texts: TAB dev texts
and the first CUAD contracts. The 50-term run is the baseline; the ratio should stay near 1 because the
Aho-Corasick passes and the fuzzy index cost the same whatever the number of terms.
Run: python bench/term_cost.py [--contracts N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from rules_common import ROOT, cuad_texts, data_dir, tab_texts, table

from screener.detect.base import ScanInput
from screener.detect.employers import EmployerDetector
from screener.model import Metadata
from screener.ruleset.employers import EmployerProfile, ProfileSet
from screener.ruleset.loader import load_rules
from screener.ruleset.schema import EmployerRule
from screener.text.normalize import normalize


def company_names(data: Path) -> list[str]:
    with (data / "pii" / "presidio_research" / "companies_and_organizations.csv").open(encoding="utf-8") as fh:
        names = [row[0].strip() for row in csv.reader(fh)][1:]
    return sorted({n for n in names if len(n) >= 4 and sum(c.isalnum() for c in n) >= 3})


def build(terms: list[str], rule: EmployerRule) -> tuple[EmployerDetector, float]:
    start = time.perf_counter()
    profile = EmployerProfile.model_validate({"schema": "screener-employer/1", "id": "bench",
                                              "display_name": "bench", "legal_names": terms})
    det = EmployerDetector(ProfileSet((profile,), (), ""), [rule])
    return det, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="evaluation data directory (default ../shared/data)")
    parser.add_argument("--contracts", type=int, default=20, help="CUAD contracts to add to the TAB texts")
    parser.add_argument("--repeat", type=int, default=5, help="runs per size; the fastest counts")
    args = parser.parse_args()
    data = data_dir(args.data, "pii", "presidio_research", "companies_and_organizations.csv")
    if data is None:
        return
    data = data.parents[2]
    names = company_names(data)
    rule = next(r for r in load_rules([ROOT / "rules" / "employers.yaml"]).rules
                if isinstance(r, EmployerRule) and "legal_names" in r.fields)
    texts = [t for _, t in tab_texts(data, None) + cuad_texts(data, args.contracts)]
    items = [ScanInput(normalize(t), None, Metadata(), ("bench",)) for t in texts]
    words = sum(len(t.split()) for t in texts)
    sizes = (50, 500, 5000)
    built = {n: build(names[:: max(1, len(names) // n)][:n], rule) for n in sizes}
    best = dict.fromkeys(sizes, float("inf"))
    hits = dict.fromkeys(sizes, 0)
    for _ in range(args.repeat):  # sizes alternate, so drift in the machine's load hits both alike
        for n in sizes:
            det = built[n][0]
            start = time.perf_counter()
            hits[n] = sum(len(list(det.detect(item))) for item in items)
            best[n] = min(best[n], time.perf_counter() - start)
    rows = [[len(built[n][0].matcher.terms), len(texts), words, f"{built[n][1]:.2f}", f"{best[n]:.2f}",
             round(words / best[n]), hits[n], f"{best[n] / best[50]:.2f}"] for n in sizes]
    print(table(["profile terms", "texts", "words", "build s", "screen s (best)", "words/s", "hits",
                 "time ratio vs 50 terms"], rows))


if __name__ == "__main__":
    main()
