"""Terminal rendering with rich: a per-submission table (data) and a summary table (to stderr).

Every string that comes from outside (ids, file names, reasons, policy and employer names) passes through
``shown`` before it reaches a console: rich markup in it is escaped (an id ``[/]`` or ``[link=...]`` is shown
as written, never interpreted) and control characters, escape sequences included, are shown as ``\\xNN``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from screener.model import Category, ScreenResult, Verdict
from screener.safe_text import utf8_clean

# C0 and C1 controls (ESC, CSI, OSC, BEL, CR, backspace...), bidirectional overrides and isolates, and the
# line and paragraph separators: anything that moves the cursor or reorders what the reader sees.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(value: object, newlines: bool = False) -> str:
    """``value`` as text with control characters made visible and lone surrogates escaped (no markup);
    ``newlines`` keeps line feeds (a multi-line message of our own)."""
    text = utf8_clean(str(value))
    if newlines:
        return "\n".join(_CONTROL.sub(_visible, line) for line in text.split("\n"))
    return _CONTROL.sub(_visible, text)


def shown(value: object, newlines: bool = False) -> str:
    """``plain(value)`` with rich markup escaped: safe inside any string printed with markup on."""
    return escape(plain(value, newlines))

VERDICT_STYLE = {
    Verdict.ALLOW: "green",
    Verdict.REDACT: "cyan",
    Verdict.FLAG: "yellow",
    Verdict.BLOCK: "bold red",
    Verdict.UNSCANNED: "bold magenta",
}
_SHORT = {
    Category.PERSONAL_DATA: "PII",
    Category.EMPLOYER: "EMP",
    Category.MARKING: "MRK",
    Category.SECRET: "SEC",
    Category.FRAGMENT: "FRG",
}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 submission``, ``2 submissions``, ``0 entries`` (``many`` for an irregular plural)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def policies_applied(results: Sequence[ScreenResult], fallback: str) -> str:
    """The policies (with their layers) the results were decided under, as the summary names them:
    ``default`` or ``default (3), default+banking+northwind (1)``; ``fallback`` when none was recorded."""
    counts = Counter(dict(r.versions).get("policy", fallback).split("@", 1)[0] for r in results if r.scanned)
    if len(counts) <= 1:
        return next(iter(counts), fallback)
    return ", ".join(f"{name} ({n})" for name, n in sorted(counts.items()))


def results_table(results: Sequence[ScreenResult]) -> Table:
    table = Table(title="Submissions", show_lines=False)
    table.add_column("submission", overflow="fold")
    table.add_column("verdict")
    for cat in Category:
        table.add_column(_SHORT[cat], justify="right")
    table.add_column("why", overflow="fold")
    for r in results:
        counts = Counter(f.category for f in r.findings)
        why = r.reasons[0] if r.reasons else ""
        why = why if len(why) <= 60 else why[:57].rsplit(",", 1)[0] + ", ..."
        table.add_row(
            shown(r.submission_id),
            f"[{VERDICT_STYLE[r.verdict]}]{r.verdict.value}[/]",
            *(str(counts.get(cat, 0)) for cat in Category),
            shown(why),
        )
    return table


def summary_table(results: Sequence[ScreenResult], seconds: float, policy: str) -> Table:
    verdicts = Counter(r.verdict for r in results)
    categories: Counter[Category] = Counter()
    for r in results:
        categories.update(f.category for f in r.findings)
    words = sum(r.chars for r in results)
    rate = f"{len(results) / seconds:.1f} submissions/s" if seconds > 0 else "-"
    table = Table(title=f"Summary ({plural(len(results), 'submission')}, policy {shown(policy)}, {seconds:.1f}s, "
                        f"{rate})")
    table.add_column("verdict")
    table.add_column("submissions", justify="right")
    for v in Verdict:
        table.add_row(f"[{VERDICT_STYLE[v]}]{v.value}[/]", str(verdicts.get(v, 0)))
    table.add_section()
    for cat in Category:
        table.add_row(f"findings: {cat.value}", str(categories.get(cat, 0)))
    table.add_row("characters screened", str(words))
    return table


def print_findings(console: Console, result: ScreenResult) -> None:
    """Findings of one submission: code, entity, position, score and document part; the matched text stays
    masked. A structured document's parts screened come first."""
    if result.parts:
        console.print("  parts screened: " + plain(", ".join(name for name, _, _ in result.parts)), highlight=False,
                      markup=False)
    for d in result.decisions:
        f = d.finding
        where = f" line {f.position.line} col {f.position.column}" if f.position is not None else ""
        if f.part:
            where += f" in {plain(f.part)}"
        console.print(
            f"  {f.rule_id} {f.entity:<16} [{f.span.start}:{f.span.end}]{where} score {f.score:.2f} -> "
            f"{d.action.value}",
            highlight=False, markup=False,
        )
