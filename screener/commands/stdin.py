"""``-`` among the input paths: one submission read from standard input (``scan -``, ``redact -``).

The bytes are read bounded by ``max_bytes`` (one byte more tells an oversized input, which becomes an
UNSCANNED submission with a reason) and extracted by content sniffing like a file's. The submission id is
``stdin`` (``stdin.json``-style records are not split: give a file for JSON/JSONL records).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from screener.config import ScreenerConfig
from screener.model import Metadata, Submission
from screener.run.inputs import iter_paths

STDIN = "-"
STDIN_ID = "stdin"


def read_stdin(cfg: ScreenerConfig) -> Submission:
    """One submission from standard input; an error submission when it is too large or unreadable."""
    meta = Metadata(source=STDIN_ID)
    stream = getattr(sys.stdin, "buffer", None)
    try:
        data = stream.read(cfg.max_bytes + 1) if stream is not None else sys.stdin.read().encode("utf-8")
    except (OSError, ValueError) as exc:
        return Submission(id=STDIN_ID, metadata=meta, error=f"cannot read standard input ({exc.__class__.__name__})")
    if len(data) > cfg.max_bytes:
        return Submission(id=STDIN_ID, metadata=meta, error=f"standard input exceeds the {cfg.max_bytes}-byte limit")
    return Submission(id=STDIN_ID, data=bytes(data), metadata=meta)


def iter_inputs(paths: Iterable[Path], cfg: ScreenerConfig) -> Iterator[Submission]:
    """``iter_paths`` where ``-`` stands for standard input (read once, at its place in the order)."""
    pending: list[Path] = []
    reads = 0
    for path in paths:
        if str(path) == STDIN:
            yield from iter_paths(pending, cfg)
            pending = []
            reads += 1
            if reads == 1:
                yield read_stdin(cfg)
            else:  # one stream, read once: a second '-' is reported, never a silent empty submission
                yield Submission(id=f"{STDIN_ID}#{reads}", metadata=Metadata(source=STDIN_ID),
                                 error="standard input was given more than once")
        else:
            pending.append(path)
    yield from iter_paths(pending, cfg)
