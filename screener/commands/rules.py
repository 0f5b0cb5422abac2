"""``screener rules``: list the rules, show one rule's documentation, lint a rules directory.

Exit codes: 0 clean, 1 lint problems (the rules load but need care), 2 a rule or profile file is invalid
(every error printed as ``file:line``; nothing is applied).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import EXIT_FINDINGS, err_console, handled
from screener.commands.options import ProfilesOpt, profile_overrides
from screener.config_files import resolve
from screener.errors import ConfigError, RuleError
from screener.model import CATEGORY_PREFIX, Category
from screener.record.report.terminal import plain, shown
from screener.ruleset.employers import load_configured
from screener.ruleset.lint import lint
from screener.ruleset.loader import RuleSet, load_rules
from screener.ruleset.schema import (
    AnyRule,
    EmployerRule,
    EntropyRule,
    ExposureRule,
    HiddenTextRule,
    PresidioRule,
    RegexRule,
)

app = typer.Typer(help="Inspect and check rule packs and employer profiles.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)

RulesDir = typer.Option(None, "--rules-dir", help="Rules directory (default: the bundled rules/). "
                        "Example: --rules-dir ./rules", show_default=False)


def _load(rules_dir: Path | None) -> tuple[Path, RuleSet]:
    directory = rules_dir or resolve().config.rules_dir  # the config file found from here, if any
    if not directory.is_dir():
        raise ConfigError(f"rules directory {directory} does not exist")
    return directory, load_rules(sorted(directory.glob("*.yaml")))


def parse_category(text: str) -> Category:
    """A category from its value (``confidentiality-marking``), a word of it (``marking``, ``employer``) or its
    code prefix (``MRK``), any case; ConfigError listing the accepted names otherwise."""
    wanted = text.strip().lower()
    for cat in Category:
        names = {cat.value, *cat.value.split("-"), CATEGORY_PREFIX[cat].lower()}
        if wanted in names:
            return cat
    accepted = "; ".join(f"{c.value} ({', '.join(dict.fromkeys([*c.value.split('-'), CATEGORY_PREFIX[c]]))})"
                         for c in Category)
    raise ConfigError(f"unknown category {text!r}; use one of: {accepted}", code="E112")


def _how(rule: AnyRule) -> str:
    if isinstance(rule, RegexRule):
        return f"regex ({len(rule.patterns)} pattern{'s' if len(rule.patterns) != 1 else ''})"
    if isinstance(rule, EntropyRule):
        return f"entropy {rule.charset} >= {rule.threshold}"
    if isinstance(rule, EmployerRule):
        return "employer: " + ", ".join(rule.fields)
    if isinstance(rule, PresidioRule):
        return f"presidio {rule.recognizer}"
    if isinstance(rule, HiddenTextRule):
        return "hidden: " + ", ".join(rule.carriers)
    if isinstance(rule, ExposureRule):
        return f"exposure across submissions: {rule.measure}"
    return rule.kind


@app.command("list")
def list_rules(
    rules_dir: Path | None = RulesDir,
    category: str | None = typer.Option(None, "--category", "-c", help="Only this category: its name, a word of "
                                        "it or its code, e.g. secret, marking, employer, PII."),
) -> None:
    """List every rule: code, name, category, how it matches, what it finds. Example: screener rules list -c secret"""
    with handled():
        wanted = parse_category(category) if category else None
        _, rules = _load(rules_dir)
        table = Table(title="rules", show_lines=False)
        for col in ("code", "name", "category", "matches", "what"):
            table.add_column(col, overflow="fold")
        for pack in rules.packs:
            if wanted is not None and pack.category is not wanted:
                continue
            for rule in sorted(pack.rules, key=lambda r: r.id):
                code = rule.id if rule.enabled else f"{rule.id} (off)"
                table.add_row(shown(code), shown(rule.name), pack.category.value, shown(_how(rule)),
                              shown(rule.docs.what))
        out.print(table)


@app.command("show")
def show(code: str = typer.Argument(..., help="Rule code, e.g. MRK301."), rules_dir: Path | None = RulesDir) -> None:
    """Show one rule's documentation and patterns. Example: screener rules show SEC410"""
    with handled():
        _, rules = _load(rules_dir)
        rule = rules.get(code.upper())
        if rule is None:
            raise ConfigError(f"no rule with code {code}", code="E111")
        out.print(f"[bold]{shown(rule.id)}[/] {shown(rule.name)}  ({shown(rule.entity)}, {shown(_how(rule))})")
        for name in ("what", "why", "example", "remedy"):
            out.print(f"[bold]{name}:[/] {shown(getattr(rule.docs, name), newlines=True)}", markup=True)
        if isinstance(rule, RegexRule):
            for spec in rule.patterns:
                out.print(plain(f"  pattern {spec.name} (score {spec.score}): {spec.regex}"), markup=False)
        context: tuple[str, ...] = getattr(rule, "context", ())
        if context:
            out.print(plain(f"  context words: {', '.join(context)}"), markup=False)


@app.command("check")
def check(
    directory: Annotated[Path, typer.Argument(help="Rules directory to check, e.g. ./rules")],
    fixtures: Annotated[Path | None, typer.Option("--fixtures", help="Annotated fixtures (default: "
                        "DIR/../tests/rules when it exists). Example: --fixtures tests/rules")] = None,
) -> None:
    """Validate and lint a rules directory: schema, duplicate ids, empty-matching patterns, docs, fixtures.
    Example: screener rules check rules/"""
    with handled():
        if not directory.is_dir():
            raise ConfigError(f"rules directory {directory} does not exist")
        if fixtures is None and (directory.parent / "tests" / "rules").is_dir():
            fixtures = directory.parent / "tests" / "rules"
        report = lint(directory, fixtures)
        if report.errors:
            raise RuleError(report.errors)
        for problem in report.problems:
            err_console.print(plain(problem, newlines=True), markup=False, soft_wrap=True)
        summary = (f"{report.rules} rules, {report.profiles} employer profiles, {report.cases} fixture cases: "
                   f"{len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}")
        err_console.print(summary, markup=False, soft_wrap=True)
        if report.problems:
            raise typer.Exit(EXIT_FINDINGS)


@app.command("employers")
def employers(rules_dir: Path | None = RulesDir, profiles_dirs: ProfilesOpt = None) -> None:
    """List the employer profiles and how many terms each holds. Example: screener rules employers"""
    with handled():
        profiles = load_configured(resolve(None, rules_dir=rules_dir, **profile_overrides(profiles_dirs)).config)
        table = Table(title="employer profiles")
        for col in ("id", "name", "names", "domains+hosts", "codenames+systems", "clients", "formats"):
            table.add_column(col)
        for p in profiles.profiles:
            table.add_row(shown(p.id), shown(p.display_name), str(len(p.legal_names) + len(p.names) + len(p.aliases)),
                          str(len(p.email_domains) + len(p.hosts)), str(len(p.codenames) + len(p.systems)),
                          str(len(p.clients) + len(p.counterparties)),
                          str(len(p.reference_formats) + len(p.employee_id_formats)))
        out.print(table)

