"""POST /v1/screen and GET /healthz against the running server, with a real HTTP client."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document

from screener.model import Metadata, Submission
from tests.serve.conftest import AUTH

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("From: Dana Whitfield <dana.whitfield@example.com>\nINTERNAL USE ONLY - do not forward.\n"
        "Card on file: 4111 1111 1111 1111.\n")


def _docx(text: str) -> bytes:
    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _strip(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "id"}


def test_healthz_says_ok_and_details_only_with_a_token(base_url: str) -> None:
    bare = httpx.get(f"{base_url}/healthz")
    assert bare.status_code == 200 and bare.json() == {"status": "ok"}
    full = httpx.get(f"{base_url}/healthz", headers=AUTH).json()
    assert full["status"] == "ok"
    assert "fragments" in full["screened_with"]["detectors"] and full["versions"]["screener"]


def test_json_text_gives_the_library_result(base_url: str, engine: Any) -> None:
    body = {"id": "intake-1", "text": TEXT, "expert_id": "exp-7", "employers": ["Northwind Bank"]}
    got = httpx.post(f"{base_url}/v1/screen", json=body, headers=AUTH, timeout=60)
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    want = engine.screen(Submission("intake-1", text=TEXT, metadata=Metadata.of("exp-7", ["Northwind Bank"])))
    assert got.json() == want.to_dict()
    assert got.json()["schema"] == "screener-result/1" and "redacted_text" not in got.json()


def test_redacted_text_only_when_asked(base_url: str) -> None:
    got = httpx.post(f"{base_url}/v1/screen", json={"text": TEXT, "include_redacted": True}, headers=AUTH,
                     timeout=60).json()
    assert "<EMAIL_ADDRESS_1>" in got["redacted_text"] and "dana.whitfield@example.com" not in got["redacted_text"]


@pytest.mark.parametrize(("name", "data"), [
    ("draft.txt", TEXT.encode()),
    ("draft.docx", _docx(TEXT)),
    ("draft.html", f"<html><body><p>{html.escape(TEXT)}</p></body></html>".encode()),
], ids=["txt", "docx", "html"])
def test_uploaded_file_is_extracted_and_screened(base_url: str, engine: Any, name: str, data: bytes) -> None:
    got = httpx.post(f"{base_url}/v1/screen", files={"file": (name, data)}, data={"id": "up-1", "expert_id": "e1"},
                     headers=AUTH, timeout=60)
    assert got.status_code == 200
    want = engine.screen(Submission("up-1", data=data, name=name, metadata=Metadata.of("e1")))
    assert got.json() == want.to_dict()
    assert {f["rule_id"] for f in got.json()["findings"]} >= {"PII110", "MRK302"}


@pytest.mark.parametrize(("files", "reason"), [
    ({"file": ("blob.bin", bytes(range(256)) * 4)}, ""),
    ({"file": ("empty.txt", b"   \n ")}, "empty"),
    ({"file": ("broken.docx", b"PK\x03\x04 not really a zip")}, ""),
], ids=["binary", "blank", "corrupt-docx"])
def test_unreadable_upload_is_unscanned_with_a_reason(base_url: str, files: dict[str, Any], reason: str) -> None:
    got = httpx.post(f"{base_url}/v1/screen", files=files, headers=AUTH, timeout=60)
    assert got.status_code == 200
    result = got.json()
    assert result["verdict"] == "unscanned" and result["reasons"] and reason in result["reasons"][0]


@pytest.mark.parametrize(("content", "ctype", "field"), [
    (b"{not json", "application/json", "body"),
    (json.dumps({"text": "hello", "colour": "red"}).encode(), "application/json", "colour"),
    (json.dumps({"id": "x"}).encode(), "application/json", "text"),
    (json.dumps({"text": 42}).encode(), "application/json", "text"),
], ids=["malformed", "unknown-field", "missing-text", "text-not-string"])
def test_bad_json_is_400_naming_fields_not_text(base_url: str, content: bytes, ctype: str, field: str) -> None:
    got = httpx.post(f"{base_url}/v1/screen", content=content, headers={**AUTH, "content-type": ctype})
    assert got.status_code == 400
    assert any(field in f for f in got.json()["fields"]) and "hello" not in got.text


def test_form_without_text_or_file_is_400(base_url: str) -> None:
    got = httpx.post(f"{base_url}/v1/screen", data={"id": "x"}, headers=AUTH)
    assert got.status_code == 400


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("GET", "/healthz"), ("POST", "/v1/screen"),
                                              ("GET", "/static/selfcheck.css"), ("GET", "/nowhere")],
                         ids=["page", "healthz", "api-unauthorised", "css", "404"])
def test_security_headers_on_every_response(base_url: str, method: str, path: str) -> None:
    got = httpx.request(method, f"{base_url}{path}")
    csp = got.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert "unsafe-inline" not in csp
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["referrer-policy"] == "no-referrer"
    assert got.headers["cache-control"] == "no-store"
    assert "server" not in got.headers
