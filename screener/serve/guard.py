"""ASGI middleware and helpers that guard every request: security headers, a body-size cap, an access log
without text, and rate limits.

- Security headers on every response: a Content-Security-Policy that allows only same-origin styles and form
  posts (no script at all, ``frame-ancestors 'none'``), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``, ``Cache-Control: no-store``.
- ``BodyLimit``: reading a body whose declared ``Content-Length`` is over the cap, or streaming one past the
  cap, raises ``BodyTooLarge`` inside ``receive``, which the app turns into 413 (JSON or the page).
- ``AccessLog``: one line per request on logger ``screener.serve``: method, route (only known routes; any
  other path is logged as ``-``), status, duration in ms. Never a query string, header or body.
- ``Contain``: an unexpected exception becomes a 500 naming its class only.
- ``RateLimits``: moving-window limits (the ``limits`` library, in memory) per key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Any

log = logging.getLogger("screener.serve")

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class BodyTooLarge(Exception):
    """The request body went past the configured cap."""


class SecurityHeaders:
    """Add ``HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse bodies over ``max_bytes``: by Content-Length at once, or by counting while they stream."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        refuse = declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes)
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            if refuse:  # declared too large: refused before a byte of it is read
                raise BodyTooLarge()
            message: Message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counting_receive, send)


class AccessLog:
    """Log method, known route, status and duration of each request; nothing else."""

    def __init__(self, app: ASGIApp, routes: Iterable[str]) -> None:
        self.app = app
        self.routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            path = scope.get("path", "")
            log.info("%s %s %d %.1fms", scope.get("method", "-")[:10], path if path in self.routes else "-",
                     status, (time.perf_counter() - started) * 1000)


class Contain:
    """Turn an unexpected exception into a 500 that names only its class; log no traceback (a message could
    quote a submission)."""

    def __init__(self, app: ASGIApp, routes: Iterable[str]) -> None:
        self.app = app
        self.routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            path = scope.get("path", "")
            log.warning("internal error on %s: %s", path if path in self.routes else "-", exc.__class__.__name__)
            if not started:
                await _plain(send, 500, f"internal error ({exc.__class__.__name__})".encode())


async def _plain(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RateLimits:
    """Named moving-window limits, e.g. ``RateLimits(expert="20/minute")``; ``hit`` counts one request."""

    def __init__(self, **rates: str) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items: dict[str, RateLimitItem] = {name: parse(rate) for name, rate in rates.items()}

    def hit(self, name: str, key: str) -> float | None:
        """Count a request of ``key`` against limit ``name``: None when allowed, else seconds until retry."""
        item = self._items[name]
        if self._limiter.hit(item, name, key):
            return None
        reset = self._limiter.get_window_stats(item, name, key).reset_time
        return max(1.0, reset - time.time())
