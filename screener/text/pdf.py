"""PDF: the text layer page by page, and what a reader does not see at once, each as a named part.

Parts: ``pdf:page N``, ``pdf:page N annotations`` (contents, authors, subjects, link addresses),
``pdf:metadata`` (document information), ``pdf:XMP metadata``, ``pdf:form fields`` (names, tooltips, values,
options), ``pdf:bookmarks`` (outline titles and links), ``pdf:scripts`` (document JavaScript),
``pdf:attachment NAME/...`` (attached files, extracted like any submission, within the same budget). Object
graphs (fields, outlines, name trees) are walked iteratively, each object once.

Before any text is extracted, the work it will take is counted: every content stream is decoded once and its
tokens counted (a token boundary is a whitespace or delimiter byte: an upper bound that no spacing can dodge),
and each use of a stream adds its count again: pages sharing one stream, and form XObjects drawn with ``Do``
(nested ones too, to a depth limit; a cycle is refused). pypdf's ``extract_text`` runs each stream at each use,
so the count is proportional to its time: 3 million tokens take about 10-25 s.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from screener.errors import ExtractionError
from screener.text.ooxml import local, walk
from screener.text.parts import Budget, Extracted, Limits, PartsText, safe_name

Nested = Callable[[bytes, str | None], Extracted]

_DELIMITERS = b" \t\r\n\f\x00()[]<>{}/%"
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![A-Za-z])")
_DATE_KEYS = frozenset({"/CreationDate", "/ModDate"})


def _tokens(data: bytes) -> int:
    return len(data) - len(data.translate(None, _DELIMITERS))


class _Cost:
    """Tokens that text extraction will run, counting every reuse of a stream (see the module docstring)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0
        self.memo: dict[int, int] = {}
        self.open: set[int] = set()

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.max_pdf_tokens:
            raise ExtractionError(f"PDF content streams run more than {self.limits.max_pdf_tokens} tokens "
                                  "(shared streams and form XObjects counted at each use)")

    def page(self, page: Any) -> None:
        contents = page.get("/Contents")
        resources = _resolve(page.get("/Resources"))
        items = _resolve(contents)
        for item in items if isinstance(items, list) else [contents]:
            if item is not None:
                self.add(self.stream(item, resources, 0))

    def stream(self, ref: Any, resources: Any, depth: int) -> int:
        key = getattr(ref, "idnum", None)
        key = id(ref) if key is None else key
        if key in self.memo:
            return self.memo[key]
        if key in self.open or depth > self.limits.max_pdf_xobject_depth:
            raise ExtractionError(f"PDF form XObjects nested deeper than {self.limits.max_pdf_xobject_depth} "
                                  "or drawn in a cycle")
        self.open.add(key)
        obj = _resolve(ref)
        data = obj.get_data() if hasattr(obj, "get_data") else b""
        cost = _tokens(data)
        xobjects: Any = _resolve(resources.get("/XObject")) if hasattr(resources, "get") else None
        for name in _DO.findall(data) if hasattr(xobjects, "get") else ():
            ref_of = xobjects.get("/" + name.decode("latin-1"))
            form = _resolve(ref_of)
            if hasattr(form, "get") and form.get("/Subtype") == "/Form":
                inner = _resolve(form.get("/Resources")) or resources
                cost += self.stream(ref_of, inner, depth + 1)
                if cost > self.limits.max_pdf_tokens:
                    self.add(cost)
        self.open.discard(key)
        self.memo[key] = cost
        return cost


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") and obj is not None else obj


def _text(value: Any) -> str:
    value = _resolve(value)
    if value is None:
        return ""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _annotations(page: Any, number: int, out: PartsText, budget: Budget, attach: Callable[[Any, str], None]) -> None:
    name = f"pdf:page {number} annotations"
    annots = _resolve(page.get("/Annots"))
    for ref in annots if isinstance(annots, list) else []:
        budget.count_elements()
        annot = _resolve(ref)
        if not hasattr(annot, "get"):
            continue
        for key in ("/Contents", "/T", "/Subj", "/RC", "/NM"):
            if annot.get(key) is not None:
                out.add(name, _text(annot.get(key)))
        action = _resolve(annot.get("/A"))
        if hasattr(action, "get") and action.get("/URI") is not None:
            out.add(name, _text(action.get("/URI")))
        spec = _resolve(annot.get("/FS"))
        if annot.get("/Subtype") == "/FileAttachment" and hasattr(spec, "get"):
            embedded = _resolve(spec.get("/EF"))
            if hasattr(embedded, "get") and embedded.get("/F") is not None:
                label = _text(spec.get("/UF") or spec.get("/F") or "file")
                attach(_resolve(embedded.get("/F")).get_data(), label)


def _fields(root: Any, out: PartsText, budget: Budget) -> None:
    """AcroForm fields: names, tooltips, values and options, over the field tree with each object read once."""
    form = _resolve(root.get("/AcroForm"))
    if not hasattr(form, "get"):
        return
    for field in _linked(form.get("/Fields"), budget, ("/Kids",)):
        for key in ("/T", "/TU", "/V", "/DV"):
            if field.get(key) is not None:
                out.add("pdf:form fields", _text(field.get(key)))
        options = _resolve(field.get("/Opt"))
        for option in options if isinstance(options, list) else []:
            option = _resolve(option)
            text = " ".join(_text(o) for o in option) if isinstance(option, list) else _text(option)
            out.add("pdf:form fields", text)


def _linked(start: Any, budget: Budget, links: tuple[str, ...]) -> Iterator[Any]:
    """Every dictionary reachable from ``start`` through the keys ``links``, each object once (cycles end)."""
    queue, seen = [start], set()
    while queue:
        ref = queue.pop()
        key = getattr(ref, "idnum", None)
        if ref is None or (key is not None and key in seen):
            continue
        if key is not None:
            seen.add(key)
        budget.count_elements()
        item = _resolve(ref)
        if isinstance(item, list):
            queue.extend(item)
            continue
        if not hasattr(item, "get"):
            continue
        yield item
        queue.extend(item.get(link) for link in links)


def _outline_and_scripts(root: Any, out: PartsText, budget: Budget) -> None:
    """Bookmark titles and their link addresses; document JavaScript (name tree and open action)."""
    outlines = _resolve(root.get("/Outlines"))
    if hasattr(outlines, "get"):
        for item in _linked(outlines.get("/First"), budget, ("/First", "/Next")):
            out.add("pdf:bookmarks", _text(item.get("/Title")))
            action = _resolve(item.get("/A"))
            if hasattr(action, "get"):
                out.add("pdf:bookmarks", _text(action.get("/URI")))
    names = _resolve(root.get("/Names"))
    scripts = _resolve(names.get("/JavaScript")) if hasattr(names, "get") else None
    actions = [root.get("/OpenAction")]
    if hasattr(scripts, "get"):
        for node in _linked(scripts, budget, ("/Kids",)):
            entries = _resolve(node.get("/Names"))
            actions.extend(entries[1::2] if isinstance(entries, list) else [])
    for action in _linked(actions, budget, ("/Next",)):
        code = _resolve(action.get("/JS"))
        out.add_all("pdf:scripts", (code.get_data().decode("latin-1") if hasattr(code, "get_data")
                                    else _text(code)).split("\n"))


def _xmp(root: Any, out: PartsText, budget: Budget) -> None:
    stream = _resolve(root.get("/Metadata"))
    if not hasattr(stream, "get_data"):
        return
    for event, elem in walk(stream.get_data(), "pdf:XMP metadata", budget):
        if event == "end" and elem.text and elem.text.strip():
            out.add("pdf:XMP metadata", f"{local(elem.tag)}: {elem.text.strip()}")


def _embedded(reader: Any) -> Iterator[tuple[str, bytes]]:
    for name, datas in reader.attachments.items():
        for data in datas:
            yield str(name), data


def _has_images(page: Any, budget: Budget) -> bool:
    """Whether the page draws image XObjects, directly or through its form XObjects (each object once)."""
    resources = _resolve(page.get("/Resources"))
    if not hasattr(resources, "get"):
        return False
    for xobject in _linked(resources.get("/XObject"), budget, ()):
        for ref in xobject.values():
            item = _resolve(ref)
            if hasattr(item, "get") and item.get("/Subtype") == "/Image":
                return True
            if hasattr(item, "get") and item.get("/Subtype") == "/Form":
                inner = _resolve(item.get("/Resources"))
                if hasattr(inner, "get") and _has_images_in(inner.get("/XObject"), budget):
                    return True
    return False


def _has_images_in(xobjects: Any, budget: Budget) -> bool:
    return any(_resolve(ref).get("/Subtype") == "/Image" for x in _linked(xobjects, budget, ()) for ref in x.values()
               if hasattr(_resolve(ref), "get"))


def pdf_to_text(data: bytes, budget: Budget, nested: Nested) -> Extracted:
    """Raises ExtractionError for an encrypted PDF or a limit; anything pypdf raises is left to the caller."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    limits = budget.limits
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ExtractionError("encrypted PDF")
    pages = reader.pages
    if len(pages) > limits.max_pages:
        raise ExtractionError(f"PDF has more than {limits.max_pages} pages")
    cost = _Cost(limits)
    for page in pages:
        cost.page(page)
    out = PartsText(budget)
    count = 0

    def attach(payload: bytes, label: str) -> None:
        nonlocal count
        count += 1
        budget.count_attachment()
        try:
            inner = nested(payload, label)
        except ExtractionError as exc:
            raise ExtractionError(f"attached file {count}: {exc.message}") from exc
        out.nest(f"pdf:attachment {safe_name(label)}", inner)

    layer = 0
    for number, page in enumerate(pages, 1):
        text = page.extract_text() or ""
        layer += len(text.strip())
        if not text.strip() and _has_images(page, budget):
            raise ExtractionError(f"PDF page {number} is images without a text layer (scanned pages are not read)")
        out.add_all(f"pdf:page {number}", text.split("\n"))
        _annotations(page, number, out, budget, attach)
    if not layer:  # whatever the metadata says, there is no document text to screen
        raise ExtractionError("no text found in pdf submission (no text layer)")
    info: Any = reader.metadata or {}
    for key in sorted(info):
        if key not in _DATE_KEYS:
            out.add("pdf:metadata", f"{key.lstrip('/')}: {_text(info.get(key))}")
    root = _resolve(reader.trailer.get("/Root"))
    if hasattr(root, "get"):
        _xmp(root, out, budget)
        _fields(root, out, budget)
        _outline_and_scripts(root, out, budget)
    for name, payload in _embedded(reader):
        attach(payload, name)
    return out.build("pdf")
