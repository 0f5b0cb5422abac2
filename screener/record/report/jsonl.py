"""JSON Lines results (``screener-result/1``, one object per line) and atomic writes of result files.

``result_line`` is the one way a result becomes a line: when a result cannot be serialised or encoded as
UTF-8, its line is an UNSCANNED record with the reason (the exception class), so a writer never stops.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from screener.errors import InputError
from screener.model import RESULT_SCHEMA, ScreenResult
from screener.safe_text import utf8_clean

log = logging.getLogger("screener")


def result_line(result: ScreenResult, include_redacted: bool = False) -> str:
    """``result`` as one ``screener-result/1`` JSON line (no newline) that always encodes as UTF-8."""
    try:
        line = result.to_json(include_redacted)
        line.encode("utf-8")
        return line
    except Exception as exc:
        kind = exc.__class__.__name__
    sub_id = utf8_clean(str(result.submission_id))
    log.warning("submission %s: result cannot be written: %s", sub_id, kind)
    return json.dumps({"schema": RESULT_SCHEMA, "id": sub_id, "verdict": "unscanned",
                       "reasons": [f"result cannot be written ({kind})"], "sha256": None, "chars": 0,
                       "metadata": {}, "counts": {}, "findings": [], "versions": {}},
                      ensure_ascii=False, separators=(",", ":"))


def write_stdout(text: str) -> None:
    """Write to stdout; what the stream's encoding cannot take is written as backslash escapes."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.flush()
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        sys.stdout.buffer.write(text.encode(encoding, "backslashreplace"))
        sys.stdout.flush()


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
        handle.write(result_line(result, include_redacted) + "\n")
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
                except (ValueError, RecursionError) as exc:  # not JSON, or nested past the recursion limit
                    raise InputError(f"{path}:{lineno}: not a JSON line ({exc.__class__.__name__})") from exc
                if not isinstance(record, dict) or record.get("schema") != "screener-result/1":
                    raise InputError(f"{path}:{lineno}: not a screener-result/1 record")
                out.append(record)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read results file {path}: {exc.__class__.__name__}") from exc
    return out
