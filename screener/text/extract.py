"""Bytes to text by content sniffing, within limits. Every failure is an ExtractionError with a reason that
names the format and the limit, never the content; the engine turns it into an UNSCANNED verdict.

Formats: plain text and Markdown (strict UTF-8, UTF-16/32 with a BOM, or a recorded cp1252 fallback), HTML
(visible text), DOCX (body, tables, headers, footers, footnotes, comments) and PDF (text layer).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from screener.errors import ExtractionError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 10_000_000
    max_unzipped: int = 100_000_000  # total uncompressed size of a DOCX
    max_ratio: int = 100  # compression ratio of any DOCX member
    max_pages: int = 2_000  # PDF pages


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    format: str
    notes: tuple[str, ...] = ()  # e.g. a decoding fallback, recorded on the result


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


class _TextOfHtml(HTMLParser):
    _SKIP = frozenset({"script", "style", "template", "noscript"})
    _BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExtractionError("corrupt ZIP container") from exc
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            raise ExtractionError(f"DOCX member compression ratio above {limits.max_ratio} (zip bomb guard)")
    if total > limits.max_unzipped:
        raise ExtractionError(f"DOCX expands to more than {limits.max_unzipped} bytes (zip bomb guard)")
    return archive


def docx_to_text(data: bytes, limits: Limits) -> str:
    """Body paragraphs and tables, headers and footers, footnotes and comments."""
    archive = _check_zip(data, limits)
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        raise ExtractionError("ZIP container is not a DOCX document")
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    parts = ["word/document.xml"]
    parts += sorted(n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
    parts += [n for n in ("word/footnotes.xml", "word/endnotes.xml", "word/comments.xml") if n in names]
    out: list[str] = []
    for name in parts:
        try:
            root = ElementTree.fromstring(archive.read(name))
        except ElementTree.ParseError as exc:
            raise ExtractionError(f"malformed XML in DOCX part {name}") from exc
        for para in root.iter(f"{ns}p"):
            text = "".join(t.text or "" for t in para.iter() if t.tag in (f"{ns}t", f"{ns}tab"))
            if text.strip():
                out.append(text)
    return "\n".join(out)


def pdf_to_text(data: bytes, limits: Limits) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ExtractionError("encrypted PDF")
        if len(reader.pages) > limits.max_pages:
            raise ExtractionError(f"PDF has more than {limits.max_pages} pages")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ExtractionError(f"unreadable PDF ({exc.__class__.__name__})") from exc


def sniff(data: bytes, name: str | None = None) -> str:
    """The format of ``data``: pdf, docx, html or text. Content decides; the name only breaks ties."""
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if _HTML_START.match(head) or (name or "").lower().endswith((".html", ".htm")):
        return "html"
    return "text"


def extract(data: bytes, name: str | None = None, limits: Limits | None = None) -> Extracted:
    """Extract the text of one document. Raises ExtractionError (never anything else on bad input)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ExtractionError(f"submission of {len(data)} bytes exceeds the {limits.max_bytes}-byte limit")
    if not data.strip():
        raise ExtractionError("empty submission")
    kind = sniff(data, name)
    if kind == "pdf":
        result = Extracted(pdf_to_text(data, limits), "pdf")
    elif kind == "docx":
        result = Extracted(docx_to_text(data, limits), "docx")
    elif kind == "html":
        decoded = decode_text(data)
        result = Extracted(html_to_text(decoded.text), "html", decoded.notes)
    else:
        result = decode_text(data)
    if not result.text.strip():
        raise ExtractionError(f"no text found in {result.format} submission")
    return result
