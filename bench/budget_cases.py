"""The budget cases of bench/fault_table.py (part 2): long contract prose, a DOCX of nested paragraphs and a
PDF whose pages share one content stream, each screened with the default per-submission budget.

``budget_case(name, data)`` screens one case in the calling process and returns its verdict, reason, wall
and CPU seconds and the process's peak memory; ``table`` runs every case in a fresh process and prints them.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CUAD_REL = Path("corpus") / "cuad" / "contracts"


def _prose(size: int, data: Path) -> str:
    out, total = [], 0
    for path in sorted((data / CUAD_REL).glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        out.append(text)
        total += len(text)
        if total >= size:
            break
    return "\n\n".join(out).encode("utf-8")[:size].decode("utf-8", "ignore")  # size in bytes, as max_bytes


def _nested_docx(depth: int) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "<w:p>" * depth + "<w:r><w:t>Nested note.</w:t></w:r>" + "</w:p>" * depth
    doc = f'<?xml version="1.0"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:  # no ratio guard trips
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def _shared_stream_pdf(pages: int, stream_bytes: int) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    stream = DecodedStreamObject()
    op = b"BT /F1 12 Tf 72 700 Td (shared) Tj ET\n"
    stream.set_data(op * (stream_bytes // len(op)))
    ref = writer._add_object(stream.flate_encode())
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = ref
        page[NameObject("/Resources")] = resources
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def budget_case(name: str, data: Path) -> dict[str, Any]:
    """Screen one case in this process; its verdict, reason, seconds and peak memory."""
    from screener.engine import Screener
    from screener.model import Submission

    engine = Screener.from_config()
    if name.startswith("text-"):
        mb = float(name.split("-")[1])
        sub = Submission(id=name, text=_prose(int(mb * 1_000_000), data))
    elif name.startswith("docx-"):
        sub = Submission(id=name, data=_nested_docx(int(name.split("-")[1])), name="n.docx")
    else:
        sub = Submission(id=name, data=_shared_stream_pdf(int(name.split("-")[1]), 2_000_000), name="s.pdf")
    size = len(sub.data) if sub.data is not None else len((sub.text or "").encode())
    wall, cpu = time.perf_counter(), time.process_time()
    result = engine.screen(sub)
    return {"case": name, "bytes": size, "budget_s": round(engine.budget_of(sub).cpu_seconds),
            "verdict": result.verdict.value, "reason": result.reasons[0] if result.reasons else "",
            "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def table(sizes: list[float], data: Path, script: str) -> None:
    """Run each case in a fresh process (``script --case NAME``) and print one row per case."""
    cases = [f"text-{s:g}" for s in sizes] if (data / CUAD_REL).is_dir() else []
    if not cases:
        print(f"long-text cases skipped: {data / CUAD_REL} not found")
    cases += ["docx-20000", "docx-60000", "pdf-20", "pdf-200"]  # nested paragraphs; pages sharing a 2 MB stream
    print(f"\n{'case':<12} {'bytes':>10} {'budget s':>9} {'verdict':<10} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}  "
          "reason")
    for case in cases:
        done = subprocess.run([sys.executable, script, "--case", case, "--data", str(data)], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{case:<12} failed: {done.stderr[-300:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['case']:<12} {r['bytes']:>10} {r['budget_s']:>9} {r['verdict']:<10} {r['wall']:>7.1f} "
              f"{r['cpu']:>7.1f} {r['peak_mb']:>8.0f}  {r['reason'][:60]}")
