"""Error breakdown for eval_pii.py: every miss and every false alarm put in one named category.

Categories are decided from the gold standard and the surrounding text only (never per document), so
that the counts point at rules that generalise. Misses are gold spans to protect that no prediction
fully covers (TAB: mentions that need masking; other sets: every mapped gold span). False alarms are
predictions that touch no gold span of the same label (TAB: no mention that needs masking).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from bench.datasets import Doc
from bench.scoring import LabeledSpan, mention_masked, merge

_TITLE = re.compile(r"^(mr|mrs|ms|dr|prof|judge|mme|m)\.?\s", re.IGNORECASE)
_TITLE_BEFORE = re.compile(r"\b(mr|mrs|ms|dr|prof)\.?\s*$", re.IGNORECASE)
_CITATION_CTX = re.compile(
    r"(\bv\.?\s|\bv\s|§|\bArticle\b|\bArt\.|\bno\.|\bnos\.|Series A|ECHR|Reports\b|judgment|decision of|\bcf\.)",
)
_DIGITS = re.compile(r"\d")
_CASE_NO = re.compile(r"\d+/\d+")


def _ctx(text: str, start: int, end: int, width: int = 25) -> str:
    return text[max(0, start - width) : start] + text[end : end + width]


def miss_category(doc: Doc, gold: LabeledSpan, covered: Sequence[tuple[int, int]]) -> str:
    text = doc.text
    span = text[gold.start : gold.end]
    partial = any(s < gold.end and gold.start < e for s, e in covered)
    letters = [c for c in span if c.isalpha()]
    if gold.label == "ID_NUMBER":
        kind = "case/application number" if _CASE_NO.search(span) else "other code/number"
    elif gold.label in {"PERSON", "ORGANIZATION"} and letters and all(c.isupper() for c in letters) and len(span) > 1:
        kind = f"all-caps {gold.label.lower()}"
    elif gold.label == "PERSON" and re.search(r"\b[A-Z]\.", span):
        kind = "person with initials"
    elif gold.label in {"PERSON", "ORGANIZATION", "LOCATION"} and span[:1].islower():
        kind = f"lower-case {gold.label.lower()} description"
    else:
        kind = gold.label.lower()
    return f"miss {'(partly covered) ' if partial else ''}{kind}"


def false_alarm_category(doc: Doc, pred: LabeledSpan, tab_no_mask: Sequence[tuple[int, int]]) -> str:
    text = doc.text
    span = text[pred.start : pred.end]
    letters = [c for c in span if c.isalpha()]
    other = [g for g in doc.gold if g.overlaps(pred)]
    if any(s < pred.end and pred.start < e for s, e in tab_no_mask):
        return f"fa {pred.label} on an entity TAB keeps (NO_MASK)"
    if other:
        return f"fa {pred.label} on gold {other[0].label} (wrong label)"
    if pred.label == "PERSON" and _CITATION_CTX.search(_ctx(text, pred.start, pred.end)):
        return "fa PERSON in a legal citation"
    if pred.label == "ORGANIZATION" and letters and all(c.isupper() for c in letters) and " " not in span.strip():
        return "fa ORGANIZATION acronym"
    if letters and span.strip()[:1].islower():
        return f"fa {pred.label} lower-case word"
    if _DIGITS.search(span) and pred.label not in {"DATE_TIME"}:
        return f"fa {pred.label} number"
    return f"fa {pred.label} other"


def boundary_category(doc: Doc, gold: LabeledSpan, pred: LabeledSpan) -> str | None:
    """For overlapping same-label pairs that differ in boundaries: why."""
    text = doc.text
    if (pred.start, pred.end) == (gold.start, gold.end):
        return None
    if pred.start < gold.start and _TITLE.match(text[pred.start : gold.start + 1]):
        return "boundary: title inside predicted span, outside gold"
    if gold.start < pred.start and _TITLE.match(text[gold.start : pred.start + 1]):
        return "boundary: title in gold, outside predicted span"
    if pred.start < gold.start and text[pred.start : gold.start].strip().lower() in {"the", "a", "an"}:
        return "boundary: article inside predicted span"
    if pred.start <= gold.start and pred.end >= gold.end:
        return "boundary: predicted span too long"
    if pred.start >= gold.start and pred.end <= gold.end:
        return "boundary: predicted span too short"
    return "boundary: shifted"


def error_report(dataset: str, system: str, docs: Sequence[Doc], preds: Sequence[Sequence[LabeledSpan]], k: int) -> str:
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)

    def note(cat: str, doc: Doc, start: int, end: int) -> None:
        counts[cat] += 1
        if len(examples[cat]) < k:
            snippet = doc.text[start:end].replace("\n", " ")[:40]
            left = doc.text[max(0, start - 20) : start].replace("\n", " ")
            examples[cat].append(f"{left}[{snippet}]")

    for doc, pred in zip(docs, preds, strict=True):
        covered = merge((p.start, p.end) for p in pred)
        if doc.entities:  # TAB: what must be masked, and what TAB keeps
            to_mask = [(m.start, m.end) for e in doc.entities for m in e.mentions if m.needs_masking]
            no_mask = [(m.start, m.end) for e in doc.entities for m in e.mentions if not m.needs_masking]
            gold = [g for g in doc.gold if (g.start, g.end) in set(to_mask)]
            alarms_ref = [LabeledSpan(s, e, "MASK") for s, e in to_mask]
        else:
            no_mask, gold, alarms_ref = [], list(doc.gold), list(doc.gold)
        for g in gold:
            if not mention_masked(doc.text, g.start, g.end, covered):
                note(miss_category(doc, g, covered), doc, g.start, g.end)
        for p in pred:
            ref = [g for g in alarms_ref if g.overlaps(p) and (doc.entities or g.label == p.label)]
            if ref:
                for g in (g for g in doc.gold if g.overlaps(p) and g.label == p.label):
                    cat = boundary_category(doc, g, p)
                    if cat:
                        note(cat, doc, p.start, p.end)
                continue
            if any(p.start < e and s < p.end for s, e in doc.ignore) and not doc.entities:
                continue
            note(false_alarm_category(doc, p, no_mask), doc, p.start, p.end)
    lines = [f"[{dataset}] {system}: error breakdown (count, examples)"]
    for cat, n in counts.most_common():
        lines.append(f"  {n:6d}  {cat}")
        lines.extend(f"            {ex}" for ex in examples[cat])
    return "\n".join(lines)
