"""Shared fixtures. The spaCy model loads once per test session, and only for tests that ask for it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from screener.config import ScreenerConfig


@pytest.fixture(scope="session")
def config() -> ScreenerConfig:
    return ScreenerConfig.load()


@pytest.fixture(scope="session")
def engine(config: ScreenerConfig):  # type: ignore[no-untyped-def]
    from screener.engine import Screener

    return Screener.from_config(config)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under each process umask (files the tool writes must not depend on it)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)
