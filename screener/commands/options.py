"""Options shared by ``scan``, ``redact`` and ``batch``: rule selection, the baseline, and the exit policy.

Exit policy: by default a run fails (exit 1) when any result fails its policy (``fail_on`` of the policy in
force; UNSCANNED always fails). ``--fail-on VERDICT`` replaces the policy's threshold (UNSCANNED still
fails); ``--exit-zero`` exits 0 whatever the verdicts (errors still exit 2 or 3; an interrupt exits 130).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS
from screener.model import ScreenResult, Verdict

SelectOpt = Annotated[list[str] | None, typer.Option(
    "--select", help="Only these rule codes or prefixes (comma-separated or repeated), e.g. --select EMP,SEC. "
                     "Replaces 'select' of the config.", show_default=False)]
ExtendSelectOpt = Annotated[list[str] | None, typer.Option(
    "--extend-select", help="Add rule codes or prefixes to those selected, e.g. --extend-select PII110.",
    show_default=False)]
IgnoreOpt = Annotated[list[str] | None, typer.Option(
    "--ignore", help="Drop rule codes or prefixes, e.g. --ignore PII11,SEC402 (a longer selector wins).",
    show_default=False)]
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", help="Allow the findings recorded in this baseline file (screener baseline create); its key "
                       "is NAME.key beside it.", show_default=False)]
ExitZeroOpt = Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when results fail the policy.")]
FailOnOpt = Annotated[Verdict | None, typer.Option(
    "--fail-on", help="Exit 1 when a verdict is this or worse (replaces the policy's fail_on; unscanned always "
                      "fails).", show_default=False)]
ProfilesOpt = Annotated[list[Path] | None, typer.Option(
    "--profiles", help="A directory of employer profiles (*.yaml) to add to the bundled ones; repeatable "
                       "(replaces profiles_dirs of the config file).", show_default=False)]


def profile_overrides(profiles: list[Path] | None) -> dict[str, Any]:
    """``profiles_dirs`` from ``--profiles`` (None: not given, so the config file's value stands)."""
    return {"profiles_dirs": tuple(profiles) if profiles else None}


def selectors(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """``["EMP,SEC", "PII11"]`` -> ``("EMP", "SEC", "PII11")``; None when the option was not given."""
    if values is None:
        return None
    return tuple(v.strip().upper() for value in values for v in value.split(",") if v.strip())


def selection_overrides(select: list[str] | None, extend_select: list[str] | None, ignore: list[str] | None,
                        baseline: Path | None) -> dict[str, Any]:
    """Config overrides from the selection options (None: not given, so the config file's value stands)."""
    return {"select": selectors(select), "extend_select": selectors(extend_select), "ignore": selectors(ignore),
            "baseline": baseline}


def fails(verdict: Verdict, fail_on: Verdict) -> bool:
    return verdict is Verdict.UNSCANNED or verdict.severity >= fail_on.severity


def exit_code(results: Iterable[ScreenResult], policy_fails: Callable[[ScreenResult], bool], *,
              exit_zero: bool = False, fail_on: Verdict | None = None) -> int:
    """0 or 1 for a finished run under the exit policy described in the module docstring."""
    if exit_zero:
        return EXIT_CLEAN
    test = policy_fails if fail_on is None else (lambda r: fails(r.verdict, fail_on))
    return EXIT_FINDINGS if any(test(r) for r in results) else EXIT_CLEAN
