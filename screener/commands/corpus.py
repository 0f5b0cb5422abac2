"""``screener corpus``: build and maintain fingerprint indexes of protected documents, and fingerprint packs.

Commands only parse, call screener.fingerprint.corpus and render; they print file names, document ids,
counts and codes, never document text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from screener.commands.common import err_console, handled
from screener.errors import ConfigError, StoreError
from screener.fingerprint import corpus as lib
from screener.fingerprint.ingest import FileReport
from screener.fingerprint.manifest import Manifest
from screener.fingerprint.store import FingerprintStore
from screener.record.report.terminal import plural, shown
from screener.text.extract import Limits

app = typer.Typer(
    help="Fingerprint indexes of a former employer's confidential documents, and fingerprint-only packs.",
    no_args_is_help=True,
)
out_console = Console(highlight=False)

Docs = Annotated[list[Path], typer.Argument(
    help="Files or directories, searched; read: .txt .md .markdown .text .html .htm .docx .pdf .pptx .xlsx .eml "
         ".csv .tsv (other files in a directory are listed as skipped; a file named on its own is read whatever "
         "its name)."
)]
MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Skip files larger than this many bytes.")]
MaxPages = Annotated[int, typer.Option("--max-pages", help="Skip PDFs with more pages than this.")]
StorePath = Annotated[Path, typer.Argument(help="An index (.db) or a pack (.pack).")]
IndexPath = Annotated[Path, typer.Argument(help="An existing index (.db).")]


def _limits(max_bytes: int, max_pages: int) -> Limits:
    return Limits(max_bytes=max_bytes, max_pages=max_pages)


def _report(reports: list[FileReport], manifest: Manifest) -> int:
    """Print the files' table and the counts; the number of files skipped. Raises StoreError E421 when the
    store holds no document."""
    table = Table(title=f"{shown(manifest.kind)} {shown(manifest.name)}", show_lines=False)
    for col in ("file", "document id", "status", "terms", "fingerprints", "reason"):
        table.add_column(col, overflow="fold")  # a path or an id is shown whole, folded over lines
    for r in reports:
        style = "" if r.status == "added" else "yellow"
        status = shown(r.status)
        table.add_row(shown(r.path), shown(r.ref), f"[{style}]{status}[/]" if style else status, str(r.terms),
                      str(r.fingerprints), shown(r.reason))
    err_console.print(table)
    skipped = sum(r.status != "added" for r in reports)
    if manifest.docs:
        err_console.print(
            f"{plural(manifest.docs, 'document')}, {plural(manifest.postings, 'fingerprint')} in the store; "
            f"{len(reports) - skipped} added, {skipped} skipped"
        )
    if manifest.docs == 0:
        raise StoreError("the store holds no document, so nothing would be matched against it; a new one is not "
                         "kept " + ("(see the reasons above)" if reports else "(no file found)"), code="E421")
    return skipped


def _exit_if_skipped(skipped: int) -> None:
    """A store written without some of the files named exits 1, so that a script notices."""
    if skipped:
        err_console.print(f"[yellow]{plural(skipped, 'file')} not indexed[/]: the store does not cover "
                          f"{'it' if skipped == 1 else 'them'} (exit 1)")
        raise typer.Exit(1)


@app.command()
def build(
    docs: Docs,
    name: Annotated[str, typer.Option("--name", help="Corpus name, shown in findings (e.g. northwind).")],
    out: Annotated[Path, typer.Option("--out", help="New index file, e.g. corpora/northwind.db.")],
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Hash key (hex or raw); else random.")] = None,
    suppression: Annotated[bool, typer.Option("--suppression", help="Boilerplate: its matches do not count.")] = False,
    k: Annotated[int, typer.Option("--k", min=2, max=16, help="Terms per shingle.")] = lib.DEFAULT_K,
    window: Annotated[int, typer.Option("--window", min=1, max=256, help="Winnowing window.")] = lib.DEFAULT_WINDOW,
    max_bytes: MaxBytes = 10_000_000,
    max_pages: MaxPages = 2_000,
) -> None:
    """Index documents (plaintext kept, for exact alignment). Example:
    screener corpus build corpora/demo --name northwind --out corpora/demo.db"""
    with handled():
        key = lib.read_key(key_file) if key_file else None
        manifest, reports = lib.build(docs, name, out, key=key, k=k, window=window,
                                      role="suppress" if suppression else "protect",
                                      limits=_limits(max_bytes, max_pages))
        if manifest.docs == 0:
            out.unlink(missing_ok=True)  # an empty index is not left behind for a scan to pass against
        _exit_if_skipped(_report(reports, manifest))


@app.command()
def add(
    index: IndexPath,
    docs: Docs,
    max_bytes: MaxBytes = 10_000_000,
    max_pages: MaxPages = 2_000,
) -> None:
    """Add documents to an index. Example: screener corpus add corpora/demo.db new-memo.docx"""
    with handled():
        manifest, reports = lib.add(index, docs, _limits(max_bytes, max_pages))
        _exit_if_skipped(_report(reports, manifest))


@app.command()
def remove(
    index: IndexPath,
    refs: Annotated[list[str], typer.Argument(help="Document ids (file names) to remove.")],
) -> None:
    """Remove documents by id. Example: screener corpus remove corpora/demo.db old-memo.md"""
    with handled():
        manifest, removed, missing = lib.remove(index, refs)
        for ref in missing:
            err_console.print(f"[yellow]not in the index[/] {shown(ref)}")
        err_console.print(f"removed {len(removed)}; {plural(manifest.docs, 'document')}, "
                          f"{plural(manifest.postings, 'fingerprint')} left")
        if missing:
            raise typer.Exit(1)


@app.command()
def info(
    store: StorePath,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON on stdout.")] = False,
) -> None:
    """Show a store's manifest and its documents. Example: screener corpus info corpora/demo.db"""
    with handled():
        opened = FingerprintStore.open(store, check_key=False)
        try:
            m = opened.manifest
            docs = sorted(opened.documents().values(), key=lambda d: d.ref)
        finally:
            opened.close()
        if as_json:
            data = {"manifest": dict(m.to_rows()), "documents": [
                {"id": d.ref, "terms": d.terms, "sections": [s[2] for s in d.sections]} for d in docs]}
            out_console.print_json(json.dumps(data))
            return
        table = Table(title=shown(store), show_header=False)
        table.add_column(overflow="fold")
        table.add_column(overflow="fold")  # digests and the content sha256 are shown whole, to be noted
        for key_, value in m.to_rows():
            table.add_row(shown(key_), shown(value))
        out_console.print(table)  # the table is the command's data: stdout, like --json
        for d in docs:
            out_console.print(f"  {shown(d.ref)}: {d.terms} terms, {len(d.sections)} sections")


@app.command()
def verify(
    store: StorePath,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="A pack's key (default: NAME.key beside).")]
    = None,
) -> None:
    """Check everything against what the build recorded: SQLite's integrity check, the manifest's MAC, the
    counts, every postings bucket, the frequent table, every document, the content sha256. Exit 2 when
    damaged. Example: screener corpus verify corpora/demo.db"""
    with handled():
        manifest, problems = lib.verify(store, key_file)
        if problems:
            raise StoreError(f"{store} failed verification: " + "; ".join(problems), code="E417")
        err_console.print(f"{shown(store)}: ok ({plural(manifest.docs, 'document')}, "
                          f"{plural(manifest.postings, 'fingerprint')})")


@app.command()
def fingerprint(
    docs: Docs,
    key_file: Annotated[Path, typer.Option("--key-file", help="The pack key (hex or raw), shared with the screener.")],
    out: Annotated[Path, typer.Option("--out", help="New pack file, NAME.pack.")],
    name: Annotated[str | None, typer.Option("--name", help="Pack name (default: the file stem).")] = None,
    new_key: Annotated[bool, typer.Option("--new-key", help="Write a new random key to --key-file first.")] = False,
    days: Annotated[int, typer.Option("--days", min=1, help="Days until the pack expires.")] = 365,
    k: Annotated[int, typer.Option("--k", min=2, max=16, help="Terms per shingle (3: more private, finds "
                                   "fewer edited passages).")] = lib.PACK_K,
    window: Annotated[int, typer.Option("--window", min=1, max=256, help="Winnowing window (1: every "
                                        "shingle kept).")] = lib.PACK_WINDOW,
    max_bytes: MaxBytes = 10_000_000,
    max_pages: MaxPages = 2_000,
) -> None:
    """Write a fingerprint-only pack (keyed hashes, document ids, section labels; no text). Example:
    screener corpus fingerprint docs/ --key-file northwind.key --new-key --out northwind.pack"""
    with handled():
        if out.suffix != ".pack":
            raise ConfigError("--out must name a .pack file")
        if new_key:
            if key_file.exists():
                raise ConfigError(f"{key_file} exists: refusing to overwrite a key")
            key = lib.write_key(key_file)
        else:
            key = lib.read_key(key_file)
        expires = (datetime.now(UTC) + timedelta(days=days)).date()
        manifest, reports = lib.fingerprint(docs, name or out.stem, out, key, expires=expires, k=k, window=window,
                                            limits=_limits(max_bytes, max_pages))
        if manifest.docs == 0:
            out.unlink(missing_ok=True)
        skipped = _report(reports, manifest)
        err_console.print(f"pack id {manifest.pack_id}, created {manifest.created}, expires {manifest.expires}; "
                          f"the screener reads the key from {lib.pack_key_path(out).name} beside the pack")
        _exit_if_skipped(skipped)
