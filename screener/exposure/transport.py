"""Exposure across processes: a worker's result line carries its exposure under ``exposure``; the driver takes
it off (the part files keep the plain ``screener-result/1`` line), records it in the ledger, and after the run
writes the results the ledger changed to an overlay file that ``merge`` and the verdict counts read.

The key ``exposure`` exists only between a worker and the driver; it is never written to a part file.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from screener.detect.base import SourceHit
from screener.exposure.apply import apply
from screener.exposure.ledger import ExposureLedger
from screener.exposure.policy import ExposurePolicy
from screener.exposure.signals import EmployerSignal, Exposure
from screener.model import ScreenResult

KEY = "exposure"


def to_dict(exposure: Exposure | None) -> dict[str, Any]:
    e = exposure or Exposure()
    return {"hits": [[h.corpus, h.reference, *h.span, *h.source, h.doc_chars, h.words, h.similarity] for h in e.hits],
            "signals": [[s.employer, s.field, s.term, *s.span] for s in e.signals]}


def from_dict(raw: dict[str, Any]) -> Exposure:
    hits = tuple(SourceHit(str(c), str(r), (int(a), int(b)), (int(s0), int(s1)), int(n), int(w), float(sim))
                 for c, r, a, b, s0, s1, n, w, sim in raw.get("hits", ()))
    signals = tuple(EmployerSignal(str(e), str(f), str(t), (int(a), int(b)))
                    for e, f, t, a, b in raw.get("signals", ()))
    return Exposure(hits, signals)


def with_exposure(result: ScreenResult) -> str:
    """The worker's line: the result record plus its exposure."""
    record = result.to_dict()
    record[KEY] = to_dict(result.exposure)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def record_lines(ledger: ExposureLedger, lines: Iterable[str]) -> list[str]:
    """Record each worker line's exposure in ``ledger`` (once per submission) and return the plain lines."""
    out = []
    for line in lines:
        raw = json.loads(line)
        exposure = from_dict(raw.pop(KEY, None) or {})
        result = replace(ScreenResult.from_dict(raw), exposure=exposure)
        with contextlib.suppress(ValueError):  # unreadable submitted_at: the overlay makes it UNSCANNED
            ledger.record(result)
        out.append(json.dumps(raw, ensure_ascii=False, separators=(",", ":")))  # as to_json writes it
    return out


def overlay(ledger: ExposureLedger, results: Iterable[ScreenResult], policy: ExposurePolicy, path: Path) -> int:
    """Evaluate every result against the ledger in submission-time order; write the changed ones to ``path``
    (JSON Lines, atomically). Returns how many changed."""
    from screener.record.report.jsonl import atomic_writer

    before = list(results)
    after = apply(ledger, before, policy)
    changed = [a for b, a in zip(before, after, strict=True) if a.to_json() != b.to_json()]
    with atomic_writer(path) as handle:
        for r in changed:
            handle.write(r.to_json() + "\n")
    return len(changed)


def read_overlay(path: Path) -> dict[str, str]:
    """Submission id -> replacement line."""
    if not path.is_file():
        return {}
    return {json.loads(line)["id"]: line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()}


def lines_with_overlay(lines: Iterable[str], replacements: dict[str, str]) -> Iterator[str]:
    for line in lines:
        if replacements:
            rid = json.loads(line)["id"]
            yield (replacements.get(rid, line.rstrip("\n"))) + "\n"
        else:
            yield line
