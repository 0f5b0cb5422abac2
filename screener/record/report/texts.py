"""Original texts for the report and for reviews, read again from the submissions by the ids ``scan`` gave.

Results files hold no text. To show the text (masked) in a report, or to fingerprint a dismissed finding,
the same paths given to ``scan`` are read again with the same rules (``screener.run.inputs.iter_paths``), so a
path, directory or JSONL record gets the same id as before. The report checks each text's sha256 against
the screened one and shows nothing that differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from screener.config import ScreenerConfig
from screener.errors import ExtractionError
from screener.run.inputs import iter_paths
from screener.text.extract import Limits, extract


def load_texts(paths: Iterable[Path], config: ScreenerConfig | None = None) -> dict[str, str]:
    """``{submission id: original text}`` for every readable submission under ``paths``; unreadable ones are
    left out (their results are UNSCANNED anyway and the report says the text is absent)."""
    cfg = config or ScreenerConfig()
    limits = Limits(max_bytes=cfg.max_bytes)
    out: dict[str, str] = {}
    for sub in iter_paths(paths, cfg):
        if sub.error:
            continue
        if sub.text is not None:
            out[sub.id] = sub.text
        elif sub.data is not None:
            try:
                out[sub.id] = extract(sub.data, sub.name, limits).text
            except ExtractionError:
                continue
    return out
