"""Fingerprints of protected documents: keyed shingles, winnowing, SQLite stores and packs, alignment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screener.config import ScreenerConfig
    from screener.model import Finding


def source_lookup(config: ScreenerConfig) -> Callable[[Finding], str | None] | None:
    """For the HTML report: a function giving the aligned source passage of a fragment finding, read from the
    configured plaintext indexes (None for packs and other findings); None when no corpus is configured."""
    from screener.detect.fragments import FragmentDetector, build_detector

    detector = build_detector(config, None)
    if not isinstance(detector, FragmentDetector):
        return None

    def lookup(finding: Finding) -> str | None:
        pair = detector.aligned_source(finding)
        return pair.source_text if pair is not None else None

    return lookup
