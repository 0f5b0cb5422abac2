"""Synthetic protected documents and helpers shared by the fingerprint, detector and corpus CLI tests."""

from __future__ import annotations

from pathlib import Path

from screener.detect.base import ScanInput
from screener.model import Metadata
from screener.text.normalize import normalize

KEY = bytes(range(32))

PRICING = """# Halvorsen Capital - Pricing Committee Minutes

## Decision on the Aurora bond desk

The committee agreed that the Aurora desk will quote municipal bonds at a spread of eleven basis points
over the composite curve for orders below two million dollars, and will widen the spread by four basis
points for every additional million, up to a ceiling of twenty-five basis points. Trades above ten
million dollars are referred to the head of fixed income before any quote is released to the client.

## Escalation

Any exception to these spreads must be approved by two members of the committee and logged in the
Orchid pricing register within one business day, together with the name of the client and the reason
given by the sales coverage officer.
"""

ONBOARDING = """HALVORSEN CAPITAL
CLIENT ONBOARDING CHECKLIST

1. Identity checks
The onboarding analyst collects two forms of identification from every beneficial owner holding more
than fifteen percent of the client entity, and screens each owner against the Falcon watch list before
the account is opened in the custody platform.

2. Risk scoring
Each new client receives a risk score from one to nine. Clients scored seven or above need the approval
of the regional compliance lead and a second review after ninety days of trading activity.
"""

BOILERPLATE = """This message is confidential and intended only for its addressee. If you received it in error,
please tell the sender and delete it. Nothing in it is an offer to buy or sell any security.
"""

UNRELATED = """Fixed income desks price bonds against a reference curve and adjust for size and liquidity.
Large orders usually need a senior trader's sign-off, and exceptions should be documented so that
auditors can follow the reasoning later. None of this is specific to any firm."""


def write_corpus(root: Path) -> Path:
    """The protected documents as files under ``root/docs``."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "pricing_minutes.md").write_text(PRICING, encoding="utf-8")
    (docs / "onboarding_checklist.txt").write_text(ONBOARDING, encoding="utf-8")
    return docs


def scan_input(text: str) -> ScanInput:
    return ScanInput(normalize(text), None, Metadata())
