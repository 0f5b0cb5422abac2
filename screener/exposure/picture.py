"""The picture of an exposure finding: the expert's cumulative coverage of a document (or weak-signal score of
an employer) after each submission, with the threshold, as coordinates for an inline SVG (no script, no
external asset). Read from the finding's own evidence note (``steps=...``), so the report needs no ledger."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 360, 120, 40, 8, 22


@dataclass(frozen=True, slots=True)
class Trend:
    points: str  # SVG polyline points
    dots: tuple[tuple[float, float], ...]
    threshold_y: float | None
    label: str  # what the y axis is, and the last value
    top_label: str
    steps: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM


def _field(note: str, key: str) -> str | None:
    for part in note.split(";"):
        k, _, v = part.strip().partition("=")
        if k == key:
            return v
    return None


def trend(rule_id: str, note: str | None) -> Trend | None:
    """Chart data for an FRG510 / EMP290 finding (``steps`` and ``threshold`` of its note); None for other
    findings or a note without readable steps."""
    if rule_id not in ("FRG510", "EMP290") or not note:
        return None
    raw, limit = _field(note, "steps"), _field(note, "threshold")
    try:
        values = [float(v) for v in raw.split(",")] if raw else []
        threshold = float(limit) if limit else None
    except ValueError:
        return None
    if not values:
        return None
    share = rule_id == "FRG510"
    top = max([*values, threshold or 0.0]) * 1.15 or 1.0
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step_x = plot_w / max(1, len(values) - 1) if len(values) > 1 else 0.0

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    dots = tuple((round(LEFT + i * step_x, 1), y(v)) for i, v in enumerate(values))
    pts = []
    for i, (px, py) in enumerate(dots):  # a step line: coverage holds until the next submission adds to it
        if i:
            pts.append(f"{px},{dots[i - 1][1]}")
        pts.append(f"{px},{py}")
    last = f"{values[-1]:.0%}" if share else f"{values[-1]:g}"
    return Trend(" ".join(pts), dots, y(threshold) if threshold else None,
                 f"{'share of the document covered' if share else 'weak-signal score'}: {last} after "
                 f"{len(values)} submissions", f"{top:.0%}" if share else f"{top:.1f}", len(values))
