"""Coded errors. Messages name the file, rule and field involved, never submission text.

Codes: E1xx configuration and rules, E2xx input and extraction, E3xx models and engines, E4xx stores
(fingerprint index, audit log, batch ledger), E9xx internal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


class ScreenerError(Exception):
    """Base of every error the library raises on purpose. ``code`` is stable; ``exit_code`` maps to the CLI."""

    code = "E900"
    exit_code = 3

    def __init__(self, message: str, *, code: str | None = None) -> None:
        self.code = code or self.code
        super().__init__(f"[{self.code}] {message}")
        self.message = message


class ConfigError(ScreenerError):
    """A setting, rule file, policy or profile is wrong. Usage error: exit code 2."""

    code = "E100"
    exit_code = 2


class RuleError(ConfigError):
    """One or more rule files are invalid. ``problems`` lists every one as ``file:line: message``."""

    code = "E110"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in rule files"
        super().__init__(head + ":\n  " + "\n  ".join(self.problems))


class InputError(ScreenerError):
    """A submission or input path cannot be read. In a batch this becomes an UNSCANNED verdict."""

    code = "E200"
    exit_code = 2


class ExtractionError(InputError):
    code = "E210"


class ModelError(ScreenerError):
    """The NLP model or an engine could not be loaded. Configuration problem: exit code 2."""

    code = "E300"
    exit_code = 2


class StoreError(ScreenerError):
    """A SQLite store (fingerprint index, audit log, ledger) is missing, corrupt or of the wrong format."""

    code = "E400"
    exit_code = 2


_QUOTED_VALUE = re.compile(r"\s+with text\b.*\Z|'[^']*'|\"[^\"]*\"", re.S)


def sqlite_reason(exc: BaseException, limit: int = 160) -> str:
    """What went wrong in an SQLite error, for a message: its class and its text without any quoted value
    (SQLite and Python's sqlite3 quote the cell they could not read, e.g. "Could not decode to UTF-8 column
    'text' with text '...'": a store's cells hold the protected documents), on one line, at most ``limit``
    characters."""
    text = _QUOTED_VALUE.sub(lambda m: "" if m.group().lstrip().startswith("with text") else "'…'", str(exc))
    text = " ".join(text.split())[:limit]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
