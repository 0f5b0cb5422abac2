"""``screener policy show``: the effective policy, layers included."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import handled
from screener.decide.policy import ActionRule, Policy
from screener.model import Category
from screener.record.report.terminal import shown

app = typer.Typer(help="Show policies.", no_args_is_help=True)


def policy_table(policy: Policy) -> Table:
    table = Table(title=f"Policy {shown(policy.name)} ({shown(policy.stamp)}), fails on {policy.fail_on.value} "
                        "or worse; unscanned always fails")
    for col in ("applies to", "action", "min score", "severity", "from"):
        table.add_column(col)

    def row(what: str, rule: ActionRule) -> None:
        table.add_row(shown(what), rule.action.value, f"{rule.min_score:.2f}", shown(rule.severity),
                      shown(rule.layer or policy.name))

    row("default", policy.default)
    for cat in Category:
        if cat in policy.categories:
            row(f"category {cat.value}", policy.categories[cat])
    for prefix in sorted(policy.rules):
        row(f"rules {prefix}*", policy.rules[prefix])
    return table


@app.command("list")
def list_layers(
    policy: Annotated[str, typer.Option(help="Policy name, to locate the policies directory.")] = "default",
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules directory.")] = None,
) -> None:
    """List the global policies and the industry and employer layers that can refine them.

    Example: screener policy list
    """
    with handled():
        from screener.config_files import resolve

        cfg = resolve(None, policy=policy, rules_dir=rules).config
        root = cfg.rules_dir / "policies"
        console = Console(highlight=False)
        for title, folder in (("global", root), ("industry", root / "industries"), ("employer", root / "employers")):
            names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
            console.print(f"{title}: {shown(', '.join(names)) or '(none)'}")


@app.command()
def show(
    name: Annotated[str | None, typer.Argument(help="Policy name under rules/policies, or a file (default: "
                                                    "default).", show_default=False)] = None,
    policy: Annotated[str | None, typer.Option(help="The same as the argument (kept for scripts).",
                                               show_default=False)] = None,
    employer: Annotated[list[str] | None, typer.Option("--employer", "-e", help="Employer id; repeatable.")] = None,
    industry: Annotated[list[str] | None, typer.Option("--industry", help="Industry layer; repeatable.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules directory.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the policy in force: global, then industry, then employer layers.

    Example: screener policy show strict --employer northwind
    """
    with handled():
        from screener.config_files import resolve
        from screener.decide.policy_layers import effective_policy
        from screener.errors import ConfigError

        if name is not None and policy is not None and name != policy:
            raise ConfigError(f"two policies given: {name} and --policy {policy}", code="E100")
        cfg = resolve(None, policy=name or policy, rules_dir=rules).config  # else the config file's, or default
        policy_file = cfg.policy_file()
        effective = effective_policy(Policy.load(policy_file), cfg.rules_dir / "policies", employer or (),
                                     industry or ())
        if as_json:
            body = effective.model_dump(mode="json", by_alias=True)
            body.update(layers=list(effective.layers), digest=effective.digest)
            sys.stdout.write(json.dumps(body, indent=2) + "\n")
            return
        console = Console(highlight=False)
        console.print(policy_table(effective))
        console.print(f"layers: {shown(', '.join(effective.layers)) or '(none)'}")
        if effective.exposure is not None:  # cumulative exposure per expert (screener.exposure)
            x = effective.exposure
            console.print(f"exposure: {x.action.value} when one expert covers > {x.coverage} or > {x.words} words "
                          f"of a protected document (FRG510), or weak signals of an employer reach "
                          f"{x.employer_score} (EMP290)")
        layered = {name.split(":", 1)[1] for name in effective.layers if name.startswith("employer:")}
        for emp in employer or ():
            if emp not in layered:
                console.print(f"employer {shown(emp)}: no policy layer (policies/employers/{shown(emp)}.yaml); "
                              "the global and "
                              "industry entries apply")
