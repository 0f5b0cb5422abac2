"""Shared fixtures. The spaCy model loads once per test session, and only for tests that ask for it."""

from __future__ import annotations

import pytest

from screener.config import ScreenerConfig


@pytest.fixture(scope="session")
def config() -> ScreenerConfig:
    return ScreenerConfig.load()


@pytest.fixture(scope="session")
def engine(config: ScreenerConfig):  # type: ignore[no-untyped-def]
    from screener.engine import Screener

    return Screener.from_config(config)
