"""``screener review accept|dismiss|block``: a person's decision, recorded in the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screener.commands.audit import DEFAULT_LOG, LogOpt, open_existing
from screener.commands.common import err_console, handled
from screener.decide.review import FindingRef, ReviewAction, Scope, record_review
from screener.record.report.terminal import shown
from screener.safe_text import utf8_clean

app = typer.Typer(help="Override a verdict or a finding, with a reason, recorded in the audit log.",
                  no_args_is_help=True)

TargetArg = Annotated[str, typer.Argument(help="Submission id, as in the results file.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the audit log and shown in reports).")]
ReviewerOpt = Annotated[str, typer.Option("--reviewer", help="Who decides.")]
FindingOpt = Annotated[str | None, typer.Option("--finding", help="One finding, RULE@START-END. Example: "
                                                                  "--finding PII101@346-357")]
TextsOpt = Annotated[list[Path] | None, typer.Option("--texts", help="The files given to scan; needed for expert- "
                                                                     "or employer-wide allow-list entries.")]


def _run(action: ReviewAction, target: str, reason: str, reviewer: str, finding: str | None, scope: Scope,
         employer: str | None, texts: list[Path] | None, audit_log: Path) -> None:
    with handled():
        target = utf8_clean(target)  # ids are UTF-8 clean everywhere (a file name's stray byte as \xNN)
        text = None
        if texts:
            from screener.record.report.texts import load_texts

            text = load_texts(texts).get(target)
            if text is None:
                err_console.print(f"no text with id {shown(target)} under the paths given")
        ref = FindingRef.parse(finding) if finding else None
        with open_existing(audit_log) as log:
            review = record_review(log, action, target, reviewer, reason, finding=ref, scope=scope,
                                   employer=employer, text=text)
        err_console.print(f"recorded: {shown(review.signature())}")


@app.command()
def accept(target: TargetArg, reason: ReasonOpt, reviewer: ReviewerOpt, finding: FindingOpt = None,
           audit_log: LogOpt = DEFAULT_LOG) -> None:
    """Release a held submission (or confirm one finding). Voided if later screening finds something new.

    Example: screener review accept examples/banker_process.txt --reason "names are public" --reviewer dana
    """
    _run(ReviewAction.ACCEPT, target, reason, reviewer, finding, Scope.SUBMISSION, None, None, audit_log)


@app.command()
def dismiss(
    target: TargetArg, reason: ReasonOpt, reviewer: ReviewerOpt,
    finding: Annotated[str, typer.Option("--finding", help="The false positive, RULE@START-END.")],
    scope: Annotated[Scope, typer.Option("--scope", help="Allow-list it for this submission only, for every "
                                                         "submission of its expert, or for an employer.")]
    = Scope.SUBMISSION,
    employer: Annotated[str | None, typer.Option("--employer", help="Employer id for --scope employer.")] = None,
    texts: TextsOpt = None,
    audit_log: LogOpt = DEFAULT_LOG,
) -> None:
    """Dismiss a false positive; optionally keep it as an allow-list entry for the expert or employer.

    Example: screener review dismiss ID --finding PII101@346-357 --scope expert --texts examples/ \\
    --reason "the expert's own name" --reviewer dana
    """
    _run(ReviewAction.DISMISS, target, reason, reviewer, finding, scope, employer, texts, audit_log)


@app.command()
def block(target: TargetArg, reason: ReasonOpt, reviewer: ReviewerOpt, finding: FindingOpt = None,
          audit_log: LogOpt = DEFAULT_LOG) -> None:
    """Block a submission (or escalate one finding to block).

    Example: screener review block ID --reason "client deal terms" --reviewer dana
    """
    _run(ReviewAction.BLOCK, target, reason, reviewer, finding, Scope.SUBMISSION, None, None, audit_log)
