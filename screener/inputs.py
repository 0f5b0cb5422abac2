"""Paths to submissions. Every path given yields at least one Submission; what cannot be read becomes a
Submission with ``error`` set, which the engine reports as UNSCANNED. Nothing is skipped silently.

- a directory: every file below it, in sorted order;
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

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from screener.config import ScreenerConfig
from screener.model import Metadata, Submission

DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".html", ".htm", ".docx", ".pdf",
                               ".pptx", ".xlsx", ".eml", ".csv", ".tsv"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})


def _display(path: Path) -> str:
    return path.as_posix()


def _metadata(record: dict[str, Any], cfg: ScreenerConfig, source: str, employers: tuple[str, ...]) -> Metadata:
    declared = record.get(cfg.employers_field, ())
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list):
        declared = []
    expert = record.get(cfg.expert_field)
    return Metadata.of(
        expert_id=str(expert) if expert is not None else None,
        employers=tuple(dict.fromkeys([*(str(e) for e in declared), *employers])),
        source=source,
    )


def _extra_fields(record: dict[str, Any], cfg: ScreenerConfig, text_field: str) -> str:
    """The record's other string and number fields (a ``title``, a ``ref``), as ``name: value`` paragraphs to
    screen after the text, in record order; "" when there is none. Objects, lists, booleans and nulls are
    neither screened nor kept."""
    skip = {cfg.id_field, cfg.expert_field, cfg.employers_field, text_field}
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
        return str(record[cfg.id_field])
    return None


def _jsonl(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
    source = _display(path)
    seen: set[str] = set()
    count = 0
    with path.open("rb") as handle:
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
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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


def _file(path: Path, cfg: ScreenerConfig, employers: tuple[str, ...]) -> Iterator[Submission]:
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
        yield Submission(id=source, data=path.read_bytes(), name=path.name, metadata=meta)
    except OSError as exc:
        yield Submission(id=source, metadata=meta, error=f"cannot read file ({exc.__class__.__name__})")


def iter_paths(paths: Iterable[Path], cfg: ScreenerConfig, employers: tuple[str, ...] = ()) -> Iterator[Submission]:
    """Submissions from files and directories, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            if not files:
                yield Submission(id=_display(path), metadata=Metadata(source=_display(path)),
                                 error="directory holds no files")
            for f in files:
                yield from _file(f, cfg, employers)
        elif path.is_file():
            yield from _file(path, cfg, employers)
        else:
            yield Submission(id=_display(path), metadata=Metadata(source=_display(path)),
                             error="no such file or directory")
