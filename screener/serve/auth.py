"""Bearer tokens for the service: who may call the API, and which expert is using the self-check page.

Tokens are read from a file (``--tokens FILE``) or from the environment (``SCREENER_SERVE_TOKENS``), one per
line: ``ROLE SUBJECT TOKEN``, where ROLE is ``api`` (the intake pipeline: ``POST /v1/screen``, full results) or
``expert`` (the self-check page: the expert's id is SUBJECT); blank lines and ``#`` comments are skipped. A
token is at least 16 characters. Tokens are compared in constant time (``hmac.compare_digest``) against every
known token, so the time of a refusal does not depend on how much of a token was right; no token is ever
logged.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from screener.errors import ConfigError

TOKENS_ENV = "SCREENER_SERVE_TOKENS"
MIN_TOKEN_CHARS = 16


class Role(StrEnum):
    """What a token opens: ``api`` the pipeline's endpoint, ``expert`` the self-check page."""

    API = "api"
    EXPERT = "expert"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made a request: a role and a subject (the pipeline's name, or the expert's id)."""

    role: Role
    subject: str


@dataclass(frozen=True, slots=True)
class TokenStore:
    """Known tokens as ``(token bytes, principal)`` pairs; ``check`` finds the principal of a presented token."""

    entries: tuple[tuple[bytes, Principal], ...] = ()

    def has(self, role: Role) -> bool:
        """Whether any token of ``role`` is configured."""
        return any(p.role is role for _, p in self.entries)

    def check(self, presented: str | None, role: Role) -> Principal | None:
        """The principal whose token equals ``presented`` and has ``role``, or None. Compares against every
        token in constant time per token, whatever matches."""
        if not presented:
            return None
        given = presented.encode("utf-8", "surrogatepass")
        found: Principal | None = None
        for token, principal in self.entries:
            if hmac.compare_digest(token, given) and principal.role is role:
                found = principal
        return found

    @classmethod
    def parse(cls, text: str, origin: str) -> TokenStore:
        """Parse ``ROLE SUBJECT TOKEN`` lines; raise ConfigError naming ``origin`` and the line (never the token)."""
        entries: list[tuple[bytes, Principal]] = []
        problems: list[str] = []
        seen: set[bytes] = set()
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 3:
                problems.append(f"{origin}:{number}: expected 'ROLE SUBJECT TOKEN'")
                continue
            role, subject, token = parts
            if role not in {r.value for r in Role}:
                problems.append(f"{origin}:{number}: role must be 'api' or 'expert'")
                continue
            if len(token) < MIN_TOKEN_CHARS:
                problems.append(f"{origin}:{number}: token shorter than {MIN_TOKEN_CHARS} characters")
                continue
            key = token.encode("utf-8")
            if key in seen:
                problems.append(f"{origin}:{number}: token used twice")
                continue
            seen.add(key)
            entries.append((key, Principal(Role(role), subject)))
        if problems:
            raise ConfigError("invalid tokens: " + "; ".join(problems), code="E141")
        return cls(tuple(entries))

    @classmethod
    def load(cls, path: Path | None = None, environ: dict[str, str] | None = None) -> TokenStore:
        """Tokens from ``path`` if given, else from ``$SCREENER_SERVE_TOKENS`` (lines or ``;``-separated), else
        none. Raises ConfigError when the file cannot be read or a line is malformed."""
        if path is not None:
            try:
                return cls.parse(path.read_text(encoding="utf-8"), str(path))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read tokens file {path}: {exc.__class__.__name__}", code="E141") from exc
        env = (os.environ if environ is None else environ).get(TOKENS_ENV, "")
        return cls.parse(env.replace(";", "\n"), TOKENS_ENV)


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header value, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
