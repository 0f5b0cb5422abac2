"""Hidden parts of HTML, DOCX and PDF are extracted, each under its name, and offsets lead back to them."""

from __future__ import annotations

import pytest

from screener.errors import ExtractionError
from screener.model import Category, Evidence, Finding, Metadata, ScreenResult, Span, Verdict
from screener.text.extract import Extracted, Limits, extract, part_at
from tests.office_support import (
    docx,
    para,
    pdf,
    raw_pdf,
    rels,
    stream,
    text_ops,
)

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def parts_holding(result: Extracted, needle: str) -> set[str]:
    """Names of the parts whose text holds ``needle`` (found by offset, as a finding would be)."""
    starts = [i for i in range(len(result.text)) if result.text.startswith(needle, i)]
    return {name for name in part_at(result.parts, result.text, starts) if name}


HTML = (
    '<!doctype html><html><head><meta name="author" content="Dana Example"><title>Notes</title>'
    "<style>.k::after{content:'style-secret'}</style></head><body>"
    "<p>Visible words only.</p>"
    "<script>var codename = 'script-secret';</script>"
    "<!-- comment-secret on db01.intranet.example.com -->"
    '<img src="https://cdn.example.com/src-secret.png" alt="alt-secret">'
    '<a href="https://wiki.intranet.example.com/href-secret" title="title-secret">wiki</a>'
    '<div data-owner="data-secret">x</div>'
    "<div hidden>hidden-attr-secret <b>bold-hidden-secret</b></div> tail-visible"
    '<span style="display: none">display-none-secret</span>'
    '<p aria-hidden="true">aria-secret</p>'
    "<template><p>template-secret</p></template>"
    '<form action="https://forms.intranet.example.com/action-secret"><input type="hidden" name="id" '
    'value="hidden-input-secret"><input value="input-value-secret" placeholder="placeholder-secret">'
    "<textarea>textarea-secret</textarea></form>"
    '<button onclick="send(\'handler-secret\')">Go</button>'
    '<div class="banner-class-secret" style="background:url(https://bg-host.example.com/a.png)" '
    'itemscope custom-note="other-attr-secret">.</div>'
    '<script src="/a.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K"></script>'
    "</body></html>"
)

HTML_CASES = [
    ("meta-content", "Dana Example", "html:attribute content"),
    ("style", "style-secret", "html:style"),
    ("visible", "Visible words only.", "html:text"),
    ("script", "script-secret", "html:script"),
    ("comment", "comment-secret", "html:comments"),
    ("comment-host", "db01.intranet.example.com", "html:comments"),
    ("src", "src-secret", "html:attribute src"),
    ("alt", "alt-secret", "html:attribute alt"),
    ("href", "href-secret", "html:attribute href"),
    ("title-attribute", "title-secret", "html:attribute title"),
    ("data", "data-secret", "html:attribute data-*"),
    ("hidden-attribute", "hidden-attr-secret", "html:hidden"),
    ("inside-hidden", "bold-hidden-secret", "html:hidden"),
    ("display-none", "display-none-secret", "html:hidden"),
    ("aria-hidden", "aria-secret", "html:hidden"),
    ("template", "template-secret", "html:hidden"),
    ("form-action", "action-secret", "html:attribute action"),
    ("hidden-input", "hidden-input-secret", "html:form values"),
    ("input-value", "input-value-secret", "html:form values"),
    ("placeholder", "placeholder-secret", "html:attribute placeholder"),
    ("textarea", "textarea-secret", "html:text"),
    ("event-handler", "handler-secret", "html:script"),
    ("after-hidden-is-visible", "tail-visible", "html:text"),
    ("class", "banner-class-secret", "html:attribute class"),
    ("style-attribute", "bg-host.example.com", "html:attribute style"),
    ("other-attribute", "other-attr-secret", "html:attribute other"),
]


def test_html_presentational_attributes_stay_out() -> None:
    assert "sha384" not in extract(HTML.encode()).text  # integrity hashes would read as secrets


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES])
def test_html_hidden_places_are_screened_in_their_part(needle: str, part: str) -> None:
    assert parts_holding(extract(HTML.encode()), needle) == {part}


CORE = ('<cp:coreProperties xmlns:cp="urn:cp" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Project core-secret</dc:title><dc:creator>Dana Example</dc:creator><cp:revision>4</cp:revision>"
        "</cp:coreProperties>")
APP = "<Properties><Company>app-secret Holdings</Company><Pages>3</Pages></Properties>"
CUSTOM = ('<Properties xmlns:vt="urn:vt"><property name="Client"><vt:lpwstr>custom-secret</vt:lpwstr></property>'
          "</Properties>")
BODY = (
    para("Plain body text.")
    + '<w:p><w:ins w:author="Reviewer One"><w:r><w:t>inserted-secret</w:t></w:r></w:ins>'
      '<w:del w:author="Reviewer Two"><w:r><w:delText>deleted-secret</w:delText></w:r></w:del></w:p>'
    + '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>the wiki</w:t></w:r></w:hyperlink></w:p>'
    + '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://field-secret.example'
      '.com" </w:instrText></w:r></w:p>'
    + "<w:p><w:r><w:pict><v:textbox xmlns:v='urn:v'><w:txbxContent><w:p><w:r><w:t>textbox-secret</w:t></w:r></w:p>"
      "</w:txbxContent></v:textbox></w:pict></w:r><w:r><w:t>around the box</w:t></w:r></w:p>"
    + '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="alt-secret diagram" '
      'title="alt-title-secret"/></wp:inline></w:drawing></w:r></w:p>'
    + "<w:p><w:r><w:pict><v:shape xmlns:v='urn:v' alt='vml-alt-secret'><v:imagedata xmlns:o='urn:o' "
      "o:title='vml-title-secret'/></v:shape></w:pict></w:r></w:p>"
)


def _full_docx() -> bytes:
    part = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return docx(
        BODY,
        word__header1_dot_xml=f"<w:hdr {part}>{para('header-secret')}</w:hdr>",
        word__footer2_dot_xml=f"<w:ftr {part}>{para('footer-secret')}</w:ftr>",
        word__footnotes_dot_xml=f"<w:footnotes {part}><w:footnote>{para('footnote-secret')}</w:footnote></w:footnotes>",
        word__endnotes_dot_xml=f"<w:endnotes {part}><w:endnote>{para('endnote-secret')}</w:endnote></w:endnotes>",
        word__comments_dot_xml=(f'<w:comments {part}><w:comment w:author="Sam Example">{para("comment-secret")}'
                                "</w:comment></w:comments>"),
        word___rels__document_dot_xml_dot_rels=rels(("rId9", "hyperlink", "https://wiki.intranet.example.com/p",
                                                     True), ("rId1", "styles", "styles.xml", False)),
        docProps__core_dot_xml=CORE,
        docProps__app_dot_xml=APP,
        docProps__custom_dot_xml=CUSTOM,
    )


DOCX_CASES = [
    ("body", "Plain body text.", "docx:body"),
    ("tracked-insertion", "inserted-secret", {"docx:body", "docx:tracked insertions"}),
    ("tracked-deletion", "deleted-secret", "docx:tracked deletions"),
    ("change-author", "Reviewer Two", "docx:authors"),
    ("comment-author", "Sam Example", "docx:authors"),
    ("hyperlink-target", "wiki.intranet.example.com", "docx:hyperlink targets"),
    ("field-code", "field-secret", "docx:field codes"),
    ("text-box", "textbox-secret", "docx:text boxes"),
    ("text-around-box", "around the box", "docx:body"),
    ("alt-description", "alt-secret", "docx:alt text"),
    ("alt-title", "alt-title-secret", "docx:alt text"),
    ("vml-alt", "vml-alt-secret", "docx:alt text"),
    ("vml-title", "vml-title-secret", "docx:alt text"),
    ("header", "header-secret", "docx:headers"),
    ("footer", "footer-secret", "docx:footers"),
    ("footnote", "footnote-secret", "docx:footnotes"),
    ("endnote", "endnote-secret", "docx:endnotes"),
    ("comment", "comment-secret", "docx:comments"),
    ("core-property", "core-secret", "docx:core properties"),
    ("core-author", "Dana Example", "docx:core properties"),
    ("app-property", "app-secret", "docx:app properties"),
    ("custom-property", "custom-secret", "docx:custom properties"),
]


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in DOCX_CASES], ids=[c[0] for c in DOCX_CASES])
def test_docx_hidden_parts_are_screened_in_their_part(needle: str, part: str | set[str]) -> None:
    assert parts_holding(extract(_full_docx()), needle) == (part if isinstance(part, set) else {part})


def test_docx_internal_relationships_and_bare_numbers_stay_out() -> None:
    text = extract(_full_docx()).text
    assert "styles.xml" not in text and "revision" not in text and "Pages" not in text


def _annotated_pdf(writer, pages) -> None:  # type: ignore[no-untyped-def]
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer.add_metadata({"/Author": "Dana Example", "/Title": "meta-secret"})
    note = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
                             NameObject("/Contents"): TextStringObject("annotation-secret"),
                             NameObject("/T"): TextStringObject("Sam Example"),
                             NameObject("/Rect"): ArrayObject([])})
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                                                 NameObject("/URI"): TextStringObject(
                                                                     "https://link-secret.intranet.example.com")})})
    pages[1][NameObject("/Annots")] = ArrayObject([writer._add_object(note), writer._add_object(link)])
    writer.add_attachment("memo.txt", b"attached-secret in a text file")


PDF_CASES = [
    ("page-1", "First page", "pdf:page 1"),
    ("page-2", "Second page", "pdf:page 2"),
    ("annotation", "annotation-secret", "pdf:page 2 annotations"),
    ("annotation-author", "Sam Example", "pdf:page 2 annotations"),
    ("link", "link-secret", "pdf:page 2 annotations"),
    ("metadata", "meta-secret", "pdf:metadata"),
    ("metadata-author", "Dana Example", "pdf:metadata"),
    ("attached-file", "attached-secret", "pdf:attachment memo.txt"),
]


@pytest.mark.parametrize(("needle", "part"), [c[1:] for c in PDF_CASES], ids=[c[0] for c in PDF_CASES])
def test_pdf_hidden_parts_are_screened_in_their_part(needle: str, part: str) -> None:
    data = pdf([text_ops("First page"), text_ops("Second page")], extra=_annotated_pdf)
    assert parts_holding(extract(data), needle) == {part}


def test_pdf_form_fields_are_screened() -> None:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    data = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                    stream(text_ops("Form")), font,
                    b"<< /T (client) /TU (tooltip-secret) /V (value-secret) /Opt [(option-secret)] >>"])
    result = extract(data)
    for needle in ("client", "tooltip-secret", "value-secret", "option-secret"):
        assert parts_holding(result, needle) == {"pdf:form fields"}


def test_pdf_without_a_text_layer_stays_unscanned_whatever_its_metadata() -> None:
    with pytest.raises(ExtractionError, match="no text found"):
        extract(pdf([b"q Q"], extra=lambda w, p: w.add_metadata({"/Title": "A title"})))


def test_pdf_attached_unreadable_file_fails_the_whole_file() -> None:
    data = pdf([text_ops("Cover")], extra=lambda w, p: w.add_attachment("logo.png", b"\x89PNG\r\n\x00\x00"))
    with pytest.raises(ExtractionError, match="attached file 1: binary content"):
        extract(data)


def test_pdf_attached_files_are_bounded() -> None:
    def many(writer, pages) -> None:  # type: ignore[no-untyped-def]
        for i in range(5):
            writer.add_attachment(f"note{i}.txt", b"attached note")

    with pytest.raises(ExtractionError, match="more than 3 attachments"):
        extract(pdf([text_ops("Cover")], extra=many), limits=Limits(max_attachments=3))


def test_part_at_names_labelled_lines() -> None:
    from screener.text.parts import Budget, PartsText

    out = PartsText(Budget(Limits()))
    out.add("xlsx:Sheet1", "alpha value", label="A1")
    out.add("xlsx:Sheet1", "beta\nvalue", label="B7")
    out.add("docx:body", "gamma")
    result = out.build("xlsx")
    text = result.text
    offsets = [text.index("alpha"), text.index("value", text.index("beta")), text.index("gamma")]
    assert part_at(result.parts, text, offsets) == ["xlsx:Sheet1!A1", "xlsx:Sheet1!B7", "docx:body"]
    assert part_at((), "plain", [0]) == [None]


def _finding(part: str | None) -> Finding:
    return Finding("PII101", Category.PERSONAL_DATA, Span(0, 4), 0.9, Evidence("pii", "regex", "EMAIL_ADDRESS"),
                   part=part)


def test_part_is_in_json_only_when_set() -> None:
    assert "part" not in _finding(None).to_dict()
    assert _finding("docx:comments").to_dict()["part"] == "docx:comments"
    plain = ScreenResult("s", Verdict.ALLOW, (), (), Metadata(), None, 0)
    assert "parts" not in plain.to_dict()
    parted = ScreenResult("s", Verdict.ALLOW, (), (), Metadata(), None, 0, parts=(("docx:body", 0, 9),))
    assert parted.to_dict()["parts"] == [{"name": "docx:body", "span": [0, 9]}]



def _with(extra: dict[str, str | bytes]) -> bytes:
    from tests.office_support import docx_members, xlsx, zip_of

    members = docx_members(para("Decoy body."))
    for name, body in extra.items():
        members[name] = xlsx({"Rates": body}) if name.endswith(".xlsx") and isinstance(body, str) else body
    return zip_of(members)


OTHER_MEMBERS = [
    ("main-document-under-another-name", {"word/main.xml": f"<w:document {W_NS}><w:body>{para('real-secret')}"
                                                          "</w:body></w:document>"}, "real-secret", "docx:other parts"),
    ("custom-xml", {"customXml/item1.xml": "<root><client>customxml-secret</client></root>"}, "customxml-secret",
     "docx:other parts"),
    ("chart-cache", {"word/charts/chart1.xml": "<c:chartSpace xmlns:c='urn:c'><c:v>chart-secret</c:v>"
                                               "</c:chartSpace>"}, "chart-secret", "docx:other parts"),
    ("embedded-workbook", {"word/embeddings/Book1.xlsx": '<row r="2"><c r="C2" t="inlineStr"><is><t>embedded-secret'
                                                         "</t></is></c></row>"}, "embedded-secret",
     "docx:embedded Book1.xlsx/xlsx:Rates!C2"),
    ("external-link-of-a-header", {"word/_rels/header1.xml.rels": rels(("rId1", "image", "https://img-secret.example"
                                                                               ".com/a.png", True))},
     "img-secret", "docx:hyperlink targets"),
]


@pytest.mark.parametrize(("extra", "needle", "part"), [c[1:] for c in OTHER_MEMBERS], ids=[c[0] for c in OTHER_MEMBERS])
def test_every_other_member_with_text_is_screened(extra: dict[str, str | bytes], needle: str, part: str) -> None:
    assert parts_holding(extract(_with(extra)), needle) == {part}


@pytest.mark.parametrize(
    ("extra", "reason"),
    [({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"}, "embedded object 1: binary"),
     ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "macro project"),
     ({"word/embeddings/Doc2.docx": b"PK\x03\x04broken"}, "embedded object 1: corrupt ZIP")],
    ids=["ole-object", "macros", "broken-embedded-docx"],
)
def test_unreadable_embedded_content_fails_the_document(extra: dict[str, str | bytes], reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract(_with(extra))


def test_pdf_bookmarks_and_scripts_are_screened_and_cycles_end() -> None:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    data = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R /OpenAction 9 0 R "
                    b"/Names << /JavaScript << /Names [(a) 10 0 R] >> >> >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                    stream(text_ops("Body")), font,
                    b"<< /Type /Outlines /First 7 0 R >>",
                    b"<< /Title (bookmark-secret) /Next 8 0 R /A << /S /URI /URI (https://mark.example.com) >> >>",
                    b"<< /Title (second-bookmark) /Next 7 0 R >>",  # loops back to the first
                    b"<< /S /JavaScript /JS (app.alert('open-script-secret')) >>",
                    b"<< /S /JavaScript /JS 11 0 R >>",
                    stream(b"var owner = 'named-script-secret';")])
    result = extract(data)
    for needle, part in (("bookmark-secret", "pdf:bookmarks"), ("second-bookmark", "pdf:bookmarks"),
                         ("mark.example.com", "pdf:bookmarks"), ("open-script-secret", "pdf:scripts"),
                         ("named-script-secret", "pdf:scripts")):
        assert parts_holding(result, needle) == {part}, needle
    assert result.text.count("bookmark-secret") == 1


IMAGE = stream(b"\x00", b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8", compress=False)
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _two_pages(second: bytes, resources: bytes) -> bytes:
    """Page 1 has text; page 2 draws ``second`` with ``resources`` (object 7 is an image, 8 a form holding it)."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                    b"<< /Type /Page /MediaBox [0 0 300 200] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
                    b"<< /Type /Page /MediaBox [0 0 300 200] /Contents 9 0 R /Resources << %s >> >>" % resources,
                    stream(text_ops("Typed page")), FONT, IMAGE,
                    stream(b"q /Im0 Do Q", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] "
                                           b"/Resources << /XObject << /Im0 7 0 R >> >>"),
                    stream(second)])


@pytest.mark.parametrize(
    ("second", "resources", "reason"),
    [(b"q 300 0 0 200 0 0 cm /Im0 Do Q", b"/XObject << /Im0 7 0 R >>", "page 2 is images without a text layer"),
     (b"/Fm0 Do", b"/XObject << /Fm0 8 0 R >>", "page 2 is images without a text layer"),
     (b"q Q", b"", None),
     (text_ops("Caption") + b" /Im0 Do", b"/Font << /F1 6 0 R >> /XObject << /Im0 7 0 R >>", None)],
    ids=["scanned-page", "scanned-page-through-a-form", "blank-page", "image-with-a-caption"],
)
def test_a_scanned_page_among_typed_pages_fails_closed(second: bytes, resources: bytes, reason: str | None) -> None:
    data = _two_pages(second, resources)
    if reason is None:
        assert "Typed page" in extract(data).text
    else:
        with pytest.raises(ExtractionError, match=reason):
            extract(data)
