"""Typer sub-apps of the ``screener`` command line (cli.py mounts them). Thin: parse, call the library, render."""
