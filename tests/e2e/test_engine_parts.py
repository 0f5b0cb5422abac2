"""Through the library: findings in hidden parts of a document name their part and point into the screened
text; hostile files are UNSCANNED with a reason; plain text keeps its result bytes (no part keys)."""

from __future__ import annotations

import json

import pytest

from screener.engine import Screener
from screener.model import Metadata, Submission, Verdict
from screener.text.extract import extract
from tests.office_support import docx, docx_members, para, patch_member, rels, xlsx, zip_of

COMMENTS = ('<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment>'
            + para("Ask dana.whitfield@example.com before sending.") + "</w:comment></w:comments>")


def test_finding_in_docx_comments_names_its_part(engine: Screener) -> None:
    data = docx(para("A clean paragraph about engagement letters."), word__comments_dot_xml=COMMENTS)
    result = engine.screen(Submission(id="memo.docx", data=data, name="memo.docx"))
    text = extract(data).text
    emails = [f for f in result.findings if f.entity == "EMAIL_ADDRESS"]
    assert emails and all(f.part == "docx:comments" for f in emails)
    assert text[emails[0].span.start:emails[0].span.end] == "dana.whitfield@example.com"
    record = json.loads(result.to_json())
    assert [p["name"] for p in record["parts"]] == ["docx:body", "docx:comments"]
    assert any(f.get("part") == "docx:comments" for f in record["findings"])
    assert "dana.whitfield@example.com" not in (result.redacted_text or "")


def test_finding_in_hidden_sheet_cell_names_sheet_and_cell(engine: Screener) -> None:
    cells = '<row r="7"><c r="B7" t="inlineStr"><is><t>Card 4111 1111 1111 1111 on file</t></is></c></row>'
    data = xlsx({"Summary": '<row r="1"><c r="A1" t="inlineStr"><is><t>Totals</t></is></c></row>', "Ledger": cells},
                hidden=("Ledger",))
    result = engine.screen(Submission(id="book.xlsx", data=data))
    cards = [f for f in result.findings if f.entity == "CREDIT_CARD"]
    assert cards and cards[0].part == "xlsx:Ledger!B7"


def test_plain_text_result_has_no_part_keys(engine: Screener) -> None:
    record = json.loads(engine.screen(Submission(id="t", text="Write to dana.whitfield@example.com.")).to_json())
    assert "parts" not in record and record["findings"] and all("part" not in f for f in record["findings"])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (patch_member(zip_of(docx_members()), "word/document.xml", flags=0x1), "encrypted ZIP member"),
        (patch_member(zip_of(docx_members()), "word/document.xml", method=99), "unsupported ZIP compression"),
        (patch_member(zip_of(docx_members()), "word/document.xml", crc=0), "corrupt ZIP member"),
    ],
    ids=["encrypted-flag", "unknown-method", "bad-crc"],
)
def test_hostile_docx_is_unscanned_with_a_reason(engine: Screener, data: bytes, reason: str) -> None:
    result = engine.screen(Submission(id="x.docx", data=data))
    assert result.verdict is Verdict.UNSCANNED and reason in result.reasons[0]


NORTHWIND = Metadata(employers=("Northwind Bank",))
PAGE = ('<!doctype html><html><head><meta name="author" content="Dana Whitfield"></head><body>'
        "<p>Notes on treasury operations in general.</p>"
        "<script>var project = 'Project Kestrel';</script>"
        "<!-- Project Saltmarsh runs on ledger.corp.northwind-bank.example.com -->"
        '<img alt="Project Lanternfish roadmap" src="x.png">'
        '<a href="https://wiki.corp.northwind-bank.example.com/kestrel">wiki</a></body></html>')


def test_issue_page_hidden_codenames_and_hosts_are_found(engine: Screener) -> None:
    """The page of the report: 37 visible characters were screened and it was allowed."""
    result = engine.screen(Submission(id="page.html", data=PAGE.encode(), metadata=NORTHWIND))
    assert result.verdict is not Verdict.ALLOW
    parts = {f.part for f in result.findings if f.category.value == "employer-identifier"}
    assert {"html:script", "html:comments", "html:attribute alt", "html:attribute href"} <= parts
    assert any(f.part == "html:attribute content" for f in result.findings if f.entity == "PERSON")


def test_issue_docx_properties_links_and_deletions_are_found(engine: Screener) -> None:
    body = (para("A neutral paragraph about operations.")
            + '<w:p><w:hyperlink r:id="rId4"><w:r><w:t>see wiki</w:t></w:r></w:hyperlink>'
              "<w:del><w:r><w:delText>for Harbourline Shipping</w:delText></w:r></w:del></w:p>")
    data = docx(body,
                docProps__core_dot_xml=('<cp:coreProperties xmlns:cp="urn:cp" xmlns:dc="urn:dc"><dc:title>Project '
                                        "Kestrel plan</dc:title></cp:coreProperties>"),
                word___rels__document_dot_xml_dot_rels=rels(
                    ("rId4", "hyperlink", "https://wiki.corp.northwind-bank.example.com/p", True)))
    result = engine.screen(Submission(id="plan.docx", data=data, metadata=NORTHWIND))
    parts = {f.part for f in result.findings if f.category.value == "employer-identifier"}
    assert {"docx:core properties", "docx:hyperlink targets", "docx:tracked deletions"} <= parts
    assert result.verdict is not Verdict.ALLOW


def _app(**fields: str) -> str:
    """A ``docProps/app.xml`` as office applications write it, with ``fields`` as its elements."""
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' + inner
            + "</Properties>")


STOCK_APP = {
    "Template": "Normal.dotm", "TotalTime": "3", "Pages": "1", "Words": "9", "Application": "Microsoft Macintosh Word",
    "DocSecurity": "0", "ScaleCrop": "false",
    "HeadingPairs": "<vt:vector size='2' baseType='variant'><vt:variant><vt:lpstr>Title</vt:lpstr></vt:variant>"
                    "<vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector>",
    "AppVersion": "16.0000",
}


@pytest.mark.parametrize("app", [
    pytest.param(STOCK_APP, id="word-mac"),
    pytest.param({**STOCK_APP, "Application": "Microsoft Office Word", "Template": "Normal"}, id="word-windows"),
    pytest.param({"Application": "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c05"},
                 id="libreoffice"),
    pytest.param({**STOCK_APP, "Template": "Office Theme", "PresentationFormat": "On-screen Show (4:3)"}, id="theme"),
])
def test_what_an_office_application_writes_by_itself_is_no_finding(engine: Screener, app: dict[str, str]) -> None:
    """A clean document stays clean: the producer's name, the stock template and HeadingPairs labels are not
    the author's text (they were read as organisations and failed every Word file)."""
    data = docx(para("Reconciliation is done nightly by comparing two ledgers."), docProps__app_dot_xml=_app(**app))
    result = engine.screen(Submission(id="clean.docx", data=data, name="clean.docx"))
    assert result.verdict is Verdict.ALLOW, result.reasons


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("Company", "Northwind Bank", id="company"),
    pytest.param("Template", "Northwind Credit Memo.dotx", id="own-template"),
    pytest.param("Manager", "Project Kestrel steering group", id="manager"),
])
def test_app_properties_the_author_wrote_are_screened(engine: Screener, field: str, value: str) -> None:
    data = docx(para("Reconciliation is done nightly."), docProps__app_dot_xml=_app(**{**STOCK_APP, field: value}))
    result = engine.screen(Submission(id="p.docx", data=data, name="p.docx"))
    assert any(f.category.value == "employer-identifier" and f.part == "docx:app properties"
               for f in result.findings), result.reasons


def test_stock_values_are_left_out_by_element_not_by_value() -> None:
    """A stock value is left out only in the element the application writes it to: "Title" as a HeadingPairs
    label goes, "Title" as a part title and "Custom" as a company stay; a Template of the author's stays."""
    app = {**STOCK_APP, "Company": "Custom", "Template": "Quarterly Memo.dotx",
           "TitlesOfParts": "<vt:vector size='1' baseType='lpstr'><vt:lpstr>Title</vt:lpstr></vt:vector>"}
    text = extract(docx(para("Body."), docProps__app_dot_xml=_app(**app))).text
    lines = text.splitlines()
    assert "Custom" in lines and "Quarterly Memo.dotx" in lines
    assert lines.count("Title") == 1  # the part title, not the HeadingPairs label
    assert "Microsoft Macintosh Word" not in text and "Normal.dotm" not in text
