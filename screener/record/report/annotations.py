"""CSV (one row per finding) and GitHub Actions workflow annotations. Neither carries matched text.

CSV columns: ``submission, source, verdict, rule_id, category, entity, action, score, start, end, line,
column, end_line, end_column, reason``. A submission without findings (clean, or unscanned) still gets one
row with the finding columns empty, so no submission is lost from the table. A cell that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``
(the OWASP CSV-injection advice), since submission ids and sources come from input.

GitHub annotations: one ``::error``/``::warning``/``::notice`` workflow command per finding that is not
allowed (block, flag, redact), with ``file``, ``line``, ``col``, ``endLine``, ``endColumn`` and ``title``,
and one ``::error`` per unscanned submission (a record of a JSON/JSONL file: the file without a line).
Properties and messages are escaped as the runner expects (``%``, CR, LF; and ``:``/``,`` in properties),
so input cannot inject a second command.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from screener.model import Action, Decision, ScreenResult, Verdict
from screener.record.report.sarif import in_file

CSV_COLUMNS = ("submission", "source", "verdict", "rule_id", "category", "entity", "action", "score", "start",
               "end", "line", "column", "end_line", "end_column", "reason")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_GH_LEVEL = {Action.BLOCK: "error", Action.FLAG: "warning", Action.REDACT: "notice"}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _finding_row(r: ScreenResult, d: Decision) -> list[object]:
    f, p = d.finding, d.finding.position
    return [r.submission_id, r.metadata.source, r.verdict.value, f.rule_id, f.category.value, f.entity,
            d.action.value, f"{f.score:.4f}", f.span.start, f.span.end, p and p.line, p and p.column,
            p and p.end_line, p and p.end_column, d.reason]


def to_csv(results: Sequence[ScreenResult]) -> str:
    """The CSV text (header first, ``\\r\\n`` line ends as RFC 4180) of ``results``, in their order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        rows = [_finding_row(r, d) for d in r.decisions]
        if not rows:
            rows = [[r.submission_id, r.metadata.source, r.verdict.value, *[""] * 11, "; ".join(r.reasons)]]
        writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, props: dict[str, object], message: str) -> str:
    joined = ",".join(f"{k}={_escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level} {joined}::{_escape_data(message)}"


def to_github(results: Sequence[ScreenResult]) -> str:
    """GitHub Actions workflow commands, one per line, for findings not allowed and unscanned submissions."""
    lines: list[str] = []
    for r in results:
        file = r.metadata.source or r.submission_id
        if r.verdict is Verdict.UNSCANNED:
            lines.append(_command("error", {"file": file, "title": "screener: unscanned"},
                                  f"{r.submission_id} could not be screened: {'; '.join(r.reasons)}"))
            continue
        for d in r.decisions:
            if d.action is Action.ALLOW:
                continue
            f, p = d.finding, d.finding.position
            props: dict[str, object] = {"file": file}
            if p is not None and in_file(r):  # a record's lines are not the file's
                props.update(line=p.line, col=p.column, endLine=p.end_line, endColumn=p.end_column)
            props["title"] = f"screener {f.rule_id} {f.entity}"
            lines.append(_command(_GH_LEVEL[d.action], props,
                                  f"{f.rule_id} {f.entity} ({f.category.value}) in {r.submission_id}: "
                                  f"{d.action.value}; {d.reason}"))
    return "".join(line + "\n" for line in lines)
