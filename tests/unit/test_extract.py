"""Extraction by content sniffing and its failure modes (each a clear ExtractionError, never a crash)."""

from __future__ import annotations

import io
import zipfile

import pytest

from screener.errors import ExtractionError
from screener.text.extract import Limits, extract, sniff


def _docx(body: str, footer: str = "", comment: str = "") -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {ns}><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p>"
                                        "</w:body></w:document>")
        if footer:
            z.writestr("word/footer1.xml", f"<w:ftr {ns}><w:p><w:r><w:t>{footer}</w:t></w:r></w:p></w:ftr>")
        if comment:
            z.writestr("word/comments.xml", f"<w:comments {ns}><w:comment><w:p><w:r><w:t>{comment}</w:t></w:r>"
                                            "</w:p></w:comment></w:comments>")
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


OK_CASES = [
    ("utf8", "Café memo".encode(), None, "text", "Café memo", ()),
    ("utf8-bom", b"\xef\xbb\xbfhello", None, "text", "hello", ()),
    ("utf16-bom", "hi there".encode("utf-16"), None, "text", "hi there", ()),
    ("cp1252-fallback", "na\u00efve \u2019quote\u2019".encode("cp1252"), None, "text", "na\u00efve \u2019quote\u2019",
     ("not valid UTF-8: decoded as cp1252",)),
    ("html", b"<!doctype html><html><body><p>Hi <b>there</b></p><script>x=1</script></body></html>", None, "html",
     None, ()),
    ("html-by-name", b"<p>Para</p>", "a.html", "html", None, ()),
]


@pytest.mark.parametrize(("data", "name", "fmt", "text", "notes"), [c[1:] for c in OK_CASES],
                         ids=[c[0] for c in OK_CASES])
def test_extracts(data: bytes, name: str | None, fmt: str, text: str | None, notes: tuple[str, ...]) -> None:
    result = extract(data, name)
    assert result.format == fmt
    assert result.notes == notes
    if text is not None:
        assert result.text == text
    if fmt == "html":  # the visible text is a part of its own; script text is screened in its part
        names = [p.name for p in result.parts]
        assert names[0] == "html:text" and ("Hi" in result.text or "Para" in result.text)
        assert ("x=1" in result.text) == ("html:script" in names)


def test_docx_reads_body_footer_and_comments() -> None:
    text = extract(_docx("Body text", footer="Footer CONFIDENTIAL", comment="Reviewer note")).text
    assert "Body text" in text and "Footer CONFIDENTIAL" in text and "Reviewer note" in text


def test_pdf_text_layer() -> None:
    data = _pdf("Quarterly credit memo")
    assert sniff(data) == "pdf"
    assert "Quarterly credit memo" in extract(data).text


BAD_CASES = [
    ("empty", b"", "empty submission"),
    ("whitespace", b"  \n\t ", "empty submission"),
    ("binary-nul", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary content"),
    ("binary-controls", bytes(range(1, 32)) * 20, "binary content"),
    ("bad-utf16", b"\xff\xfe\x00\xd8", "invalid utf-16-le"),
    ("broken-zip", b"PK\x03\x04garbage", "corrupt ZIP"),
    ("zip-not-docx", None, "not a DOCX"),
    ("broken-pdf", b"%PDF-1.4 nonsense", "unreadable PDF"),
    ("too-large", b"a" * 2000, "exceeds the 1000-byte limit"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_a_clear_extraction_error(data: bytes | None, message: str) -> None:
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "x")
        data = buf.getvalue()
    with pytest.raises(ExtractionError) as info:
        extract(data, limits=Limits(max_bytes=1000))
    assert message in str(info.value)


def test_zip_bomb_guard() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<a>" + " " * 5_000_000 + "</a>")
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract(buf.getvalue())
