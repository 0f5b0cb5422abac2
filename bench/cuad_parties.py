"""Recall and precision on CUAD party names: one employer profile per contract, built from the lawyers'
`Parties` labels in master_clauses.csv, screened against that contract's text.

Gold mentions: every case-insensitive, whole-word occurrence of a label in the contract (possessive
included), with any run of whitespace between its words. Recall = gold mentions overlapped by a finding;
precision = findings that overlap a gold mention. Labels shorter than four characters ("MA"), longer than
eight words ("collectively, ... referred to as ...") or with fewer than three letters ("____") are left out
of the profile, and their mentions out of the gold.
Baseline in the same run: a plain case-sensitive search for each label in the raw text.
Run: python bench/cuad_parties.py [--limit N]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rules_common import ROOT, cuad_parties, data_dir, table

from screener.detect.base import ScanInput
from screener.detect.employers import EmployerDetector
from screener.model import Metadata
from screener.ruleset.employers import EmployerProfile, ProfileSet
from screener.ruleset.loader import load_rules
from screener.ruleset.schema import EmployerRule
from screener.text.normalize import normalize


def usable(label: str) -> bool:
    label = " ".join(label.split())
    return (len(label) >= 4 and sum(c.isalnum() for c in label) >= 3 and len(label.split()) <= 8
            and not label.lower().startswith("collectively"))


def gold_mentions(text: str, labels: list[str]) -> list[tuple[int, int]]:
    spans = set()
    for label in labels:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in label.split()) + r"(?:['’]s?)?(?!\w)"
        spans.update(m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
    return sorted(spans)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="evaluation data directory (default ../shared/data)")
    parser.add_argument("--limit", type=int, default=None, help="contracts to use (default: all labelled)")
    args = parser.parse_args()
    data = data_dir(args.data, "corpus", "cuad")
    if data is None:
        return
    data = data.parents[1]
    rules = load_rules([ROOT / "rules" / "employers.yaml"])
    name_rule = next(r for r in rules.rules if isinstance(r, EmployerRule) and "legal_names" in r.fields)
    contracts = data / "corpus" / "cuad" / "contracts"
    totals = {"ours": [0, 0, 0, 0], "plain": [0, 0, 0, 0]}  # gold, gold found, findings, findings on gold
    used = skipped = 0
    for stem, labels in list(cuad_parties(data))[: args.limit]:
        path = contracts / f"{stem}.txt"
        keep = sorted({" ".join(x.split()) for x in labels if usable(x)})
        if not path.is_file() or not keep:
            skipped += 1
            continue
        used += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        gold = gold_mentions(text, keep)
        profile = EmployerProfile.model_validate({"schema": "screener-employer/1", "id": "party",
                                                  "display_name": keep[0], "legal_names": keep})
        det = EmployerDetector(ProfileSet((profile,), (Path(stem),), ""), [name_rule])
        item = ScanInput(normalize(text), None, Metadata(), ("party",))
        ours = [(f.span.start, f.span.end) for f in det.detect(item)]
        plain = sorted({m.span() for x in keep for m in re.finditer(re.escape(x), text)})
        for key, found in (("ours", ours), ("plain", plain)):
            t = totals[key]
            t[0] += len(gold)
            t[1] += sum(any(overlaps(g, f) for f in found) for g in gold)
            t[2] += len(found)
            t[3] += sum(any(overlaps(f, g) for g in gold) for f in found)
    rows = []
    for key, (g, gf, n, nf) in totals.items():
        name = "ours (EMP201, folds + fuzzy)" if key == "ours" else "plain case-sensitive search"
        rows.append([name, used, g, gf, n, gf / g if g else 0.0, nf / n if n else 0.0])
    print(table(["matcher", "contracts", "gold mentions", "found", "findings", "recall", "precision"], rows))
    print(f"\n{skipped} labelled contracts skipped (no text file or no usable label).")


if __name__ == "__main__":
    main()
