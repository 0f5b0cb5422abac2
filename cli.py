"""The ``screener`` command line: parse, call the library, render, exit.

Exit codes: 0 clean, 1 findings at or above the policy's threshold (or anything UNSCANNED; ``--fail-on``
and ``--exit-zero`` change this), 2 usage or configuration error, 3 internal error, 130 interrupted
(Ctrl-C: nothing half-written is left; a batch resumes where it stopped). Data goes to stdout or files; progress and the
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
from screener.commands import baseline as baseline_cmd
from screener.commands import config as config_cmd
from screener.commands import corpus as corpus_cmd
from screener.commands import employers as employers_cmd
from screener.commands import exposure as exposure_cmd
from screener.commands import policy as policy_cmd
from screener.commands import review as review_cmd
from screener.commands import rules as rules_cmd
from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS, err_console, handled
from screener.commands.compare import compare_cmd
from screener.commands.help import PlainHelpGroup
from screener.commands.options import (
    BaselineOpt,
    ExitZeroOpt,
    ExtendSelectOpt,
    FailOnOpt,
    IgnoreOpt,
    ProfilesOpt,
    SelectOpt,
    exit_code,
    fails,
    profile_overrides,
    selection_overrides,
)
from screener.commands.report import report as report_cmd
from screener.commands.schema import schema as schema_cmd
from screener.commands.version import root_callback
from screener.errors import ConfigError
from screener.serve.command import serve as serve_cmd

if TYPE_CHECKING:
    from collections.abc import Sequence

    from screener.config import ScreenerConfig
    from screener.decide.review import Overrides
    from screener.engine import Screener
    from screener.model import ScreenedWith, ScreenResult

app = typer.Typer(
    name="screener",
    help="Screen expert submissions for personal data, former-employer identifiers, confidentiality "
    "markings, credentials and copied confidential passages; flag, redact or block them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainHelpGroup,
)


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"
    csv = "csv"
    github = "github"


ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="Config file, YAML or TOML (default: "
                                                                      "screener.toml or \\[tool.screener] in "
                                                                      "pyproject.toml, found from the working "
                                                                      "directory up).")]
PolicyOpt = Annotated[str | None, typer.Option(help="Policy name under rules/policies, or a policy file. "
                                                    "Example: --policy strict")]
EmployerOpt = Annotated[list[str] | None, typer.Option("--employer", "-e",
                                                       help="Screen with only this employer profile (and those a "
                                                            "submission declares); repeatable. Default: every "
                                                            "profile. Example: -e northwind")]
AllEmployersOpt = Annotated[bool, typer.Option("--all-employers", help="Every employer profile (the default).")]
NoEmployersOpt = Annotated[bool, typer.Option("--no-employers", help="No employer profile beyond those a "
                                                                    "submission declares.")]
CorpusOpt = Annotated[list[Path] | None, typer.Option("--corpus", help="Fingerprint index (.db) or pack (.pack) to "
                                                                       "match against instead of every store in "
                                                                       "corpora/; repeatable.")]
NoCorpusOpt = Annotated[bool, typer.Option("--no-corpus", help="Match against no corpus (copied passages are not "
                                                               "looked for).")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Installed spaCy model or model directory.")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Rules directory (default: the bundled rules/).")]


app.callback()(root_callback)
app.add_typer(corpus_cmd.app, name="corpus")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(review_cmd.app, name="review")
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(employers_cmd.app, name="employers")
app.command("report")(report_cmd)
app.add_typer(config_cmd.app, name="config")
app.add_typer(baseline_cmd.app, name="baseline")
app.add_typer(exposure_cmd.app, name="exposure")
app.command("schema")(schema_cmd)
app.command("serve")(serve_cmd)
app.command("compare")(compare_cmd)


def _setup_logging() -> None:
    level = logging.DEBUG if os.environ.get("SCREENER_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _config(config: Path | None, policy: str | None, employers: list[str] | None, all_employers: bool,
            corpora: list[Path] | None, model: str | None, rules: Path | None, no_employers: bool = False,
            no_corpus: bool = False, **extra: Any) -> ScreenerConfig:
    """The settings in force: ``--config`` or the config file found from the working directory (see
    ``screener.config_files``), then the options given. By default every employer profile and every store in
    corpora/ are in force; ``--employer`` and ``--corpus`` narrow them, ``--no-employers`` and ``--no-corpus``
    switch them off."""
    from screener.config_files import resolve

    if no_employers and (employers or all_employers):
        raise ConfigError("--no-employers cannot be combined with --employer or --all-employers", code="E200")
    if no_corpus and corpora:
        raise ConfigError("--no-corpus cannot be combined with --corpus", code="E200")
    return resolve(
        config,
        **extra,
        policy=policy,
        employers=() if no_employers else tuple(employers) if employers else None,
        all_employers=False if no_employers else all_employers or None,
        corpora=() if no_corpus else tuple(corpora) if corpora else None,
        nlp_model=model,
        rules_dir=rules,
    ).config


def _screener(config: Path | None, policy: str | None, employers: list[str] | None, all_employers: bool,
              corpora: list[Path] | None, model: str | None, rules: Path | None,
              allowlist: Overrides | None = None, no_employers: bool = False, no_corpus: bool = False,
              **extra: Any) -> Screener:
    from screener.engine import Screener

    cfg = _config(config, policy, employers, all_employers, corpora, model, rules, no_employers, no_corpus, **extra)
    with err_console.status("loading model and rules", spinner="dots"):
        return Screener.from_config(cfg, allowlist=allowlist)


ExposureLedgerOpt = Annotated[Path | None, typer.Option(
    "--exposure-ledger", help="Count each submission once in this exposure ledger (SQLite) under its expert id, "
    "in submitted_at order, and flag or block cumulative leaks (FRG510, EMP290; policy section exposure).")]


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories: .txt .md .csv .tsv .html .docx .pptx "
                                                    ".xlsx .pdf .eml, or .json/.jsonl records (one submission "
                                                    "each); - reads standard input.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results as JSON Lines to this file "
                                                                  "(atomic). Example: --out results.jsonl")] = None,
    redacted_dir: Annotated[Path | None, typer.Option("--redacted-dir", help="Write each redacted text to "
                                                                            "DIR/<submission>.redacted.txt")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="What goes to stdout: a terminal table, one JSON "
                                                              "array, JSON Lines (screener-result/1), SARIF "
                                                              "2.1.0, CSV (a row per finding) or GitHub "
                                                              "annotations.")] = Format.terminal,
    details: Annotated[bool, typer.Option("--details", help="Terminal format: list each finding (code, "
                                                            "position, score; text stays masked).")] = False,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
    employer: EmployerOpt = None,
    all_employers: AllEmployersOpt = False,
    no_employers: NoEmployersOpt = False,
    corpus: CorpusOpt = None,
    no_corpus: NoCorpusOpt = False,
    model: ModelOpt = None,
    rules: RulesOpt = None,
    profiles: ProfilesOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write the HTML report here (matched text "
                                                                 "masked). Example: --report report.html")] = None,
    audit_log: Annotated[Path | None, typer.Option("--audit-log", help="Append every screening to this "
                                                                       "hash-chained audit log and apply the "
                                                                       "reviews recorded in it.")] = None,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    baseline: BaselineOpt = None,
    exit_zero: ExitZeroOpt = False,
    fail_on: FailOnOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json (the JSON spelling every "
                                                         "command accepts).")] = False,
    show_source: Annotated[bool, typer.Option("--show-source", help="In the --report, show copied passages side "
                                                                    "by side with their source (plaintext "
                                                                    "index), shared words highlighted.")] = False,
    exposure_ledger: ExposureLedgerOpt = None,
) -> None:
    """Screen submissions and give each a verdict: allow, redact, flag, block or unscanned.

    Example: screener scan examples/ --out results.jsonl --redacted-dir redacted/
    """
    _setup_logging()
    with handled():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from screener.commands.stdin import iter_inputs
        from screener.record.report.jsonl import atomic_writer, result_line, write_stdout
        from screener.record.report.terminal import print_findings, results_table, shown, summary_table
        from screener.safe_text import file_name

        log = allowlist = None
        if audit_log is not None:
            from screener.decide.review import overrides_from_log
            from screener.record.audit import AuditLog

            log = AuditLog(audit_log)
            allowlist = overrides_from_log(log)
        if as_json and fmt not in (Format.terminal, Format.json):
            raise ConfigError(f"--json and --format {fmt.value} disagree; give one", code="E101")
        fmt = Format.json if as_json else fmt
        engine = _screener(config, policy, employer, all_employers, corpus, model, rules, allowlist, no_employers,
                           no_corpus, **selection_overrides(select, extend_select, ignore, baseline),
                           **profile_overrides(profiles))
        submissions = list(iter_inputs(paths, engine.config))
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
        if exposure_ledger is not None:  # cumulative exposure per expert, in submission-time order
            from screener.exposure import ExposureLedger, ExposurePolicy
            from screener.exposure import apply as apply_exposure

            with ExposureLedger(exposure_ledger) as exposure:
                results = apply_exposure(exposure, results, engine.policy.exposure or ExposurePolicy())

        if log is not None:
            for r in results:
                log.record(r)
            log.close()
        if report is not None:
            from screener.commands.report import source_lookup_for
            from screener.record.report.html import write_report
            from screener.record.report.texts import load_texts

            lookup = source_lookup_for(engine.config) if show_source else None
            if show_source and lookup is None:
                err_console.print("--show-source: no plaintext index among --corpus; showing source document and "
                                  "section only")
            from screener.ruleset.employers import load_configured

            write_report(report, results, load_texts(paths, engine.config), engine.rules, show_source=show_source,
                         source_lookup=lookup, profiles=load_configured(engine.config))
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
        elif fmt in (Format.sarif, Format.csv, Format.github):
            from screener.record.report.formats import render

            write_stdout(render(fmt.value, results, engine.rules, dict(engine.versions).get("screener", "")))
        else:
            console = Console(highlight=False)
            console.print(results_table(results))
            if details:
                for r in results:
                    if r.decisions or r.parts:
                        console.print(f"[bold]{shown(r.submission_id)}[/]")
                        print_findings(console, r)
        if not quiet:
            from screener.record.report.terminal import policies_applied

            err_console.print(summary_table(results, seconds, policies_applied(results, engine.policy.name)))
            _print_provenance(engine.screened_with, results)
        raise typer.Exit(exit_code(results, engine.fails, exit_zero=exit_zero, fail_on=fail_on))


@app.command()
def redact(
    file: Annotated[Path, typer.Argument(help="One document (.txt .md .csv .html .docx .pptx .xlsx .pdf .eml), "
                                              "or - for standard input.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the redacted text here instead of "
                                                                  "stdout.")] = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
    employer: EmployerOpt = None,
    all_employers: AllEmployersOpt = False,
    no_employers: NoEmployersOpt = False,
    corpus: CorpusOpt = None,
    no_corpus: NoCorpusOpt = False,
    model: ModelOpt = None,
    rules: RulesOpt = None,
    profiles: ProfilesOpt = None,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    baseline: BaselineOpt = None,
    exit_zero: ExitZeroOpt = False,
    fail_on: FailOnOpt = None,
) -> None:
    """Print the redacted text of one file (placeholders such as <PERSON_1>, consistent within the file).

    Example: screener redact examples/banker_process.txt > clean.txt
    """
    _setup_logging()
    with handled():
        from screener.commands.stdin import iter_inputs
        from screener.record.report.jsonl import atomic_writer, write_stdout
        from screener.record.report.terminal import shown

        engine = _screener(config, policy, employer, all_employers, corpus, model, rules, None, no_employers,
                           no_corpus, **selection_overrides(select, extend_select, ignore, baseline),
                           **profile_overrides(profiles))
        subs = list(iter_inputs([file], engine.config))
        if len(subs) != 1 or file.is_dir():
            err_console.print("error [E200] redact takes exactly one text file")
            raise typer.Exit(2)
        result = engine.screen(subs[0])
        if result.redacted_text is None:
            err_console.print(f"unscanned: {shown('; '.join(result.reasons))}")
            raise typer.Exit(EXIT_CLEAN if exit_zero else EXIT_FINDINGS)
        if out is not None:
            with atomic_writer(out) as handle:
                handle.write(result.redacted_text)
        else:
            write_stdout(result.redacted_text)
        from screener.record.report.terminal import plural

        err_console.print(f"{result.verdict.value}: {plural(len(result.findings), 'finding')}")
        raise typer.Exit(exit_code([result], engine.fails, exit_zero=exit_zero, fail_on=fail_on))


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
    no_employers: NoEmployersOpt = False,
    corpus: CorpusOpt = None,
    no_corpus: NoCorpusOpt = False,
    model: ModelOpt = None,
    rules: RulesOpt = None,
    profiles: ProfilesOpt = None,
    select: SelectOpt = None,
    extend_select: ExtendSelectOpt = None,
    ignore: IgnoreOpt = None,
    baseline: BaselineOpt = None,
    exit_zero: ExitZeroOpt = False,
    fail_on: FailOnOpt = None,
    exposure_ledger: ExposureLedgerOpt = None,
) -> None:
    """Screen a large batch resumably: parts are written atomically and recorded in a ledger, so a killed run
    started again with the same input and settings screens every submission exactly once.

    Example: screener batch submissions/ --out-dir run-2026-11/ --workers 2 --merge run-2026-11/results.jsonl

    On a Dask cluster: screener batch submissions/ --out-dir run-2026-11/ --dask tcp://scheduler:8786
    """
    _setup_logging()
    with handled():
        from screener.commands.progress import batch_progress, count_submissions
        from screener.decide.policy import Policy
        from screener.model import Verdict
        from screener.provenance import planned_provenance
        from screener.run.batch import BatchRun
        from screener.run.inputs import iter_paths

        cfg = _config(config, policy, employer, all_employers, corpus, model, rules, no_employers, no_corpus,
                      **selection_overrides(select, extend_select, ignore, baseline),
                      **profile_overrides(profiles))
        plan = planned_provenance(cfg)
        _warn_off(plan)
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(_dask_client(dask, workers)) if dask else None
            run = BatchRun(cfg, out_dir, part_size=part_size, workers=workers, client=client,
                           exposure_ledger=exposure_ledger)
            total = count_submissions(paths, cfg)
            with batch_progress(err_console, total) as (progress, task):
                summary = run.run(iter_paths(paths, cfg), progress=lambda n: progress.advance(task, n))
        if merge is not None:
            run.merge(summary.parts, merge)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.verdicts.items()))
        from screener.record.report.terminal import plural

        err_console.print(f"{plural(summary.submissions, 'submission')} in {plural(summary.parts, 'part')} "
                          f"({summary.skipped_parts} already done) in {summary.seconds:.1f}s: {counts}")
        _print_provenance(plan)
        pol = Policy.load(cfg.policy_file())
        threshold = (lambda v: fails(v, fail_on)) if fail_on is not None else pol.fails
        failing = any(threshold(Verdict(v)) for v, n in summary.verdicts.items() if n)
        raise typer.Exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


def _print_provenance(base: ScreenedWith, results: Sequence[ScreenResult] = ()) -> None:
    """The summary's provenance lines: detector families, profiles and corpora in force, and what is off."""
    declared = sorted({p for r in results if r.screened_with for p in r.screened_with.profiles} - set(base.profiles))
    profiles = ", ".join(base.profiles) or "none"
    if declared:
        profiles += f" (+ declared: {', '.join(declared)})"
    err_console.print(f"screened with: detectors {', '.join(base.detectors) or 'none'}", highlight=False)
    err_console.print(f"  employer profiles: {profiles}", highlight=False)
    err_console.print(f"  corpora: {', '.join(base.corpora) or 'none'}", highlight=False)
    for family, why in base.off:
        err_console.print(f"  [bold red]OFF[/] {family}: {why}", highlight=False)


def _warn_off(provenance: ScreenedWith) -> None:
    """One warning line on stderr per detector family that is off (the library logs the same for scan)."""
    for family, why in provenance.off:
        err_console.print(f"[bold yellow]warning[/]: detector family {family} is off: {why}", highlight=False)


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
