"""Paths to submissions. Every path given yields at least one Submission; what cannot be read becomes a
Submission with ``error`` set, which the engine reports as UNSCANNED. Nothing is skipped silently.

- a directory: every entry below it, in sorted order. Regular files are read; every other entry a walk meets
  gets an UNSCANNED result with the reason: a symbolic link loop, a dangling link, a directory that cannot
  be read, something that is not a regular file (FIFO, socket, device). Symbolic links to directories are
  followed once (a link back to a directory already walked is a loop);
- ``.jsonl``: one submission per non-blank line (a JSON object; the first present text field is the text,
  and every other string or number field is screened with it, appended as ``name: value`` paragraphs; no
  field value is copied into the metadata unscreened);
- ``.json``: one object, or a list of objects, each one submission;
- ``.txt``, ``.md``, ``.markdown``, ``.text``, ``.html``, ``.htm``, ``.docx``, ``.pdf``, ``.pptx``, ``.xlsx``,
  ``.eml``, ``.csv``, ``.tsv``: one submission,
  extracted by content sniffing;
- anything else: UNSCANNED ("unsupported file type").
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from screener.config import ScreenerConfig
from screener.model import Metadata, Submission
from screener.safe_text import utf8_clean
from screener.text.extract import DOCUMENT_SUFFIXES

RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
SUBMITTED_AT = "submitted_at"  # a record's submission time (ISO 8601), kept as metadata, never screened


def _display(path: Path) -> str:
    return utf8_clean(path.as_posix())


def _unreadable(exc: BaseException) -> str:
    return f"cannot read file ({exc.__class__.__name__})"


def _metadata(record: dict[str, Any], cfg: ScreenerConfig, source: str, employers: tuple[str, ...]) -> Metadata:
    declared = record.get(cfg.employers_field, ())
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list):
        declared = []
    expert = record.get(cfg.expert_field)
    when = record.get(SUBMITTED_AT)  # submission time, for the exposure ledger's order (metadata, not text)
    return Metadata.of(
        expert_id=utf8_clean(str(expert)) if expert is not None else None,
        employers=tuple(dict.fromkeys([*(utf8_clean(str(e)) for e in declared), *employers])),
        source=source,
        extra={SUBMITTED_AT: when} if isinstance(when, str | int | float) and not isinstance(when, bool) else None,
    )


def _extra_fields(record: dict[str, Any], cfg: ScreenerConfig, text_field: str) -> str:
    """The record's other string and number fields (a ``title``, a ``ref``), as ``name: value`` paragraphs to
    screen after the text, in record order; "" when there is none. Objects, lists, booleans and nulls are
    neither screened nor kept."""
    skip = {cfg.id_field, cfg.expert_field, cfg.employers_field, text_field, SUBMITTED_AT}
    parts = [f"{k}: {v}" for k, v in record.items()
             if k not in skip and isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()]
    return "".join(f"\n\n{p}" for p in parts)


def record_to_submission(record: Any, sub_id: str, source: str, cfg: ScreenerConfig,
                         employers: tuple[str, ...] = ()) -> Submission:
    if not isinstance(record, dict):
        return Submission(id=sub_id, error="record is not a JSON object", metadata=Metadata(source=source))
    meta = _metadata(record, cfg, source, employers)
    for name in cfg.text_fields:
        if name in record:
            value = record[name]
            if not isinstance(value, str):
                return Submission(id=sub_id, error=f"field {name!r} is not a string", metadata=meta)
            text = value + _extra_fields(record, cfg, name) if value.strip() else value  # empty stays empty
            return Submission(id=sub_id, text=text, metadata=meta)
    return Submission(id=sub_id, metadata=meta,
                      error=f"record has none of the text fields {', '.join(cfg.text_fields)}")


def _record_id(record: Any, cfg: ScreenerConfig) -> str | None:
    if isinstance(record, dict) and isinstance(record.get(cfg.id_field), str | int) and str(record[cfg.id_field]):
        return utf8_clean(str(record[cfg.id_field]))
    return None


def _jsonl(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    source = _display(path)
    seen: set[str] = set()
    count = 0
    with os.fdopen(_open_regular(path), "rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            count += 1
            if count > cfg.max_records:
                yield Submission(id=f"{source}#L{lineno}", metadata=Metadata(source=source),
                                 error=f"file holds more than {cfg.max_records} records; the rest is not screened")
                return
            fallback = f"{source}#L{lineno}"
            if len(raw) > cfg.max_bytes:
                yield Submission(id=fallback, metadata=Metadata(source=source),
                                 error=f"record of {len(raw)} bytes exceeds the {cfg.max_bytes}-byte limit")
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError, MemoryError) as exc:  # bad UTF-8 or JSON, nesting too deep
                yield Submission(id=fallback, metadata=Metadata(source=source),
                                 error=f"malformed JSONL line {lineno} ({exc.__class__.__name__})")
                continue
            rid = _record_id(record, cfg)
            sub_id = f"{source}#{rid}" if rid is not None else fallback
            if sub_id in seen:
                sub_id = f"{sub_id}@L{lineno}"
            seen.add(sub_id)
            yield record_to_submission(record, sub_id, source, cfg, employers)


def _json(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    source = _display(path)
    try:
        data = json.loads(_read_regular(path, cfg.max_bytes).decode("utf-8"))
    except OSError as exc:
        yield Submission(id=source, metadata=Metadata(source=source), error=_unreadable(exc))
        return
    except (ValueError, RecursionError, MemoryError) as exc:  # bad UTF-8 or JSON, nesting too deep
        yield Submission(id=source, metadata=Metadata(source=source),
                         error=f"malformed JSON ({exc.__class__.__name__})")
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        yield Submission(id=source, metadata=Metadata(source=source), error="JSON file holds no records")
        return
    for i, record in enumerate(records[: cfg.max_records]):
        rid = _record_id(record, cfg)
        sub_id = source if not isinstance(data, list) else f"{source}#{rid if rid is not None else i}"
        yield record_to_submission(record, sub_id, source, cfg, employers)
    if len(records) > cfg.max_records:  # never a silent cut
        yield Submission(id=f"{source}#{cfg.max_records}", metadata=Metadata(source=source),
                         error=f"file holds more than {cfg.max_records} records; the rest is not screened")


class NotRegularFile(OSError):
    """The path turned into something other than a regular file between the walk and the read."""


def _open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file (never blocks on a FIFO), else OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of a regular file (the caller compares the length with its limit)."""
    with os.fdopen(_open_regular(path), "rb") as handle:
        return handle.read(limit + 1)


def _file(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    """The submissions of one file; whatever reading it raises is an UNSCANNED submission, never the run's."""
    source = _display(path)
    taken = 0
    try:
        for sub in _file_records(path, cfg, employers):
            taken += 1
            yield sub
    except Exception as exc:  # a reader bug or an unexpected OS error: this file's fault, not the run's
        yield Submission(id=source if not taken else f"{source}#error", metadata=Metadata(source=source),
                         error=_unreadable(exc))


def _file_records(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    source = _display(path)
    meta = Metadata(employers=employers, source=source)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix in RECORD_SUFFIXES:
            if suffix == ".json" and size > cfg.max_bytes:
                yield Submission(id=source, metadata=meta, error=f"JSON file exceeds the {cfg.max_bytes}-byte limit")
                return
            yield from (_json if suffix == ".json" else _jsonl)(path, cfg, employers)
            return
        if suffix not in DOCUMENT_SUFFIXES:
            yield Submission(id=source, metadata=meta, error=f"unsupported file type {suffix or '(none)'!r}")
            return
        if size > cfg.max_bytes:
            yield Submission(id=source, metadata=meta,
                             error=f"file of {size} bytes exceeds the {cfg.max_bytes}-byte limit")
            return
        data = _read_regular(path, cfg.max_bytes)
        if len(data) > cfg.max_bytes:
            yield Submission(id=source, metadata=meta,
                             error=f"file of more than {cfg.max_bytes} bytes exceeds the limit")
            return
        yield Submission(id=source, data=data, name=utf8_clean(path.name), metadata=meta)
    except OSError as exc:
        yield Submission(id=source, metadata=meta, error=_unreadable(exc))


def _special(path: Path) -> str | None:
    """Why ``path`` is not walked as a file or directory (None when it is a regular file or a directory)."""
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return "dangling symbolic link"
        if isinstance(exc, PermissionError):
            return "permission denied"
        if isinstance(exc, FileNotFoundError):
            return "no such file or directory"
        return f"cannot read ({exc.__class__.__name__})"
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return None
    kind = ("FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode)
            else "device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "special file")
    return f"not a regular file ({kind})"


def _skipped(path: Path, reason: str) -> Submission:
    return Submission(id=_display(path), metadata=Metadata(source=_display(path)), error=reason)


def _entries(folder: Path, seen: set[tuple[int, int]]) -> list[Path] | Submission:
    """The sorted entries of ``folder``, or the UNSCANNED stand-in when it cannot be walked."""
    try:
        st = folder.stat()
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return _skipped(folder, "directory already walked (symbolic link loop or a second path to it)")
        seen.add(key)
        with os.scandir(folder) as found:
            return sorted((Path(e.path) for e in found), key=lambda p: p.name)
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else _unreadable(exc)
        return _skipped(folder, f"cannot read directory: {reason}")


def _walk(root: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    """Every entry below the directory ``root``, depth first in sorted order, each one accounted for."""
    seen: set[tuple[int, int]] = set()
    first = _entries(root, seen)
    if isinstance(first, Submission):
        yield first
        return
    count = 0
    stack: list[Iterator[Path]] = [iter(first)]
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
            continue
        reason = _special(path)
        if reason is None and path.is_dir():
            entries = _entries(path, seen)
            if isinstance(entries, Submission):
                count += 1
                yield entries
            else:
                stack.append(iter(entries))
            continue
        for sub in [_skipped(path, reason)] if reason is not None else _file(path, cfg, employers):
            count += 1
            yield sub
    if not count:
        yield _skipped(root, "directory holds no files")


def iter_paths(paths: Iterable[Path], cfg: ScreenerConfig, employers: tuple[str, ...] = ()) -> Iterator[Submission]:
    """Submissions from files and directories, in a stable order; every entry met yields at least one."""
    for path in paths:
        path = Path(path)
        reason = _special(path)
        if reason is not None:
            yield _skipped(path, reason)
        elif path.is_dir():
            yield from _walk(path, cfg, employers)
        else:
            yield from _file(path, cfg, employers)
