"""Shared helpers of the rule benchmarks: where the evaluation data is, how to read it, how to print a table.

The data lives outside the repository (``../shared/data`` beside the checkout, or ``--data``); every script
says so and exits 0 when it is absent.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def data_dir(arg: str | None, *parts: str) -> Path | None:
    base = Path(arg) if arg else DEFAULT_DATA
    path = base.joinpath(*parts)
    if not path.exists():
        print(f"evaluation data not found at {path}; nothing to measure (pass --data DIR)")
        return None
    return path


def cuad_texts(data: Path, limit: int | None) -> list[tuple[str, str]]:
    files = sorted((data / "corpus" / "cuad" / "contracts").glob("*.txt"))
    return [(f.stem, f.read_text(encoding="utf-8", errors="replace")) for f in files[:limit]]


def tab_texts(data: Path, limit: int | None) -> list[tuple[str, str]]:
    out = []
    with (data / "pii" / "tab_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out.append((rec["metadata"]["data_id"], rec["text"]))
    return out[:limit]


def cuad_parties(data: Path) -> Iterator[tuple[str, list[str]]]:
    """``(contract stem, party labels)`` from master_clauses.csv."""
    import ast

    csv.field_size_limit(10**8)
    with (data / "corpus" / "cuad" / "master_clauses.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                labels = ast.literal_eval(row["Parties"])
            except (ValueError, SyntaxError):
                continue
            yield Path(row["Filename"]).stem, [str(x) for x in labels]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])
