"""The self-check page: a plain HTML form (works without JavaScript) and its results, rendered with Jinja2.

Every value goes through autoescaping and ``textview.finalize`` (invisible and reordering characters shown as
``U+XXXX`` chips). No inline script or style: the page's only other resource is ``/static/selfcheck.css``,
so the Content-Security-Policy can forbid everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from screener.model import Category
from screener.record.report.textview import MASK_CH, MASK_MAX, finalize
from screener.serve.expert import ExpertView

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                   finalize=finalize, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the draft: plain (``fixes`` empty) or highlighted, naming the fixes (1-based) it belongs to; a
    run holding a secret is shown masked."""

    text: str
    fixes: tuple[int, ...] = ()
    anchor: str | None = None


def segments(text: str, view: ExpertView) -> list[Segment]:
    """The draft cut at fix boundaries; overlapping fixes share one highlight, anchored ``m-N`` by its first."""
    secret = {i + 1 for i, f in enumerate(view.fixes) if f.kind == Category.SECRET.value}
    spans = sorted((f.span.start, f.span.end, i + 1) for i, f in enumerate(view.fixes))
    clusters: list[tuple[int, int, list[int]]] = []
    for start, end, number in spans:
        if clusters and start < clusters[-1][1]:
            last = clusters[-1]
            clusters[-1] = (last[0], max(last[1], end), [*last[2], number])
        else:
            clusters.append((start, end, [number]))
    out: list[Segment] = []
    pos = 0
    for start, end, numbers in clusters:
        if start > pos:
            out.append(Segment(text[pos:start]))
        shown = MASK_CH * min(end - start, MASK_MAX) if secret.intersection(numbers) else text[start:end]
        out.append(Segment(shown, tuple(sorted(numbers)), f"m-{min(numbers)}"))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def anchors(view: ExpertView, segs: list[Segment]) -> dict[int, str]:
    """For each fix number, the anchor of the highlight that holds it."""
    return {n: s.anchor for s in segs if s.anchor for n in s.fixes}


def render(*, page_open: bool, max_body_bytes: int, view: ExpertView | None = None, text: str = "",
           message: str | None = None) -> str:
    """The page: the form (with the draft for another round), and the results of a check when given."""
    segs = segments(text, view) if view is not None and view.scanned else []
    return _env.get_template("selfcheck.html").render(
        page_open=page_open, max_mb=f"{max_body_bytes / 1_000_000:g}", view=view, text=text, message=message,
        segments=segs, anchors=anchors(view, segs) if view is not None else {})
