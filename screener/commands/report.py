"""``screener report RESULTS -o report.html``: the HTML violation report of a results file.

One command, so the root app mounts the function itself: ``app.command("report")(report)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from screener.commands.common import err_console, handled
from screener.record.report.terminal import plural, shown

if TYPE_CHECKING:
    from screener.record.report.html import SourceLookup

app = typer.Typer(help="Write the HTML violation report of a results file.", no_args_is_help=True)


def source_lookup_for(config: object) -> SourceLookup | None:
    """The aligned-source-passage function of the fingerprint package, when it offers one for plaintext
    corpora (``screener.fingerprint.source_lookup(config) -> Callable[[Finding], str | None] | None``)."""
    import importlib

    try:
        fingerprint = importlib.import_module("screener.fingerprint")
    except ImportError:
        return None
    factory = getattr(fingerprint, "source_lookup", None)
    return cast("SourceLookup | None", factory(config)) if callable(factory) else None


@app.command("report")
def report(
    results: Annotated[Path, typer.Argument(help="Results file written by `screener scan --out`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write (atomic).")] = Path("report.html"),
    texts: Annotated[list[Path] | None, typer.Option("--texts", help="The files or directories given to scan, to "
                                                     "show the texts (masked); repeatable. Example: --texts "
                                                     "examples/")] = None,
    show_text: Annotated[bool, typer.Option("--show-text", help="Show the matched words instead of masking "
                                                                "them. The report then holds confidential "
                                                                "text: handle it as such.")] = False,
    show_source: Annotated[bool, typer.Option("--show-source", help="Show copied passages side by side with "
                                                                    "their source, shared words highlighted; "
                                                                    "needs the plaintext index (--corpus).")]
    = False,
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Fingerprint index (.db) the results were "
                                                                       "screened against, for --show-source; "
                                                                       "repeatable. Example: --corpus demo.db")]
    = None,
    audit_log: Annotated[Path | None, typer.Option("--audit-log", help="Apply the reviews recorded in this "
                                                                       "audit log and show who made them.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules directory for the rule docs (default: "
                                                               "the bundled rules/).")] = None,
    title: Annotated[str, typer.Option(help="Page title.")] = "Screening report",
) -> None:
    """Write one self-contained HTML file: summary, filters, each submission with its findings, rule docs.

    Example: screener report results.jsonl -o report.html --texts examples/

    Side by side with the sources: screener report results.jsonl --texts examples/ --corpus demo.db --show-source
    """
    with handled():
        from screener.config_files import resolve
        from screener.record.report.html import write_report
        from screener.record.report.load import load_results
        from screener.record.report.texts import load_texts
        from screener.ruleset.loader import load_rules

        config = resolve(None, rules_dir=rules, corpora=tuple(corpus) if corpus else None).config
        loaded = load_results(results)
        text_map = load_texts(texts, config) if texts else None
        reviews: dict[str, list[Any]] | None = None
        if audit_log is not None:
            from screener.commands.audit import open_existing
            from screener.decide.review import apply_overrides, overrides_from_log

            with open_existing(audit_log) as log:
                overrides = overrides_from_log(log)
            loaded = [apply_overrides(r, overrides, (text_map or {}).get(r.submission_id)) for r in loaded]
            reviews = {}
            for rv in overrides.reviews:
                reviews.setdefault(rv.submission_id, []).append(rv)
        lookup = source_lookup_for(config) if show_source else None
        if show_source and lookup is None:
            err_console.print("--show-source: no plaintext index given (--corpus NAME.db); showing source document "
                              "and section only")
        from screener.ruleset.employers import load_configured

        profiles = load_configured(config)
        size = write_report(out, loaded, text_map, load_rules(config.rule_files()), show_text=show_text,
                            profiles=profiles,
                            show_source=show_source, source_lookup=lookup, reviews=reviews,
                            title=title)
        err_console.print(f"wrote {shown(out)} ({plural(len(loaded), 'submission')}, {size / 1024:.0f} KiB)")
