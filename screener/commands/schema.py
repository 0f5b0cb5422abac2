"""``screener schema``: print the JSON Schema of the ``screener-result/1`` records."""

from __future__ import annotations

import sys

from screener.commands.common import handled


def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of screener-result/1, the records of --format json/jsonl.

    Example: screener schema > screener-result-1.schema.json
    """
    with handled():
        from screener.record.report.schema import result_schema_text

        sys.stdout.write(result_schema_text())
