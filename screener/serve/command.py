"""``screener serve``: build the Screener once, then run the service with uvicorn (no access log of its own;
the app logs method, route, status and duration only).

Exit codes: 2 on a configuration error (bad tokens, rates, an open page off loopback, a missing extra).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from screener.commands.common import err_console, handled
from screener.errors import ConfigError

if TYPE_CHECKING:
    import uvicorn


def uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """The server settings the service always runs with: no access log (the app logs method, route, status and
    duration only), no ``Server`` header, forwarded headers not trusted (rate limits key on the peer address),
    uvicorn's own logging left to the ``screener`` loggers."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None, server_header=False,
                          proxy_headers=False, log_level="warning", lifespan="on")


def serve(
    host: Annotated[str, typer.Option(help="Address to bind. Default: loopback only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    tokens: Annotated[Path | None, typer.Option("--tokens", help="Token file: lines 'api NAME TOKEN' (the "
                                                                 "pipeline) or 'expert ID TOKEN' (the page). "
                                                                 "Default: $SCREENER_SERVE_TOKENS.")] = None,
    max_body: Annotated[int, typer.Option("--max-body", min=1, help="Largest request body in bytes (413 "
                                                                    "beyond).")] = 5_000_000,
    time_budget: Annotated[float, typer.Option("--time-budget", help="Seconds one screening may take, queue "
                                                                     "included (503 + unscanned beyond).")] = 30.0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Screening threads.")] = 2,
    max_pending: Annotated[int, typer.Option("--max-pending", min=1, help="Screenings waiting or running at "
                                                                          "once (503 beyond).")] = 16,
    expert_rate: Annotated[str, typer.Option("--expert-rate", help="Page checks per expert.")] = "20/minute",
    address_rate: Annotated[str, typer.Option("--address-rate", help="Page checks per client address.")
                            ] = "60/minute",
    api_rate: Annotated[str, typer.Option("--api-rate", help="API calls per API token.")] = "600/minute",
    allowed_host: Annotated[list[str] | None, typer.Option("--allowed-host", help="Host header to accept "
                                                                                  "(repeatable). Default: the "
                                                                                  "bound address.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="YAML config file.")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy name or file.")] = None,
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Fingerprint store; repeatable.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Installed spaCy model or model directory.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules directory.")] = None,
) -> None:
    """Serve POST /v1/screen (bearer token), GET /healthz and the expert self-check page at /.

    Example: SCREENER_SERVE_TOKENS='api intake 0123456789abcdef0123' screener serve --port 8000
    """
    with handled():
        try:
            import uvicorn

            from screener.serve import ServeSettings, create_app
            from screener.serve.auth import TokenStore
        except ImportError as exc:
            raise ConfigError('serve needs the serve extra: pip install -e ".[serve]"', code="E130") from exc
        from screener.config import ScreenerConfig
        from screener.engine import Screener

        settings = ServeSettings(host=host, port=port, tokens=TokenStore.load(tokens), max_body_bytes=max_body,
                                 time_budget=time_budget, workers=workers, max_pending=max_pending,
                                 expert_rate=expert_rate, address_rate=address_rate, api_rate=api_rate,
                                 allowed_hosts=tuple(allowed_host or ())).check()
        cfg = ScreenerConfig.load(config, policy=policy, corpora=tuple(corpus) if corpus else None, nlp_model=model,
                                  rules_dir=rules)
        with err_console.status("loading model and rules", spinner="dots"):
            screener = Screener.from_config(cfg)
        app = create_app(screener, settings)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        serve_log = logging.getLogger("screener.serve")
        serve_log.addHandler(handler)
        serve_log.setLevel(logging.INFO)
        serve_log.propagate = False
        page = "open (loopback)" if settings.page_open else "expert token"
        err_console.print(f"serving on http://{host}:{port}/  (API: bearer token; page: {page})")
        uvicorn.Server(uvicorn_config(app, host, port)).run()
