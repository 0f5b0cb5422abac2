"""Secrets against detect-secrets' own test fixtures and their baseline file (../shared/data/secrets).

Each baseline entry is (file, line, sha1 of the secret, type). Recall = entries we find (a finding on that
line, or one whose value has that sha1), per type and overall; false positives = findings that match no
entry of their file by line or by hash. Lines that carry
detect-secrets' "pragma: allowlist secret" are counted apart: they hold secrets by design, and a screener
for training data does not honour that pragma. The baseline file itself is not screened.
Baseline in the same run: the provider-format rules alone (no keyword and no entropy rules).
Run: python bench/secrets_baseline.py
"""

from __future__ import annotations

import argparse
import hashlib
import json

from rules_common import ROOT, data_dir, table

from screener.config import ScreenerConfig
from screener.detect import secrets
from screener.detect.base import ScanInput
from screener.model import Metadata
from screener.ruleset.loader import RuleSet, load_rules
from screener.text.normalize import normalize

GENERIC = {"SEC410", "SEC411", "SEC412"}


def findings(det: secrets.SecretDetector, text: str) -> list[tuple[int, str]]:
    """``(line number, sha1 of the flagged value)`` per finding; the baseline stores sha1 of each secret."""
    item = ScanInput(normalize(text), None, Metadata())
    return [(text.count("\n", 0, f.span.start) + 1, hashlib.sha1(text[f.span.start:f.span.end].encode()).hexdigest())
            for f in det.detect(item)]


def detector(rules: RuleSet, keep_generic: bool) -> secrets.SecretDetector:
    if not keep_generic:
        packs = tuple(p.model_copy(update={"rules": tuple(r for r in p.rules if r.id not in GENERIC)})
                      for p in rules.packs)
        rules = RuleSet(packs, rules.files, rules.digest)
    det = secrets.build_detector(ScreenerConfig(rules_dir=ROOT / "rules"), rules)
    assert isinstance(det, secrets.SecretDetector)
    return det


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="evaluation data directory (default ../shared/data)")
    args = parser.parse_args()
    base = data_dir(args.data, "secrets", "detect_secrets", "test_data")
    if base is None:
        return
    baseline = json.loads((base / "baseline.file").read_text())["results"]
    entries = [(name, e["line_number"], e["hashed_secret"], e["type"]) for name, es in baseline.items() for e in es]
    rules = load_rules([ROOT / "rules" / "secrets.yaml"])
    files = sorted(p for p in base.rglob("*") if p.is_file() and p.name != "baseline.file")
    rows = []
    type_names = sorted({t for *_, t in entries})
    for label, det in (("all SEC rules", detector(rules, True)), ("provider formats only", detector(rules, False))):
        ours: dict[str, list[tuple[int, str]]] = {}
        pragma: set[tuple[str, int]] = set()
        for path in files:
            rel = str(path.relative_to(base))
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = text.split("\n")
            ours[rel] = findings(det, text)
            pragma.update((rel, n) for n, _ in ours[rel] if "pragma: allowlist secret" in lines[n - 1])
        by_line = [(f, n) in {(f, m) for m, _ in ours.get(f, [])} for f, n, _, _ in entries]
        by_hash = [h in {x for _, x in ours.get(f, [])} for f, _, h, _ in entries]
        either = [a or b for a, b in zip(by_line, by_hash, strict=True)]
        known = {(f, n) for f, n, _, _ in entries} | {(f, h) for f, _, h, _ in entries}
        fps = {(f, n, h) for f, hits in ours.items() for n, h in hits
               if (f, n) not in known and (f, h) not in known and (f, n) not in pragma}
        per_type = [f"{sum(e for e, x in zip(either, entries, strict=True) if x[3] == t)}/"
                    f"{sum(x[3] == t for x in entries)}" for t in type_names]
        rows.append([label, len(files), len(entries), sum(by_line), sum(by_hash), sum(either),
                     sum(either) / len(entries), len(fps), len(pragma), *per_type])
    print(table(["rules", "files", "baseline entries", "found by line", "found by hash", "found (either)",
                 "recall", "false-positive findings", "allowlist-pragma lines flagged", *type_names], rows))
    print("\nAn entry is found when a finding sits on its line or its value has the entry's sha1 (the fixtures"
          " moved since the baseline was written, so line numbers alone drift).")

if __name__ == "__main__":
    main()
