"""``screener exposure show|reset``: read an expert's cumulative exposure, or stop counting it (audited)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import handled
from screener.errors import StoreError
from screener.exposure import ExposureLedger, ExposurePolicy, documents, employers

app = typer.Typer(help="Cumulative exposure per expert: what their submissions together reveal.",
                  no_args_is_help=True)

LedgerOpt = Annotated[Path, typer.Option("--exposure-ledger", "-e", help="Exposure ledger (SQLite). "
                                         "Example: -e exposure.db")]
DEFAULT_LEDGER = Path("screener-exposure.db")


def _open(path: Path) -> ExposureLedger:
    if not Path(path).is_file():
        raise StoreError(f"exposure ledger {path} does not exist", code="E420")
    return ExposureLedger(path)


def _policy(policy: Path | None) -> ExposurePolicy:
    from screener.config import ScreenerConfig
    from screener.decide.policy import Policy

    path = policy if policy is not None else ScreenerConfig.load().policy_file()
    return Policy.load(path).exposure or ExposurePolicy()


def history(ledger: ExposureLedger, expert: str, policy: ExposurePolicy) -> dict[str, Any]:
    """An expert's counted history as a JSON-ready dict: submissions, documents (coverage after each step)
    and employers (weak-signal score after each step). Ids, shares and counts only."""
    entries = ledger.entries(expert)
    docs = documents(entries, ledger.ranges(expert), policy)
    emps = employers(entries, ledger.signals(expert), policy)
    return {
        "expert": expert,
        "submissions": [{"id": e.submission, "submitted_at": e.submitted_at, "sha256": e.sha256} for e in entries],
        "documents": [{"corpus": d.corpus, "reference": d.reference, "coverage": d.coverage, "words": d.words,
                       "steps": [{"id": s.submission, "coverage": s.value, "words": s.words} for s in d.steps]}
                      for d in docs],
        "employers": [{"employer": e.employer, "score": e.score, "signals": dict(e.fields),
                       "steps": [{"id": s.submission, "score": s.value} for s in e.steps]} for e in emps],
        "thresholds": {"coverage": policy.coverage, "words": policy.words, "employer_score": policy.employer_score},
    }


@app.command()
def show(
    expert: Annotated[str, typer.Argument(help="The expert id (metadata expert_id).")],
    exposure_ledger: LedgerOpt = DEFAULT_LEDGER,
    policy: Annotated[Path | None, typer.Option("--policy", help="Policy file whose exposure section gives the "
                                                "thresholds and weights (default: the configured policy).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Show what one expert's submissions together cover: documents (share, words, after which submission)
    and employers (weak-signal score). Example: screener exposure show exp-17 -e exposure.db"""
    with handled():
        with _open(exposure_ledger) as ledger:
            data = history(ledger, expert, _policy(policy))
        if as_json:
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
            return
        console = Console(highlight=False)
        console.print(f"expert {expert}: {len(data['submissions'])} submissions counted")
        table = Table(title="protected documents")
        for col in ("corpus", "document", "covered", "words", "submissions", "coverage after each"):
            table.add_column(col, overflow="fold")
        for d in data["documents"]:
            table.add_row(d["corpus"], d["reference"], f"{d['coverage']:.1%}", str(d["words"]), str(len(d["steps"])),
                          " ".join(f"{s['id']}:{s['coverage']:.0%}" for s in d["steps"]))
        console.print(table)
        table = Table(title="employer weak signals")
        for col in ("employer", "score", "signals", "submissions"):
            table.add_column(col, overflow="fold")
        for e in data["employers"]:
            table.add_row(e["employer"], f"{e['score']:g}", ", ".join(f"{k} x{v}" for k, v in e["signals"].items()),
                          str(len(e["steps"])))
        console.print(table)


@app.command()
def reset(
    expert: Annotated[str, typer.Argument(help="The expert id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).", min=1)],
    exposure_ledger: LedgerOpt = DEFAULT_LEDGER,
    audit_log: Annotated[Path, typer.Option("--audit-log", "-l", help="The audit log that records the "
                                            "reset.")] = Path("screener-audit.db"),
    by: Annotated[str | None, typer.Option("--by", help="Who resets (reviewer id).")] = None,
) -> None:
    """Stop counting an expert's submissions so far (they stay in the ledger, so none counts twice later);
    the reset, its reason and the count are appended to the audit log first.
    Example: screener exposure reset exp-17 --reason "history reviewed, rewritten" -e exposure.db"""
    from screener.errors import InputError
    from screener.record.audit import AuditLog

    with handled():
        if not reason.strip():
            raise InputError("--reason must say why the exposure is reset")
        with _open(exposure_ledger) as ledger:
            counted = len(ledger.entries(expert))
            with AuditLog(audit_log) as log:
                entry = log.append("exposure-reset", expert, {"reason": reason.strip(), "by": by,
                                                              "submissions": counted,
                                                              "ledger": str(exposure_ledger.name)})
            n = ledger.reset(expert)
        Console(stderr=True, highlight=False).print(
            f"expert {expert}: {n} submissions no longer counted (audit entry {entry.seq})")
