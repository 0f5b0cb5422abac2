"""SARIF 2.1.0 output (OASIS Static Analysis Results Interchange Format), as code-scanning tools read it.

One ``run`` for the whole scan. ``tool.driver.rules`` lists every rule that fired (id, name, what and remedy
from the rule's docs, category); each finding is a ``result`` with ``ruleId``/``ruleIndex``, a ``level``
from its action (block: error, flag: warning, redact: note, allow: none, with ``kind`` ``pass``), a message
naming the entity, action and policy reason, and one ``physicalLocation``: the submission's source file (or its
id) and a ``region`` with 1-based lines and columns counted in Unicode code points (``columnKind``) plus
``charOffset``/``charLength``. A record of a JSON/JSONL file has no region in that file: its location names
the file and, as a ``logicalLocation``, the record's id; its line, column and offsets (into the record's
text) are in the result's ``properties``.
A submission that could not be screened is a ``toolExecutionNotification`` of level error (and
``executionSuccessful`` false). No matched text is ever written: messages carry codes, entities and reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from screener.model import Action, ScreenResult, Verdict
from screener.ruleset.loader import RuleSet

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Action.BLOCK: "error", Action.FLAG: "warning", Action.REDACT: "note", Action.ALLOW: "none"}


def artifact_uri(result: ScreenResult) -> str:
    """A relative URI reference for the submission's source (path separators kept, the rest escaped)."""
    where = result.metadata.source or result.submission_id
    return quote(where.replace("\\", "/"), safe="/")


def in_file(result: ScreenResult) -> bool:
    """Whether the submission is a whole file, so that its offsets and lines are the file's own."""
    return result.metadata.source is None or result.metadata.source == result.submission_id


def _rule_descriptor(rule_id: str, rules: RuleSet | None) -> dict[str, Any]:
    rule = rules.get(rule_id) if rules is not None else None
    out: dict[str, Any] = {"id": rule_id}
    if rule is not None:
        out["name"] = rule.name
        out["shortDescription"] = {"text": rule.docs.what}
        out["fullDescription"] = {"text": f"{rule.docs.what} {rule.docs.why}"}
        out["help"] = {"text": f"Remedy: {rule.docs.remedy}"}
    return out


def _region(d: Any) -> dict[str, Any]:
    f = d.finding
    region: dict[str, Any] = {"charOffset": f.span.start, "charLength": len(f.span)}
    if f.position is not None:
        region.update(startLine=f.position.line, startColumn=f.position.column, endLine=f.position.end_line,
                      endColumn=f.position.end_column)
    return region


def to_sarif(results: Sequence[ScreenResult], rules: RuleSet | None = None, version: str = "unknown") -> dict[str, Any]:
    """The SARIF log (a dict ready for ``json.dumps``) of ``results``, in their order."""
    rule_ids = sorted({d.finding.rule_id for r in results for d in r.decisions})
    index = {rid: i for i, rid in enumerate(rule_ids)}
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for r in results:
        location = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(r)}}}
        if r.verdict is Verdict.UNSCANNED:
            notifications.append({"level": "error", "locations": [location],
                                  "message": {"text": f"submission {r.submission_id} could not be screened: "
                                                      f"{'; '.join(r.reasons) or 'no reason given'}"}})
            continue
        whole = in_file(r)
        for d in r.decisions:
            f = d.finding
            physical = dict(location["physicalLocation"])
            if whole:
                physical["region"] = _region(d)
            entry: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": LEVEL[d.action],
                "message": {"text": f"{f.rule_id} {f.entity} ({f.category.value}): {d.action.value}; {d.reason}"},
                "locations": [{"physicalLocation": physical, **({} if whole else {"logicalLocations": [
                    {"fullyQualifiedName": r.submission_id, "kind": "object"}]})}],
                "properties": {"submission": r.submission_id, "verdict": r.verdict.value, "action": d.action.value,
                               "category": f.category.value, "entity": f.entity, "score": round(f.score, 4)},
            }
            if not whole:
                entry["properties"]["region"] = _region(d)
            if d.action is Action.ALLOW:
                entry["kind"] = "pass"
            sarif_results.append(entry)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "screener", "version": version,
                            "rules": [_rule_descriptor(rid, rules) for rid in rule_ids]}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not notifications,
                         "toolExecutionNotifications": notifications}],
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
