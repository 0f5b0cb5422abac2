"""``screener employers``: write a profile template, lint profiles, and build a profile from a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, err_console, handled
from screener.errors import ConfigError
from screener.record.report.jsonl import atomic_writer
from screener.record.report.terminal import shown

app = typer.Typer(help="Employer profiles: write a template, check profiles, import a spreadsheet.",
                  no_args_is_help=True)
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write here (atomic) instead of standard output; "
                                                                 "name it <id>.yaml to be loaded.",
                                             show_default=False)]


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.exists():
        raise ConfigError(f"{out} exists: not overwritten", code="E122")
    with atomic_writer(out) as handle:
        handle.write(text)
    err_console.print(f"wrote {shown(str(out))}")


@app.command("new")
def new(profile_id: Annotated[str, typer.Argument(metavar="ID", help="Profile id, e.g. brackenridge.")],
        out: OutOpt = None) -> None:
    """Write a commented profile template with a fictional example for every field.

    Example: screener employers new brackenridge --out my-profiles/brackenridge.yaml
    """
    with handled():
        from screener.ruleset.profile_template import template

        try:
            text = template(profile_id)
        except ValueError as exc:
            raise ConfigError(str(exc), code="E120") from None
        _write(text, out)


@app.command("check")
def check(targets: Annotated[list[Path] | None, typer.Argument(
        metavar="[FILE|DIR]...", help="Profile files or directories (default: the configured profile "
                                      "directories).", show_default=False)] = None) -> None:
    """Lint profiles: ordinary-word terms, lower-case abbreviations, hosts without a domain, terms in two
    fields, invalid regular expressions. Exit 1 on problems, 2 when a file is not a valid profile.

    Example: screener employers check my-profiles/
    """
    with handled():
        from screener.ruleset.profile_lint import lint_file, profile_files

        if not targets:
            from screener.config_files import resolve
            from screener.ruleset.employers import profile_dirs

            targets = [d for d in profile_dirs(resolve().config) if d.is_dir()]
        missing = [t for t in targets if not t.exists()]
        if missing:
            raise ConfigError(f"{', '.join(map(str, missing))} does not exist", code="E121")
        files = profile_files(targets)
        problems: list[str] = []
        invalid: list[str] = []
        for path in files:
            result = lint_file(path)
            problems.extend(result.problems)
            invalid.extend(result.invalid)
        for line in (*invalid, *problems):
            typer.echo(shown(line))
        count = len(invalid) + len(problems)
        err_console.print(f"{len(files)} profile file{'s' if len(files) != 1 else ''} checked, "
                          f"{count} problem{'s' if count != 1 else ''}")
        if invalid:
            raise typer.Exit(EXIT_USAGE)
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)


@app.command("import")
def import_(source: Annotated[Path, typer.Argument(metavar="FILE.csv|FILE.xlsx", help="Spreadsheet: a header row "
                                                   "of field names, values below (several per cell with ';' or "
                                                   "line breaks).")],
            profile_id: Annotated[str, typer.Option("--id", help="Profile id, e.g. brackenridge.")],
            out: OutOpt = None) -> None:
    """Build a profile from a spreadsheet, one column per field; report what was rejected and why.
    Exit 0 when everything was taken, 1 when some values were rejected, 2 when no valid profile resulted.

    Example: screener employers import brackenridge.xlsx --id brackenridge --out my-profiles/brackenridge.yaml
    """
    with handled():
        from screener.ruleset.profile_import import import_rows, read_rows
        from screener.ruleset.profile_template import ID_PATTERN

        if not ID_PATTERN.match(profile_id):
            raise ConfigError(f"profile id {profile_id!r}: use lower-case letters, digits and hyphens", code="E120")
        result = import_rows(read_rows(source), profile_id)
        for line in result.rejected:
            err_console.print(f"rejected {shown(line)}", soft_wrap=True)
        err_console.print(f"{result.accepted} value{'s' if result.accepted != 1 else ''} imported, "
                          f"{len(result.rejected)} rejected")
        if result.profile is None:
            raise typer.Exit(EXIT_USAGE)
        _write(result.yaml_text, out)
        raise typer.Exit(EXIT_FINDINGS if result.rejected else EXIT_CLEAN)
