"""Hostile files end in an ExtractionError with a reason (the engine's UNSCANNED), never another exception or a
hang: damaged ZIP members of every OOXML format, PDFs that trip pypdf's limits or would run for minutes, nesting
that made extraction quadratic, XML bombs and external entities. Every file is built here."""

from __future__ import annotations

import zipfile

import pytest

from screener.errors import ExtractionError
from screener.text.extract import Limits, extract
from tests.office_support import (
    deflate_garbage,
    docx_members,
    flip_stored_byte,
    para,
    patch_member,
    pdf,
    pptx_members,
    raw_pdf,
    slide,
    stream,
    text_ops,
    xlsx_members,
    zip_of,
)

CONTAINERS = {
    "docx": (lambda: docx_members(para("Quarterly memo for Contoso")), "word/document.xml"),
    "pptx": (lambda: pptx_members([slide("Quarterly deck")]), "ppt/presentation.xml"),
    "xlsx": (lambda: xlsx_members({"Sheet1": '<row r="1"><c r="A1" t="inlineStr"><is><t>Q3</t></is></c></row>'}),
             "xl/workbook.xml"),
}


def _size(members: dict[str, str | bytes], member: str) -> int:
    body = members[member]
    return len(body.encode() if isinstance(body, str) else body)


# (id, how to damage the main member of a package, expected reason)
ZIP_FAULTS = [
    ("bad-crc", lambda m, k: flip_stored_byte(m, k), "corrupt ZIP member"),
    ("crc-field-zeroed", lambda m, k: patch_member(zip_of(m), k, crc=0), "corrupt ZIP member"),
    ("size-declared-smaller", lambda m, k: patch_member(zip_of(m, zipfile.ZIP_STORED), k, size=_size(m, k) - 7),
     "corrupt ZIP member|declared size"),
    ("size-declared-larger", lambda m, k: patch_member(zip_of(m), k, size=_size(m, k) + 900),
     "corrupt ZIP member|declared size"),
    ("encrypted-flag", lambda m, k: patch_member(zip_of(m), k, flags=0x1), "encrypted ZIP member"),
    ("method-unknown-99", lambda m, k: patch_member(zip_of(m), k, method=99), "unsupported ZIP compression method 99"),
    ("method-bzip2-refused", lambda m, k: patch_member(zip_of(m), k, method=12), "unsupported ZIP compression method"),
    ("deflate-garbage", lambda m, k: deflate_garbage(m, k), "corrupt ZIP member"),
    ("truncated-archive", lambda m, k: zip_of(m)[: len(zip_of(m)) // 2], "corrupt ZIP container|not a"),
]


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
@pytest.mark.parametrize(("damage", "reason"), [f[1:] for f in ZIP_FAULTS], ids=[f[0] for f in ZIP_FAULTS])
def test_damaged_zip_member_is_an_extraction_error(kind: str, damage, reason: str) -> None:  # type: ignore[no-untyped-def]
    build, member = CONTAINERS[kind]
    data = damage(build(), member)
    with pytest.raises(ExtractionError, match=reason):
        extract(data)


def test_member_count_is_bounded() -> None:
    members = docx_members(para("memo"))
    members.update({f"word/media/image{i}.bin": b"x" for i in range(20)})
    with pytest.raises(ExtractionError, match="more than 10 ZIP members"):
        extract(zip_of(members), limits=Limits(max_members=10))


def _nested(open_tag: str, close_tag: str, depth: int, inner: str = "") -> str:
    return open_tag * depth + inner + close_tag * depth


# (id, package members, expected reason): nesting and element counts that made extraction quadratic or huge
NESTING = [
    ("docx-paragraphs-20000-deep", lambda: docx_members(_nested("<w:p>", "</w:p>", 20_000, "<w:r><w:t>x</w:t></w:r>")),
     "nested deeper than 256"),
    ("docx-paragraphs-2mb-deep", lambda: docx_members(_nested("<w:p>", "</w:p>", 200_000)), "nested deeper than 256"),
    ("docx-comments-deep", lambda: docx_members(para("memo"), word__comments_dot_xml=(
        f'<w:comments {_ns()}>' + _nested("<w:comment>", "</w:comment>", 5_000) + "</w:comments>")),
     "nested deeper than 256"),
    ("pptx-groups-deep", lambda: pptx_members([slide("a").replace("<p:spTree>", "<p:spTree>" + _nested(
        "<p:grpSp>", "</p:grpSp>", 3_000))]), "nested deeper than 256"),
    ("xlsx-sheet-deep", lambda: xlsx_members({"Secret name": _nested("<row>", "</row>", 3_000)}),
     "XML in xlsx:sheet 1 nested deeper than 256"),
]


def _ns() -> str:
    return 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize(("build", "reason"), [n[1:] for n in NESTING], ids=[n[0] for n in NESTING])
def test_deep_nesting_is_refused(build, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractionError, match=reason):
        extract(zip_of(build(), zipfile.ZIP_STORED))  # stored: the ratio guard must not be what stops it


@pytest.mark.parametrize("kind", ["flat-runs", "flat-cells"])
def test_element_count_is_bounded(kind: str) -> None:
    if kind == "flat-runs":
        members = docx_members("<w:p>" + "<w:r><w:t>x</w:t></w:r>" * 20_000 + "</w:p>")
    else:
        members = xlsx_members({"S": '<row r="1">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 20_000 + "</row>"})
    with pytest.raises(ExtractionError, match="more than 30000 XML elements"):
        extract(zip_of(members, zipfile.ZIP_STORED), limits=Limits(max_xml_elements=30_000))
    # within the default limit it is all read
    assert extract(zip_of(members, zipfile.ZIP_STORED)).text.count("x") >= 20_000


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10))
          + ']><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
XXE = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
       '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
EXTERNAL_DTD = ('<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://dtd.example.com/d.dtd">'
                '<w:document xmlns:w="x"><w:body/></w:document>')
PARAMETER_ENTITY = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://dtd.example.com/p">%p;]>'
                    '<w:document xmlns:w="x"><w:body/></w:document>')

XML_ATTACKS = [
    ("billion-laughs-in-body", "word/document.xml", LAUGHS),
    ("xxe-in-body", "word/document.xml", XXE),
    ("external-dtd-in-body", "word/document.xml", EXTERNAL_DTD),
    ("parameter-entity-in-body", "word/document.xml", PARAMETER_ENTITY),
    ("xxe-in-core-properties", "docProps/core.xml", XXE.replace("w:document", "cp")),
    ("billion-laughs-in-rels", "word/_rels/document.xml.rels", LAUGHS),
]


@pytest.mark.parametrize(("member", "xml"), [a[1:] for a in XML_ATTACKS], ids=[a[0] for a in XML_ATTACKS])
def test_xml_bombs_and_external_entities_are_refused(member: str, xml: str) -> None:
    members = docx_members(para("memo"))
    members[member] = xml
    with pytest.raises(ExtractionError, match="refused XML"):
        extract(zip_of(members))


def _page_tree(depth: int) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for _ in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (len(objects) + 2))
    objects.append(b"<< /Type /Page /MediaBox [0 0 300 200] /Contents %d 0 R >>" % (len(objects) + 2))
    objects.append(stream(text_ops("Hello")))
    return raw_pdf(objects)


def _one_page(content: bytes, resources: bytes = b"", more: list[bytes] | None = None, catalog: bytes = b"") -> bytes:
    """Objects 1-4: catalog, pages, page, its content; ``more`` are objects 5, 6..."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << %s >> >>" % resources,
                    content, *(more or [])])


def _forms(draws: int, form_tokens: int) -> bytes:
    """One page drawing one form XObject ``draws`` times; the form holds ``form_tokens`` tokens."""
    return _one_page(stream(b"/X0 Do\n" * draws), b"/XObject << /X0 5 0 R >>",
                     [stream(b"q Q\n" * (form_tokens // 2), b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]")])


def _form_cycle() -> bytes:
    return _one_page(stream(b"/X0 Do"), b"/XObject << /X0 5 0 R >>",
                     [stream(b"/X0 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] "
                                        b"/Resources << /XObject << /X0 5 0 R >> >>")])


def _form_chain(depth: int) -> bytes:
    forms = [stream(b"/X0 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X0 %d 0 R"
                                b" >> >>" % (6 + i)) for i in range(depth)]
    forms.append(stream(b"q Q", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]"))
    return _one_page(stream(b"/X0 Do"), b"/XObject << /X0 5 0 R >>", forms)


PDF_FAULTS = [
    ("flate-bomb-78kb", lambda: _one_page(stream(b" " * 80_000_000)), "LimitReachedError|more than"),
    ("page-tree-200-deep", lambda: _page_tree(200), "LimitReachedError|more than"),
    ("operators-70mb", lambda: _one_page(stream(b"q Q\n" * 17_500_000)), "LimitReachedError|more than"),
    ("20-pages-share-2mb-stream", lambda: pdf([text_ops("Hello world") * 45_000] * 20, shared=True),
     "content streams run more than"),
    ("form-drawn-2000-times", lambda: _forms(2_000, 4_000), "content streams run more than"),
    ("form-draws-itself", _form_cycle, "in a cycle"),
    ("forms-nested-30-deep", lambda: _form_chain(30), "nested deeper than 12"),
    ("not-a-pdf-after-header", lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100, "unreadable PDF"),
]


@pytest.mark.parametrize(("build", "reason"), [f[1:] for f in PDF_FAULTS], ids=[f[0] for f in PDF_FAULTS])
def test_hostile_pdf_is_an_extraction_error(build, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractionError, match=reason):
        extract(build())


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def test_pdf_limits_leave_ordinary_files_alone() -> None:
    """Shared streams and forms within the limits extract; a field tree that loops is read once."""
    assert extract(pdf([text_ops("Hello world")] * 30, shared=True)).text.count("Hello world") == 30
    form = stream(text_ops("Boilerplate"), b"/Type /XObject /Subtype /Form /BBox [0 0 300 200] "
                                          b"/Resources << /Font << /F1 6 0 R >> >>")
    drawn = _one_page(stream(text_ops("Hello") + b"\n/X0 Do" * 10), b"/Font << /F1 6 0 R >> /XObject << /X0 5 0 R >>",
                      [form, FONT])
    assert extract(drawn).text.count("Boilerplate") == 10
    looping = _one_page(stream(text_ops("Hello")), b"/Font << /F1 6 0 R >>",
                        [b"<< /Fields [7 0 R] >>", FONT, b"<< /T (owner) /V (Dana Example) /Kids [7 0 R] >>"],
                        catalog=b"/AcroForm 5 0 R")
    text = extract(looping).text
    assert "Dana Example" in text and "Hello" in text


# Markup that the standard library's HTMLParser rescans to the end at every "<" (quadratic: 100 KB of "<a "
# ran past two minutes); the tokenizer reads each in one pass and keeps the text.
HTML_FAULTS = [
    ("unterminated-start-tags", b"<html><p>lead</p>" + b"<a " * 40_000, "lead"),
    ("bare-less-than-signs", b"<html><p>lead</p>" + b"<" * 200_000, "<<<<"),
    ("unterminated-quotes", b"<html><p>lead</p>" + b'<a title="x' * 20_000, "lead"),
    ("unterminated-comments", b"<html><p>lead</p>" + b"<!--" * 50_000, "<!--"),
    ("unterminated-end-tags", b"<html><p>lead</p>" + b"</" * 100_000, "lead"),
    ("unterminated-script", b"<html><p>lead</p><script>" + b"</scrip" * 30_000, "</scrip"),
    ("hidden-elements-never-closed", b"<html><p>lead</p>" + b"<div hidden>x" * 30_000 + b"</span>" * 30_000, "x"),
]


@pytest.mark.parametrize(("data", "kept"), [f[1:] for f in HTML_FAULTS], ids=[f[0] for f in HTML_FAULTS])
def test_hostile_markup_is_read_in_one_pass(data: bytes, kept: str) -> None:
    result = extract(data)
    assert result.format == "html" and kept in result.text and "lead" in result.text


@pytest.mark.parametrize(
    ("module", "function", "data"),
    [("screener.text.pdf", "pdf_to_text", b"%PDF-1.7\n"),
     ("screener.text.docx", "docx_to_text", None),
     ("screener.text.html", "html_to_text", b"<!doctype html><p>x</p>"),
     ("screener.text.eml", "eml_to_text", b"Received: x\r\nMessage-ID: <a@example.com>\r\n\r\nbody")],
    ids=["pdf", "docx", "html", "eml"],
)
@pytest.mark.parametrize(
    "error",
    [KeyError("Project Kestrel"), RecursionError("deep"), MemoryError(), AssertionError("Dana Example"),
     UnicodeDecodeError("utf-8", b"Dana", 0, 1, "bad"), IndexError("list index")],
    ids=["KeyError", "RecursionError", "MemoryError", "AssertionError", "UnicodeDecodeError", "IndexError"],
)
def test_a_library_failure_is_an_extraction_error_naming_its_class_only(
        monkeypatch: pytest.MonkeyPatch, module: str, function: str, data: bytes | None, error: Exception) -> None:
    import importlib

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(importlib.import_module(module), function, fail)
    with pytest.raises(ExtractionError) as info:
        extract(data if data is not None else zip_of(docx_members()))
    assert f"({type(error).__name__})" in info.value.message
    assert "Kestrel" not in info.value.message and "Dana" not in info.value.message


@pytest.mark.parametrize("second", ["word/document.xml", "WORD/Document.xml"], ids=["same-name", "other-case"])
def test_duplicate_member_names_are_refused(second: str) -> None:
    import io
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        for name, body in docx_members(para("decoy")).items():
            z.writestr(name, body)
        z.writestr(second, docx_members(para("the real text"))["word/document.xml"])
    with pytest.raises(ExtractionError, match="two ZIP members of the same name"):
        extract(buf.getvalue())
