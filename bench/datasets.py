"""Loaders for the personal-data evaluation sets, each with ONE explicit label-mapping table.

Each loader returns ``Doc`` values: the text, gold spans already mapped to our entity types, and the
*ignored* regions (gold spans whose type we do not map: predictions touching them are not scored).
Mapping to ``None`` means "unmapped"; :func:`unmapped_report` lists what was dropped and how often.

The data is read from ``../shared/data`` next to the repository (or ``--data``); it is never copied in.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.scoring import GoldEntity, LabeledSpan, Mention

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Our entity types (the screener's personal-data vocabulary, Presidio's names where they exist).
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", "NRP", "EMAIL_ADDRESS", "PHONE_NUMBER",
    "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "URL", "US_SSN", "US_DRIVER_LICENSE", "ID_NUMBER",
)  # fmt: skip

# --- gold label -> our type, one table per dataset (None: not mapped, region ignored) -----------------
TAB_LABELS: Mapping[str, str | None] = {
    "PERSON": "PERSON",
    "ORG": "ORGANIZATION",
    "LOC": "LOCATION",
    "DATETIME": "DATE_TIME",
    "DEM": "NRP",  # demographic attributes: nationality, ethnicity, religion (also professions)
    "CODE": "ID_NUMBER",  # application, case, registration and ID numbers
    "QUANTITY": None,  # sums of money, counts: nobody detects these as personal data
    "MISC": None,
}
SYNTH_LABELS: Mapping[str, str | None] = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "STREET_ADDRESS": "LOCATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE_TIME": "DATE_TIME",
    "NRP": "NRP",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "DOMAIN_NAME": "URL",
    "US_SSN": "US_SSN",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "ZIP_CODE": None,  # bare postal codes: no recognizer in either system
    "TITLE": None,  # job titles
    "AGE": None,
}
ENRON_LABELS: Mapping[str, str | None] = {
    "P": "PERSON",
    "O": "ORGANIZATION",
    "L": "LOCATION",
    "D": None,  # DIG: digital objects (files, documents, links)
    # refinements applied to a mention's text before the table (see _enron_label):
    "@": "EMAIL_ADDRESS",  # a PER/ORG mention that is an e-mail address
    "url": "URL",  # a DIG mention that is a web address
}

# --- predicted label -> our type (both systems); unknown labels pass through unchanged --------------
PRED_ALIASES: Mapping[str, str] = {
    "EMAIL": "EMAIL_ADDRESS",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "ORG": "ORGANIZATION",
    "PER": "PERSON",
    "NORP": "NRP",
    "DATE": "DATE_TIME",
    "ID": "ID_NUMBER",
    "CASE_NUMBER": "ID_NUMBER",
    "APPLICATION_NUMBER": "ID_NUMBER",
}


def canonical(label: str) -> str:
    return PRED_ALIASES.get(label, label)


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    text: str
    gold: tuple[LabeledSpan, ...]
    ignore: tuple[tuple[int, int], ...] = ()
    entities: tuple[GoldEntity, ...] = ()  # TAB only: entities with masking decisions
    unmapped: Counter[str] = field(default_factory=Counter)


def unmapped_report(docs: list[Doc]) -> str:
    total: Counter[str] = Counter()
    for d in docs:
        total.update(d.unmapped)
    if not total:
        return "unmapped gold labels: none"
    return "unmapped gold labels (ignored regions): " + ", ".join(f"{k}={v}" for k, v in sorted(total.items()))


# ----------------------------------------------------------------------------------------------- TAB
def load_tab(path: Path, limit: int | None = None, split: str | None = None) -> list[Doc]:
    """TAB documents in file order; ``split`` keeps only TAB's ``train`` or ``dev`` documents."""
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(docs) >= limit:
                break
            rec = json.loads(line)
            if split is not None and _tab_split(rec) != split:
                continue
            docs.append(_tab_doc(rec))
    return docs


def _tab_split(rec: dict[str, object]) -> str:
    meta = rec.get("metadata")
    prov = meta.get("provenance") if isinstance(meta, dict) else None
    return str(prov.get("dataset_type", "")) if isinstance(prov, dict) else ""


def _tab_doc(rec: dict[str, object]) -> Doc:
    text = str(rec["text"])
    meta = rec.get("metadata") or {}
    doc_id = str(meta.get("data_id", "")) if isinstance(meta, dict) else ""
    gold: list[LabeledSpan] = []
    ignore: list[tuple[int, int]] = []
    unmapped: Counter[str] = Counter()
    by_entity: dict[str, list[dict[str, object]]] = {}
    raw = rec.get("entities") or []
    assert isinstance(raw, list)
    for m in raw:
        start, end, label = int(m["start_offset"]), int(m["end_offset"]), str(m["entity_type"])
        ours = TAB_LABELS.get(label)
        if ours is None:
            ignore.append((start, end))
            unmapped[f"TAB:{label}"] += 1
        else:
            gold.append(LabeledSpan(start, end, ours))
        by_entity.setdefault(str(m["entity_id"]), []).append(m)
    entities = tuple(_tab_entity(eid, ms) for eid, ms in by_entity.items())
    return Doc(doc_id, text, tuple(sorted(gold)), tuple(ignore), entities, unmapped)


def _tab_entity(entity_id: str, mentions: list[dict[str, object]]) -> GoldEntity:
    kinds = {str(m["identifier_type"]) for m in mentions}
    ident = "DIRECT" if "DIRECT" in kinds else "QUASI" if "QUASI" in kinds else "NO_MASK"
    ms = tuple(
        Mention(int(m["start_offset"]), int(m["end_offset"]), m["identifier_type"] != "NO_MASK")  # type: ignore[call-overload]
        for m in mentions
    )
    return GoldEntity(entity_id, str(mentions[0]["entity_type"]), ident, ms)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- synth
def load_synth(path: Path, limit: int | None = None) -> list[Doc]:
    records = json.loads(path.read_text(encoding="utf-8"))
    docs: list[Doc] = []
    for i, rec in enumerate(records[:limit] if limit is not None else records):
        gold: list[LabeledSpan] = []
        ignore: list[tuple[int, int]] = []
        unmapped: Counter[str] = Counter()
        for s in rec["spans"]:
            start, end, label = int(s["start_position"]), int(s["end_position"]), str(s["entity_type"])
            ours = SYNTH_LABELS.get(label)
            if ours is None:
                ignore.append((start, end))
                unmapped[f"synth:{label}"] += 1
            else:
                gold.append(LabeledSpan(start, end, ours))
        docs.append(Doc(f"synth-{i}", rec["full_text"], tuple(sorted(gold)), tuple(ignore), (), unmapped))
    return docs


# ---------------------------------------------------------------------------------------------- Enron
_TAG_OPEN = re.compile(r"\(([POLD])(\d+)\*?")
_TAG_CLOSE = re.compile(r"([POLD])(\d+)\*?\)")
_EMAIL = re.compile(r"^[\w.'+-]+@[\w-]+(\.[\w-]+)+$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
# Coreference mentions that are pronouns or common nouns ("you", "the file", "Team") are not PII.
_NOT_NAMED = frozenset(
    [
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "this",
        "that",
        "these",
        "those",
        "team",
        "everyone",
        "all",
        "everybody",
        "anyone",
        "someone",
    ]
)


_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", ")", "?", "!", "'s", "n't", "%"})
_NO_SPACE_AFTER = frozenset({"(", "$"})


def _is_named(tokens: list[str]) -> bool:
    words = [t for t in tokens if t.lower() not in _NOT_NAMED and t.lower() not in {"the", "a", "an"}]
    return any(any(ch.isupper() or ch.isdigit() or ch == "@" for ch in t) for t in words)


def _enron_label(kind: str, mention: str) -> str | None:
    if kind in {"P", "O"} and _EMAIL.match(mention):
        return ENRON_LABELS["@"]
    if kind == "D" and _URL.match(mention):
        return ENRON_LABELS["url"]
    return ENRON_LABELS[kind]


def load_enron(folder: Path, limit: int | None = None) -> list[Doc]:
    docs = [d for f in sorted(folder.glob("*.conll")) for d in _enron_file(f)]
    return docs[:limit] if limit is not None else docs


def _enron_file(path: Path) -> Iterator[Doc]:
    """CoNLL columns token, speaker, entity tag, coref. The text is rebuilt from the tokens: one space
    between tokens except before closing punctuation, one newline per blank line (sentence break)."""
    name, parts, pos = path.stem, [], 0
    open_: dict[tuple[str, str], list[int]] = {}
    mentions: list[tuple[str, int, int]] = []
    line_start = True
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#begin"):
            name = raw.split("(", 1)[-1].rstrip(")") or name
            parts, pos, open_, mentions, line_start = [], 0, {}, [], True
            continue
        if raw.startswith("#end"):
            yield _enron_doc(name, "".join(parts), mentions)
            parts = []
            continue
        cols = raw.split("\t")
        if len(cols) < 3 or not cols[0]:
            if not line_start:
                parts.append("\n")
                pos += 1
                line_start = True
            continue
        tok, tag = cols[0], cols[2]
        if not line_start and tok not in _NO_SPACE_BEFORE and not (parts and parts[-1] in _NO_SPACE_AFTER):
            parts.append(" ")
            pos += 1
        start, end = pos, pos + len(tok)
        parts.append(tok)
        pos, line_start = end, False
        for m in _TAG_OPEN.finditer(tag):
            open_.setdefault((m.group(1), m.group(2)), []).append(start)
        for m in _TAG_CLOSE.finditer(tag):
            stack = open_.get((m.group(1), m.group(2)))
            if stack:
                mentions.append((m.group(1), stack.pop(), end))
    if parts:
        yield _enron_doc(name, "".join(parts), mentions)


def _enron_doc(name: str, text: str, mentions: list[tuple[str, int, int]]) -> Doc:
    gold: list[LabeledSpan] = []
    ignore: list[tuple[int, int]] = []
    unmapped: Counter[str] = Counter()
    for kind, start, end in mentions:
        mention = text[start:end]
        ours = _enron_label(kind, mention)
        if ours is None or not _is_named(mention.split()):
            ignore.append((start, end))
            unmapped[f"enron:{kind}" if ours is None else f"enron:{kind}-unnamed"] += 1
        else:
            gold.append(LabeledSpan(start, end, ours))
    return Doc(name, text, tuple(sorted(set(gold))), tuple(ignore), (), unmapped)


LOADERS = {
    "tab": ("pii/tab_dev.jsonl", load_tab),
    "synth": ("pii/presidio_research/synth_dataset_v2.json", load_synth),
    "enron": ("pii/enron_emailcoref/train", load_enron),
}
