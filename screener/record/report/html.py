"""The HTML violation report: one self-contained file, no external assets, no script, strict CSP.

``render_report(results, texts, ...)`` returns the page; ``write_report(path, ...)`` writes it atomically.
Jinja2 autoescapes every value and a ``finalize`` hook makes control and bidi characters visible in every
printed string. The stylesheet is inlined and allowed by its sha256 in the Content-Security-Policy; the page
carries no script at all (``default-src 'none'``): filters are radio buttons and CSS, links are anchors.
Submission ids and other input never become attribute names, classes or anchors: those are generated.

Texts are optional: results files hold no text, so the report shows positions only unless the original
texts are given; a text whose sha256 differs from the one screened is not shown. Matched words are masked
unless ``show_text``. ``source_lookup`` (for proprietary fragments) returns the aligned source passage of a
finding when the corpus is plaintext; it is consulted only with ``show_source``.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from screener.exposure.picture import trend
from screener.model import CATEGORY_PREFIX, Category, Finding, ScreenResult, Verdict, text_sha256
from screener.record.report.jsonl import atomic_writer
from screener.record.report.sidebyside import side_by_side
from screener.record.report.textview import finalize, render_text, visible
from screener.ruleset.employers import ProfileSet
from screener.ruleset.loader import RuleSet

SourceLookup = Callable[[Finding], str | None]
_TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True, slots=True)
class FindingView:
    anchor: str
    decision: Any  # screener.model.Decision
    rule_anchor: str | None
    rule_name: str | None
    what: str | None
    remedy: str | None
    evidence: tuple[tuple[str, str], ...]
    own: Markup | None  # the submission's words, for side-by-side fragment views
    source: Markup | None  # the aligned source passage (show_source only), shared words highlighted
    trend: Any = None  # screener.exposure.picture.Trend: cumulative exposure over time (FRG510, EMP290)


@dataclass(frozen=True, slots=True)
class SubmissionView:
    anchor: str
    result: ScreenResult
    classes: str
    counts: Mapping[str, int]
    text: Markup | None
    text_note: str
    findings: tuple[FindingView, ...]
    reviews: tuple[Any, ...]
    # The findings grouped by span: findings on the same characters are one card listing each of them.
    cards: tuple[tuple[FindingView, ...], ...] = ()


def _version() -> str:
    try:
        return metadata.version("screener")
    except metadata.PackageNotFoundError:
        return "unknown"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, finalize=finalize,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def _css() -> tuple[str, str]:
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"sha256-{digest}"


def _evidence(f: Finding) -> tuple[tuple[str, str], ...]:
    out = []
    for key, value in f.evidence.to_dict().items():
        if key in ("detector", "method", "entity"):
            continue
        out.append((key.replace("_", " "), ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return tuple(out)


def _text_for(result: ScreenResult, texts: Mapping[str, str] | None) -> tuple[str | None, str]:
    if result.verdict is Verdict.UNSCANNED and (texts is None or result.submission_id not in texts):
        why = "; ".join(result.reasons) or "no reason recorded"
        return None, f"Not screened, so no text is shown: {why}."
    if texts is None:
        return None, "Text not provided: positions only (give the submissions with --texts to see them)."
    if result.submission_id not in texts:
        return None, "Text not found among the --texts given (moved or renamed?): positions only."
    text = texts[result.submission_id]
    if result.sha256 is not None and text_sha256(text) != result.sha256:
        return None, "The text given differs from the text screened (sha256): not shown, positions only."
    return text, ""


def _views(results: Sequence[ScreenResult], texts: Mapping[str, str] | None, rules: RuleSet | None,
           show_text: bool, source_lookup: SourceLookup | None, show_source: bool,
           reviews: Mapping[str, Sequence[Any]] | None, rule_anchor: Mapping[str, str]) -> list[SubmissionView]:
    views = []
    for n, r in enumerate(results, start=1):
        anchor = f"s{n}"
        text, note = _text_for(r, texts)
        anchors = [f"{anchor}-f{i}" for i in range(1, len(r.decisions) + 1)]
        fviews = []
        for a, d in zip(anchors, r.decisions, strict=True):
            f = d.finding
            rule = rules.get(f.rule_id) if rules is not None else None
            source = own = None
            if f.category is Category.FRAGMENT and show_source and source_lookup is not None:
                found = source_lookup(f)
                if found is not None and text is not None and 0 <= f.span.start <= f.span.end <= len(text):
                    own, source = side_by_side(text[f.span.start:f.span.end], found)
                elif found is not None:
                    source = visible(found)
            fviews.append(FindingView(a, d, rule_anchor.get(f.rule_id), rule.name if rule else None,
                                      rule.docs.what if rule else None, rule.docs.remedy if rule else None,
                                      _evidence(f), own, source, trend(f.rule_id, f.evidence.note)))
        counts = Counter(f.category.value for f in r.findings)
        classes = " ".join([f"v-{r.verdict.value}", *(f"c-{c}" for c in sorted(counts))])
        views.append(SubmissionView(
            anchor, r, classes, {c.value: counts.get(c.value, 0) for c in Category},
            render_text(text, r.decisions, anchors, show_text) if text is not None else None, note,
            tuple(fviews), tuple((reviews or {}).get(r.submission_id, ())), _cards(fviews),
        ))
    return views


def _cards(fviews: Sequence[FindingView]) -> tuple[tuple[FindingView, ...], ...]:
    groups: dict[tuple[int, int], list[FindingView]] = {}
    for fv in fviews:
        span = fv.decision.finding.span
        groups.setdefault((span.start, span.end), []).append(fv)
    return tuple(tuple(g) for g in groups.values())


def _profile_label(name: str, profiles: ProfileSet | None) -> str:
    if profiles is None:
        return "-"
    found = profiles.resolve(name)
    return found.id if found is not None else "no profile: not screened for its identifiers"


def _bars(counts: Mapping[str, int], width: int = 190) -> list[dict[str, Any]]:
    top = max(counts.values(), default=0) or 1
    return [{"label": k, "value": v, "width": max(2, round(width * v / top)) if v else 0, "y": i * 26}
            for i, (k, v) in enumerate(counts.items())]


def _stamp(results: Sequence[ScreenResult]) -> list[tuple[str, str]]:
    seen: dict[str, list[str]] = {}
    for r in results:
        for key, value in r.versions:
            if value not in seen.setdefault(key, []):
                seen[key].append(value)
    return [(k, " | ".join(v)) for k, v in seen.items()]


def _screened_with(results: Sequence[ScreenResult]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Provenance rows (detector families, profiles, corpora in force: every value seen across the results)
    and the families that were off in any result, with why."""
    rows: dict[str, list[str]] = {"detectors in force": [], "employer profiles": [], "corpora": []}
    off: dict[str, str] = {}
    for r in results:
        sw = r.screened_with
        if sw is None:
            continue
        for key, values in (("detectors in force", sw.detectors), ("employer profiles", sw.profiles),
                            ("corpora", sw.corpora)):
            rows[key].extend(v for v in values if v not in rows[key])
        for family, why in sw.off:
            off.setdefault(family, why)
    if not any(r.screened_with for r in results):
        return [], []
    return [(k, ", ".join(v) or "none") for k, v in rows.items()], sorted(off.items())


def render_report(results: Iterable[ScreenResult], texts: Mapping[str, str] | None = None, *,
                  rules: RuleSet | None = None, show_text: bool = False, show_source: bool = False,
                  source_lookup: SourceLookup | None = None, reviews: Mapping[str, Sequence[Any]] | None = None,
                  title: str = "Screening report", generated_at: datetime | None = None,
                  profiles: ProfileSet | None = None) -> str:
    """The report as one HTML string. Deterministic for a given ``generated_at``. With ``profiles`` (the
    employer profiles screened with), the employers table says which declared employer had no profile."""
    results = list(results)
    rule_ids = sorted({f.rule_id for r in results for f in r.findings})
    rule_anchor = {rid: f"rule-{i}" for i, rid in enumerate(rule_ids, start=1)}
    views = _views(results, texts, rules, show_text, source_lookup, show_source, reviews, rule_anchor)
    sources_shown = any(fv.source is not None for v in views for fv in v.findings)
    own_shown = any(fv.own is not None for v in views for fv in v.findings)
    disclosure = ("matched text shown" if show_text else
                  "matched text masked, except copied passages shown beside their sources" if own_shown else
                  "matched text masked")
    if sources_shown:
        disclosure += "; source passages shown"
    verdicts = {v.value: sum(r.verdict is v for r in results) for v in Verdict}
    categories = {c.value: sum(f.category is c for r in results for f in r.findings) for c in Category}
    employers: dict[str, list[int]] = {}
    for r in results:
        for e in dict.fromkeys(r.metadata.employers):
            employers.setdefault(e, [0, 0])[0] += 1
        for f in r.findings:
            if f.evidence.employer:
                employers.setdefault(f.evidence.employer, [0, 0])[1] += 1
    glossary = [(rule_anchor[rid], rid, rules.get(rid) if rules else None) for rid in rule_ids]
    provenance, families_off = _screened_with(results)
    css, css_hash = _css()
    when = (generated_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return _env().get_template("report.html.j2").render(
        title=title, css=Markup(css), css_hash=css_hash, generated_at=when, tool_version=_version(),
        stamp=_stamp(results), screened_with=provenance, families_off=families_off,
        views=views, verdicts=verdicts, categories=categories,
        verdict_bars=_bars(verdicts), category_bars=_bars(categories),
        employers=[(name, counts, _profile_label(name, profiles)) for name, counts in sorted(employers.items())],
        glossary=glossary, show_text=show_text, disclosure=disclosure,
        texts_given=texts is not None, total=len(results),
        prefixes={c.value: CATEGORY_PREFIX[c] for c in Category},
        findings_total=sum(len(r.decisions) for r in results),
    )


def write_report(path: Path, results: Iterable[ScreenResult], texts: Mapping[str, str] | None = None,
                 rules: RuleSet | None = None, **options: Any) -> int:
    """Render and write the report atomically; returns its size in bytes."""
    page = render_report(results, texts, rules=rules, **options)
    with atomic_writer(Path(path)) as handle:
        handle.write(page)
    return len(page.encode("utf-8"))
