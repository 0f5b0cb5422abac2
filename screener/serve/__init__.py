"""The HTTP service: ``POST /v1/screen`` for an intake pipeline, ``GET /healthz``, and the expert self-check
page. A client of the library like ``cli.py``; needs the ``serve`` extra (Starlette, uvicorn,
python-multipart, limits). ``create_app`` and ``ServeSettings`` are imported on first use, so that
``screener`` without the extra still runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screener.serve.app import create_app
    from screener.serve.settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from screener.serve.app import create_app

        return create_app
    if name == "ServeSettings":
        from screener.serve.settings import ServeSettings

        return ServeSettings
    raise AttributeError(name)
