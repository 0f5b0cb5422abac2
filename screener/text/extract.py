"""Bytes to text by content sniffing, within limits. Every failure is an ExtractionError with a reason that
names the format and the limit, never the content; the engine turns it into an UNSCANNED verdict.

Formats: plain text and Markdown (strict UTF-8, UTF-16/32 with a BOM, or a recorded cp1252 fallback), CSV and
TSV (as text), HTML, DOCX, PPTX, XLSX, PDF and e-mail (``.eml``). A structured format's text is the
concatenation of its named parts (``Extracted.parts``): what a reader sees and what they do not (comments,
properties, tracked deletions, attributes, notes, hidden sheets, attachments...); see each format's module.
Whatever a format's library raises on a hostile file becomes an ExtractionError naming the exception's class.
"""

from __future__ import annotations

import re
import zipfile
from functools import partial
from io import BytesIO

from screener.errors import ExtractionError
from screener.text.parts import Budget, Extracted, Limits, Part, part_at

# File name endings read as documents (anything else in a folder is reported, not read): what ``extract`` handles.
DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".html", ".htm", ".docx", ".pdf",
                               ".pptx", ".xlsx", ".eml", ".csv", ".tsv"})

__all__ = ["Extracted", "Limits", "Part", "decode_text", "extract", "part_at", "sniff"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_MAIL_HEADER = re.compile(rb"(?im)^(received|message-id|mime-version|return-path|dkim-signature|x-mailer):")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]")
_CONTAINERS = (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"))


def decode_text(data: bytes) -> Extracted:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Extracted(data[len(bom):].decode(encoding), "text")
            except UnicodeDecodeError as exc:
                raise ExtractionError(f"invalid {encoding} after its byte-order mark") from exc
    if b"\x00" in data:
        raise ExtractionError("binary content (NUL bytes) in a text submission")
    notes: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ExtractionError("undecodable bytes: neither UTF-8 nor cp1252") from exc
        notes = ("not valid UTF-8: decoded as cp1252",)
    if text and len(_CONTROL.findall(text)) > max(8, len(text) // 100):
        raise ExtractionError("binary content (control characters) in a text submission")
    return Extracted(text, "text", notes)


def _container(data: bytes) -> str:
    """docx, pptx or xlsx by the main member present; "zip" for another or an unreadable container (opening it
    as a Package says why), "ooxml-mixed" when more than one is present (a reader would see another document)."""
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except Exception:
        return "zip"
    kinds = [kind for member, kind in _CONTAINERS if member in names]
    return kinds[0] if len(kinds) == 1 else ("ooxml-mixed" if kinds else "zip")


def sniff(data: bytes, name: str | None = None) -> str:
    """The format of ``data``: pdf, docx, pptx, xlsx, zip (another ZIP) or ooxml-mixed, html, eml, csv, tsv or
    text.
    Content decides; the name only breaks ties (CSV and TSV are told by their name alone)."""
    head = data[:2048]
    lower = (name or "").lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _container(data)
    if _HTML_START.match(head) or lower.endswith((".html", ".htm")):
        return "html"
    if lower.endswith(".eml") or (_HEADER_LINE.match(head) and _MAIL_HEADER.search(head)):
        return "eml"
    if lower.endswith((".csv", ".tsv")):
        return lower[-3:]
    return "text"


def _dispatch(data: bytes, name: str | None, budget: Budget) -> Extracted:
    kind = sniff(data, name)
    try:
        if kind == "pdf":
            from screener.text.pdf import pdf_to_text

            return pdf_to_text(data, budget, partial(_nested, budget=budget))
        if kind in ("docx", "pptx", "xlsx", "zip"):
            return _office(data, kind, budget)
        if kind == "ooxml-mixed":
            raise ExtractionError("ZIP container holds more than one kind of Office document")
        if kind == "html":
            from screener.text.html import html_to_text

            decoded = decode_text(data)
            return html_to_text(decoded.text, budget, decoded.notes)
        if kind == "eml":
            from screener.text.eml import eml_to_text

            return eml_to_text(data, budget, partial(_nested, budget=budget))
        decoded = decode_text(data)
        budget.count_text(len(decoded.text))
        return Extracted(decoded.text, "text" if kind == "text" else kind, decoded.notes)
    except ExtractionError:
        raise
    except Exception as exc:  # a library's own failure on hostile input: fail closed, name the class only
        raise ExtractionError(f"unreadable {kind.upper()} ({exc.__class__.__name__})") from exc


def _office(data: bytes, kind: str, budget: Budget) -> Extracted:
    from screener.text.ooxml import Package

    pkg = Package(data, kind.upper(), budget)
    nested = partial(_nested, budget=budget)
    if kind == "zip":
        raise ExtractionError("ZIP container is not a DOCX, PPTX or XLSX document")
    if kind == "docx":
        from screener.text.docx import docx_to_text

        return docx_to_text(pkg, budget, nested)
    if kind == "pptx":
        from screener.text.pptx import pptx_to_text

        return pptx_to_text(pkg, budget, nested)
    from screener.text.xlsx import xlsx_to_text

    return xlsx_to_text(pkg, budget, nested)


def _nested(data: bytes, name: str | None, budget: Budget) -> Extracted:
    """A file inside the file being extracted (an attachment), one level deeper, within the same budget."""
    if budget.depth >= budget.limits.max_nesting:
        raise ExtractionError(f"files nested deeper than {budget.limits.max_nesting} levels")
    if len(data) > budget.limits.max_bytes:
        raise ExtractionError(f"attachment of {len(data)} bytes exceeds the {budget.limits.max_bytes}-byte limit")
    if not data.strip():  # an empty file hides nothing
        return Extracted("", "empty")
    budget.depth += 1
    try:
        return _dispatch(data, name, budget)
    finally:
        budget.depth -= 1


def extract(data: bytes, name: str | None = None, limits: Limits | None = None, *,
            what: str = "submission") -> Extracted:
    """Extract the text of one document. ``what`` names it in error messages ("submission", "document").
    Raises ExtractionError (never anything else on bad input)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ExtractionError(f"{what} of {len(data)} bytes exceeds the {limits.max_bytes}-byte limit")
    if not data.strip():
        raise ExtractionError(f"empty {what}")
    result = _dispatch(data, name, Budget(limits))
    if not result.text.strip():
        raise ExtractionError(f"no text found in {result.format} {what}")
    return result
