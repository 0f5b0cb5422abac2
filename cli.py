"""The ``screener`` command line: parse, call the library, render, exit.

Exit codes: 0 clean, 1 findings at or above the policy's threshold (or anything UNSCANNED),
2 usage or configuration error, 3 internal error. Data goes to stdout or files; progress and the
summary go to stderr.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from screener.commands import audit as audit_cmd
from screener.commands import corpus as corpus_cmd
from screener.commands import policy as policy_cmd
from screener.commands import review as review_cmd
from screener.commands import rules as rules_cmd
from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS, err_console, handled
from screener.commands.report import report as report_cmd
from screener.errors import ConfigError

if TYPE_CHECKING:
    from screener.config import ScreenerConfig
    from screener.engine import Screener
    from screener.review import Overrides

app = typer.Typer(
    name="screener",
    help="Screen expert submissions for personal data, former-employer identifiers, confidentiality "
    "markings, credentials and copied confidential passages; flag, redact or block them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    jsonl = "jsonl"


ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="YAML config file (see README).")]
PolicyOpt = Annotated[str | None, typer.Option(help="Policy name under rules/policies, or a policy file. "
                                                    "Example: --policy strict")]
EmployerOpt = Annotated[list[str] | None, typer.Option("--employer", "-e",
                                                       help="Employer profile id to switch on for every "
                                                            "submission; repeatable. Example: -e northwind")]
AllEmployersOpt = Annotated[bool, typer.Option("--all-employers", help="Switch on every employer profile.")]
CorpusOpt = Annotated[list[Path] | None, typer.Option("--corpus", help="Fingerprint index (.db) or pack (.pack) to "
                                                                       "match against; repeatable.")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Installed spaCy model or model directory.")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Rules directory (default: the bundled rules/).")]


app.add_typer(corpus_cmd.app, name="corpus")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(review_cmd.app, name="review")
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(rules_cmd.app, name="rules")
app.command("report")(report_cmd)


def _setup_logging() -> None:
    level = logging.DEBUG if os.environ.get("SCREENER_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _config(config: Path | None, policy: str | None, employers: list[str] | None, all_employers: bool,
            corpora: list[Path] | None, model: str | None, rules: Path | None) -> ScreenerConfig:
    from screener.config import ScreenerConfig

    return ScreenerConfig.load(
        config,
        policy=policy,
        employers=tuple(employers) if employers else None,
        all_employers=all_employers or None,
        corpora=tuple(corpora) if corpora else None,
        nlp_model=model,
        rules_dir=rules,
    )


def _screener(config: Path | None, policy: str | None, employers: list[str] | None, all_employers: bool,
              corpora: list[Path] | None, model: str | None, rules: Path | None,
              allowlist: Overrides | None = None) -> Screener:
    from screener.engine import Screener

    cfg = _config(config, policy, employers, all_employers, corpora, model, rules)
    with err_console.status("loading model and rules", spinner="dots"):
        return Screener.from_config(cfg, allowlist=allowlist)


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories: .txt .md .html .docx .pdf, or .json/"
                                                    ".jsonl records (one submission each).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results as JSON Lines to this file "
                                                                  "(atomic). Example: --out results.jsonl")] = None,
    redacted_dir: Annotated[Path | None, typer.Option("--redacted-dir", help="Write each redacted text to "
                                                                            "DIR/<submission>.redacted.txt")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="What goes to stdout: a terminal table, one JSON "
                                                              "array, or JSON Lines.")] = Format.terminal,
    details: Annotated[bool, typer.Option("--details", help="Terminal format: list each finding (code, "
                                                            "position, score; text stays masked).")] = False,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
    employer: EmployerOpt = None,
    all_employers: AllEmployersOpt = False,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    rules: RulesOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write the HTML report here (matched text "
                                                                 "masked). Example: --report report.html")] = None,
    audit_log: Annotated[Path | None, typer.Option("--audit-log", help="Append every screening to this "
                                                                       "hash-chained audit log and apply the "
                                                                       "reviews recorded in it.")] = None,
) -> None:
    """Screen submissions and give each a verdict: allow, redact, flag, block or unscanned.

    Example: screener scan examples/ --out results.jsonl --redacted-dir redacted/
    """
    _setup_logging()
    with handled():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from screener.inputs import iter_paths
        from screener.report.jsonl import atomic_writer, result_line, write_stdout
        from screener.report.terminal import print_findings, results_table, shown, summary_table
        from screener.safe_text import file_name

        log = allowlist = None
        if audit_log is not None:
            from screener.audit import AuditLog
            from screener.review import overrides_from_log

            log = AuditLog(audit_log)
            allowlist = overrides_from_log(log)
        engine = _screener(config, policy, employer, all_employers, corpus, model, rules, allowlist)
        submissions = list(iter_paths(paths, engine.config))
        results = []
        started = time.perf_counter()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, disable=quiet, transient=True) as progress:
            task = progress.add_task("screening", total=len(submissions), visible=len(submissions) > 1)
            chars = progress.add_task("model pass (characters)", total=None, visible=False)

            def model_pass(done: int, total: int) -> None:  # a bar for long texts, which take a while each
                progress.update(chars, completed=done, total=total, visible=total >= 200_000 and done < total)

            for result in engine.screen_many(submissions, progress=model_pass):
                results.append(result)
                progress.advance(task)
        seconds = time.perf_counter() - started
        if len(results) != len(submissions):  # the engine's contract; never hand back a silent gap
            raise RuntimeError("result count differs from submission count")

        if log is not None:
            for r in results:
                log.record(r)
            log.close()
        if report is not None:
            from screener.report.html import write_report
            from screener.report.texts import load_texts

            write_report(report, results, load_texts(paths, engine.config), engine.rules)
        if out is not None:
            with atomic_writer(out) as handle:
                for r in results:
                    handle.write(result_line(r) + "\n")
        if redacted_dir is not None:
            redacted_dir.mkdir(parents=True, exist_ok=True)
            for r in results:
                if r.redacted_text is not None:
                    with atomic_writer(redacted_dir / f"{file_name(r.submission_id)}.redacted.txt") as handle:
                        handle.write(r.redacted_text)
        if fmt is Format.jsonl:
            for r in results:
                write_stdout(result_line(r) + "\n")
        elif fmt is Format.json:
            write_stdout(json.dumps([json.loads(result_line(r)) for r in results], ensure_ascii=False, indent=2)
                         + "\n")
        else:
            console = Console(highlight=False)
            console.print(results_table(results))
            if details:
                for r in results:
                    if r.decisions:
                        console.print(f"[bold]{shown(r.submission_id)}[/]")
                        print_findings(console, r)
        if not quiet:
            err_console.print(summary_table(results, seconds, engine.policy.name))
        failing = sum(engine.fails(r) for r in results)
        raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@app.command()
def redact(
    file: Annotated[Path, typer.Argument(help="One text file (.txt .md .html .docx .pdf).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the redacted text here instead of "
                                                                  "stdout.")] = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
    employer: EmployerOpt = None,
    all_employers: AllEmployersOpt = False,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Print the redacted text of one file (placeholders such as <PERSON_1>, consistent within the file).

    Example: screener redact examples/banker_process.txt > clean.txt
    """
    _setup_logging()
    with handled():
        from screener.inputs import iter_paths
        from screener.report.jsonl import atomic_writer, write_stdout
        from screener.report.terminal import shown

        engine = _screener(config, policy, employer, all_employers, corpus, model, rules)
        subs = list(iter_paths([file], engine.config))
        if len(subs) != 1 or file.is_dir():
            err_console.print("error [E200] redact takes exactly one text file")
            raise typer.Exit(2)
        result = engine.screen(subs[0])
        if result.redacted_text is None:
            err_console.print(f"unscanned: {shown('; '.join(result.reasons))}")
            raise typer.Exit(EXIT_FINDINGS)
        if out is not None:
            with atomic_writer(out) as handle:
                handle.write(result.redacted_text)
        else:
            write_stdout(result.redacted_text)
        err_console.print(f"{result.verdict.value}: {len(result.findings)} findings")
        raise typer.Exit(EXIT_FINDINGS if engine.fails(result) else EXIT_CLEAN)


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories, as for scan.")],
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the part files and the ledger go; run again "
                                                          "with the same input to resume.")],
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (each loads the model once).")] = 1,
    part_size: Annotated[int, typer.Option(min=1, help="Submissions per part file.")] = 500,
    merge: Annotated[Path | None, typer.Option(help="Also join all parts into this JSON Lines file.")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Screen the parts on Dask: a scheduler address "
                                                            "(tcp://host:8786) or 'local' for a local cluster "
                                                            "of --workers processes. Needs the dask extra.")] = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
    employer: EmployerOpt = None,
    all_employers: AllEmployersOpt = False,
    corpus: CorpusOpt = None,
    model: ModelOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Screen a large batch resumably: parts are written atomically and recorded in a ledger, so a killed run
    started again with the same input and settings screens every submission exactly once.

    Example: screener batch submissions/ --out-dir run-2026-11/ --workers 2 --merge run-2026-11/results.jsonl

    On a Dask cluster: screener batch submissions/ --out-dir run-2026-11/ --dask tcp://scheduler:8786
    """
    _setup_logging()
    with handled():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from screener.batch import BatchRun
        from screener.inputs import iter_paths
        from screener.model import Verdict
        from screener.policy import Policy

        cfg = _config(config, policy, employer, all_employers, corpus, model, rules)
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(_dask_client(dask, workers)) if dask else None
            run = BatchRun(cfg, out_dir, part_size=part_size, workers=workers, client=client)
            with Progress(SpinnerColumn(), TextColumn("screened {task.completed} submissions"), TimeElapsedColumn(),
                          console=err_console, transient=True) as progress:
                task = progress.add_task("batch", total=None)
                summary = run.run(iter_paths(paths, cfg), progress=lambda n: progress.advance(task, n))
        if merge is not None:
            run.merge(summary.parts, merge)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.verdicts.items()))
        err_console.print(f"{summary.submissions} submissions in {summary.parts} parts "
                          f"({summary.skipped_parts} already done) in {summary.seconds:.1f}s: {counts}")
        pol = Policy.load(cfg.policy_file())
        failing = any(pol.fails(Verdict(v)) for v, n in summary.verdicts.items() if n)
        raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _dask_client(address: str, workers: int) -> Any:
    """A Dask client: a local cluster of ``workers`` single-threaded processes, or a running scheduler."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError('--dask needs the dask extra: pip install -e ".[dask]"', code="E130") from exc
    if not os.environ.get("SCREENER_DEBUG"):  # Dask logs every connection at INFO; keep stderr for the summary
        for name in list(logging.root.manager.loggerDict):
            if name.split(".")[0] in ("distributed", "dask"):
                logging.getLogger(name).setLevel(logging.WARNING)
    if address == "local":
        return Client(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                      dashboard_address=":0")
    try:
        return Client(address, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {type(exc).__name__}",
                          code="E131") from exc


def main() -> None:
    app()


if __name__ == "__main__":
    main()
