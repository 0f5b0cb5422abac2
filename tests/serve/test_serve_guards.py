"""Authentication, body-size limits, rate limits, the time budget, host and origin checks, against the running
server; token and settings parsing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest

from screener.detect.base import ScanInput
from screener.engine import Screener
from screener.errors import ConfigError
from screener.model import Finding
from screener.serve import ServeSettings
from screener.serve.auth import Role, TokenStore
from tests.serve.conftest import API_TOKEN, AUTH, BASE, EXPERT_TOKEN, OTHER_API_TOKEN, running

TEXT = {"text": "Call Dana Whitfield on 020 7946 0018."}


@pytest.mark.parametrize("header", [
    None,
    "Bearer",
    "Bearer wrong-token-0123456789",
    f"Bearer {API_TOKEN[:-1]}",
    f"Bearer {API_TOKEN}x",
    f"Basic {API_TOKEN}",
    f"Bearer {EXPERT_TOKEN}",
], ids=["none", "empty", "wrong", "prefix", "longer", "basic-scheme", "expert-token-on-api"])
def test_api_refuses_without_a_valid_api_token(base_url: str, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    got = httpx.post(f"{base_url}/v1/screen", json=TEXT, headers=headers)
    assert got.status_code == 401
    assert got.headers["www-authenticate"].startswith("Bearer")
    assert "findings" not in got.text


@pytest.mark.parametrize("token", [API_TOKEN, OTHER_API_TOKEN], ids=["intake", "other"])
def test_api_accepts_each_configured_token(base_url: str, token: str) -> None:
    got = httpx.post(f"{base_url}/v1/screen", json=TEXT, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert got.status_code == 200 and got.json()["verdict"] == "redact"


@pytest.mark.parametrize("form", [{}, {"token": "nope-nope-nope-nope"}, {"token": API_TOKEN}],
                         ids=["no-token", "wrong", "api-token-on-page"])
def test_page_needs_an_expert_token_when_experts_are_configured(base_url: str, form: dict[str, str]) -> None:
    got = httpx.post(f"{base_url}/check", data={**form, "text": "Dana Whitfield"})
    assert got.status_code == 401 and "expert token is needed" in got.text and "Dana" not in got.text


def test_open_page_on_loopback_needs_no_token(open_url: str) -> None:
    page = httpx.get(f"{open_url}/")
    assert 'name="token"' not in page.text
    got = httpx.post(f"{open_url}/check", data={"text": "Call Dana Whitfield."}, timeout=60)
    assert got.status_code == 200 and "Person name" in got.text


@pytest.fixture(scope="module")
def small_url(engine: Any) -> Iterator[str]:
    with running(engine, replace(BASE, max_body_bytes=2_000)) as url:
        yield url


@pytest.mark.parametrize(("path", "kind"), [("/v1/screen", "json"), ("/check", "form")], ids=["api", "page"])
def test_declared_body_over_the_cap_is_413(small_url: str, path: str, kind: str) -> None:
    big = "word " * 1_000
    if kind == "json":
        got = httpx.post(f"{small_url}{path}", json={"text": big}, headers=AUTH)
    else:
        got = httpx.post(f"{small_url}{path}", data={"token": EXPERT_TOKEN, "text": big})
    assert got.status_code == 413 and "word word" not in got.text
    assert ("Not checked" in got.text) if kind == "form" else (got.json() == {"error": "request body too large"})


@pytest.mark.parametrize("path", ["/v1/screen", "/check"], ids=["api", "page"])
def test_streamed_body_over_the_cap_is_413(small_url: str, path: str) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count as it reads
        yield b'{"text": "'
        for _ in range(50):
            yield b"x" * 100
        yield b'"}'

    got = httpx.post(f"{small_url}{path}", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert got.status_code == 413


def test_body_under_the_cap_is_screened(small_url: str) -> None:
    got = httpx.post(f"{small_url}/v1/screen", json=TEXT, headers=AUTH, timeout=60)
    assert got.status_code == 200


@pytest.fixture(scope="module")
def limited_url(engine: Any) -> Iterator[str]:
    with running(engine, replace(BASE, api_rate="3/minute", expert_rate="2/minute", address_rate="3/minute")) as url:
        yield url


def test_api_rate_limit_is_per_token(limited_url: str) -> None:
    codes = [httpx.post(f"{limited_url}/v1/screen", json=TEXT, headers=AUTH, timeout=60).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = httpx.post(f"{limited_url}/v1/screen", json=TEXT, headers=AUTH)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    other = httpx.post(f"{limited_url}/v1/screen", json=TEXT, headers={"Authorization": f"Bearer {OTHER_API_TOKEN}"},
                       timeout=60)
    assert other.status_code == 200


def test_page_rate_limit_per_expert_then_per_address(limited_url: str) -> None:
    form = {"token": EXPERT_TOKEN, "text": "Nothing in particular."}
    codes = [httpx.post(f"{limited_url}/check", data=form, timeout=60).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    page = httpx.post(f"{limited_url}/check", data=form)
    assert "Too many checks" in page.text and page.headers["retry-after"]


class Hang:
    """A detector that blocks until released: a screening that outlives any budget."""

    name = "hang"
    requires_nlp = False

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def detect(self, item: ScanInput) -> list[Finding]:
        self.entered.set()
        self.release.wait(timeout=60)
        return []


@contextmanager
def hanging(engine: Screener, hang: Hang | None = None, **limits: Any) -> Iterator[str]:
    hang = hang or Hang()
    slow_engine = Screener(engine.config, engine.rules, engine.policy, (*engine.detectors, hang), engine.runner)
    try:
        with running(slow_engine, replace(BASE, **{"time_budget": 0.5, **limits})) as url:
            yield url
    finally:
        hang.release.set()


def test_event_loop_answers_while_a_screening_runs(engine: Screener) -> None:
    hang = Hang()
    with hanging(engine, hang, time_budget=60) as url:
        answers: list[httpx.Response] = []
        worker = threading.Thread(target=lambda: answers.append(
            httpx.post(f"{url}/v1/screen", json=TEXT, headers=AUTH, timeout=60)))
        worker.start()
        assert hang.entered.wait(timeout=30)
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # served while the screening hangs
        assert worker.is_alive() and not answers
        hang.release.set()
        worker.join(timeout=60)
        assert answers[0].status_code == 200 and answers[0].json()["verdict"] == "redact"


@pytest.fixture(scope="module")
def slow(engine: Screener) -> Iterator[str]:
    with hanging(engine, workers=1, max_pending=4) as url:
        yield url


def test_over_the_time_budget_is_503_unscanned_never_clean(slow: str) -> None:
    url = slow
    got = httpx.post(f"{url}/v1/screen", json={"id": "late-1", **TEXT}, headers=AUTH, timeout=30)
    assert got.status_code == 503
    result = got.json()
    assert result["verdict"] == "unscanned" and result["id"] == "late-1" and result["findings"] == []
    assert "time budget" in result["reasons"][0] and result["schema"] == "screener-result/1"


def test_page_over_the_time_budget_says_not_checked(slow: str) -> None:
    url = slow
    got = httpx.post(f"{url}/check", data={"token": EXPERT_TOKEN, "text": "A draft."}, timeout=30)
    assert got.status_code == 503 and "could not be checked in time" in got.text
    assert "Nothing to fix" not in got.text


def test_busy_when_every_slot_is_held(engine: Screener) -> None:
    with hanging(engine, workers=1, max_pending=1) as url:
        first = httpx.post(f"{url}/v1/screen", json=TEXT, headers=AUTH, timeout=30)
        assert first.status_code == 503 and "time budget" in first.json()["reasons"][0]
        # its thread still runs and holds the only slot: the next request is refused at once
        got = httpx.post(f"{url}/v1/screen", json=TEXT, headers=AUTH, timeout=30)
        assert got.status_code == 503 and "busy" in got.json()["reasons"][0]
        page = httpx.post(f"{url}/check", data={"token": EXPERT_TOKEN, "text": "A draft."}, timeout=30)
        assert page.status_code == 503 and "busy" in page.text


@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1.example.com", "10.0.0.8:8000"],
                         ids=["other-name", "suffix", "other-address"])
def test_foreign_host_header_is_refused(base_url: str, host: str) -> None:
    got = httpx.post(f"{base_url}/check", data={"token": EXPERT_TOKEN, "text": "x"}, headers={"Host": host})
    assert got.status_code == 400


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example.com"},
    {"Origin": "null"},
    {"Origin": "http://localhost:1"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.com"},
    {"Sec-Fetch-Site": "same-site", "Origin": "null"},
], ids=["other-site", "null", "other-port", "fetch-cross-site", "fetch-same-site"])
def test_cross_origin_form_post_is_refused(base_url: str, headers: dict[str, str]) -> None:
    got = httpx.post(f"{base_url}/check", data={"token": EXPERT_TOKEN, "text": "x"}, headers=headers)
    assert got.status_code == 403


@pytest.mark.parametrize("headers", [
    {},
    {"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    {"Sec-Fetch-Site": "none"},
], ids=["no-browser-headers", "fetch-same-origin", "typed-in"])
def test_same_origin_form_post_is_accepted(base_url: str, headers: dict[str, str]) -> None:
    got = httpx.post(f"{base_url}/check", data={"token": EXPERT_TOKEN, "text": "A plain draft."},
                     headers=headers, timeout=60)
    assert got.status_code == 200 and "Nothing to fix" in got.text


def test_same_origin_header_is_accepted(base_url: str) -> None:
    got = httpx.post(f"{base_url}/check", data={"token": EXPERT_TOKEN, "text": "A plain draft."},
                     headers={"Origin": base_url}, timeout=60)
    assert got.status_code == 200


@pytest.mark.parametrize(("text", "problem"), [
    ("api intake", "expected 'ROLE SUBJECT TOKEN'"),
    ("admin root 0123456789abcdef0", "role must be"),
    ("api intake short", "shorter than 16"),
    ("api a 0123456789abcdef0\nexpert b 0123456789abcdef0", "used twice"),
], ids=["two-fields", "unknown-role", "short", "duplicate"])
def test_bad_token_lines_are_config_errors_without_the_token(text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        TokenStore.parse(text, "tokens.txt")
    assert problem in str(err.value) and "tokens.txt:" in str(err.value)
    assert "0123456789abcdef0" not in str(err.value)


def test_tokens_from_the_environment() -> None:
    store = TokenStore.load(environ={"SCREENER_SERVE_TOKENS": "api a 0123456789abcdef0;expert bo x123456789abcdef0"})
    assert store.check("x123456789abcdef0", Role.EXPERT).subject == "bo"  # type: ignore[union-attr]
    assert store.check("x123456789abcdef0", Role.API) is None


@pytest.mark.parametrize(("settings", "problem"), [
    (ServeSettings(host="0.0.0.0"), "would be open"),
    (ServeSettings(host="192.0.2.10"), "would be open"),
    (ServeSettings(expert_rate="lots"), "expert rate"),
    (ServeSettings(time_budget=0), "time budget"),
    (ServeSettings(workers=4, max_pending=2), "max pending"),
], ids=["open-page-any-address", "open-page-lan", "bad-rate", "zero-budget", "pending-below-workers"])
def test_bad_settings_are_refused(settings: ServeSettings, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        settings.check()


def test_page_with_expert_tokens_may_bind_beyond_loopback_for_named_hosts() -> None:
    tokens = TokenStore.parse("expert e1 0123456789abcdef0", "t")
    with pytest.raises(ConfigError, match="--allowed-host"):
        ServeSettings(host="0.0.0.0", tokens=tokens).check()
    named = ServeSettings(host="0.0.0.0", tokens=tokens, allowed_hosts=("selfcheck.example.com",)).check()
    assert named.hosts() == ["selfcheck.example.com"]


def test_guessing_page_tokens_counts_against_the_address(engine: Screener) -> None:
    with running(engine, replace(BASE, address_rate="3/minute")) as url:
        wrong = [httpx.post(f"{url}/check", data={"token": f"guess-{i:012d}", "text": "x"}).status_code
                 for i in range(3)]
        assert wrong == [401, 401, 401]
        right = httpx.post(f"{url}/check", data={"token": EXPERT_TOKEN, "text": "x"})
        assert right.status_code == 429


@pytest.mark.parametrize("path", ["/v1/screen", "/check"], ids=["api", "page"])
def test_body_sent_too_slowly_is_408(engine: Screener, path: str) -> None:
    def trickle() -> Iterator[bytes]:
        yield b'{"text": "'
        threading.Event().wait(3)  # past the 0.5 s budget before the body ends
        yield b'late"}'

    with running(engine, replace(BASE, time_budget=0.5)) as url:
        got = httpx.post(f"{url}{path}", content=trickle(), headers={**AUTH, "content-type": "application/json"},
                         timeout=30)
        assert got.status_code == 408


def test_uploads_never_spill_to_a_temporary_file(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette spools uploads over 1 MB to disk by default; the service keeps them in memory."""
    import tempfile

    rolled: list[int] = []
    original = tempfile.SpooledTemporaryFile.rollover

    def spy(self: Any) -> None:
        rolled.append(1)
        original(self)

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", spy)
    blob = bytes(range(256)) * 6_000  # 1.5 MB, unreadable: screened quickly as unscanned
    api = httpx.post(f"{base_url}/v1/screen", files={"file": ("blob.bin", blob)}, headers=AUTH, timeout=60)
    page = httpx.post(f"{base_url}/check", data={"token": EXPERT_TOKEN}, files={"file": ("blob.bin", blob)},
                      timeout=60)
    assert api.status_code == 200 and api.json()["verdict"] == "unscanned"
    assert page.status_code == 200 and "could not be checked" in page.text
    assert rolled == []
