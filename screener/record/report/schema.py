"""The published JSON Schema (draft 2020-12) of ``screener-result/1``, shipped in the package.

``result_schema()`` gives it as a dict, ``result_schema_text()`` as the file's text (what ``screener schema``
prints). Validate with any JSON Schema validator, e.g. ``jsonschema.validate(record, result_schema())``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "result.schema.json"


def result_schema_text() -> str:
    return (resources.files("screener.record.report") / SCHEMA_FILE).read_text(encoding="utf-8")


def result_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(result_schema_text())
    return loaded
