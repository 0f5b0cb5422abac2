"""Base64-encoded text inside a submission: found, decoded within a size budget, handed back for a rescan.

Only runs that decode to readable UTF-8 text are returned; binary payloads and ordinary long words are
skipped. The budget bounds the number of runs, the length of one run and the total decoded size, so a
hostile text cannot make the rescan expensive.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")


@dataclass(frozen=True, slots=True)
class Budget:
    max_runs: int = 64
    max_run_chars: int = 16_384
    max_total_bytes: int = 262_144
    min_printable: float = 0.9


def _decode(run: str, min_printable: float) -> str | None:
    body = run.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = (base64.urlsafe_b64decode(padded) if ("-" in body or "_" in body)
               else base64.b64decode(padded, validate=True))
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not text or not any(c.isalpha() for c in text):
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return text if printable / len(text) >= min_printable else None


def decoded_runs(text: str, budget: Budget = Budget()) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, decoded)`` for each base64 run of ``text`` that decodes to readable text."""
    runs = total = 0
    for m in _RUN.finditer(text):
        if runs >= budget.max_runs or total >= budget.max_total_bytes:
            return
        run = m.group()
        if len(run) > budget.max_run_chars or not any(c.isdigit() or c.isupper() for c in run[1:]):
            continue
        runs += 1
        decoded = _decode(run, budget.min_printable)
        if decoded is None:
            continue
        total += len(decoded)
        yield m.start(), m.end(), decoded
