"""The fault boundary: whatever one submission raises in extraction, screening or writing becomes that
submission's UNSCANNED result, named by stage and exception class, and its neighbours are screened as usual.

A fault-injection table: each row patches one stage to raise one exception class on the submission marked
``POISON`` only; the message of every injected exception holds a fictional secret that must reach neither
the result nor the log.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from screener import engine as engine_mod
from screener.budget import BudgetExceeded
from screener.model import ScreenResult, Submission, Verdict

SECRET = "Project Bluefin of Northwind Ltd"
POISON = "Poison note: call Dana Whitfield at dana.whitfield@example.com about the renewal."
CLEAN = "Clean note: write to maria.lopez@example.com about the schedule."


def _raise(exc: BaseException) -> Callable[..., Any]:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return boom


def _when_poison(original: Callable[..., Any], exc: BaseException, pick: Callable[..., str]) -> Callable[..., Any]:
    """``original``, except that it raises ``exc`` when the text it is given is the poisoned one."""

    def patched(*args: Any, **kwargs: Any) -> Any:
        if "Poison" in pick(*args, **kwargs):
            raise exc
        return original(*args, **kwargs)

    return patched


def _first_text(*args: Any, **kwargs: Any) -> str:
    value = args[0]
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _folded(*args: Any, **kwargs: Any) -> str:
    return str(args[1].original)


def _redact_text(*args: Any, **kwargs: Any) -> str:
    return str(args[0])


def _result_id(self: ScreenResult, *args: Any, **kwargs: Any) -> str:
    return self.submission_id


# (id, what to patch, exception, expected reason)
CASES = [
    ("extract-BadZipFile", "extract", zipfile.BadZipFile(SECRET), "extraction failed (BadZipFile)"),
    ("extract-RuntimeError", "extract", RuntimeError(SECRET), "extraction failed (RuntimeError)"),
    ("extract-NotImplementedError", "extract", NotImplementedError(SECRET), "extraction failed (NotImplementedError)"),
    ("extract-RecursionError", "extract", RecursionError(SECRET), "extraction failed (RecursionError)"),
    ("extract-KeyError", "extract", KeyError(SECRET), "extraction failed (KeyError)"),
    ("extract-MemoryError", "extract", MemoryError(SECRET), "memory budget exceeded"),
    ("normalize-ValueError", "normalize", ValueError(SECRET), "normalisation failed (ValueError)"),
    ("normalize-UnicodeError", "normalize", UnicodeError(SECRET), "normalisation failed (UnicodeError)"),
    ("detector-RuntimeError", "detector", RuntimeError(SECRET), "detector markings failed (RuntimeError)"),
    ("detector-RecursionError", "detector", RecursionError(SECRET), "detector markings failed (RecursionError)"),
    ("detector-MemoryError", "detector", MemoryError(SECRET), "memory budget exceeded"),
    ("refine-IndexError", "refine", IndexError(SECRET), "screening failed (IndexError)"),
    ("refine-budget", "refine", BudgetExceeded("time budget exceeded"), "time budget exceeded"),
    ("redact-AttributeError", "redact", AttributeError(SECRET), "screening failed (AttributeError)"),
    ("redact-OverflowError", "redact", OverflowError(SECRET), "screening failed (OverflowError)"),
    ("writer-UnicodeEncodeError", "to_json", UnicodeEncodeError("utf-8", SECRET, 0, 1, "surrogates not allowed"),
     "result cannot be written (UnicodeEncodeError)"),
    ("writer-TypeError", "to_json", TypeError(SECRET), "result cannot be written (TypeError)"),
]


def _patch(monkeypatch: pytest.MonkeyPatch, engine: Any, where: str, exc: BaseException) -> None:
    if where == "extract":
        monkeypatch.setattr(engine_mod, "extract", _when_poison(engine_mod.extract, exc, _first_text))
    elif where == "normalize":
        monkeypatch.setattr(engine_mod, "normalize", _when_poison(engine_mod.normalize, exc, _first_text))
    elif where == "detector":
        det = next(d for d in engine.detectors if d.name == "markings")
        monkeypatch.setattr(det, "detect", _when_poison(det.detect, exc, lambda item: item.text.original))
    elif where == "refine":
        monkeypatch.setattr(engine_mod, "refine", _when_poison(engine_mod.refine, exc, _folded))
    elif where == "redact":
        monkeypatch.setattr(engine.redactor, "redact", _when_poison(engine.redactor.redact, exc, _redact_text))
    elif where == "to_json":
        original = ScreenResult.to_json

        def to_json(self: ScreenResult, *args: Any, **kwargs: Any) -> str:
            if self.submission_id == "poison" and self.verdict is not Verdict.UNSCANNED:
                raise exc
            return original(self, *args, **kwargs)

        monkeypatch.setattr(ScreenResult, "to_json", to_json)


def _items(as_bytes: bool) -> list[Submission]:
    if as_bytes:
        return [Submission(id="before", data=CLEAN.encode(), name="a.txt"),
                Submission(id="poison", data=POISON.encode(), name="b.txt"),
                Submission(id="after", data=CLEAN.encode(), name="c.txt")]
    return [Submission(id="before", text=CLEAN), Submission(id="poison", text=POISON),
            Submission(id="after", text=CLEAN)]


@pytest.mark.parametrize(("where", "exc", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_fault_is_that_submissions_unscanned(where: str, exc: BaseException, reason: str, engine: Any,
                                               monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    _patch(monkeypatch, engine, where, exc)
    caplog.set_level(logging.DEBUG, logger="screener")
    results = list(engine.screen_many(_items(as_bytes=where == "extract")))
    assert [r.submission_id for r in results] == ["before", "poison", "after"]
    before, poison, after = results
    assert poison.verdict is Verdict.UNSCANNED and poison.reasons[0] == reason
    assert before.verdict is Verdict.REDACT and after.verdict is Verdict.REDACT, "the neighbours are screened"
    assert SECRET not in poison.to_json() and SECRET not in caplog.text


def test_model_failure_on_one_submission_spares_its_batch(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    original = engine.runner.run

    def run(texts: list[str], *args: Any, **kwargs: Any) -> Any:
        if any("Poison" in t for t in texts):
            raise ValueError(SECRET)
        return original(texts, *args, **kwargs)

    monkeypatch.setattr(engine.runner, "run", run)
    results = list(engine.screen_many(_items(as_bytes=False)))
    assert [r.verdict for r in results] == [Verdict.REDACT, Verdict.UNSCANNED, Verdict.REDACT]
    assert results[1].reasons[0] == "NLP model failed (ValueError)"


@pytest.mark.parametrize("exc", [OSError("disk gone"), KeyboardInterrupt(), ValueError("bad record")],
                         ids=["OSError", "KeyboardInterrupt", "ValueError"])
def test_items_taken_before_the_input_raises_are_screened(exc: BaseException, engine: Any) -> None:
    def source() -> Iterator[Submission]:
        yield Submission(id="one", text=CLEAN)
        yield Submission(id="two", text=POISON)
        raise exc

    seen: list[str] = []
    with pytest.raises(type(exc)):
        for result in engine.screen_many(source(), batch_size=16):
            seen.append(result.submission_id)
    assert seen == ["one", "two"]


@pytest.mark.parametrize(("sub_id", "meta_expert", "shown_id"), [
    ("note-\ud800", None, "note-\\ud800"),
    ("caf\udce9.txt", None, "caf\\xe9.txt"),
    ("plain", "expert-\udfff", "plain"),
    ("\udc80\udcff", "x", "\\x80\\xff"),
], ids=["lone-high-surrogate-id", "latin1-file-name", "surrogate-expert-id", "only-raw-bytes"])
def test_ids_that_are_not_utf8_are_escaped_and_screened(sub_id: str, meta_expert: str | None, shown_id: str,
                                                        engine: Any) -> None:
    from screener.model import Metadata

    result = engine.screen(Submission(id=sub_id, text=CLEAN, metadata=Metadata(expert_id=meta_expert)))
    assert result.submission_id == shown_id and result.verdict is Verdict.REDACT
    result.to_json(include_redacted=True).encode("utf-8")  # every writer can take it


def test_text_with_lone_surrogates_is_screened_with_offsets_kept(engine: Any) -> None:
    text = "Mail \ud800 dana.whitfield@example.com now."
    result = engine.screen(Submission(id="s", text=text))
    assert result.verdict is Verdict.REDACT and result.chars == len(text)
    assert result.redacted_text is not None and "\ufffd" in result.redacted_text
    assert any("U+FFFD" in r for r in result.reasons)


def test_a_result_line_is_written_even_when_the_result_cannot_be(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from screener.model import Metadata
    from screener.record.report.jsonl import result_line

    result = ScreenResult(submission_id="odd\ud800", verdict=Verdict.ALLOW, decisions=(), reasons=(),
                          metadata=Metadata(expert_id="e\udfff"), sha256=None, chars=0)
    record = json.loads(result_line(result).encode("utf-8"))
    assert record["verdict"] == "unscanned" and record["id"] == "odd\\ud800"
    assert record["reasons"] == ["result cannot be written (UnicodeEncodeError)"]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_stdout_takes_text_its_encoding_cannot(encoding: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from screener.record.report.jsonl import write_stdout

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding))
    write_stdout("café \u2014 \ud800 end\n")
    sys.stdout.flush()
    assert raw.getvalue().endswith(b" end\n") and b"caf" in raw.getvalue()
