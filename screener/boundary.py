"""The per-submission fault boundary's parts: the reason of a submission that raised, and the guarantees
every writer relies on (ids, metadata and whole results encodable as UTF-8 JSON).

The engine (``screener.engine``) draws the boundary; these functions only shape what crosses it. A reason
names the stage and the exception class, never the exception's message, which can quote submission text.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from screener.budget import MEMORY_EXCEEDED, BudgetExceeded
from screener.model import Metadata, ScreenResult, Submission, Verdict
from screener.safe_text import utf8_clean

log = logging.getLogger("screener")


def failure(stage: str, exc: BaseException) -> str:
    """The reason of a submission that raised: the stage and the exception class, never its message."""
    if isinstance(exc, BudgetExceeded):
        return exc.reason
    if isinstance(exc, MemoryError):
        return MEMORY_EXCEEDED
    return f"{stage} failed ({exc.__class__.__name__})"


def clean_metadata(meta: Metadata) -> Metadata:
    """``meta`` with every string encodable as UTF-8 (lone surrogates as visible escapes)."""
    return Metadata(
        expert_id=None if meta.expert_id is None else utf8_clean(meta.expert_id),
        employers=tuple(utf8_clean(e) for e in meta.employers),
        source=None if meta.source is None else utf8_clean(meta.source),
        extra=tuple((utf8_clean(k), utf8_clean(v)) for k, v in meta.extra),
    )


def writable(sub: Submission) -> Submission:
    """The submission with its id and metadata encodable as UTF-8 (lone surrogates shown as escapes)."""
    meta = clean_metadata(sub.metadata)
    sub_id = utf8_clean(sub.id)
    if sub_id == sub.id and meta == sub.metadata:
        return sub
    return replace(sub, id=sub_id, metadata=meta)


def sealed(result: ScreenResult) -> ScreenResult:
    """``result`` when every writer can take it (JSON, UTF-8, redacted text included), else its UNSCANNED
    stand-in with the reason "result cannot be written (<exception class>)"."""
    try:
        result.to_json(include_redacted=True).encode("utf-8")
        return result
    except Exception as exc:
        kind = exc.__class__.__name__
    log.warning("submission %s: result cannot be written: %s", utf8_clean(result.submission_id), kind)
    return ScreenResult(
        submission_id=utf8_clean(result.submission_id), verdict=Verdict.UNSCANNED, decisions=(),
        reasons=(f"result cannot be written ({kind})",),
        metadata=clean_metadata(result.metadata), sha256=result.sha256, chars=result.chars,
        versions=tuple((utf8_clean(k), utf8_clean(v)) for k, v in result.versions),
    )
