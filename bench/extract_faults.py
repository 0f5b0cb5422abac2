"""Hostile files through extraction: what each ends in, its wall time and peak memory.

The files are those of the extraction test tables (damaged ZIP members of DOCX, PPTX and XLSX, nesting and
element bombs, XML bombs and external entities, PDFs that trip pypdf's limits or share streams, markup that
made the HTML parser quadratic, hostile e-mail and workbooks), built in memory. Each runs in a subprocess of
its own with a time limit; peak memory is the child's maximum resident set (the interpreter and its imports
included: the "plain text" row is that floor). With ``--before REF``, the single-module extractor of a git
revision (``screener/text/extract.py`` at REF, e.g. the commit before the extraction package) runs on the
same files in the same run, as the baseline.

    python bench/extract_faults.py [--before REF] [--timeout 20] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


Builder = Callable[[], bytes]


def _damaged(build: Callable[[], dict[str, str | bytes]], member: str, damage: Any) -> Builder:
    return lambda: bytes(damage(build(), member))


def _stored(build: Callable[[], dict[str, str | bytes]]) -> Builder:
    from tests.office_support import zip_of

    return lambda: zip_of(build(), zipfile.ZIP_STORED)


def _attack(member: str, xml: str) -> Builder:
    from tests.office_support import docx_members, para, zip_of

    def build() -> bytes:
        members = docx_members(para("memo"))
        members[member] = xml
        return zip_of(members)
    return build


def _constant(data: bytes) -> Builder:
    return lambda: data


def cases() -> dict[str, tuple[Builder, Any]]:
    """id -> (build the file, Limits or None)."""
    import tests.unit.test_extract_formats as formats
    import tests.unit.test_extract_hostile as hostile

    out: dict[str, tuple[Builder, Any]] = {"plain text (floor)": (_constant(b"A short memo on fees."), None)}
    for kind, (package, member) in sorted(hostile.CONTAINERS.items()):
        for fault in hostile.ZIP_FAULTS:
            out[f"{kind} {fault[0]}"] = (_damaged(package, member, fault[1]), None)
    for nesting in hostile.NESTING:
        out[nesting[0]] = (_stored(nesting[1]), None)
    for attack in hostile.XML_ATTACKS:
        out[f"docx {attack[0]}"] = (_attack(attack[1], attack[2]), None)
    for pdf in hostile.PDF_FAULTS:
        out[f"pdf {pdf[0]}"] = (pdf[1], None)
    for markup in hostile.HTML_FAULTS:
        out[f"html {markup[0]}"] = (_constant(markup[1]), None)
    for mail in formats.EML_FAULTS:
        out[f"eml {mail[0]}"] = (mail[1], mail[2])
    for book in formats.XLSX_FAULTS:
        out[f"xlsx {book[0]}"] = (book[1], book[2])
    return out


def child(case: str, before: str | None) -> None:
    """Run one case and print {"outcome", "seconds", "peak_mb"} as one JSON line."""
    build, limits = cases()[case]
    data = build()
    name = "mail.eml" if case.startswith("eml ") else None
    if before:
        import importlib.util

        spec = importlib.util.spec_from_file_location("extract_before", before)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["extract_before"] = module
        spec.loader.exec_module(module)
        run = module.extract
        limits = None  # the old extractor has its own Limits type
    else:
        from screener.text.extract import extract as run
    start = time.perf_counter()
    try:
        result = run(data, name, limits) if limits is not None else run(data, name)
        outcome = f"extracted, {len(result.text):,} chars"
    except Exception as exc:
        message = getattr(exc, "message", None)
        outcome = f"{type(exc).__name__}: {message}" if message else f"{type(exc).__name__} escaped"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak}))


def measure(case: str, before: str | None, timeout: float) -> str:
    command = [sys.executable, __file__, "--case", case] + (["--before-file", before] if before else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return f"still running after {timeout:.0f} s (killed)"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return f"process failed (exit {done.returncode})"
    row = json.loads(lines[-1])
    return f"{row['outcome'][:70]} [{row['seconds']:.2f} s, {row['peak_mb']:.0f} MB]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="git revision whose screener/text/extract.py is the baseline")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per file and extractor")
    parser.add_argument("--only", default="", help="run the cases whose id contains this")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--before-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        child(args.case, args.before_file)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        before_file = None
        if args.before:
            before_file = str(Path(folder) / "extract_before.py")
            Path(before_file).write_bytes(subprocess.run(
                ["git", "show", f"{args.before}:screener/text/extract.py"], cwd=ROOT, capture_output=True,
                check=True).stdout)
        table(args, before_file)
    return 0


def table(args: argparse.Namespace, before_file: str | None) -> None:
    ids = [c for c in cases() if args.only in c]
    header = f"| file | {'before (' + args.before + ') | ' if args.before else ''}now |"
    print(header)
    print("|---|" + ("---|" if args.before else "") + "---|")
    for case in ids:
        cells = [measure(case, before_file, args.timeout)] if before_file else []
        cells.append(measure(case, None, args.timeout))
        print(f"| {case} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
