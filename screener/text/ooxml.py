"""Office Open XML containers (DOCX, PPTX, XLSX) read within limits, and what the three formats share.

``Package`` opens the ZIP and checks, before any member is inflated, the member count, every member's
declared compression ratio and the declared total; reading a member refuses the encrypted flag and any
compression method but stored and deflate, and turns a bad CRC, a size that differs from the declared one or
a truncated stream into an ExtractionError. ``walk`` parses one member with defusedxml (no DTD, no entity,
no external reference: billion laughs and XXE are refused) as a stream of start/end events, counting every
element against the shared budget and refusing nesting deeper than the limit, and drops each element once it
has ended, so memory and time stay linear in the member's size whatever its shape.

Also shared: relationships (``*.rels``: external link targets), the document properties (``docProps/core.xml``,
``app.xml``, ``custom.xml``) and the paragraph-and-run text collector used by DOCX and PPTX.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from screener.errors import ExtractionError
from screener.text.parts import Budget, Extracted, PartsText, safe_name

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError,
                KeyError, IndexError)
_NUMERIC = re.compile(r"[\d\s.:+\-TZ]*|true|false", re.I)
# Values an office application writes by itself into ``app.xml`` (its name, the stock template, the labels of
# HeadingPairs, the theme, the slide format): never the author's text, and read by the model as organisations.
_PRODUCER = re.compile(r"(microsoft|libreoffice|openoffice|google|wps|apache|apple|kingsoft|onlyoffice)\b.*", re.I)
# What an office application writes by itself into ``app.xml``, by element: never the author's text, and read by
# the model as organisations. Any other value of these elements, and every other element (Company, Manager,
# TitlesOfParts...), is screened.
_STOCK: dict[str, frozenset[str]] = {
    "Template": frozenset({"normal", "normal.dot", "normal.dotm", "normal.dotx", "blank", "blank.potx",
                           "office theme"}),
    "PresentationFormat": frozenset({"on-screen show (4:3)", "on-screen show (16:9)", "on-screen show (16:10)",
                                     "widescreen", "custom", "letter paper (8.5x11 in)", "a4 paper (210x297 mm)"}),
    "HeadingPairs": frozenset({"title", "titles", "headings", "fonts used", "theme", "slide titles", "worksheets",
                               "named ranges", "charts", "embedded ole servers", "design template"}),
}
_EMBEDDED = re.compile(r"[^/]+/embeddings/[^/]+")
_MACROS = re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$", re.I)

Nested = Callable[[bytes, str | None], Extracted]


def local(tag: Any) -> str:
    """``{namespace}name`` -> ``name`` (OOXML Transitional and Strict use different namespaces)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attr(elem: Any, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    for key, value in elem.attrib.items():
        if local(key) == name:
            return str(value)
    return None


def rel_id(elem: Any) -> str:
    """The ``r:id`` of an element (a namespaced ``id``; a bare ``id`` attribute is another thing)."""
    for key, value in elem.attrib.items():
        if key.startswith("{") and local(key) == "id":
            return str(value)
    return ""


class Package:
    """A ZIP container checked against ``budget.limits`` on open; ``read`` returns one member's bytes."""

    def __init__(self, data: bytes, kind: str, budget: Budget) -> None:
        self.kind = kind
        self.budget = budget
        limits = budget.limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _READ_ERRORS as exc:
            raise ExtractionError(f"corrupt ZIP container ({exc.__class__.__name__})") from exc
        if len(infos) > limits.max_members:
            raise ExtractionError(f"{kind} has more than {limits.max_members} ZIP members")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size and (info.compress_size <= 0 or info.file_size / info.compress_size > limits.max_ratio):
                raise ExtractionError(f"{kind} member compression ratio above {limits.max_ratio} (zip bomb guard)")
        if total > limits.max_unzipped:
            raise ExtractionError(f"{kind} expands to more than {limits.max_unzipped} bytes (zip bomb guard)")
        if len({info.filename.lower() for info in infos}) != len(infos):  # OPC part names ignore case
            raise ExtractionError(f"{kind} has two ZIP members of the same name (readers would differ)")
        self._infos = {info.filename: info for info in infos}
        self.names = tuple(self._infos)
        self.seen: set[str] = set()  # members read so far

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str, label: str) -> bytes:
        """The bytes of member ``name``; errors name ``label`` (a part name), never the member's own name."""
        info = self._infos[name]
        self.seen.add(name)
        if info.flag_bits & 0x1:
            raise ExtractionError(f"encrypted ZIP member in {label}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ExtractionError(f"unsupported ZIP compression method {info.compress_type} in {label}")
        self.budget.count_unzipped(info.file_size)
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except _READ_ERRORS as exc:
            raise ExtractionError(f"corrupt ZIP member in {label} ({exc.__class__.__name__})") from exc
        if len(data) != info.file_size:
            raise ExtractionError(f"ZIP member in {label} differs from its declared size")
        return data

    def walk(self, name: str, label: str) -> Iterator[tuple[str, Any]]:
        return walk(self.read(name, label), label, self.budget)

    def rels(self, source: str, label: str) -> list[Relationship]:
        """The relationships of member ``source`` (``dir/_rels/name.rels``), targets resolved to member names."""
        folder, base = posixpath.split(source)
        name = posixpath.join(folder, "_rels", base + ".rels")
        return self.rels_in(name, label) if self.has(name) else []

    def rels_in(self, name: str, label: str) -> list[Relationship]:
        """The relationships in the ``.rels`` member ``name``."""
        folder = posixpath.dirname(posixpath.dirname(name))
        out = []
        for event, elem in self.walk(name, label):
            if event == "end" and local(elem.tag) == "Relationship":
                target = attr(elem, "Target") or ""
                external = (attr(elem, "TargetMode") or "").lower() == "external"
                if not external:
                    target = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
                out.append(Relationship(attr(elem, "Id") or "", (attr(elem, "Type") or "").rsplit("/", 1)[-1],
                                        target, external))
        return out


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str  # the last segment of the type URI: "slide", "notesSlide", "comments", "hyperlink"...
    target: str  # a member name, or the external address as written
    external: bool


def walk(data: bytes, label: str, budget: Budget) -> Iterator[tuple[str, Any]]:
    """("start" | "end", element) events of one XML document; an element is emptied after its end event."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    limit = budget.limits.max_xml_depth
    stack: list[Any] = []
    try:
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                budget.count_elements()
                stack.append(elem)
                if len(stack) > limit:
                    raise ExtractionError(f"XML in {label} nested deeper than {limit} elements")
                yield event, elem
            else:
                yield event, elem
                stack.pop()
                elem.clear()
                if stack:
                    del stack[-1][-1]  # the element that just ended is its parent's last child
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise ExtractionError(f"malformed or refused XML in {label} ({exc.__class__.__name__})") from exc


def rest(pkg: Package, fmt: str, out: PartsText, nested: Nested, link_parts: dict[str, str] | None = None) -> None:
    """What the format's own reading left: every external relationship target (hyperlinks, linked images and
    files; in ``link_parts[source member]`` when given, else ``FMT:hyperlink targets``), every embedded file
    (``*/embeddings/*``) extracted in turn as ``FMT:embedded NAME/...``, and any other XML member's text as
    ``FMT:other parts``. A macro project or an embedded file that cannot be extracted fails the document."""
    link_parts = link_parts or {}
    count = 0
    for name in pkg.names:
        if name.endswith(".rels"):
            source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
            part = link_parts.get(source, f"{fmt}:hyperlink targets")
            for rel in pkg.rels_in(name, part):
                if rel.external:
                    out.add(part, rel.target)
        elif name in pkg.seen or name.endswith("/"):
            continue
        elif _EMBEDDED.fullmatch(name):
            count += 1
            pkg.budget.count_attachment()
            label = posixpath.basename(name)
            data = pkg.read(name, f"{fmt}:embedded object {count}")
            try:
                inner = nested(data, label)
            except ExtractionError as exc:
                raise ExtractionError(f"embedded object {count}: {exc.message}") from exc
            out.nest(f"{fmt}:embedded {safe_name(label)}", inner)
        elif _MACROS.search(name):
            raise ExtractionError(f"{fmt.upper()} holds a macro project, which cannot be screened")
        elif name.lower().endswith(".xml") and name != "[Content_Types].xml":
            part = f"{fmt}:other parts"
            RunText(out, f"{fmt}:", loose=part).feed(pkg.walk(name, part), part)


def properties(pkg: Package, fmt: str, out: PartsText) -> None:
    """Core, app and custom document properties: every value that is not a bare number, date or flag, one line
    each (the part names the group); ``app.xml`` values an office application writes by itself (its name, the
    stock template, HeadingPairs labels) are left out, every other value there is kept."""
    for member, part in (("docProps/core.xml", "core properties"), ("docProps/app.xml", "app properties")):
        if not pkg.has(member):
            continue
        name = f"{fmt}:{part}"
        app = member.endswith("app.xml")
        field = ""  # the app.xml element a value belongs to (its child of Properties)
        depth = 0
        for event, elem in pkg.walk(member, name):
            if event == "start":
                depth += 1
                if depth == 2:
                    field = local(elem.tag)
                continue
            depth -= 1
            if elem.text and not _NUMERIC.fullmatch(elem.text.strip()):
                value = elem.text.strip()
                if not (app and _stock(field, value)):
                    out.add(name, value)  # the value alone: a label such as "Template:" reads as a name
    if pkg.has("docProps/custom.xml"):
        name = f"{fmt}:custom properties"
        prop = ""
        for event, elem in pkg.walk("docProps/custom.xml", name):
            tag = local(elem.tag)
            if event == "start" and tag == "property":
                prop = attr(elem, "name") or ""
            elif event == "end" and tag != "property" and elem.text and elem.text.strip():
                out.add(name, f"{prop}: {elem.text.strip()}")


def _stock(field: str, value: str) -> bool:
    """Whether a value of the ``app.xml`` element ``field`` is one an office application writes by itself."""
    if field == "Application":
        return _PRODUCER.fullmatch(value) is not None
    return value.lower() in _STOCK.get(field, frozenset())


class RunText:
    """Paragraph text of WordprocessingML and DrawingML in one pass: ``p`` elements (nested ones too) collect
    the ``t`` runs below them; tabs and breaks become whitespace. Deleted text (``delText``), field codes
    (``instrText``, ``fldSimple/@instr``), inserted text (``ins``, ``moveTo``; also kept in its paragraph, as
    Word shows it), alt text (``docPr``/``cNvPr`` descr and title, VML alt) and author names go to their own
    parts, named ``side`` + "alt text" and so on. Text inside ``txbxContent`` goes to ``boxes`` when given."""

    def __init__(self, out: PartsText, side: str, boxes: str | None = None, loose: str | None = None) -> None:
        self.out = out
        self.side = side
        self.boxes = boxes
        self.loose = loose  # when given, the text of elements outside any paragraph goes to this part
        self.authors: dict[str, None] = {}

    def feed(self, events: Iterator[tuple[str, Any]], part: str) -> None:
        out, side = self.out, self.side
        paras: list[tuple[list[str], list[str], list[str]]] = []  # text, deleted, inserted of each open paragraph
        in_box = in_tabs = in_ins = 0  # inside text boxes; tab-stop definitions (not text); tracked insertions
        for event, elem in events:
            tag = local(elem.tag)
            if event == "start":
                if tag == "tabs":
                    in_tabs += 1
                elif tag == "p":
                    paras.append(([], [], []))
                elif tag == "txbxContent":
                    in_box += 1
                elif tag in ("ins", "moveTo"):
                    in_ins += 1
                elif tag in ("docPr", "cNvPr", "shape", "imagedata", "rect", "roundrect", "oval"):  # DrawingML, VML
                    for key in ("descr", "title", "alt"):
                        value = attr(elem, key)
                        if value:
                            out.add(f"{side}alt text", value)
                elif tag == "fldSimple":
                    out.add(f"{side}field codes", attr(elem, "instr") or "")
                author = attr(elem, "author")
                if author:
                    self.authors[author] = None
                continue
            if tag == "t" and paras:
                paras[-1][0].append(elem.text or "")
                if in_ins:
                    paras[-1][2].append(elem.text or "")
            elif tag == "delText" and paras:
                paras[-1][1].append(elem.text or "")
            elif tag == "instrText":
                out.add(f"{side}field codes", elem.text or "")
            elif tag == "tabs":
                in_tabs -= 1
            elif tag in ("tab", "ptab") and paras and not in_tabs:
                paras[-1][0].append("\t")
            elif tag in ("br", "cr") and paras:
                paras[-1][0].append(" ")
            elif tag == "txbxContent":
                in_box -= 1
            elif tag in ("ins", "moveTo"):
                in_ins -= 1
            elif self.loose and not paras and elem.text and elem.text.strip():
                out.add(self.loose, elem.text.strip())
            elif tag == "p" and paras:
                text, deleted, inserted = paras.pop()
                out.add(self.boxes if in_box > 0 and self.boxes else part, "".join(text))
                out.add(f"{side}tracked insertions", "".join(inserted))  # also in the text, as Word shows it
                out.add(f"{side}tracked deletions", "".join(deleted))

    def flush_authors(self) -> None:
        self.out.add_all(f"{self.side}authors", self.authors)
