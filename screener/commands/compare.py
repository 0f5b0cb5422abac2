"""``screener compare SUBMISSION DOCUMENT...``: the passages a submission shares with given documents.

Parses, reads each file with the extractor's limits, calls ``screener.compare`` and prints the aligned
passages side by side, masked unless ``--show-text`` (then escaped, invisible characters shown as
``U+XXXX``). Exit codes: 1 when a passage is found, 0 when none, 2 on bad input (missing, unreadable or
unextractable file, a document given twice).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from screener.commands.common import EXIT_CLEAN, EXIT_FINDINGS, err_console, handled
from screener.errors import InputError
from screener.fingerprint.compare import FragmentMatch, compare
from screener.record.report.textview import MASK_CH, MASK_MAX, is_hidden
from screener.text.extract import Limits, extract

out_console = Console(highlight=False, soft_wrap=False)


def _read(path: Path, limits: Limits, what: str = "submission") -> str:
    """A file's extracted text; InputError (exit 2) naming the file, what it is ("submission", "document")
    and the reason, never its content."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", code="E200")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.__class__.__name__})", code="E200") from exc
    try:
        return extract(data, path.name, limits, what=what).text
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}", code=exc.code) from exc


def _doc_ids(paths: list[Path]) -> list[str]:
    """Each document's file name, or the path as given where two documents share a name."""
    names = [p.name for p in paths]
    return [p.name if names.count(p.name) == 1 else str(p) for p in paths]


def _shown(text: str, start: int, end: int, show_text: bool) -> str:
    """Rich markup of one side of a passage: masked (its length in characters), or escaped with whitespace
    collapsed and invisible characters shown as ``U+XXXX``."""
    if not show_text:
        return f"{MASK_CH * min(MASK_MAX, end - start)} ({end - start} chars)"
    plain = "".join(f"U+{ord(c):04X}" if is_hidden(c) else c for c in " ".join(text[start:end].split()))
    return escape(plain)


def _table(found: list[FragmentMatch], submission: str, texts: dict[str, str], show_text: bool) -> Table:
    table = Table(show_lines=True, expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("document, section", ratio=1, overflow="fold")
    table.add_column("match", no_wrap=True)
    table.add_column("submission", ratio=2, overflow="fold")
    table.add_column("source", ratio=2, overflow="fold")
    for n, m in enumerate(found, 1):
        s, d = m.submission_span, m.source_span
        table.add_row(
            str(n), escape(m.doc_id) + (f"\n{escape(m.section)}" if m.section else ""),
            f"{m.method}\n{m.rule_id}\n{m.similarity:.2f}\n{m.words} words",
            f"[{s.start}, {s.end})\n" + _shown(submission, s.start, s.end, show_text),
            f"[{d.start}, {d.end})\n" + _shown(texts[m.doc_id], d.start, d.end, show_text),
        )
    return table


def _record(m: FragmentMatch, submission: str, texts: dict[str, str], show_text: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "document": m.doc_id, "section": m.section, "method": m.method, "rule_id": m.rule_id,
        "similarity": m.similarity, "words": m.words, "submission_span": m.submission_span.to_list(),
        "source_span": m.source_span.to_list(),
    }
    if show_text:
        out["submission_text"] = submission[m.submission_span.start : m.submission_span.end]
        out["source_text"] = texts[m.doc_id][m.source_span.start : m.source_span.end]
    return out


def compare_cmd(
    submission: Annotated[Path, typer.Argument(help="The submission (any format screening reads).")],
    documents: Annotated[list[Path], typer.Argument(help="One or more documents to compare it with.")],
    show_text: Annotated[bool, typer.Option("--show-text", help="Show the aligned words instead of masking "
                                                                "them.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per passage (offsets, similarity, "
                                                         "method; text only with --show-text).")] = False,
    suppress: Annotated[list[Path] | None, typer.Option(
        "--suppress", help="A suppression store (boilerplate index or pack) whose passages do not count; "
        "repeatable.")] = None,
) -> None:
    """Align a submission with given documents and print the passages they share, side by side.

    Offsets are characters of the extracted texts. Exit 1 when a passage is found, 0 when none, 2 on bad input.

    Example: screener compare answer.md memo.docx minutes.pdf --show-text
    """
    with handled():
        limits = Limits()
        text = _read(submission, limits)
        paths = list(documents)
        texts = dict(zip(_doc_ids(paths), (_read(p, limits, "document") for p in paths), strict=True))
        if len(texts) < len(paths):
            raise InputError("a document is given twice", code="E220")
        found = compare(text, list(texts.items()), suppress=list(suppress or ()))
        if as_json:
            for m in found:
                out_console.out(json.dumps(_record(m, text, texts, show_text), ensure_ascii=False), highlight=False)
        elif found:
            out_console.print(_table(found, text, texts, show_text))
        docs = len({m.doc_id for m in found})
        err_console.print(f"{len(found)} shared passage{'s' if len(found) != 1 else ''} with {docs} of "
                          f"{len(paths)} document{'s' if len(paths) != 1 else ''}"
                          + ("" if show_text or not found else " (text masked; --show-text shows it)"))
        raise typer.Exit(EXIT_FINDINGS if found else EXIT_CLEAN)
