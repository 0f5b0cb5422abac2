"""The service under test runs for real: uvicorn on a free loopback port in a thread, the shared Screener."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
import uvicorn

from screener.serve import ServeSettings, create_app
from screener.serve.auth import TokenStore
from screener.serve.command import uvicorn_config

API_TOKEN = "api-token-0123456789abcdef"
OTHER_API_TOKEN = "api-token-fedcba9876543210"
EXPERT_TOKEN = "expert-token-0123456789ab"
TOKENS = TokenStore.parse(f"api intake {API_TOKEN}\napi other {OTHER_API_TOKEN}\nexpert alice {EXPERT_TOKEN}\n",
                          "test")
BASE = ServeSettings(tokens=TOKENS, expert_rate="1000/minute", address_rate="1000/minute", api_rate="1000/minute")
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@contextmanager
def running(engine: Any, settings: ServeSettings) -> Iterator[str]:
    """Serve ``create_app(engine, settings)`` on 127.0.0.1, a free port; yield the base URL."""
    app = create_app(engine, settings)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(engine: Any) -> Iterator[str]:
    """A server with API and expert tokens and limits high enough not to interfere."""
    with running(engine, BASE) as url:
        yield url


@pytest.fixture(scope="module")
def open_url(engine: Any) -> Iterator[str]:
    """A server whose page is open (no expert token configured), on loopback."""
    with running(engine, replace(BASE, tokens=TokenStore.parse(f"api intake {API_TOKEN}", "test"))) as url:
        yield url
