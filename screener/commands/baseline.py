"""``screener baseline``: record known findings in a portable baseline file (keyed hashes, never text).

``create`` screens files and records every finding a run would report; ``export`` turns the findings
reviewers dismissed in an audit log into baseline entries. ``scan --baseline FILE`` then allows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from screener.commands.common import err_console, handled

if TYPE_CHECKING:
    from screener.decide.baseline import Entry

app = typer.Typer(help="Create and export baseline (allow-list) files: keyed hashes of known findings.",
                  no_args_is_help=True)

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Baseline file to write (.json, or .yaml/.yml); its "
                                                          "key goes to NAME.key beside it unless it exists.")]
KeyOpt = Annotated[Path | None, typer.Option("--key-file", help="Key to hash with (default: NAME.key beside "
                                                                "--out, created when missing).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why these findings are accepted (kept in each entry).")]


def _write(out: Path, key_file: Path | None, entries_of: Callable[[bytes], list[Entry]]) -> None:
    from screener.decide.baseline import Baseline, new_baseline

    key = new_baseline(out, key_file)
    entries = tuple(sorted(set(entries_of(key))))
    Baseline(key, entries).dump(out)
    n = len(entries)
    err_console.print(f"baseline {out}: {n} entr{'y' if n == 1 else 'ies'} (key {key_file or out.with_suffix('.key')})",
                      markup=False)


@app.command()
def create(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to screen, as for scan.")],
    out: OutOpt,
    key_file: KeyOpt = None,
    reason: ReasonOpt = "",
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Config file.")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy name or file.")] = None,
    employer: Annotated[list[str] | None, typer.Option("--employer", "-e", help="Employer profile id.")] = None,
    all_employers: Annotated[bool, typer.Option("--all-employers", help="Every employer profile.")] = False,
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Fingerprint index or pack.")] = None,
    anywhere: Annotated[bool, typer.Option("--anywhere", help="Entries apply in any submission (submission "
                                                              "null), not only where they were found.")] = False,
) -> None:
    """Screen PATHS and record every finding that is not allowed, so later runs report only new ones.

    Example: screener baseline create docs/ --out .screener-baseline.json
    """
    with handled():
        from screener.config_files import resolve
        from screener.decide.baseline import entries_from_results
        from screener.engine import Screener
        from screener.record.report.texts import load_texts
        from screener.run.inputs import iter_paths

        cfg = resolve(config, policy=policy, employers=tuple(employer) if employer else None,
                      all_employers=all_employers or None, corpora=tuple(corpus) if corpus else None).config
        cfg = cfg.model_copy(update={"baseline": None})
        with err_console.status("loading model and rules", spinner="dots"):
            engine = Screener.from_config(cfg)
        results = list(engine.screen_many(iter_paths(paths, cfg)))
        texts = load_texts(paths, cfg)
        _write(out, key_file, lambda key: [replace(e, submission=None) if anywhere else e
                                           for e in entries_from_results(results, texts, key, reason=reason)])


@app.command()
def export(
    audit_log: Annotated[Path, typer.Option("--audit-log", help="Audit log holding the reviews.")],
    texts: Annotated[list[Path], typer.Option("--texts", help="The reviewed submissions (files or directories), "
                                                              "to hash the matched words; repeatable.")],
    out: OutOpt,
    key_file: KeyOpt = None,
) -> None:
    """Write the findings reviewers dismissed (audit log) as baseline entries, each with its review's reason.

    Example: screener baseline export --audit-log audit.db --texts submissions/ --out baseline.json
    """
    with handled():
        from screener.decide.baseline import Entry, hashed_text
        from screener.decide.review import ReviewAction, Scope, overrides_from_log
        from screener.model import line_column
        from screener.record.audit import AuditLog
        from screener.record.report.texts import load_texts

        log = AuditLog(audit_log)
        try:
            reviews = overrides_from_log(log).reviews
        finally:
            log.close()
        text_of = load_texts(texts)
        dismissed = [r for r in reviews if r.action is ReviewAction.DISMISS and r.finding is not None]
        missing = sorted({r.submission_id for r in dismissed if r.submission_id not in text_of})
        if missing:
            err_console.print(f"{len(missing)} reviewed submission(s) not among --texts; their reviews are left "
                              "out", markup=False)

        def entries(key: bytes) -> list[Entry]:
            out_entries = []
            for r in dismissed:
                text = text_of.get(r.submission_id)
                if text is None or r.finding is None or r.finding.span.end > len(text):
                    continue
                line, column = line_column(text, r.finding.span.start)
                where = "" if r.scope is Scope.SUBMISSION else f" ({r.scope.value} {r.scope_value})"
                out_entries.append(Entry(r.submission_id, r.finding.rule_id,
                                         hashed_text(key, text, r.finding.span), line, column,
                                         (r.finding.span.start, r.finding.span.end),
                                         f"{r.signature()}{where}"))
            return out_entries

        _write(out, key_file, entries)
