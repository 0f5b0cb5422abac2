"""The machine-readable output formats beside ``json``/``jsonl``: ``sarif``, ``csv`` and ``github``.

``render(name, results, rules, version)`` gives the whole text for stdout. None of them carries matched text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from screener.model import ScreenResult
from screener.record.report.annotations import to_csv, to_github
from screener.record.report.sarif import to_sarif
from screener.ruleset.loader import RuleSet

FORMATS = ("sarif", "csv", "github")


def render(name: str, results: Sequence[ScreenResult], rules: RuleSet | None = None, version: str = "unknown") -> str:
    """The text of ``results`` in format ``name`` (one of FORMATS); ValueError for another name."""
    if name == "sarif":
        return json.dumps(to_sarif(results, rules, version), ensure_ascii=False, indent=2) + "\n"
    if name == "csv":
        return to_csv(results)
    if name == "github":
        return to_github(results)
    raise ValueError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")
