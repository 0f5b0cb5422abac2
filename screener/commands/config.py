"""``screener config show``: the settings in force and where each came from."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import handled

app = typer.Typer(help="Show the configuration in force.", no_args_is_help=True)


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@app.command()
def show(
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Config file (default: screener.toml or "
                                                                       "\\[tool.screener] in pyproject.toml, found "
                                                                       "from the working directory up).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: {file, settings: {key: {value, from}}}.")]
    = False,
) -> None:
    """Print every setting in force, its value and where it came from (default, or the config file).

    Example: screener config show
    """
    with handled():
        from screener.config_files import resolve

        resolved = resolve(config)
        values = resolved.config.model_dump()
        if resolved.config.redaction_key is not None:
            values["redaction_key"] = "(set)"  # a key is never printed
        if as_json:
            body = {"file": str(resolved.file) if resolved.file else None,
                    "settings": {k: {"value": _plain(values[k]), "from": resolved.origins[k]} for k in values}}
            sys.stdout.write(json.dumps(body, indent=2) + "\n")
            return
        console = Console(highlight=False, soft_wrap=True)
        console.print(f"config file: {resolved.file or '(none found; defaults)'}", markup=False)
        table = Table(show_header=True)
        for col in ("setting", "value", "from"):
            table.add_column(col, overflow="fold")
        for key, value in values.items():
            shown = json.dumps(_plain(value)) if not isinstance(value, str) else value
            table.add_row(key, shown, resolved.origins[key])
        console.print(table)
