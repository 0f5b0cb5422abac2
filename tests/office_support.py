"""Builders of synthetic documents for extraction tests: DOCX, PPTX, XLSX, e-mail and PDF, written member by
member (no binary fixtures), and ZIP surgery for hostile containers. Names are fictional (example.com)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from email.message import EmailMessage

W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
P = ('xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
     'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
S = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def zip_of(members: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def rels(*items: tuple[str, str, str, bool]) -> str:
    """(id, type, target, external) -> a .rels member."""
    mode = ' TargetMode="External"'
    body = "".join(f'<Relationship Id="{i}" Type="{TYPE}{t}" Target="{target}"{mode if ext else ""}/>'
                   for i, t, target, ext in items)
    return f"<Relationships {RELS}>{body}</Relationships>"


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_members(body: str = para("Quarterly memo"), **extra: str) -> dict[str, str | bytes]:
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>",
    }
    members.update({k.replace("__", "/").replace("_dot_", "."): v for k, v in extra.items()})
    return members


def docx(body: str = para("Quarterly memo"), **extra: str) -> bytes:
    return zip_of(docx_members(body, **extra))


def slide(*texts: str, alt: str = "") -> str:
    shapes = "".join(f'<p:sp><p:nvSpPr><p:cNvPr id="{i + 2}" name="s"/></p:nvSpPr><p:txBody><a:p><a:r>'
                     f"<a:t>{t}</a:t></a:r></a:p></p:txBody></p:sp>" for i, t in enumerate(texts))
    if alt:
        shapes += f'<p:pic><p:nvPicPr><p:cNvPr id="99" name="Picture" descr="{alt}"/></p:nvPicPr></p:pic>'
    return f"<p:sld {P}><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></p:sld>"


def pptx_members(slides: list[str], notes: dict[int, str] | None = None,
                 comments: dict[int, str] | None = None) -> dict[str, str | bytes]:
    """Slides in list order; notes and legacy comments by 1-based slide number."""
    notes, comments = notes or {}, comments or {}
    ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 1}"/>' for i in range(len(slides)))
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": "<Types/>",
        "ppt/presentation.xml": f"<p:presentation {P}><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>",
        # slide members numbered in reverse, so list order and member names disagree
        "ppt/_rels/presentation.xml.rels": rels(*((f"rId{i + 1}", "slide", f"slides/slide{len(slides) - i}.xml",
                                                    False) for i in range(len(slides)))),
    }
    for i, body in enumerate(slides):
        member = len(slides) - i
        members[f"ppt/slides/slide{member}.xml"] = body
        links: list[tuple[str, str, str, bool]] = []
        if i + 1 in notes:
            members[f"ppt/notesSlides/notesSlide{member}.xml"] = (
                f"<p:notes {P}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{notes[i + 1]}</a:t></a:r></a:p>"
                "</p:txBody></p:sp></p:spTree></p:cSld></p:notes>")
            links.append(("rId1", "notesSlide", f"../notesSlides/notesSlide{member}.xml", False))
        if i + 1 in comments:
            members[f"ppt/comments/comment{member}.xml"] = (
                f'<p:cmLst {P}><p:cm authorId="0"><p:text>{comments[i + 1]}</p:text></p:cm></p:cmLst>')
            links.append(("rId2", "comments", f"../comments/comment{member}.xml", False))
        if links:
            members[f"ppt/slides/_rels/slide{member}.xml.rels"] = rels(*links)
    return members


def pptx(slides: list[str], **kw: dict[int, str]) -> bytes:
    return zip_of(pptx_members(slides, **kw))


def xlsx_members(sheets: dict[str, str], hidden: tuple[str, ...] = (), shared: tuple[str, ...] = (),
                 comments: dict[str, str] | None = None, defined: str = "") -> dict[str, str | bytes]:
    """``sheets``: name -> the inside of ``sheetData``; ``comments``: sheet name -> comment list XML."""
    comments = comments or {}
    state = ' state="hidden"'
    entries = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"{state if n in hidden else ""}/>'
                      for i, n in enumerate(sheets))
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": f"<workbook {S}><sheets>{entries}</sheets>{defined}</workbook>",
        "xl/_rels/workbook.xml.rels": rels(*((f"rId{i + 1}", "worksheet", f"worksheets/sheet{i + 1}.xml", False)
                                             for i in range(len(sheets)))),
    }
    if shared:
        members["xl/sharedStrings.xml"] = f"<sst {S}>" + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>"
    for i, (name, data) in enumerate(sheets.items()):
        members[f"xl/worksheets/sheet{i + 1}.xml"] = f"<worksheet {S}><sheetData>{data}</sheetData></worksheet>"
        if name in comments:
            members[f"xl/comments{i + 1}.xml"] = f"<comments {S}>{comments[name]}</comments>"
            members[f"xl/worksheets/_rels/sheet{i + 1}.xml.rels"] = rels(
                ("rId1", "comments", f"../comments{i + 1}.xml", False))
    return members


def xlsx(sheets: dict[str, str], **kw: object) -> bytes:
    return zip_of(xlsx_members(sheets, **kw))  # type: ignore[arg-type]


def eml(body: str, html: str | None = None, attachments: tuple[tuple[str, bytes, str], ...] = (),
        **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.get("sender", "Alex Doe <alex@example.com>")
    msg["To"] = headers.get("to", "Sam Roe <sam@example.org>")
    msg["Subject"] = headers.get("subject", "Notes")
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, data, mime in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def pdf(pages: list[bytes], shared: bool = False, extra: object = None) -> bytes:
    """One page per content stream (``shared``: every page draws the first stream). ``extra(writer, pages)``
    may add objects before writing."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    font_ref = writer._add_object(font)
    refs = []
    for ops in pages[:1] if shared else pages:
        stream = DecodedStreamObject()
        stream.set_data(ops)
        refs.append(writer._add_object(stream.flate_encode()))
    made = []
    for i in range(len(pages)):
        page = writer.add_blank_page(width=300, height=200)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
        page[NameObject("/Contents")] = refs[0 if shared else i]
        made.append(page)
    if callable(extra):
        extra(writer, made)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_ops(text: str) -> bytes:
    return f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()


# -- ZIP surgery: patch one member's headers (local and central) -------------------------------------------


def patch_member(data: bytes, member: str, *, flags: int | None = None, method: int | None = None,
                 size: int | None = None, crc: int | None = None) -> bytes:
    """Rewrite the general-purpose flags, compression method, uncompressed size or CRC of ``member``."""
    out = bytearray(data)
    name = member.encode()
    at = 0
    while (at := out.find(b"PK\x03\x04", at)) >= 0:  # local headers
        n = struct.unpack_from("<H", out, at + 26)[0]
        if out[at + 30:at + 30 + n] == name:
            _patch(out, at, 6, 8, 14, 22, flags, method, crc, size)
        at += 4
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:  # central directory
        n = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + n] == name:
            _patch(out, at, 8, 10, 16, 24, flags, method, crc, size)
        at += 4
    return bytes(out)


def _patch(out: bytearray, at: int, f: int, m: int, c: int, s: int, flags: int | None, method: int | None,
           crc: int | None, size: int | None) -> None:
    if flags is not None:
        struct.pack_into("<H", out, at + f, flags)
    if method is not None:
        struct.pack_into("<H", out, at + m, method)
    if crc is not None:
        struct.pack_into("<I", out, at + c, crc)
    if size is not None:
        struct.pack_into("<I", out, at + s, size)


def flip_stored_byte(members: dict[str, str | bytes], member: str) -> bytes:
    """The package with ``member`` stored uncompressed and one byte of its data changed (CRC no longer holds)."""
    data = bytearray(zip_of(members, zipfile.ZIP_STORED))
    body = members[member]
    raw = body.encode() if isinstance(body, str) else body
    at = data.find(raw)
    data[at + len(raw) // 2] ^= 0x20
    return bytes(data)


def deflate_garbage(members: dict[str, str | bytes], member: str) -> bytes:
    """The package with ``member``'s deflate stream replaced by bytes that are not deflate (same length)."""
    data = bytearray(zip_of(members))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    start = info.header_offset + 30 + len(member.encode()) + len(info.extra)
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


def zlib_bomb(size: int) -> bytes:
    return zlib.compress(b" " * size, 9)


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from object bodies (object n is ``objects[n - 1]``), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    body = zlib.compress(data, 9) if compress else data
    flt = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s %s >>\nstream\n" % (len(body), flt, extra) + body + b"\nendstream"
