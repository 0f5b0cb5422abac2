"""PPTX, XLSX, e-mail, CSV and TSV: every place that holds text is read, named by slide, sheet and cell or
attachment; the same bounds as DOCX hold, and hostile files end in an ExtractionError with a reason."""

from __future__ import annotations

import zipfile

import pytest

from screener.errors import ExtractionError
from screener.text.extract import Extracted, Limits, extract, part_at, sniff
from tests.office_support import (
    P,
    docx,
    docx_members,
    eml,
    para,
    pptx_members,
    rels,
    slide,
    xlsx,
    xlsx_members,
    zip_of,
)

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def parts_holding(result: Extracted, needle: str) -> set[str]:
    starts = [i for i in range(len(result.text)) if result.text.startswith(needle, i)]
    return {name for name in part_at(result.parts, result.text, starts) if name}


def _deck() -> bytes:
    members = pptx_members(
        [slide("Opening title", "Agenda"), slide("Second slide body", alt="alt-secret chart"),
         slide("Hidden slide body").replace("<p:sld ", '<p:sld show="0" ')],
        notes={2: "notes-secret"}, comments={3: "comment-secret"})
    members["ppt/slides/slide9.xml"] = slide("unlisted-secret")  # in the package, not in the slide list
    members["ppt/slideMasters/slideMaster1.xml"] = slide("master-footer-secret").replace("p:sld", "p:sldMaster")
    members["ppt/slides/_rels/slide2.xml.rels"] = rels(
        ("rId1", "notesSlide", "../notesSlides/notesSlide2.xml", False),
        ("rId7", "hyperlink", "https://deck-link.intranet.example.com", True))
    members["ppt/commentAuthors.xml"] = f'<p:cmAuthorLst {P}><p:cmAuthor id="0" name="Dana Example"/></p:cmAuthorLst>'
    members["docProps/core.xml"] = '<cp xmlns:dc="urn:dc"><dc:title>core-secret deck</dc:title></cp>'
    return zip_of(members)


PPTX_CASES = [
    ("slide-1", "Opening title", "pptx:slide 1"),
    ("slide-1-second-shape", "Agenda", "pptx:slide 1"),
    ("slide-2", "Second slide body", "pptx:slide 2"),
    ("alt-text", "alt-secret", "pptx:slide 2 alt text"),
    ("notes", "notes-secret", "pptx:slide 2 notes"),
    ("hyperlink", "deck-link.intranet.example.com", "pptx:slide 2 hyperlink targets"),
    ("hidden-slide", "Hidden slide body", "pptx:slide 3"),
    ("comment", "comment-secret", "pptx:slide 3 comments"),
    ("unlisted-slide", "unlisted-secret", "pptx:unlisted slides"),
    ("master", "master-footer-secret", "pptx:masters and layouts"),
    ("comment-author", "Dana Example", "pptx:authors"),
    ("core-property", "core-secret", "pptx:core properties"),
]


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in PPTX_CASES], ids=[c[0] for c in PPTX_CASES])
def test_pptx_text_is_named_by_slide(needle: str, part: str) -> None:
    result = extract(_deck())
    assert result.format == "pptx"
    assert parts_holding(result, needle) == {part}


def test_pptx_modern_comments() -> None:
    members = pptx_members([slide("Body")])
    members["ppt/comments/modernComment_1.xml"] = (
        '<p188:cmLst xmlns:p188="urn:p188" xmlns:a="urn:a"><p188:cm><p188:txBody><a:p><a:r><a:t>modern-secret'
        "</a:t></a:r></a:p></p188:txBody></p188:cm></p188:cmLst>")
    members["ppt/slides/_rels/slide1.xml.rels"] = rels(("rId3", "comments", "../comments/modernComment_1.xml", False))
    assert parts_holding(extract(zip_of(members)), "modern-secret") == {"pptx:slide 1 comments"}


def _book() -> bytes:
    return xlsx(
        {"Summary": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>VLOOKUP("formula-secret",Ledger!A:B,2)</f>'
                    '<v>42</v></c></row><row r="2"><c r="C2"><v>4111111111111111</v></c></row>',
         "Ledger": '<row r="7"><c r="B7" t="inlineStr"><is><t>hidden-cell-secret</t></is></c></row>',
         "Vault": '<row><c t="str"><v>no-ref-secret</v></c></row>'},
        hidden=("Ledger",), shared=("shared-secret",),
        comments={"Summary": '<authors><author>Dana Example</author></authors><commentList><comment ref="A1" '
                             'authorId="0"><text><r><t>comment-secret</t></r></text></comment></commentList>'},
        defined='<definedNames><definedName name="rate_secret">Summary!$B$1</definedName></definedNames>')


XLSX_CASES = [
    ("shared-string", "shared-secret", "xlsx:Summary!A1"),
    ("formula", "formula-secret", "xlsx:Summary!B1"),
    ("number", "4111111111111111", "xlsx:Summary!C2"),
    ("hidden-sheet-cell", "hidden-cell-secret", "xlsx:Ledger!B7"),
    ("cell-without-reference", "no-ref-secret", "xlsx:Vault!R1C1"),
    ("hidden-sheet-name", "Ledger (hidden)", "xlsx:sheet names"),
    ("comment", "comment-secret", "xlsx:Summary comments!A1"),
    ("comment-author", "Dana Example", "xlsx:authors"),
    ("defined-name", "rate_secret", "xlsx:defined names"),
]


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in XLSX_CASES], ids=[c[0] for c in XLSX_CASES])
def test_xlsx_text_is_named_by_sheet_and_cell(needle: str, part: str) -> None:
    result = extract(_book())
    assert result.format == "xlsx"
    assert parts_holding(result, needle) == {part}


def test_xlsx_unlisted_sheet_and_hostile_names() -> None:
    members = xlsx_members({"Sheet&#9;/One": '<row r="1"><c r="ZZ\n9" t="inlineStr"><is><t>odd-ref-secret</t></is>'
                                             "</c></row>"})
    members["xl/worksheets/sheet7.xml"] = ('<worksheet><sheetData><row r="3"><c r="D3" t="inlineStr"><is><t>'
                                           "unlisted-secret</t></is></c></row></sheetData></worksheet>")
    result = extract(zip_of(members))
    assert parts_holding(result, "unlisted-secret") == {"xlsx:unlisted sheet 1!D3"}
    assert parts_holding(result, "odd-ref-secret") == {"xlsx:Sheet_One!R1C1"}  # no control character, no slash


def _message() -> bytes:
    attached = docx(para("attached body"), word__comments_dot_xml=(
        '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment>'
        + para("attachment-comment-secret") + "</w:comment></w:comments>"))
    inner = eml("forwarded-secret body", subject="Inner")
    return eml("text-body-secret line", html='<p>html-secret</p><div hidden>html-hidden-secret</div>',
               attachments=(("memo.docx", attached, WORD), ("fwd.eml", inner, "message/rfc822"),
                            ("notes.txt", b"text-attachment-secret", "text/plain")),
               subject="subject-secret", to="Sam Roe <sam@intranet-host.example.com>")


EML_CASES = [
    ("subject", "subject-secret", "eml:headers"),
    ("recipient-host", "intranet-host.example.com", "eml:headers"),
    ("text-body", "text-body-secret", "eml:body"),
    ("html-body", "html-secret", "eml:html body/html:text"),
    ("html-hidden", "html-hidden-secret", "eml:html body/html:hidden"),
    ("attachment-name", "memo.docx", "eml:attachment names"),
    ("docx-attachment-comment", "attachment-comment-secret", "eml:attachment memo.docx/docx:comments"),
    ("text-attachment", "text-attachment-secret", "eml:attachment notes.txt"),
    ("forwarded-message", "forwarded-secret", "eml:attachment fwd.eml/eml:body"),
]


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in EML_CASES], ids=[c[0] for c in EML_CASES])
def test_eml_headers_bodies_and_attachments(needle: str, part: str) -> None:
    result = extract(_message(), "mail.eml")
    assert result.format == "eml"
    assert parts_holding(result, needle) == {part}


def test_eml_is_sniffed_by_content() -> None:
    data = b"Received: from mx.example.com\r\nFrom: a@example.com\r\nSubject: hi\r\n\r\nbody"
    assert sniff(data) == "eml" and sniff(b"To: the board\nFrom: me\n\nA memo.") == "text"


def _nested_mail(levels: int) -> bytes:
    data = eml("innermost body")
    for i in range(levels):
        data = eml(f"level {i}", attachments=((f"fwd{i}.eml", data, "message/rfc822"),))
    return data


def _deep_mime(depth: int) -> bytes:
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return ("From: a@example.com\r\nMIME-Version: 1.0\r\n" + head + "Content-Type: text/plain\r\n\r\nbody"
            + tail).encode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00"
EML_FAULTS = [
    ("image-attachment", lambda: eml("see logo", attachments=(("logo.png", PNG, "image/png"),)),
     Limits(), "attachment 1: binary content"),
    ("nested-too-deep", lambda: _nested_mail(5), Limits(), "nested deeper than 3"),
    ("too-many-attachments", lambda: eml("x", attachments=tuple((f"n{i}.txt", b"note", "text/plain")
                                                               for i in range(6))),
     Limits(max_attachments=5), "more than 5 attachments"),
    ("mime-tree-300-deep", lambda: _deep_mime(300), Limits(), "nested deeper than 256"),
    ("mime-tree-5000-deep", lambda: _deep_mime(5_000), Limits(), "unreadable EML \\(RecursionError\\)"),
]


@pytest.mark.parametrize(("build", "limits", "reason"), [f[1:] for f in EML_FAULTS], ids=[f[0] for f in EML_FAULTS])
def test_hostile_eml_is_an_extraction_error(build, limits: Limits, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractionError, match=reason):
        extract(build(), "mail.eml", limits)


def test_nested_mail_within_the_limit_is_read() -> None:
    assert parts_holding(extract(_nested_mail(2), "m.eml"), "innermost body") == {
        "eml:attachment fwd1.eml/eml:attachment fwd0.eml/eml:body"}


XLSX_FAULTS = [
    ("missing-shared-string", lambda: xlsx({"S": '<row r="1"><c r="A1" t="s"><v>5</v></c></row>'}, shared=("a",)),
     Limits(), "missing shared string"),
    ("shared-string-amplified", lambda: zip_of(xlsx_members(
        {"S": '<row r="1">' + '<c t="s"><v>0</v></c>' * 5_000 + "</row>"}, shared=("x" * 2_000,)), zipfile.ZIP_STORED),
     Limits(max_text=1_000_000), "characters of text"),
    ("not-a-workbook", lambda: zip_of({"xl/other.xml": "<x/>", "readme.txt": "x"}), Limits(), "not a DOCX, PPTX"),
]


@pytest.mark.parametrize(("build", "limits", "reason"), [f[1:] for f in XLSX_FAULTS], ids=[f[0] for f in XLSX_FAULTS])
def test_hostile_xlsx_is_an_extraction_error(build, limits: Limits, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ExtractionError, match=reason):
        extract(build(), limits=limits)


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [("ledger.csv", b"name,card\nDana Example,4111 1111 1111 1111\n", "csv"),
     ("ledger.tsv", b"name\tcard\nDana Example\t4111 1111 1111 1111\n", "tsv"),
     ("LEDGER.CSV", "name;city\nDana;K\u00f8ge\n".encode("cp1252"), "csv")],
    ids=["csv", "tsv", "csv-cp1252-upper-case-suffix"],
)
def test_csv_and_tsv_are_screened_as_their_text(name: str, data: bytes, fmt: str) -> None:
    result = extract(data, name)
    assert result.format == fmt and "Dana" in result.text and result.parts == ()


@pytest.mark.parametrize(
    ("members", "fmt"),
    [(pptx_members([slide("a")]), "pptx"), (xlsx_members({"S": ""}), "xlsx"), (docx_members(), "docx"),
     ({"word/document.xml": "<w/>", "ppt/presentation.xml": "<p/>"}, "ooxml-mixed"),
     ({"xl/workbook.xml": "<w/>", "word/document.xml": "<p/>", "[Content_Types].xml": "<Types/>"}, "ooxml-mixed")],
    ids=["pptx", "xlsx", "docx", "docx-and-pptx", "xlsx-and-docx"],
)
def test_containers_are_told_apart_by_their_members(members: dict[str, str | bytes], fmt: str) -> None:
    """A container that is two documents at once is refused: a reader would open the one not screened."""
    data = zip_of(members, zipfile.ZIP_STORED)
    assert sniff(data) == fmt
    if fmt == "ooxml-mixed":
        with pytest.raises(ExtractionError, match="more than one kind of Office document"):
            extract(data)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("memo.docx", "memo.docx"), ("a/b\\c.txt", "a_b_c.txt"), ("evil\u202excod.exe", "evil_xcod.exe"),
     ("\x1b[2Jclear.txt", "_[2Jclear.txt"), ("x" * 200, "x" * 77 + "...")],
    ids=["plain", "separators", "bidi-override", "escape-sequence", "long"],
)
def test_attachment_names_in_part_names_are_made_safe(raw: str, shown: str) -> None:
    from screener.text.parts import safe_name

    assert safe_name(raw) == shown


def test_tab_stop_definitions_are_not_text() -> None:
    body = ('<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Col</w:t></w:r>'
            "<w:r><w:tab/><w:t>umn</w:t></w:r></w:p>")
    assert extract(docx(body)).text == "Col\tumn"


def test_an_empty_attachment_hides_nothing() -> None:
    result = extract(eml("see the empty file", attachments=(("empty.txt", b"", "text/plain"),)), "m.eml")
    assert parts_holding(result, "empty.txt") == {"eml:attachment names"}


def test_encoded_headers_and_attachment_names_are_decoded() -> None:
    import base64

    word = base64.b64encode("Projet Kestrel \u2013 r\u00e9sum\u00e9".encode()).decode()
    name = base64.b64encode(b"kestrel-plan.txt").decode()
    data = (f"From: a@example.com\r\nSubject: =?utf-8?b?{word}?=\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n'
            f'--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="=?utf-8?b?{name}?="\r\n\r\n'
            "attached words\r\n--b--\r\n").encode()
    result = extract(data, "m.eml")
    assert parts_holding(result, "Projet Kestrel \u2013 r\u00e9sum\u00e9") == {"eml:headers"}
    assert parts_holding(result, "attached words") == {"eml:attachment kestrel-plan.txt"}
