"""screener: finds what must never leave a former employer in expert-written training data.

``Screener.from_config()`` builds the engine (loads rules, policy and the spaCy model); importing this package
loads no model. ``compare(submission, documents)`` aligns a text with given documents (FragmentMatch list);
``build_index(documents, out)`` indexes texts into a fingerprint store.
"""

from screener.config import ScreenerConfig
from screener.engine import Screener
from screener.errors import ConfigError, InputError, ScreenerError
from screener.fingerprint.compare import FragmentMatch, build_index, compare
from screener.model import Category, Finding, Metadata, ScreenResult, Span, Submission, Verdict

__all__ = [
    "Category",
    "ConfigError",
    "Finding",
    "FragmentMatch",
    "InputError",
    "Metadata",
    "ScreenResult",
    "Screener",
    "ScreenerConfig",
    "ScreenerError",
    "Span",
    "Submission",
    "Verdict",
    "build_index",
    "compare",
]
