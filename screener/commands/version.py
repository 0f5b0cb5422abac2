"""The root of the command line: ``screener --version``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from screener.commands.common import EXIT_CLEAN


def print_version(value: bool) -> None:
    if value:
        from importlib import metadata

        try:
            version = metadata.version("screener")
        except metadata.PackageNotFoundError:
            version = "unknown (not installed)"
        sys.stdout.write(f"screener {version}\n")
        raise typer.Exit(EXIT_CLEAN)


def root_callback(
    version: Annotated[bool, typer.Option("--version", "-V", callback=print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Screen expert submissions for personal data, former-employer identifiers, confidentiality markings,
    credentials and copied confidential passages; flag, redact or block them."""
