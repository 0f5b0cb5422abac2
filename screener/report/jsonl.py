"""JSON Lines results (``screener-result/1``, one object per line) and atomic writes of result files."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from screener.errors import InputError
from screener.model import ScreenResult


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_jsonl(results: Iterable[ScreenResult], handle: IO[str], include_redacted: bool = False) -> int:
    n = 0
    for result in results:
        handle.write(result.to_json(include_redacted) + "\n")
        n += 1
    return n


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Read a results file back (for reports); a malformed line is an InputError naming the line."""
    out = []
    try:
        with Path(path).open(encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}: not a JSON line") from exc
                if not isinstance(record, dict) or record.get("schema") != "screener-result/1":
                    raise InputError(f"{path}:{lineno}: not a screener-result/1 record")
                out.append(record)
    except OSError as exc:
        raise InputError(f"cannot read results file {path}: {exc.__class__.__name__}") from exc
    return out
