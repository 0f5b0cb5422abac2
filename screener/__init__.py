"""screener: finds what must never leave a former employer in expert-written training data.

``Screener.from_config()`` builds the engine (loads rules, policy and the spaCy model); importing this package
loads no model.
"""

from screener.config import ScreenerConfig
from screener.engine import Screener
from screener.errors import ConfigError, InputError, ScreenerError
from screener.model import Category, Finding, Metadata, ScreenResult, Span, Submission, Verdict

__all__ = [
    "Category",
    "ConfigError",
    "Finding",
    "InputError",
    "Metadata",
    "ScreenResult",
    "Screener",
    "ScreenerConfig",
    "ScreenerError",
    "Span",
    "Submission",
    "Verdict",
]
