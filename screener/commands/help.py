"""Help text as users of other command-line tools read it: ``Usage: screener scan [OPTIONS] PATHS...``, and
no ``<bool>`` placeholder after a flag (a flag takes no value).

Typer renders a required argument as ``{paths}...`` and a flag with its type; ``PlainHelpGroup`` (the root
group's class) adjusts each command it hands out, through click's public parameter API only (``get_params``,
``metavar`` and ``get_usage_pieces``), so every command and sub-command is covered without decorating each one.
"""

from __future__ import annotations

import re
from typing import Any

import typer.core


def _usage(param: Any) -> list[str]:
    name = str(param.metavar or param.name).upper()
    if param.nargs != 1:
        name += "..."
    return [name if param.required else f"[{name}]"]


def _plain(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "param_type_name", "") == "argument":
            param.get_usage_pieces = lambda ctx, p=param: _usage(p)
            param.metavar = param.metavar or str(param.name).upper()
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.metavar is None and getattr(param, "multiple", False):
            param.metavar = _element_type(param)
    return params


def _element_type(param: Any) -> str | None:
    """``<list[str]>`` -> ``<str>`` for a repeatable option (its help says it is repeatable)."""
    try:
        shown = param.display_type_rich(None)
    except Exception:  # another Typer version: keep its own display
        return None
    match = re.fullmatch(r"<list\[(.+)\]>", str(shown or ""))
    return f"<{match.group(1).lower()}>" if match else None


def plain_help(command: Any) -> Any:
    """Adjust ``command`` (and, for a group, every sub-command) in place; returns it."""
    if command is None or getattr(command, "_plain_help", False):
        return command
    get_params = command.get_params  # includes --help, which click makes on each call
    command.get_params = lambda ctx: _plain(get_params(ctx))
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    command._plain_help = True
    return command


class PlainHelpGroup(typer.core.TyperGroup):
    """The root group: every command it returns has plain help (see the module docstring)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return plain_help(super().get_command(ctx, cmd_name))
