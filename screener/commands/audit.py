"""``screener audit verify|show``: check the hash chain of an audit log and read what it recorded."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS, err_console, handled
from screener.errors import StoreError
from screener.record.audit import AuditEntry, AuditLog
from screener.record.report.terminal import plural, shown
from screener.safe_text import utf8_clean

app = typer.Typer(help="Verify and read the append-only audit log.", no_args_is_help=True)

LogOpt = Annotated[Path, typer.Option("--audit-log", "-l", help="Audit database (SQLite). Example: -l audit.db")]
DEFAULT_LOG = Path("screener-audit.db")


def open_existing(path: Path) -> AuditLog:
    """Open an audit log that must already exist (reading never creates one)."""
    if not Path(path).is_file():
        raise StoreError(f"audit log {path} does not exist")
    return AuditLog(path)


@app.command()
def verify(
    audit_log: LogOpt = DEFAULT_LOG,
    expect_head: Annotated[str | None, typer.Option("--expect-head", help="The head printed by an earlier "
                                                                          "verify, kept elsewhere.")] = None,
) -> None:
    """Recompute the hash chain: exit 0 when intact, 1 when a row was edited or deleted.

    Example: screener audit verify -l audit.db
    """
    with handled():
        with open_existing(audit_log) as log:
            report = log.verify(expected_head=expect_head)
        for problem in report.problems:
            err_console.print(f"[bold red]tampered[/] {shown(problem)}")
        status = "intact" if report.ok else "NOT intact"
        err_console.print(f"{shown(audit_log)}: {report.entries} entries, chain {status}")
        sys.stdout.write(f"head {report.head}\n")
        raise typer.Exit(EXIT_CLEAN if report.ok else EXIT_FINDINGS)


def _table(entries: list[AuditEntry]) -> Table:
    table = Table(title="Audit entries", show_lines=False)
    for col in ("seq", "time", "kind", "verdict / action", "details"):
        table.add_column(col, overflow="fold")
    for e in entries:
        b = e.body
        if e.kind == "screening":
            versions = ", ".join(f"{k} {v}" for k, v in dict(b.get("versions", {})).items())
            what = str(b.get("verdict"))
            details = f"sha256 {str(b.get('sha256'))[:16]}; {plural(len(b.get('findings', [])), 'finding')}; {versions}"
        else:
            what = str(b.get("action"))
            target = f"finding {b['finding']}" if b.get("finding") else "submission"
            details = f"{target} by {b.get('reviewer')} ({b.get('scope')}): {b.get('reason')}"
        table.add_row(str(e.seq), shown(e.at[:19]), shown(e.kind), shown(what), shown(details))
    return table


@app.command()
def show(
    target: Annotated[str, typer.Argument(help="A submission id, or an entry number.")],
    audit_log: LogOpt = DEFAULT_LOG,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
) -> None:
    """Every screening and review recorded for a submission (or one entry by number).

    Example: screener audit show examples/banker_process.txt -l audit.db
    """
    with handled():
        with open_existing(audit_log) as log:
            entries = log.entries(subject=utf8_clean(target))  # subjects are stored UTF-8 clean
            if not entries and target.isdigit():
                one = log.entry(int(target))
                entries = [one] if one is not None else []
        if not entries:
            raise StoreError(f"nothing recorded for {utf8_clean(target)!r} in {audit_log}")
        if as_json:
            sys.stdout.write(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2) + "\n")
        else:
            Console(highlight=False).print(_table(entries))
