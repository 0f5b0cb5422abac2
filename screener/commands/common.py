"""What every command shares: one stderr console and one way of turning errors into exit codes.

Exit codes: 0 clean, 1 findings at or above the policy's threshold, 2 usage or configuration error,
3 internal error. Error messages carry codes, files and rule ids, never submission text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from screener.errors import ScreenerError
from screener.record.report.terminal import shown

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

err_console = Console(stderr=True, highlight=False)
log = logging.getLogger("screener")


@contextmanager
def handled() -> Iterator[None]:
    """Run a command body: ScreenerError -> its message and exit code; anything else -> exit 3, no traceback."""
    try:
        yield
    except typer.Exit:
        raise
    except ScreenerError as exc:
        err_console.print(f"[bold red]error[/] {shown(exc, newlines=True)}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # an internal bug: say so plainly, keep the text out
        log.debug("internal error", exc_info=True)
        err_console.print(f"[bold red]internal error[/] [E900] {exc.__class__.__name__} (run with SCREENER_DEBUG=1)")
        raise typer.Exit(EXIT_INTERNAL) from None
