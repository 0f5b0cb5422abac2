"""The evasion table: each disguise crossed with each kind of identifier (northwind demo profile).

Baseline in the same run: a plain case-insensitive search for the identifier in the submitted text, which is
what a word list without folding catches. Run: python bench/evasion_table.py
"""

from __future__ import annotations

import argparse
import re

from rules_common import ROOT, table

from screener.config import ScreenerConfig
from screener.detect import employers
from screener.detect.base import ScanInput
from screener.model import Metadata
from screener.ruleset.disguise import DISGUISES, disguised_text
from screener.ruleset.loader import load_rules
from screener.text.normalize import normalize

KINDS = {
    "name": ("Northwind Bank plc", "EMP201"),
    "alias": ("Northwind", "EMP201"),
    "ticker": ("NWBK", "EMP202"),
    "email": ("ops-desk@northwind-bank.example.com", "EMP203"),
    "host": ("wiki.corp.northwind-bank.example.com", "EMP204"),
    "codename": ("Project Kestrel", "EMP205"),
    "system": ("LedgerWatch", "EMP206"),
    "client": ("Harbourline Shipping", "EMP207"),
    "ticket": ("INC-NWB-204511", "EMP208"),
    "staff-id": ("NW-E-0041287", "EMP209"),
}

ORDINARY = [
    "The north wind blew across the bank of the river.",
    "Gold prices rose while the man waited.",
    "A kestrel hovered above the project site.",
    "We kept watch over the ledger all night.",
    "Shipping lines in the harbour were busy.",
    "Send it to someone at example dot com.",
]


def guards(det: employers.EmployerDetector) -> tuple[int, int]:
    """Ordinary sentences, each word disguised: how many give any employer finding (all would be false)."""
    total = false = 0
    for name, form in DISGUISES.items():
        if name == "base64":
            continue
        for sentence in ORDINARY:
            text = " ".join(w if (x := form(w)) is None else x for w in sentence.split(" "))
            item = ScanInput(normalize(text), None, Metadata(), ("northwind",))
            total, false = total + 1, false + bool(list(det.detect(item)))
    return false, total


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    rules = load_rules(sorted((ROOT / "rules").glob("*.yaml")))
    det = employers.build_detector(ScreenerConfig(rules_dir=ROOT / "rules", all_employers=False), rules)
    assert isinstance(det, employers.EmployerDetector)
    rows, ours_total, base_total, cells = [], 0, 0, 0
    for name in DISGUISES:
        row: list[object] = [name]
        ours = base = n = 0
        for identifier, code in KINDS.values():
            text = disguised_text(name, identifier)
            if text is None:
                row.append("n/a")
                continue
            item = ScanInput(normalize(text), None, Metadata(), ("northwind",))
            hit = any(f.rule_id == code for f in det.detect(item))
            naive = re.search(re.escape(identifier), text, re.IGNORECASE) is not None
            row.append(("yes" if hit else "MISS") + ("" if naive else "*"))
            ours, base, n = ours + hit, base + naive, n + 1
        row.append(f"{ours}/{n} vs {base}/{n}")
        rows.append(row)
        ours_total, base_total, cells = ours_total + ours, base_total + base, cells + n
    print(table(["disguise", *KINDS, "found: ours vs plain search"], rows))
    print(f"\n* the plain case-insensitive search misses this cell.  Overall: ours {ours_total}/{cells} "
          f"({ours_total / cells:.1%}), plain search {base_total}/{cells} ({base_total / cells:.1%}).")
    false, total = guards(det)
    print(f"Guards: {false} of {total} disguised ordinary sentences gave an employer finding "
          "(letter-spaced 'n o r t h  w i n d' reads as the alias once whitespace runs collapse).")


if __name__ == "__main__":
    main()
