"""Paths to submissions: every input gives at least one submission; bad ones carry an error, none vanish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.config import ScreenerConfig
from screener.run.inputs import iter_paths


@pytest.fixture()
def cfg() -> ScreenerConfig:
    return ScreenerConfig.load(max_bytes=10_000)


def test_directory_is_read_in_sorted_order_with_records(tmp_path: Path, cfg: ScreenerConfig) -> None:
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.md").write_text("first")
    records = [{"id": "r1", "text": "one", "expert_id": "E1", "employers": ["acme"], "channel": "web"},
               {"id": "r2", "body": "two"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n\n")
    subs = list(iter_paths([tmp_path], cfg))
    ids = [s.id.rsplit("/", 1)[-1] for s in subs]
    assert ids == ["a.md", "b.txt", "c.jsonl#r1", "c.jsonl#r2"]
    r1 = subs[2]
    assert r1.text == "one\n\nchannel: web" and r1.metadata.expert_id == "E1" and r1.metadata.employers == ("acme",)
    assert dict(r1.metadata.extra) == {}  # other fields are screened with the text, never copied out
    assert subs[3].text == "two"
    assert all(s.error is None for s in subs)


BAD = [
    ("missing", None, "no such file or directory"),
    ("unknown-ext", ("data.xyz", b"hello"), "unsupported file type '.xyz'"),
    ("too-large", ("big.txt", b"a" * 20_000), "exceeds the 10000-byte limit"),
    ("malformed-json", ("x.json", b"{not json"), "malformed JSON"),
    ("empty-json-list", ("x.json", b"[]"), "holds no records"),
]


@pytest.mark.parametrize(("content", "error"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_unreadable_inputs_become_errors(tmp_path: Path, cfg: ScreenerConfig, content: tuple[str, bytes] | None,
                                         error: str) -> None:
    path = tmp_path / (content[0] if content else "absent.txt")
    if content:
        path.write_bytes(content[1])
    subs = list(iter_paths([path], cfg))
    assert len(subs) == 1
    assert subs[0].error is not None and error in subs[0].error


def test_jsonl_bad_lines_do_not_stop_the_file(tmp_path: Path, cfg: ScreenerConfig) -> None:
    lines = ['{"id": "ok1", "text": "fine"}', "{broken", '"just a string"', '{"id": "no-text"}',
             '{"id": "ok1", "text": "same id again"}', '{"text": 42}', '{"text": "no id"}']
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    subs = list(iter_paths([path], cfg))
    assert len(subs) == len(lines)
    assert len({s.id for s in subs}) == len(subs), "ids must stay unique"
    errors = [s.error for s in subs]
    assert errors[0] is None and errors[4] is None and errors[6] is None
    assert "malformed JSONL line 2" in (errors[1] or "")
    assert "not a JSON object" in (errors[2] or "")
    assert "none of the text fields" in (errors[3] or "")
    assert "is not a string" in (errors[5] or "")


def test_record_cap(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{i}"}) + "\n" for i in range(5)))
    subs = list(iter_paths([path], ScreenerConfig.load(max_records=3)))
    assert [s.error is None for s in subs] == [True, True, True, False]
    assert "more than 3 records" in (subs[-1].error or "")


@pytest.mark.parametrize(
    ("record", "text"),
    [
        pytest.param({"id": "a", "text": "body", "title": "Kestrel notes"}, "body\n\ntitle: Kestrel notes", id="title"),
        pytest.param({"id": "a", "text": "body", "account": 4111111111111111, "rate": 1.5, "ok": True},
                     "body\n\naccount: 4111111111111111\n\nrate: 1.5", id="numbers-kept-bools-not"),
        pytest.param({"id": "a", "text": "body", "body": "second text field", "tags": ["x"], "n": None},
                     "body\n\nbody: second text field", id="other-text-field-screened-nested-dropped"),
        pytest.param({"id": "a", "text": " ", "title": "T"}, " ", id="empty-text-stays-empty"),
    ],
)
def test_record_fields_are_screened_with_the_text_not_copied(tmp_path: Path, cfg: ScreenerConfig,
                                                            record: dict[str, object], text: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (sub,) = iter_paths([path], cfg)
    assert sub.text == text and sub.metadata.extra == ()
