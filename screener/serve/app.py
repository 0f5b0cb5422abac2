"""The ASGI app (Starlette): ``POST /v1/screen`` for the intake pipeline, ``GET /healthz``, and the self-check
page at ``/`` (form) and ``/check`` (its plain form POST).

``create_app(screener, settings)`` takes a Screener built once (``Screener.from_config``) and shares it; each
screening runs in ``ScreenPool`` threads within the time budget. Status codes: 200 a result (its verdict may
be ``unscanned`` when the input could not be read); 400 a malformed request; 401 no valid token; 403 a
cross-origin form post; 408 a body sent too slowly; 413 a body over the cap; 429 over a rate limit
(``Retry-After``); 503 busy or over the time budget, with an UNSCANNED result and the reason, never a partial
answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from screener.engine import Screener
from screener.errors import ExtractionError
from screener.model import Metadata, ScreenResult, Submission, Verdict
from screener.serve.auth import Principal, Role, bearer
from screener.serve.expert import expert_view
from screener.serve.guard import AccessLog, BodyLimit, BodyTooLarge, Contain, RateLimits, SecurityHeaders
from screener.serve.page import TEMPLATES, render
from screener.serve.pool import Busy, OverBudget, ScreenPool
from screener.serve.settings import ServeSettings
from screener.text.extract import extract

log = logging.getLogger("screener.serve")
ROUTES = ("/", "/check", "/healthz", "/v1/screen", "/static/selfcheck.css", "/favicon.ico")


class ScreenRequest(BaseModel):
    """The JSON body of ``POST /v1/screen``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    id: str | None = Field(default=None, min_length=1, max_length=200)
    expert_id: str | None = Field(default=None, max_length=200)
    employers: tuple[str, ...] = ()
    include_redacted: bool = False


def _unscanned(screener: Screener, sub_id: str, reason: str, meta: Metadata | None = None) -> ScreenResult:
    return ScreenResult(sub_id, Verdict.UNSCANNED, (), (reason,), meta or Metadata(), None, 0,
                        versions=screener.versions, screened_with=screener.screened_with)


async def _body(request: Request, seconds: float) -> bytes:
    """The whole body, within ``seconds`` (408 for a client that sends too slowly) and the size cap (413)."""
    try:
        return await asyncio.wait_for(request.body(), timeout=seconds)
    except BodyTooLarge:
        raise HTTPException(413, "request body too large") from None
    except TimeoutError:
        raise HTTPException(408, "request body not received in time") from None


async def _form(request: Request, body: bytes, max_bytes: int) -> dict[str, list[str | UploadFile]]:
    """Parse a multipart or urlencoded body held in memory; an upload never spills to a temporary file."""
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body
        yield b""

    ctype = request.headers.get("content-type", "")
    try:
        if ctype.startswith("multipart/form-data"):
            parser = MultiPartParser(request.headers, stream(), max_files=1, max_fields=20, max_part_size=max_bytes)
            parser.spool_max_size = max_bytes + 1  # keep uploads in memory: nothing submitted touches the disk
            form = await parser.parse()
        elif ctype.startswith("application/x-www-form-urlencoded"):
            form = await FormParser(request.headers, stream()).parse()
        else:
            raise HTTPException(415, "expected multipart/form-data or application/x-www-form-urlencoded")
    except MultiPartException:
        raise HTTPException(400, "malformed form body") from None
    out: dict[str, list[str | UploadFile]] = {}
    for key, value in form.multi_items():
        out.setdefault(key, []).append(value)
    return out


def _first_text(form: dict[str, list[str | UploadFile]], key: str) -> str | None:
    values = [v for v in form.get(key, []) if isinstance(v, str)]
    return values[0] if values else None


async def _upload(form: dict[str, list[str | UploadFile]]) -> tuple[bytes, str | None] | None:
    files = [v for v in form.get("file", []) if isinstance(v, UploadFile)]
    if not files:
        return None
    data = await files[0].read()
    return (data, files[0].filename) if data else None


def _same_origin(request: Request) -> bool:
    """Whether a form post comes from this site's own page: ``Sec-Fetch-Site`` when the browser sends it (with
    ``Referrer-Policy: no-referrer`` a same-origin post carries ``Origin: null``), else the ``Origin`` header
    when present; a client that sends neither (curl, a script) is not a browser on another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def _digest_id(prefix: str, data: bytes) -> str:
    return f"{prefix}-{hashlib.sha256(data).hexdigest()[:12]}"


def create_app(screener: Screener, settings: ServeSettings) -> Starlette:
    """The service around one shared Screener; ``settings`` are validated with ``check()`` first."""
    settings.check()
    pool = ScreenPool(settings.workers, settings.max_pending, settings.time_budget)
    limits = RateLimits(expert=settings.expert_rate, address=settings.address_rate, api=settings.api_rate)

    def too_many(retry: float, html: bool) -> Response:
        headers = {"Retry-After": str(int(retry + 0.999))}
        if html:
            return _page(429, "Too many checks in a short time; wait a minute and try again.", headers)
        return JSONResponse({"error": "rate limit exceeded"}, 429, headers)

    def _page(status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
        return HTMLResponse(render(page_open=settings.page_open, max_body_bytes=settings.max_body_bytes,
                                   message=message), status, headers)

    async def api_screen(request: Request) -> Response:
        principal = settings.tokens.check(bearer(request.headers.get("authorization")), Role.API)
        if principal is None:
            return JSONResponse({"error": "a valid API bearer token is needed"}, 401,
                                {"WWW-Authenticate": 'Bearer realm="screener"'})
        retry = limits.hit("api", principal.subject)
        if retry is not None:
            return too_many(retry, html=False)
        body = await _body(request, settings.time_budget)
        include_redacted = False
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                req = ScreenRequest.model_validate_json(body)
            except ValidationError as exc:
                fields = sorted({".".join(map(str, e["loc"])) or "body" for e in exc.errors()})
                return JSONResponse({"error": "invalid request", "fields": fields}, 400)
            meta = Metadata.of(req.expert_id, req.employers)
            sub = Submission(req.id or _digest_id("text", req.text.encode("utf-8", "surrogatepass")),
                             text=req.text, metadata=meta)
            include_redacted = req.include_redacted
        else:
            form = await _form(request, body, settings.max_body_bytes)
            upload = await _upload(form)
            text = _first_text(form, "text")
            if upload is None and not text:
                return JSONResponse({"error": "give a 'text' field or a non-empty 'file'"}, 400)
            meta = Metadata.of(_first_text(form, "expert_id"),
                               [v for v in form.get("employers", []) if isinstance(v, str)])
            given_id = _first_text(form, "id")
            if upload is not None:
                sub = Submission(given_id or _digest_id("file", upload[0]), data=upload[0], name=upload[1],
                                 metadata=meta)
            else:
                assert text is not None
                sub = Submission(given_id or _digest_id("text", text.encode("utf-8", "surrogatepass")), text=text,
                                 metadata=meta)
            include_redacted = _first_text(form, "include_redacted") in ("1", "true")
        try:
            result = await pool.run(lambda: screener.screen(sub))
        except (Busy, OverBudget) as exc:
            reason = ("the service is busy; nothing was screened" if isinstance(exc, Busy)
                      else f"time budget of {settings.time_budget:g}s exceeded; nothing was screened")
            return JSONResponse(_unscanned(screener, sub.id, reason, sub.metadata).to_dict(), 503,
                                {"Retry-After": "5"})
        return Response(result.to_json(include_redacted), 200, media_type="application/json")

    async def healthz(request: Request) -> Response:
        out: dict[str, Any] = {"status": "ok"}
        if settings.tokens.check(bearer(request.headers.get("authorization")), Role.API) is not None:
            out["versions"] = dict(screener.versions)
            out["screened_with"] = screener.screened_with.to_dict()
        return JSONResponse(out)

    async def page(request: Request) -> Response:
        return HTMLResponse(render(page_open=settings.page_open, max_body_bytes=settings.max_body_bytes))

    async def stylesheet(request: Request) -> Response:
        return FileResponse(TEMPLATES / "selfcheck.css", media_type="text/css")

    def _screen_draft(sub_id: str, meta: Metadata, text: str | None,
                      upload: tuple[bytes, str | None] | None) -> tuple[ScreenResult, str | None]:
        if upload is not None:
            try:
                text = extract(upload[0], upload[1], screener.limits).text
            except ExtractionError as exc:
                return screener.screen(Submission(sub_id, metadata=meta, error=exc.message)), None
            except Exception as exc:  # fail closed: an unreadable upload is unscanned, never an error page
                reason = f"the file could not be read ({exc.__class__.__name__})"
                return screener.screen(Submission(sub_id, metadata=meta, error=reason)), None
        return screener.screen(Submission(sub_id, text=text, metadata=meta)), text

    async def check(request: Request) -> Response:
        if not _same_origin(request):
            return _page(403, "This form only accepts posts from its own page.")
        address = request.client.host if request.client else "-"
        retry = limits.hit("address", address)  # first: guessing tokens counts too
        if retry is not None:
            return too_many(retry, html=True)
        body = await _body(request, settings.time_budget)
        form = await _form(request, body, settings.max_body_bytes)
        principal: Principal | None = Principal(Role.EXPERT, "local")
        if not settings.page_open:
            presented = _first_text(form, "token") or bearer(request.headers.get("authorization"))
            principal = settings.tokens.check(presented, Role.EXPERT)
            if principal is None:
                return _page(401, "A valid expert token is needed.")
        assert principal is not None
        retry = limits.hit("expert", principal.subject)
        if retry is not None:
            return too_many(retry, html=True)
        upload = await _upload(form)
        text = _first_text(form, "text")
        if upload is None and not (text or "").strip():
            return _page(400, "Paste a draft or choose a file to check.")
        meta = Metadata.of(principal.subject)
        try:
            result, shown = await pool.run(lambda: _screen_draft("selfcheck", meta, text, upload))
        except Busy:
            return _page(503, "The checker is busy; nothing was checked. Try again in a moment.")
        except OverBudget:
            return _page(503, "Your draft could not be checked in time; nothing was checked or kept. "
                              "Try a shorter draft.")
        view = expert_view(result, shown, screener.rules)
        return HTMLResponse(render(page_open=settings.page_open, max_body_bytes=settings.max_body_bytes,
                                   view=view, text=shown or ""))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path == "/check":
            return _page(exc.status_code, exc.detail)
        return JSONResponse({"error": exc.detail}, exc.status_code)

    async def too_large(request: Request, exc: Exception) -> Response:
        return await http_error(request, HTTPException(413, "request body too large"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/screen", api_screen, methods=["POST"]),
        Route("/static/selfcheck.css", stylesheet, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
    ]
    middleware = [
        Middleware(AccessLog, routes=ROUTES),
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts()),
        Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        Middleware(Contain, routes=ROUTES),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: http_error, BodyTooLarge: too_large})

