"""Settings of ``screener serve``: address, tokens, limits and time budget. Validated once, immutable.

The self-check page is open (no token) only when no ``expert`` token is configured, and then only on a
loopback address: ``check`` refuses an open page on any other address. Off loopback the accepted Host names
must be given (``allowed_hosts``), so that no DNS name an attacker controls can reach the service.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from limits import parse

from screener.errors import ConfigError
from screener.serve.auth import Role, TokenStore

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """Everything the app needs besides the Screener.

    ``max_body_bytes`` caps a request body (HTTP 413 beyond it); ``time_budget`` (seconds) caps one screening,
    queue wait included (HTTP 503 and an UNSCANNED result beyond it); ``workers`` threads screen, at most
    ``max_pending`` requests wait or run at once (HTTP 503 beyond). Rates are ``limits`` strings such as
    ``"20/minute"``: per expert and per client address on the page, per token on the API (HTTP 429).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    tokens: TokenStore = field(default_factory=TokenStore)
    max_body_bytes: int = 5_000_000
    time_budget: float = 30.0
    workers: int = 2
    max_pending: int = 16
    expert_rate: str = "20/minute"
    address_rate: str = "60/minute"
    api_rate: str = "600/minute"
    allowed_hosts: tuple[str, ...] = ()

    @property
    def page_open(self) -> bool:
        """The page needs no token: no expert token is configured (loopback only, see ``check``)."""
        return not self.tokens.has(Role.EXPERT)

    def hosts(self) -> list[str]:
        """Host header values accepted (DNS-rebinding guard): the configured ones, else the bound address and
        the loopback names."""
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        names = {self.host}
        if is_loopback(self.host):
            names.update(LOOPBACK_NAMES)
        return sorted(n if ":" not in n else f"[{n.strip('[]')}]" for n in names)

    def check(self) -> ServeSettings:
        """Validate; raise ConfigError (exit 2) on a bad limit, rate or an open page off loopback."""
        problems = []
        if self.max_body_bytes < 1:
            problems.append("max body must be at least 1 byte")
        if not 0 < self.time_budget <= 3600:
            problems.append("time budget must be in (0, 3600] seconds")
        if not 1 <= self.workers <= 64 or self.max_pending < self.workers:
            problems.append("workers must be 1..64 and max pending at least workers")
        for name in ("expert_rate", "address_rate", "api_rate"):
            try:
                parse(getattr(self, name))
            except ValueError:
                problems.append(f"{name.replace('_', ' ')} {getattr(self, name)!r} is not like '20/minute'")
        if self.page_open and not is_loopback(self.host):
            problems.append(f"the self-check page would be open on {self.host}: configure expert tokens "
                            "or bind to 127.0.0.1")
        if not is_loopback(self.host) and not self.allowed_hosts:
            problems.append(f"bound to {self.host}: name the host clients use with --allowed-host")
        if problems:
            raise ConfigError("invalid serve settings: " + "; ".join(problems), code="E140")
        return self
